"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They skip with a reason when no Chromium is installed (a fresh laptop); CI sets
MICROBLOG_NO_SKIPS=1, which turns any skip into a failure."""

import os
from pathlib import Path

import pytest
from django.db import connection

# Playwright's sync API keeps an event loop in the main thread; Django's ORM
# refuses to run beside one unless told it is safe (it is: tests are sequential).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)")
    args = ["--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-gpu"]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture
def shot(page):
    """Save a full-page screenshot under e2e/screenshots/ for a human to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


def pytest_collection_modifyitems(items):
    # The live server needs committed data, so browser tests run in real
    # transactions and end with a flush; serialized rollback puts back what
    # the migrations made (the Moderators group, …) for the next one.
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture
def site(live_server, migrated_contents, settings):
    # Avatars are local identicons: the browser has no internet to reach Gravatar.
    settings.GRAVATAR_ENABLED = False
    # Under Playwright's event loop the test may get a different connection object
    # than the one pytest-django serialized the database on, and Django only
    # restores (and flushes without re-running post_migrate) when the connection
    # in hand carries the serialized contents.
    connection._test_serialized_contents = migrated_contents
    return live_server.url
