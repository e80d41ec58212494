import pytest
from django.core import mail
from django.test import Client


def test_an_unknown_page_is_a_404_in_the_site_look(alice_client):
    response = alice_client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and "navbar" in html and "Back to the home page" in html


@pytest.mark.urls("microblog.tests.urls_boom")
def test_a_crash_shows_the_friendly_500_page_and_emails_the_admins(db, settings):
    settings.ADMINS = [("ops", "ops@example.com")]
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert "kaboom" not in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert "kaboom" in mail.outbox[0].body


def test_a_form_sent_without_csrf_token_gets_the_friendly_403(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/", {"body": "hello"})
    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
    assert not alice.posts.exists()


def test_a_bad_host_header_gets_400(db):
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")
    assert response.status_code == 400
