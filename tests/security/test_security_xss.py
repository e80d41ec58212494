"""Issue 8, item 6: everything a member can type is shown escaped wherever it
appears. Each payload is stored in a post, a private message and alice's
"about me", and sent as a search query; every page, fragment, admin list and
browsable API page that shows them is parsed, and must hold no element or
attribute the payload tried to inject — while still showing the payload as
text, so an empty page can't pass."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from messaging.models import Message
from messaging.services import message_send
from posts.services import post_create, post_edit

# Every payload contains the word "xss", which is also what the search looks for.
PAYLOADS = [
    '<script>alert("xss")</script>',
    '<img src=x onerror=alert("xss")>',
    '"><xss data-xss=1>',
    "'><xss data-xss=1>",
    '" data-xss="1" x="',
    "' data-xss='1' x='",
    '<svg/onload=alert("xss")>',
    'javascript:alert("xss")',
    "</textarea></title><xss data-xss=1>",
    'http://example.com/"data-xss="1',
    "<a href=\"javascript:alert('xss')\">xss</a>",
    "{{ xss }}{% debug %}",
    "<!--xss--><style>*{x:expression(alert(1))}</style>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Probe(HTMLParser):
    """Collects what the payloads would inject if they were live, and the text
    and attribute values a reader sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.injected, self.seen, self._in = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in {"xss", "svg", "img"} and any(name in {"data-xss", "onload", "onerror"} for name, _ in attrs):
            self.injected.append(tag)
        if tag in {"script", "style"}:
            self._in = tag
        for name, value in attrs:
            self.seen.append(value or "")
            if name.startswith("on") or name == "data-xss":
                self.injected.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.injected.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        # A script is flagged by the payload's call, not by "xss": the browsable
        # API's own script holds a random CSRF token, which can contain it.
        live_script = self._in == "script" and "alert(" in data
        if live_script or self._in == "style" and ("xss" in data or "expression" in data):
            self.injected.append(f"<{self._in}> {data[:40]}")
        self.seen.append(data)

    def handle_comment(self, data):
        if "xss" in data:
            self.injected.append(f"<!--{data}-->")


def assert_inert(html: str, payload: str, where: str, shown: bool = True):
    probe = _Probe()
    probe.feed(html)
    probe.close()
    assert probe.injected == [], f"live markup from {payload!r} on {where}"
    if shown:
        # Whitespace may be folded by a template; compare without it.
        flat = "".join("".join(probe.seen).split())
        assert "".join(payload.split()) in flat, f"{payload!r} is not shown on {where}"


@pytest.fixture
def stored(request, alice, bob, charlie, django_capture_on_commit_callbacks):
    """The payload in alice's post, her message to bob, and her about me; charlie is a superuser."""
    payload = request.param
    charlie.is_staff = charlie.is_superuser = True
    charlie.save()
    with django_capture_on_commit_callbacks(execute=True):
        alice.about_me = payload
        alice.save()
        post = post_create(author=alice, body=payload)
        message_send(sender=alice, recipient=bob, body=payload)
    return payload, post


def _client(member):
    client = Client()
    client.force_login(member)
    return client


