"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

They skip with a reason when no Chromium is installed (a fresh laptop); CI sets
MICROBLOG_NO_SKIPS=1, which turns any skip into a failure."""

import copy
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
def shot(page, accessible):
    """Save a full-page screenshot under e2e/screenshots/ for a human to look at. Each page a
    journey keeps a picture of is also checked by axe-core (accessible(), below) as it is then."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        accessible(f"(screenshot {name})")

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
    # Links in mail start with SITE_URL, never the request's host: here, the live server.
    settings.SITE_URL = live_server.url
    # Under Playwright's event loop the test may get a different connection object
    # than the one pytest-django serialized the database on, and Django only
    # restores (and flushes without re-running post_migrate) when the connection
    # in hand carries the serialized contents.
    connection._test_serialized_contents = migrated_contents
    return live_server.url


# Accessibility: axe-core (npm, package.json's devDependencies) run in the page.
AXE_SCRIPT = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Third-party pages we do not write; their own projects answer for them.
AXE_EXCLUDED = {
    "/rosetta/": "Rosetta (django-rosetta's translation pages)",
    "/api/docs/": "Swagger UI (drf-spectacular-sidecar)",
    "/admin/": "Django's admin (except its login page, checked by the admin journey's own scan)",
}
AXE_FAILING_IMPACTS = ("critical", "serious")


def axe_violations(page) -> list[dict]:
    """axe-core's critical and serious violations on the page as it is now. The script goes
    in through page.evaluate (the DevTools protocol), so the site's CSP needs no exception."""
    if not page.evaluate("typeof window.axe === 'object'"):
        if not AXE_SCRIPT.exists():
            pytest.fail(f"{AXE_SCRIPT} is missing: run `make static-vendor` (npm ci installs axe-core)")
        page.evaluate(AXE_SCRIPT.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))"""
    )
    return [violation for violation in violations if violation["impact"] in AXE_FAILING_IMPACTS]


@pytest.fixture
def accessible(page):
    """Call accessible() on each page a journey reaches: it fails the test on any critical or
    serious axe-core violation (skipping the third-party pages in AXE_EXCLUDED, by path)."""

    def check(label: str = ""):
        path = page.url.split("//", 1)[-1].partition("/")[2]
        path = "/" + path
        if any(path.startswith(prefix) and not path.startswith("/admin/login/") for prefix in AXE_EXCLUDED):
            return
        page.wait_for_load_state("load")
        found = axe_violations(page)
        report = "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)
        assert not found, f"axe-core on {page.url} {label}:\n{report}"

    return check


def log_in(page, site, username, password=None):
    """Log in through the form, as a member would."""
    from accounts.tests.factories import DEFAULT_PASSWORD

    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password or DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def live_stream(site, settings):
    """The stream service (uvicorn, in a thread beside the live server), on the embedded
    event log, with the page allowed to open it; yields its origin."""
    from messaging.tests.stream_service import stream_service_running

    settings.REDIS_URL = ""
    settings.STREAM_POLL_SECONDS = 0.05

    with stream_service_running() as port:
        origin = f"http://localhost:{port}"
        settings.STREAM_URL = f"{origin}/stream/"
        settings.STREAM_ALLOWED_ORIGINS = [site]
        policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
        policy["DIRECTIVES"]["connect-src"].append(origin)
        settings.CONTENT_SECURITY_POLICY = policy
        yield origin
