"""A Mastodon app asks a member for access, in Chromium: the app registers
(POST /api/v1/apps), the member, logged out, opens /oauth/authorize, logs in, sees the
consent page in the site's look with the app's name and what it asks for, allows it,
gets the code to copy (out of band), and the app's token works; a second request sent
to the app's own address is denied and the app hears access_denied."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.e2e

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "https://teapot.example/callback"


def _authorize_url(site, client_id, redirect_uri, **extra):
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "scope": "read write"}
    return f"{site}/oauth/authorize?{urlencode(query | extra)}"


def test_an_app_is_allowed_through_the_consent_page_and_its_token_works(site, page, accessible, shot):
    UserFactory(username="alice", email="alice@example.com")
    registered = page.request.post(
        f"{site}/api/v1/apps",
        form={
            "client_name": "Teapot",
            "redirect_uris": f"{OOB}\n{CALLBACK}",
            "scopes": "read write",
            "website": "https://teapot.example",
        },
    )
    assert registered.ok, registered.text()
    app = registered.json()

    # Logged out: the log-in page first, then straight on to the consent page.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_authorize_url(site, app["client_id"], OOB))
    assert "/accounts/login/" in page.url
    page.get_by_label("Username or email").fill("alice")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/oauth/authorize" in url)

    expect(page.get_by_role("heading", name="Allow Teapot to use your account?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("https://teapot.example")
    expect(page.locator("main li")).to_have_text(["read everything you can see", "post, like, boost and delete as you"])
    expect(page.locator("main")).to_contain_text("You are logged in as @alice.")
    apps_link = page.get_by_role("link", name="authorized apps")
    expect(apps_link).to_have_attribute("href", "/oauth/authorized_applications/")
    expect(page.locator(".app-nav")).to_be_visible()  # the site's own layout around it
    shot("oauth-consent-desktop")
    accessible("consent desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("oauth-consent-phone")
    accessible("consent phone")

    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="Authorization code")).to_be_visible()
    code = page.get_by_label("Authorization code").input_value()
    assert len(code) > 20
    shot("oauth-code-phone")
    accessible("code page")

    token = page.request.post(
        f"{site}/oauth/token",
        form={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
    )
    assert token.ok, token.text()
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    # A separate client, as the app is: no session cookie, only its token.
    api = page.context.browser.new_context().request
    me = api.get(f"{site}/api/v1/accounts/verify_credentials", headers=bearer)
    assert me.ok and me.json()["username"] == "alice"

    # Asked again for the app's own address, the member denies: the app is told so.
    app_page = "<title>Teapot</title><h1>Teapot</h1>"
    page.route("https://teapot.example/**", lambda route: route.fulfill(body=app_page, content_type="text/html"))
    page.goto(_authorize_url(site, app["client_id"], CALLBACK, state="s-42"))
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url(lambda url: url.startswith(CALLBACK))
    assert parse_qs(urlsplit(page.url).query) == {"error": ["access_denied"], "state": ["s-42"]}

    # And allowed there, the code comes to the app's address.
    page.goto(_authorize_url(site, app["client_id"], CALLBACK, state="s-43"))
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(lambda url: url.startswith(CALLBACK))
    assert {"code", "state"} <= set(parse_qs(urlsplit(page.url).query))
