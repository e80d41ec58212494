"""A reader in another language: switches the site to Spanish, reads times in
Spanish and in their own timezone, and translates a post through a stand-in
translation service."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from posts.tests.factories import PostFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_context_args(browser_context_args):
    # A reader in Tokyo whose browser asks for English: the site must follow their choice, not the browser.
    return {**browser_context_args, "locale": "en-US", "timezone_id": "Asia/Tokyo"}


def log_in(page, site, username):
    page.goto(f"{site}/accounts/login/")
    page.locator("#id_login").fill(username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("form.auth-form button[type=submit]").click()


def test_a_visitor_switches_to_spanish_and_reads_times_in_spanish(site, page, shot):
    bob = UserFactory(username="bob", email="bob@example.com")
    PostFactory(author=bob, body="Mi primera publicación", language="es", created=timezone.now() - timedelta(days=2))
    # 12:00 UTC is 21:00 in Tokyo. Noon of the day 31 days back is 30.5 to 31.5 days old
    # whatever the time of day the test runs (noon 30 days back was under 30 days before noon).
    noon = (timezone.now() - timedelta(days=31)).replace(hour=12, minute=0, second=0, microsecond=0)
    PostFactory(author=bob, body="Una publicación antigua", language="es", created=noon)

    page.goto(f"{site}/accounts/login/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.get_by_label("Language").select_option("es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    # A short confirmation, in the language just chosen, in the page's notices.
    expect(page.locator("#notices .alert")).to_have_text("El sitio ya está en español.")
    expect(page.get_by_role("link", name="Registrarse").first).to_be_visible()
    # On a phone the top bar's longer Spanish Log in / Sign up stay on one line, inside the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    signup = page.locator(".app-topbar").get_by_role("link", name="Registrarse")
    box = signup.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["height"] < 40, box
    page.set_viewport_size({"width": 1280, "height": 720})
    shot("languages-login-in-spanish")

    # The cookie set by the switcher carries over once logged in (bob saved no language).
    log_in(page, site, "bob")
    expect(page.get_by_role("heading", name="¡Hola, bob!")).to_be_visible()
    times = page.locator("article.post time")
    # Rendered by time.js with Intl: the server would say "hace 2 días".
    expect(times.first).to_have_text("anteayer")
    expect(times.nth(1)).to_have_text("el mes pasado")
    # The full date on hover is in Spanish and in the reader's timezone (Tokyo).
    title = times.nth(1).get_attribute("title")
    assert " de " in title and "21:00" in title, title
    shot("languages-home-in-spanish")


def test_a_member_translates_a_post_through_the_service(site, page, shot, settings, httpserver):
    settings.TRANSLATOR = "libretranslate"
    settings.TRANSLATOR_URL = httpserver.url_for("/")
    settings.TRANSLATOR_TIMEOUT = 2
    httpserver.expect_oneshot_request(
        "/translate", json={"q": "Guten Morgen zusammen!", "source": "de", "target": "es", "format": "text"}
    ).respond_with_json({"translatedText": "¡Buenos días a todos!"})
    httpserver.expect_request(
        "/translate", json={"q": "Das geht schief.", "source": "de", "target": "es", "format": "text"}
    ).respond_with_json({"error": "down"}, status=500)
    UserFactory(username="bob", email="bob@example.com", language="es")
    hans = UserFactory(username="hans", email="hans@example.com")
    PostFactory(author=hans, body="Das geht schief.", language="de")
    PostFactory(author=hans, body="Guten Morgen zusammen!", language="de")
    PostFactory(author=hans, body="Hola, ¿qué tal?", language="es")

    log_in(page, site, "bob")
    page.get_by_role("navigation", name="Navegación principal").get_by_role("link", name="Explorar").click()
    posts = page.locator("article.post")
    # No link under the post already in Spanish.
    expect(posts.filter(has_text="Hola, ¿qué tal?").get_by_role("button", name="Traducir")).to_have_count(0)

    good = posts.filter(has_text="Guten Morgen zusammen!")
    good.get_by_role("button", name="Traducir").click()
    expect(good.locator(".translated-text")).to_contain_text("¡Buenos días a todos!")
    expect(good.get_by_role("button", name="Traducir")).to_have_count(0)

    bad = posts.filter(has_text="Das geht schief.")
    bad.get_by_role("button", name="Traducir").click()
    expect(bad.get_by_role("alert")).to_have_text("El servicio de traducción ha fallado. Inténtalo de nuevo más tarde.")
    # The button is back, to try again.
    expect(bad.get_by_role("button", name="Traducir")).to_be_visible()
    shot("languages-translated")
