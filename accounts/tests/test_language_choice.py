"""Which interface language a request gets: the member's saved choice, else the
language cookie (footer switcher), else Accept-Language, else English."""

import pytest
from django.conf import settings
from django.urls import reverse

EXPLORE = reverse("posts:explore")
LOGIN = reverse("account_login")


def language_of(response):
    return response.headers["Content-Language"]


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_english_by_default(client):
    assert language_of(client.get(LOGIN)) == "en"


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_their_browsers_language(client):
    response = client.get(LOGIN, headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"})

    assert language_of(response) == "de"


@pytest.mark.django_db
def test_an_unsupported_browser_language_falls_back_to_english(client):
    assert language_of(client.get(LOGIN, headers={"accept-language": "ja,zh;q=0.8"})) == "en"


@pytest.mark.django_db
def test_the_footer_switcher_sets_the_language_for_an_anonymous_visitor(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": LOGIN})

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert language_of(client.get(LOGIN, headers={"accept-language": "de"})) == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "language, notice",
    [
        ("en", "The site is now in English."),
        ("fr", "Le site est maintenant en français."),
        ("de", "Die Seite ist jetzt auf Deutsch."),
        ("es", "El sitio ya está en español."),
    ],
)
def test_the_next_page_says_so_in_the_language_just_chosen(client, language, notice):
    response = client.post(reverse("set_language"), {"language": language, "next": LOGIN}, follow=True)

    assert response.redirect_chain == [(LOGIN, 302)]
    assert language_of(response) == language
    assert notice in response.content.decode()


@pytest.mark.django_db
def test_the_switcher_ignores_an_unknown_language(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": LOGIN}, follow=True)

    assert language_of(response) == "en"
    assert "The site is now in" not in response.content.decode()


@pytest.mark.django_db
def test_the_footer_switcher_is_shown_to_anonymous_visitors_only(client, alice_client):
    assert 'action="/i18n/setlang/"' in client.get(LOGIN).content.decode()
    assert 'action="/i18n/setlang/"' not in alice_client.get(EXPLORE).content.decode()


def test_a_members_saved_language_wins_over_the_browser_and_the_cookie(alice, alice_client):
    alice.language = "es"
    alice.save()
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    response = alice_client.get(EXPLORE, headers={"accept-language": "de"})

    assert language_of(response) == "es"
    assert '<html lang="es" ' in response.content.decode()


def test_a_member_without_a_saved_language_gets_their_browsers(alice_client):
    assert language_of(alice_client.get(EXPLORE, headers={"accept-language": "fr"})) == "fr"


def test_a_saved_language_no_longer_offered_is_ignored(alice, alice_client):
    alice.language = "pt"
    alice.save()

    assert language_of(alice_client.get(EXPLORE, headers={"accept-language": "de"})) == "de"


def test_a_member_chooses_their_language_in_the_profile_form(alice, alice_client):
    url = reverse("accounts:profile-edit")

    response = alice_client.post(url, {"username": "alice", "about_me": "", "language": "de"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "de"
    assert language_of(alice_client.get(EXPLORE)) == "de"


def test_the_profile_form_refuses_an_unknown_language(alice, alice_client):
    response = alice_client.post(reverse("accounts:profile-edit"), {"username": "alice", "language": "xx"})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.language == ""


def test_the_profile_form_names_each_language_in_its_own_tongue(alice_client):
    content = alice_client.get(reverse("accounts:profile-edit")).content.decode()

    for name in ("English", "español", "Deutsch", "français"):
        assert name in content
