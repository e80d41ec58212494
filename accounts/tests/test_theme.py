"""The colour theme: the system's light/dark setting unless the member picks one in
their profile (User.theme), which every page then carries as Bootstrap's data-bs-theme."""

import pytest
from django.urls import reverse

EDIT = reverse("accounts:profile-edit")


def _html_tag(response) -> str:
    text = response.content.decode()
    return text[text.index("<html") : text.index(">", text.index("<html"))]


def test_by_default_pages_follow_the_system_setting(alice_client, client):
    for response in (alice_client.get(reverse("posts:home")), client.get(reverse("account_login"))):
        tag = _html_tag(response)
        assert 'data-theme-choice="auto"' in tag and "data-bs-theme" not in tag
        assert "js/theme.js" in response.text  # which applies the system's choice before painting


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_a_chosen_theme_overrides_the_system_on_every_page(alice, alice_client, theme):
    response = alice_client.post(EDIT, {"username": "alice", "about_me": "", "theme": theme})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.theme == theme

    for url in (reverse("posts:home"), EDIT, reverse("messaging:inbox"), "/no/such/page/"):
        assert f'data-bs-theme="{theme}"' in _html_tag(alice_client.get(url)), url


def test_back_to_the_system_setting(alice, alice_client):
    alice.theme = "dark"
    alice.save()

    alice_client.post(EDIT, {"username": "alice", "about_me": "", "theme": ""})

    alice.refresh_from_db()
    assert alice.theme == ""
    assert "data-bs-theme" not in _html_tag(alice_client.get(reverse("posts:home")))


def test_an_unknown_theme_is_refused_with_a_message(alice, alice_client):
    response = alice_client.post(EDIT, {"username": "alice", "about_me": "", "theme": "neon"})

    assert response.status_code == 200
    assert "theme" in response.context["form"].errors
    alice.refresh_from_db()
    assert alice.theme == ""
