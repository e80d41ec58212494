"""Walks the main pages with Spanish active and fails on English left over.

Table-driven: add a page to PAGES (URL name, arguments, who looks at it) and it
is checked too. "English" means any string of our catalog that Spanish
translates differently, plus KNOWN_ENGLISH below for strings from other apps."""

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.services import follow_create
from accounts.tests.factories import UserFactory
from messaging.models import Notice
from messaging.services import message_send, notice_add
from posts.services import post_create
from posts.tests.factories import PostFactory

# (URL name, URL arguments, "member" for alice logged in with Spanish saved, or "anonymous" with a
# Spanish browser[, query string])
PAGES = [
    ("posts:home", [], "member"),
    ("posts:explore", [], "member"),
    # An older page: the pager's "Newest" and "Newer" links show (a cursor from the year 9000 lists everything).
    ("posts:explore", [], "member", "before=221845392000000000_1"),
    ("posts:user", ["alice"], "member", "before=221845392000000000_1"),
    ("posts:user", ["alice"], "member"),
    ("posts:user", ["bob"], "member"),
    ("accounts:profile-edit", [], "member"),
    ("accounts:popover", ["bob"], "member"),
    # A post found (with the navbar box holding the query), then a member found and no post.
    ("search:search", [], "member", "q=hola"),
    ("search:search", [], "member", "q=alice"),
    ("messaging:inbox", [], "member"),
    ("posts:tag", ["hola"], "member"),
    ("posts:tag", ["nadie"], "member"),
    ("posts:notifications", [], "member"),
    ("posts:notifications", [], "member", "filter=mentions"),
    ("search:search", [], "member", "q=@bo"),
    ("messaging:message-create", ["bob"], "member"),
    # Writing to herself: the page explains why no form is shown.
    ("messaging:message-create", ["alice"], "member"),
    ("account_change_password", [], "member"),
    ("account_email", [], "member"),
    ("account_logout", [], "member"),
    ("account_login", [], "anonymous"),
    ("account_signup", [], "anonymous"),
    ("account_reset_password", [], "anonymous"),
    ("account_reset_password_done", [], "anonymous"),
    # Two-factor settings (allauth.mfa) and the password prompt that guards changing them.
    ("mfa_index", [], "member"),
    ("account_reauthenticate", [], "member"),
]

# English from allauth, Django and our own pages that a missed translation would show.
KNOWN_ENGLISH = [
    "Sign In", "Sign Up", "Sign Out", "Password", "Forgot your password", "Remember Me", "Username",
    "Email", "Home", "Explore", "Profile", "Log out", "Log in", "Follow", "Unfollow", "Last seen",
    "Edit your profile", "Posts", "Newer", "Older", "Save", "Cancel", "Language", "Change password",
    "characters left", "ago", "minutes", "hours", "Translate", "Not seen yet", "followers",
    "Message", "Messages", "Reply", "Send", "new", "Unread messages", "Export my posts", "Download", "Done",
    "Progress", "Exporting your posts", "Your export has started", "Search", "People", "Results for",
    "No posts match your search", "Two-Factor Authentication", "Two-factor authentication", "Authenticator App",
    "Recovery Codes", "Activate", "Confirm Access", "Please reauthenticate",
]  # fmt: skip
# Never translated: the site's name, the test members' names, "English" in the
# language menus, where each language is named in its own tongue, and the feed formats.
ALLOWED = {"Microblog", "alice", "bob", "English", "(RSS)", "(Atom)"}


class VisibleText(HTMLParser):
    """Text a reader sees or hears: text nodes and the attributes screen readers and tooltips use."""

    READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "value"}

    def __init__(self):
        super().__init__()
        self.chunks = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            # value= of hidden inputs (tokens, next URLs) is not read by anyone.
            if name in self.READ_ATTRIBUTES and value and not (name == "value" and ("type", "hidden") in attrs):
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(data.strip())


def english_phrases():
    catalog = polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"))
    phrases = set(KNOWN_ENGLISH)
    for entry in catalog.translated_entries():
        for msgid in filter(None, [entry.msgid, entry.msgid_plural]):
            # Only the words around placeholders and markup.
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid):
                if len(piece.strip(" .,!?")) >= 4:
                    phrases.add(piece.strip(" .,!?"))
    return sorted(phrases - ALLOWED)


def english_in(html: str, phrases) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    text = "\n".join(parser.chunks)
    return [phrase for phrase in phrases if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)]


