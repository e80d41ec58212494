from django.urls import reverse

from accounts.models import User


def _identicon(client, username):
    return client.get(reverse("accounts:identicon", args=[username]))


def test_it_draws_an_svg_picture(alice, client):
    response = _identicon(client, "alice")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')


def test_it_draws_the_same_picture_every_time(alice, client):
    assert _identicon(client, "alice").content == _identicon(client, "alice").content


def test_it_draws_different_pictures_for_different_members(alice, charlie, client):
    assert _identicon(client, "alice").content != _identicon(client, "charlie").content


def test_it_keeps_the_picture_when_the_member_changes_username(alice, client):
    before = _identicon(client, "alice").content
    User.objects.filter(pk=alice.pk).update(username="alicia")

    assert _identicon(client, "alicia").content == before


def test_it_draws_a_picture_for_an_unknown_name_too(db, client):
    # Issue 21, item 14: a 404 told anonymous visitors which usernames exist.
    response = _identicon(client, "nobody")

    assert response.status_code == 200 and response.content.startswith(b"<svg")
    assert response.content == _identicon(client, "NoBody").content
    assert response.content != _identicon(client, "somebody").content


def test_a_closed_account_and_an_unknown_name_answer_alike(alice, client):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    closed, unknown = _identicon(client, "alice"), _identicon(client, "alicia")

    assert closed.status_code == unknown.status_code == 200
    assert dict(closed.headers).keys() == dict(unknown.headers).keys()


def test_a_members_picture_cannot_be_computed_from_their_id(alice, client, settings):
    before = _identicon(client, "alice").content
    settings.SECRET_KEY = "another-secret-key-another-secret-key-another-secret-key"

    assert _identicon(client, "alice").content != before


def test_it_answers_404_for_a_malformed_name(db, client):
    assert client.get("/user/a%00b/identicon.svg").status_code == 404
    assert client.get("/user/" + "x" * 151 + "/identicon.svg").status_code == 404


def test_it_lets_browsers_and_proxies_cache_the_picture_for_a_day(alice, client):
    cache_control = {part.strip() for part in _identicon(client, "alice")["Cache-Control"].split(",")}

    assert cache_control == {"max-age=86400", "public"}


def test_it_refuses_post(alice, client):
    assert client.post(reverse("accounts:identicon", args=["alice"])).status_code == 405
