"""Production-mode smoke run, driven by e2e/production/smoke.sh (not collected by
pytest: the file name does not start with test_). It talks to a real gunicorn and a
real Celery worker over HTTPS, as a member's browser would. smoke.sh starts them on
SMOKE_PORT and passes the site's URL and the worker's log (where console mail goes):

    python e2e/production/smoke_production.py https://localhost:$SMOKE_PORT WORKER_LOG

Chromium is CHROMIUM_PATH (default /usr/bin/chromium), as for the browser tests.

Two members sign up, post, follow, message each other, search and run an
export to the end; every page's security headers are checked
and the run fails on any Content-Security-Policy violation or script error."""

import json
import os
import re
import sys
import time
import uuid
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

# Beside the browser tests' screenshots (e2e/screenshots/, ignored by git).
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "smoke"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "a-long-Smoke-secret-42"
EXPECTED_HEADERS = {
    "strict-transport-security": re.compile(r"max-age=\d{4,}"),
    "content-security-policy": re.compile(r"script-src 'self'(;|$)"),
    "x-content-type-options": re.compile(r"^nosniff$"),
    "x-frame-options": re.compile(r"^DENY$"),
    "referrer-policy": re.compile(r"^same-origin$"),
    "cross-origin-opener-policy": re.compile(r"^same-origin$"),
}


class Problems:
    """Console CSP violations, uncaught script errors and header mismatches, by page."""

    def __init__(self):
        self.items = []

    def watch(self, tab, who):
        def on_console(message):
            text = message.text
            if "Content Security Policy" in text or "Content-Security-Policy" in text:
                self.items.append(f"{who} CSP violation on {tab.url}: {text}")
            elif message.type == "error" and not text.startswith("Failed to load resource"):
                # (failed loads are reported with their URL by on_response below)
                self.items.append(f"{who} console error on {tab.url}: {text}")

        tab.on("console", on_console)
        tab.on("pageerror", lambda error: self.items.append(f"{who} script error on {tab.url}: {error}"))

        def on_response(response):
            if not response.url.startswith(BASE):
                return
            if response.status >= 400:
                self.items.append(f"{who}: {response.status} for {response.url}")
            if response.request.resource_type != "document":
                return
            headers = response.headers
            for name, pattern in EXPECTED_HEADERS.items():
                if not pattern.search(headers.get(name, "")):
                    self.items.append(f"{response.url}: header {name}={headers.get(name)!r}")

        tab.on("response", on_response)