@pytest.mark.parametrize("stored", PAYLOADS, indirect=True, ids=range(len(PAYLOADS)))
def test_stored_payloads_are_inert_everywhere(stored, alice, bob, charlie):
    payload, post = stored
    message = Message.objects.get()
    quote = post_create(author=bob, body=payload, quote_of=post, in_reply_to=post)
    edited = post_create(author=alice, body=payload)
    post_edit(post=edited, body="fixed")
    pages = [
        (bob, "/", True),
        (bob, "/explore/", True),
        (bob, "/user/alice/", True),
        (bob, "/user/alice/popover/", True),
        (bob, "/messages/", True),
        (bob, "/search/?q=xss", True),
        (alice, "/notifications/", False),  # lists who did what; the payload is in no notice
        (alice, "/profile/edit/", True),
        # Conversations: the post page (and its Open Graph tags), a reply, a quote card,
        # the edit history, the quote, edit and delete pages.
        (bob, post.get_absolute_url(), True),
        (bob, quote.get_absolute_url(), True),
        (bob, f"/@alice/{edited.pk}/history/", True),
        (bob, f"/post/{post.pk}/quote/", True),
        (alice, f"/post/{post.pk}/edit/", True),
        (alice, f"/post/{post.pk}/delete/", True),
        (charlie, "/admin/posts/post/", True),
        (charlie, f"/admin/posts/post/{post.pk}/change/", True),
        (charlie, "/admin/posts/post/?q=xss", True),
        (charlie, "/admin/messaging/message/", False),  # lists sender → recipient, not the body
        (charlie, f"/admin/messaging/message/{message.pk}/change/", True),
        (charlie, "/admin/accounts/user/", False),
        (charlie, f"/admin/accounts/user/{alice.pk}/change/", True),
    ]
    for member, url, shown in pages:
        response = _client(member).get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), payload, url, shown)


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_payloads_around_links_mentions_and_tags_are_inert(alice, bob, payload):
    """Clickable text (posts.text): the payload beside, inside and after a URL, a mention
    and a hashtag, on every page that shows the rendered body or a notice."""
    body = f"{payload} @bob #tea{payload} https://example.com/{payload} #tea @bob{payload}"
    post_create(author=alice, body=body)
    pages = ["/", "/explore/", "/user/alice/", "/tags/tea/", "/notifications/", "/notifications/?filter=mentions"]
    for url in pages:
        response = _client(bob).get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_inert(html, payload, url, shown=False)
        assert 'class="hashtag"' in html or url.startswith("/notifications/?"), url
    # The API's html field and its notices, in the browsable API (JSON inside <pre>).
    for url in ["/api/posts", "/api/notices", "/api/tags/tea/posts"]:
        response = _client(bob).get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), payload, url, shown=False)
        assert "xss" in response.content.decode(), url


@pytest.mark.parametrize("stored", PAYLOADS, indirect=True, ids=range(len(PAYLOADS)))
def test_stored_payloads_are_inert_in_the_browsable_api(stored, alice, bob):
    payload, post = stored
    for url in [
        "/api/posts",
        f"/api/posts/{post.pk}",
        f"/api/users/{alice.pk}",
        "/api/messages",
        "/api/timeline",
    ]:
        response = _client(bob).get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
        # The browsable API shows the JSON inside <pre>, so the payload appears JSON-encoded.
        assert_inert(response.content.decode(), payload, url, shown=False)
        assert "xss" in response.content.decode()


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_json_answers_are_never_sniffed_as_html(alice, bob, payload):
    """The JSON endpoints carry the payload raw; nosniff keeps a browser from running it as a page."""
    message_send(sender=alice, recipient=bob, body=payload)
    for url in ["/notifications/?since=0", "/api/messages"]:
        response = _client(bob).get(url, HTTP_ACCEPT="application/json")
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_search_queries_are_reflected_inert(alice, payload, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # an index to search
        post_create(author=alice, body="Nothing to see")
    response = _client(alice).get(reverse("search:search"), {"q": payload})

    assert response.status_code == 200
    assert_inert(response.content.decode(), payload, "the search page")


@pytest.mark.parametrize("payload", ["<xss>", '"><b>', "a'b", "java script:x", "x onload=y"])
def test_usernames_cannot_carry_markup(db, alice, payload):
    signup = Client().post(
        reverse("account_signup"),
        {"username": payload, "email": "new@example.com", "password1": "Tr0ub4dor&3x", "password2": "Tr0ub4dor&3x"},
    )
    assert signup.status_code == 200 and "username" in signup.context["form"].errors
    edit = _client(alice).post(reverse("accounts:profile-edit"), {"username": payload, "about_me": ""})
    assert edit.status_code == 200 and "username" in edit.context["form"].errors
    alice.refresh_from_db()
    assert alice.username == "alice"


def test_the_probe_catches_live_markup():
    """The detector itself: unescaped payloads are caught, escaped ones are not."""
    from django.utils.html import escape

    live = [payload for payload in PAYLOADS if payload not in {'javascript:alert("xss")', "{{ xss }}{% debug %}"}]
    for payload in live:
        caught = 0
        for raw in [f'<p title="{payload}">{payload}</p>', f"<p title='{payload}'>{payload}</p>"]:
            try:
                assert_inert(raw, payload, "a raw page")
            except AssertionError:
                caught += 1
        assert caught, payload
        assert_inert(f'<p title="{escape(payload)}">{escape(payload)}</p>', payload, "an escaped page")
    with pytest.raises(AssertionError, match="live markup"):
        assert_inert('<a href=" JavaScript:alert(1)">x</a>', "x", "a link")
