"""allauth's pages in the site's words: "Log in" / "Sign up" / "Log out" in sentence case, as
the navigation and the rest of the site say them, in every language (allauth says "Sign In")."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

# allauth's words where the site has its own, and the site's.
ALLAUTH_WORDS = [
    "Sign In",
    "Sign Out",
    "Sign Up",
    "Remember Me",
    "Password Reset",
    "Change Password",
    "Set Password",
    "Current Password",
    "New Password",
    "New Password (again)",
]
SITE_WORDS = [
    "Log in",
    "Log out",
    "Sign up",
    "Remember me",
    "Reset your password",
    "Change password",
    "Current password",
    "New password",
    "New password (again)",
]
LANGUAGES = ["en", "de", "es", "fr"]


class Headings(HTMLParser):
    """The texts a member reads as the page's name and its controls: title, h1, buttons, labels."""

    TAGS = {"title", "h1", "button", "label"}

    def __init__(self):
        super().__init__()
        self.open, self.texts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.open.append(tag)
            self.texts.append("")

    def handle_endtag(self, tag):
        if tag in self.TAGS and self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.open:
            self.texts[-1] += data


def words(language, msgids):
    with translation.override(language):
        return {translation.gettext(msgid) for msgid in msgids}


def assert_site_wording(response, language, expected):
    assert response.status_code == 200
    parser = Headings()
    parser.feed(response.content.decode())
    texts = {" ".join(text.split()).removesuffix(" · Microblog").rstrip("*") for text in parser.texts}
    # No title, heading, button or label in allauth's words where the site says it otherwise
    # (German "Anmeldung" for "Sign In" where the site says "Anmelden").
    assert not texts & (words(language, ALLAUTH_WORDS) - words(language, SITE_WORDS)), texts
    assert words(language, [expected]) <= texts, texts


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "name, expected",
    [
        ("account_login", "Log in"),
        ("account_signup", "Sign up"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Reset your password"),
    ],
)
def test_the_entrance_pages_use_the_sites_words(client, language, name, expected):
    client.cookies["django_language"] = language
    assert_site_wording(client.get(reverse(name)), language, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stale_reset_link_says_so_in_the_sites_words(client, language):
    client.cookies["django_language"] = language
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "set-password"})
    response = client.get(url, follow=True)
    assert_site_wording(response, language, "This link has expired")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "name, expected", [("account_logout", "Log out"), ("account_change_password", "Change password")]
)
def test_a_members_account_pages_use_the_sites_words(alice_client, alice, language, name, expected):
    alice.language = language
    alice.save(update_fields=["language"])
    alice_client.cookies["django_language"] = language
    assert_site_wording(alice_client.get(reverse(name)), language, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_logging_in_and_out_is_said_in_the_sites_words(client, alice, language):
    from accounts.tests.factories import DEFAULT_PASSWORD

    alice.language = language
    alice.save(update_fields=["language"])
    client.cookies["django_language"] = language
    logged_in = client.post(reverse("account_login"), {"login": "alice", "password": DEFAULT_PASSWORD}, follow=True)
    logged_out = client.post(reverse("account_logout"), follow=True)

    with translation.override(language):
        assert translation.gettext("You're logged in as %(name)s.") % {"name": "alice"} in {
            str(message) for message in logged_in.context["messages"]
        }
        assert translation.gettext("You have logged out.") in {
            str(message) for message in logged_out.context["messages"]
        }
