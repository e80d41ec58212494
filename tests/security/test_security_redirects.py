"""Issue 8, item 4: every `next=` redirect stays on this site, whatever form
the hostile URL takes. A Location is judged the way a browser reads it:
backslashes are slashes, leading blanks and control characters are dropped."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Follow
from accounts.tests.factories import DEFAULT_PASSWORD

HOSTILE = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example/",
    "///evil.example/",
    "\\\\evil.example/",
    "/\\evil.example/",
    "\\/evil.example/",
    " //evil.example/",
    "\t//evil.example/",
    "\x00//evil.example/",
    "/\t/evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "http:///evil.example",
    "https://testserver@evil.example/",
    "https://evil.example\\@testserver/",
    "https://evil.example%2F@testserver/",
    "%2F%2Fevil.example",
    "/%2F%2Fevil.example",
    "%5C%5Cevil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example:443@testserver",
    "//testserver.evil.example/",
]


def as_browser_reads(location: str, base: str = "http://testserver/somewhere/") -> tuple[str, str]:
    """(scheme, host) a browser would go to for this Location."""
    cleaned = re.sub(r"[\x00-\x20]", "", location).replace("\\", "/")
    target = urlsplit(urljoin(base, cleaned))
    return target.scheme, target.hostname or ""


def assert_on_site(response):
    if response.status_code in (301, 302, 303, 307, 308):
        assert as_browser_reads(response["Location"]) in {("http", "testserver"), ("https", "testserver")}, response[
            "Location"
        ]


def test_the_judge_catches_what_a_browser_would_follow():
    for location in ["//evil.example/", "/\\evil.example", "\t//evil.example", "https:evil.example", "javascript:x"]:
        assert as_browser_reads(location) != ("http", "testserver")
    assert as_browser_reads("/explore/") == ("http", "testserver")
    assert as_browser_reads("%2F%2Fevil.example") == ("http", "testserver")


@pytest.mark.parametrize("target", HOSTILE)
def test_login(alice, target):
    response = Client().post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD, "next": target})
    assert response.status_code == 302
    assert_on_site(response)
    # Also as a query string parameter, as the login link sends it.
    response = Client().post(
        reverse("account_login") + "?" + "next=" + target, {"login": "alice", "password": DEFAULT_PASSWORD}
    )
    assert_on_site(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_login_page_does_not_echo_it_as_a_link(db, target):
    response = Client().get(reverse("account_login"), {"next": target})
    assert response.status_code == 200
    for value in _attributes(response.content.decode(), "href", "action"):
        assert as_browser_reads(value) in {("http", "testserver"), ("https", "testserver")}, value


@pytest.mark.parametrize("target", HOSTILE)
def test_signup(db, target):
    response = Client().post(
        reverse("account_signup"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": "Tr0ub4dor&3x-long",
            "password2": "Tr0ub4dor&3x-long",
            "accept_rules": "on",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert_on_site(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_logout(alice_client, target):
    response = alice_client.post(reverse("account_logout"), {"next": target})
    assert response.status_code == 302
    assert_on_site(response)


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch(alice_client, target):
    response = alice_client.post(reverse("set_language"), {"language": "es", "next": target})
    assert_on_site(response)
    # With no next, Django falls back to the Referer: a hostile one too.
    response = alice_client.post(reverse("set_language"), {"language": "es"}, HTTP_REFERER=target)
    assert_on_site(response)


@pytest.mark.parametrize("action", ["follow", "unfollow"])
@pytest.mark.parametrize("target", HOSTILE)
def test_follow_and_unfollow(alice_client, alice, charlie, action, target):
    response = alice_client.post(reverse(f"accounts:{action}", args=["charlie"]), {"next": target})
    assert response.status_code == 302
    assert_on_site(response)
    assert Follow.objects.filter(follower=alice, followed=charlie).exists() == (action == "follow")


@pytest.mark.parametrize("target", HOSTILE)
def test_popover_follow_form_keeps_next_on_site(alice_client, charlie, target):
    response = alice_client.get(reverse("accounts:popover", args=["charlie"]), {"next": target})
    assert response.status_code == 200
    for value in _attributes(response.content.decode(), "href", "action"):
        assert as_browser_reads(value) in {("http", "testserver"), ("https", "testserver")}, value
    for value in _inputs(response.content.decode(), "next"):
        assert value == "" or as_browser_reads(value) == ("http", "testserver"), value


def test_a_next_on_this_site_is_followed(alice_client, charlie):
    response = alice_client.post(reverse("accounts:follow", args=["charlie"]), {"next": "/explore/?page=2"})
    assert response["Location"] == "/explore/?page=2"


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(html):
    collector = _Collector()
    collector.feed(html)
    return collector.tags


def _attributes(html, *names):
    return [attrs[name] for _, attrs in _parse(html) for name in names if attrs.get(name) is not None]


def _inputs(html, name):
    return [attrs.get("value") or "" for tag, attrs in _parse(html) if tag == "input" and attrs.get("name") == name]