@pytest.fixture
def spanish_clients(alice, bob, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"
    with django_capture_on_commit_callbacks(execute=True):  # indexed for search, as after a real commit
        alice.language = "es"
        alice.save()
        PostFactory(author=alice, body="Hola a todos", language="es")
        PostFactory(author=bob, body="¿Qué tal?", language="es")
    # A mention with a tag, a follow and likes: the tag page, the bell's badge and the
    # notifications page's sentences (single, grouped, with a post) all have something to say.
    post_create(author=bob, body="Hola @alice #hola https://example.com")
    follow_create(follower=UserFactory(), followed=alice)
    mine = PostFactory(author=alice, body="Buenos días", language="es")
    for member in UserFactory.create_batch(3):
        notice_add(recipient=alice, kind=Notice.Kind.LIKE, actor=member, subject_id=mine.pk)
    # An unread message: the inbox lists it and the navbar shows its badge.
    message_send(sender=bob, recipient=alice, body="¿Cenamos el viernes?")
    member = Client(headers={"accept-language": "en"})  # her saved Spanish must win
    member.force_login(alice)
    # A finished export, started as alice would: every page then shows the navbar's job
    # box with its download link, the profile its "download your export" link, and the
    # next page the flashed "export started" message.
    with django_capture_on_commit_callbacks(execute=True):
        member.post(reverse("posts:export"))
    return {"member": member, "anonymous": Client(headers={"accept-language": "es-ES,es;q=0.9"})}


ROWS = [(name, args, who, query[0] if query else "") for name, args, who, *query in PAGES]


@pytest.mark.parametrize(
    ("name", "args", "who", "query"),
    ROWS,
    ids=[f"{name}{args or ''}{'?' + query if query else ''}" for name, args, _who, query in ROWS],
)
def test_the_page_shows_no_english_with_spanish_active(spanish_clients, name, args, who, query):
    response = spanish_clients[who].get(reverse(name, args=args) + (f"?{query}" if query else ""))

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "es"
    assert english_in(response.content.decode(), english_phrases()) == []


def test_the_member_pages_render_what_the_walk_is_meant_to_check(spanish_clients):
    # Guards the fixture: a walk over empty pages would pass without checking these strings.
    member = spanish_clients["member"]
    profile = member.get(reverse("posts:user", args=["alice"])).content.decode()
    inbox = member.get(reverse("messaging:inbox")).content.decode()

    assert "Exportar mis publicaciones" in profile and "Descargar tu exportación del" in profile
    assert "Exportando tus publicaciones" in profile and "Listo:" in profile  # the navbar's finished job
    assert "¿Cenamos el viernes?" in inbox and "Responder" in inbox
    older_page = member.get(reverse("posts:explore"), {"before": "221845392000000000_1"}).content.decode()
    # (Timelines say "Load more" where the inbox and a post's replies say "Older".)
    assert "Lo más reciente" in older_page and "Más recientes" in older_page
    messages_page = member.get(reverse("messaging:inbox"), {"before": "221845392000000000_1"}).content.decode()
    assert "Más antiguas" in messages_page
    found_post = member.get(reverse("search:search"), {"q": "hola"}).content.decode()
    found_member = member.get(reverse("search:search"), {"q": "alice"}).content.decode()
    assert "<mark>Hola</mark> a todos" in found_post
    assert "Personas" in found_member and "Ninguna publicación coincide con tu búsqueda." in found_member


@pytest.mark.parametrize(
    ("name", "args", "error"),
    [
        ("posts:home", [], "Tu publicación está vacía."),
        ("messaging:message-create", ["bob"], "Tu mensaje está vacío."),
    ],
)
def test_a_refused_form_answers_in_spanish(spanish_clients, name, args, error):
    response = spanish_clients["member"].post(reverse(name, args=args), {"body": "  "})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert english_in(response.content.decode(), english_phrases()) == []


def test_a_sent_message_is_confirmed_in_spanish(spanish_clients):
    response = spanish_clients["member"].post(
        reverse("messaging:message-create", args=["bob"]), {"body": "¡Hola!"}, follow=True
    )

    assert "Tu mensaje para bob se ha enviado." in response.content.decode()
    assert english_in(response.content.decode(), english_phrases()) == []


def test_the_search_outage_notice_is_in_spanish(spanish_clients, search_index):
    shutil.rmtree(search_index.path)  # no index: the backend cannot answer

    response = spanish_clients["member"].get(reverse("search:search"), {"q": "hola"})

    assert response.status_code == 503
    assert "La búsqueda no está disponible en este momento." in response.content.decode()
    assert english_in(response.content.decode(), english_phrases()) == []


def test_the_check_catches_english(spanish_clients):
    # The walker itself: an untranslated page must fail it.
    html = '<p>Explore</p><button aria-label="Close">x</button><time>3 minutes ago</time>'

    assert set(english_in(html, english_phrases())) >= {"Explore", "Close", "minutes"}


def test_the_404_page_is_in_spanish(spanish_clients):
    response = spanish_clients["member"].get("/no-such-page/")

    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()
    assert english_in(response.content.decode(), english_phrases()) == []