def shot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def sign_up(tab, username):
    tab.goto(f"{BASE}/accounts/signup/")
    tab.get_by_label("Username").fill(username)
    tab.get_by_label("Email").fill(f"{username}@example.com")
    tab.locator("#id_password1").fill(PASSWORD)
    tab.locator("#id_password2").fill(PASSWORD)
    tab.get_by_label("I have read the rules and accept them").check()
    tab.get_by_role("button", name="Sign up").click()
    # The documented production settings confirm addresses (ACCOUNT_EMAIL_VERIFICATION=mandatory):
    # the link arrives by the worker's console mail.
    expect(tab.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    tab.goto(confirmation_link(f"{username}@example.com"))
    tab.get_by_role("button", name="Confirm").click()
    tab.goto(f"{BASE}/accounts/login/")
    tab.locator("#id_login").fill(username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form.auth-form button[type=submit]").click()
    expect(tab.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


CONFIRM_LINK = re.compile(r"https://\S+/accounts/confirm-email/\S+/")


def confirmation_link(address, timeout=20.0):
    """The confirmation link mailed to `address`, read from the worker's log (console mail)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # The worker prefixes the mail's lines with log headers: take the first link after the To: line.
        log = MAIL_LOG.read_text(errors="replace")
        start = log.find(f"To: {address}")
        if start >= 0 and (match := CONFIRM_LINK.search(log, start)):
            return match[0]
        time.sleep(0.2)
    raise AssertionError(f"no confirmation email for {address} in {MAIL_LOG}")


def post(tab, body):
    tab.goto(f"{BASE}/")
    tab.get_by_label("Say something").fill(body)
    tab.get_by_role("button", name="Post", exact=True).click()
    expect(tab.get_by_role("alert")).to_contain_text("Your post is now live!")


def check_cookies(context):
    for cookie in context.cookies():
        if cookie["name"] in ("sessionid", "csrftoken"):
            assert cookie["secure"], f"cookie {cookie['name']} is not Secure"
        if cookie["name"] == "sessionid":
            assert cookie["httpOnly"], "the session cookie is readable by scripts"


def run(playwright):
    problems = Problems()
    # The run's certificate is a throwaway self-signed one: without the flag Chromium refuses to
    # register the service worker (a console error), even with the pages' errors ignored.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--ignore-certificate-errors"])
    suffix = uuid.uuid4().hex[:6]
    writer, reader = f"ada{suffix}", f"ben{suffix}"
    contexts, tabs = {}, {}
    for who in (writer, reader):
        contexts[who] = browser.new_context(ignore_https_errors=True)
        tabs[who] = contexts[who].new_page()
        problems.watch(tabs[who], who)
    ada, ben = tabs[writer], tabs[reader]

    health = contexts[writer].request.get(f"{BASE}/healthz")
    assert health.status == 200, health.text()
    checks = health.json()["checks"]
    print("healthz:", json.dumps({name: check["ms"] for name, check in checks.items()}))

    # Static files come from WhiteNoise with hashed names and a long cache lifetime.
    ada.goto(f"{BASE}/accounts/login/")
    css = ada.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert re.search(r"\.[0-9a-f]{12}\.css$", css), css
    static = contexts[writer].request.get(f"{BASE}{css}", headers={"Accept-Encoding": "gzip, br"})
    assert static.status == 200 and "max-age=315360000" in static.headers.get("cache-control", ""), static.headers
    assert static.headers.get("content-encoding") in ("gzip", "br"), static.headers

    sign_up(ada, writer)
    sign_up(ben, reader)
    check_cookies(contexts[writer])
    post(ada, f"Smoke test from {writer}: production mode works")
    shot(ada, "home-after-post")

    ben.goto(f"{BASE}/user/{writer}/")
    ben.locator("#content").get_by_role("button", name="Follow").click()
    # htmx swaps the button in place (no reload, no flash message).
    expect(ben.locator("#content").get_by_role("button", name="Unfollow")).to_be_visible()
    ben.get_by_role("link", name="Home").click()
    expect(ben.get_by_text(f"Smoke test from {writer}")).to_be_visible()
    shot(ben, "home-follower")

    ben.goto(f"{BASE}/user/{writer}/")
    ben.get_by_role("link", name="Send private message").click()
    ben.get_by_label("Message").fill("Hello from the smoke test")
    ben.get_by_role("button", name="Send").click()
    expect(ben.get_by_role("alert")).to_contain_text(f"Your message to {writer} has been sent.")
    ada.goto(f"{BASE}/messages/")
    expect(ada.locator(".message .post-body")).to_have_text(["Hello from the smoke test"])
    shot(ada, "inbox")

    # The post reached the index through a task on the worker process.
    ben.goto(f"{BASE}/search/?q=production")
    expect(ben.get_by_text(f"Smoke test from {writer}")).to_be_visible(timeout=15000)
    shot(ben, "search")

    # The export runs on the separate Celery worker process and reports back through the poll.
    ada.goto(f"{BASE}/user/{writer}/")
    started = time.monotonic()
    ada.get_by_role("button", name="Export my posts").click()
    expect(ada.get_by_role("alert")).to_contain_text("Your export has started.")
    status = ada.locator("#job-status")
    expect(status.get_by_role("link", name="Download")).to_be_visible(timeout=30000)
    print(f"export: done in {time.monotonic() - started:.1f} s")
    with ada.expect_download() as download:
        status.get_by_role("link", name="Download").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert "production mode works" in json.dumps(exported), exported
    shot(ada, "export-done")

    # Pages from installed packages: the API docs (its own relaxed policy) and the admin
    # login, which goes through allauth's rate-limited sign-in page.
    ben.goto(f"{BASE}/api/docs/")
    expect(ben.locator(".swagger-ui .info .title")).to_contain_text("Microblog API", timeout=15000)
    shot(ben, "api-docs")
    ben.context.clear_cookies()
    ben.goto(f"{BASE}/admin/login/")
    expect(ben.get_by_role("heading", name="Log in")).to_be_visible()

    browser.close()
    return problems.items


def main():
    global BASE, MAIL_LOG
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    BASE = sys.argv[1].rstrip("/")
    MAIL_LOG = Path(sys.argv[2])
    with sync_playwright() as playwright:
        problems = run(playwright)
    for problem in problems:
        print("PROBLEM:", problem)
    if problems:
        print(f"smoke: {len(problems)} problem(s)")
        return 1
    print("smoke: signup, post, follow, message, export, headers and CSP all fine")
    return 0


BASE = ""
MAIL_LOG = Path()

if __name__ == "__main__":
    sys.exit(main())
