"""Live updates in production mode, driven by e2e/production/live.sh (not collected by
pytest). gunicorn serves the pages, uvicorn the stream (another port of the same host),
a Celery worker the export; live.sh stops and restarts the stream service when this
script writes "stop" / "start" to CONTROL:

    python e2e/production/live_production.py http://localhost:$LIVE_PORT CONTROL

Chromium is CHROMIUM_PATH (default /usr/bin/chromium). ada and ben (who follows ada)
exist; the navbar polls every 3 s (NOTIFICATIONS_POLL_SECONDS), so what changes within
a second without a request to the poll came through the stream."""

import os
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots" / "live"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "a-long-Live-secret-42"
BASE, CONTROL = sys.argv[1], sys.argv[2]


def control(command):
    with open(CONTROL, "w") as pipe:
        pipe.write(command + "\n")


def shot(tab, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def log_in(tab, username):
    tab.goto(f"{BASE}/accounts/login/")
    tab.locator("#id_login").fill(username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form.auth-form button[type=submit]").click()
    expect(tab.get_by_role("heading", name=f"Hi, {username}!")).to_be_visible()


def send_message(tab, to, body):
    tab.goto(f"{BASE}/messages/new/{to}/")
    tab.get_by_label("Message").fill(body)
    started = time.monotonic()
    tab.get_by_role("button", name="Send").click()
    return started


def wait_until(tab, expression, timeout=10.0):
    """Until `expression` is true in `tab`, checked every 20 ms. (Not wait_for_function:
    it evaluates strings in the page, which the site's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not tab.evaluate(f"Boolean(document.body) && ({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        time.sleep(0.02)


def seconds_until(tab, expression, started, timeout=10.0):
    """Seconds from `started` until `expression` is true in `tab`."""
    wait_until(tab, expression, timeout)
    return time.monotonic() - started


def run(playwright):
    problems = []
    browser = playwright.chromium.launch(executable_path=CHROMIUM)
    tabs = {}
    for who in ("ada", "ben"):
        tabs[who] = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        tabs[who].on("pageerror", lambda error, who=who: problems.append(f"{who}: {error}"))
        tabs[who].on(
            "console",
            lambda message, who=who: (
                problems.append(f"{who}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        log_in(tabs[who], who)
    ada, ben = tabs["ada"], tabs["ben"]
    polls = []
    ben.on("request", lambda request: polls.append(request.url) if "/notifications/" in request.url else None)

    # 1. The badge: within a second of the message, and not through the poll.
    ben.goto(f"{BASE}/")
    wait_until(ben, "document.body.dataset.live === 'stream'", timeout=10)
    time.sleep(0.5)  # the first open polls once to catch up
    polls.clear()
    started = send_message(ada, "ben", "Tea at five?")
    badge_seconds = seconds_until(ben, "document.getElementById('unread-badge').textContent.trim() === '1'", started)
    print(f"live: ben's badge changed {badge_seconds * 1000:.0f} ms after ada pressed Send")
    assert badge_seconds < 1.0, badge_seconds
    assert polls == [], polls
    shot(ben, "badge")

    # 2. "1 new post": raised by ada's post, inserted without moving what ben reads.
    ben.evaluate("window.scrollTo({top: 900, behavior: 'instant'})")
    # A post in the middle of the screen, by its id (a locator by position would be another post later).
    anchor = ben.locator("#" + ben.locator(".live-posts .post").nth(8).get_attribute("id"))
    before = anchor.bounding_box()["y"]
    ada.goto(f"{BASE}/")
    ada.get_by_label("Say something").fill("Fresh scones, come by")
    started = time.monotonic()
    ada.get_by_role("button", name="Post", exact=True).click()
    button = ben.locator(".new-posts")
    expect(button).to_be_visible(timeout=2_000)
    print(f"live: ben's 'new posts' button showed {(time.monotonic() - started) * 1000:.0f} ms after ada posted")
    expect(button).to_have_text("1 new post")
    assert abs(anchor.bounding_box()["y"] - before) < 1, "the button moved the timeline"
    shot(ben, "new-posts")
    button.click()
    expect(ben.locator(".live-posts .post").first).to_contain_text("Fresh scones")
    expect(button).to_be_hidden()
    after = anchor.bounding_box()["y"]
    assert abs(after - before) < 2, f"inserting the post moved what ben was reading ({before} -> {after})"

    # 3. The job bar: the export runs on the worker, whose progress reaches the page live.
    ben.goto(f"{BASE}/user/ben/")
    wait_until(ben, "document.body.dataset.live === 'stream'", timeout=10)
    time.sleep(0.5)
    polls.clear()
    ben.get_by_role("button", name="Export my posts").click()
    ben.wait_for_load_state()
    wait_until(ben, "document.body.dataset.live === 'stream'", timeout=10)
    expect(ben.locator("#job-status .job-outcome")).to_contain_text("Done", timeout=15_000)
    assert polls == [] or all("since=" in url for url in polls[:1]), polls

    # 4. The stream service stops: the page polls by itself, and nothing alarming is shown.
    ben.goto(f"{BASE}/")
    wait_until(ben, "document.body.dataset.live === 'stream'", timeout=10)
    control("stop")
    wait_until(ben, "document.body.dataset.live === 'polling'", timeout=15)
    started = send_message(ada, "ben", "Are you there?")
    seconds = seconds_until(ben, "document.getElementById('unread-badge').textContent.trim() === '2'", started)
    print(f"live: with the stream service down, the poll brought the badge in {seconds:.1f} s")
    assert not ben.locator(".alert-danger").count()
    # A page opened while it is down polls from the start.
    ben.reload()
    wait_until(ben, "document.body.dataset.live === 'polling'", timeout=15)
    shot(ben, "polling")

    # 5. Back: the page returns to the stream by itself (its retry backs off from 5 s).
    control("start")
    wait_until(ben, "document.body.dataset.live === 'stream'", timeout=30)
    time.sleep(0.5)
    polls.clear()
    started = send_message(ada, "ben", "Back!")
    seconds = seconds_until(ben, "document.getElementById('unread-badge').textContent.trim() === '3'", started)
    print(f"live: after the restart the badge changed {seconds * 1000:.0f} ms after Send")
    assert seconds < 1.0 and polls == [], (seconds, polls)

    # 6. On a phone-sized screen the button floats over the list too.
    ben.set_viewport_size({"width": 390, "height": 800})
    ada.goto(f"{BASE}/")
    for body in ("Second batch", "Third batch"):
        ada.get_by_label("Say something").fill(body)
        ada.get_by_role("button", name="Post", exact=True).click()
        # Each post's notice joins the earlier ones (htmx), or is the only one after a reload.
        expect(ada.locator(".post", has_text=body).first).to_be_visible()
        expect(ada.get_by_role("alert").last).to_contain_text("Your post is now live!")
    expect(ben.locator(".new-posts")).to_have_text("2 new posts", timeout=5_000)
    shot(ben, "new-posts-390")

    # 7. The installable app: its service worker controls the page and shows the offline page.
    ben.set_viewport_size({"width": 1280, "height": 800})
    ben.goto(f"{BASE}/")
    wait_until(ben, "navigator.serviceWorker.controller !== null", timeout=10)
    ben.context.set_offline(True)
    ben.goto(f"{BASE}/explore/")
    expect(ben.get_by_role("heading", name="You are offline")).to_be_visible()
    shot(ben, "offline")
    ben.context.set_offline(False)

    assert not problems, problems
    browser.close()


if __name__ == "__main__":
    try:
        with sync_playwright() as playwright:
            run(playwright)
    finally:
        control("done")
