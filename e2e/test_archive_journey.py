"""A member takes their archive and brings its lists into another account (issue 18):
alice prepares her archive (a real worker; the progress bar, the download) and deletes her
account, then a fresh
account imports her following_accounts.csv and blocked_accounts.csv from Settings → Your
data and sees the follows and the block appear."""

import io
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Block, Follow, User
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory
from e2e.conftest import SCREENSHOTS, log_in
from posts.services import post_create

pytestmark = pytest.mark.e2e


@pytest.fixture
def fast_poll(settings):
    settings.NOTIFICATIONS_POLL_SECONDS = 1


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_an_archive_moves_follows_and_blocks_to_another_account(
    site, page, browser, shot, accessible, fast_poll, celery_worker_on, wait_for, settings, tmp_path, width, height
):
    settings.JOB_RESULTS_DIR = tmp_path / "jobs"
    page.set_viewport_size({"width": width, "height": height})
    alice = UserFactory(username="alice", email="alice@example.com")
    friends = [UserFactory(username=name) for name in ("rosa", "tomas")]
    troll = UserFactory(username="troll")
    for friend in friends:
        Follow.objects.create(follower=alice, followed=friend)
    Block.objects.create(blocker=alice, blocked=troll)
    post_create(author=alice, body="Moving house soon.")
    newbie = UserFactory(username="newbie", email="newbie@example.com")

    log_in(page, site, "alice")
    page.goto(f"{site}/settings/data/")
    accessible("data settings")
    with celery_worker_on("memory://"):
        page.get_by_role("button", name="Prepare my archive").click()
        expect(page.get_by_role("alert")).to_contain_text("Your archive is being prepared.")
        status = page.locator("#job-status")
        expect(status.get_by_role("link", name="Download")).to_be_visible(timeout=20000)
        for _ in range(50):  # the email is a second task on the same worker
            if mail.outbox:
                break
            page.wait_for_timeout(100)
    shot(f"archive-ready-{width}")
    assert mail.outbox and "Your archive is ready" in mail.outbox[0].body
    with page.expect_download() as download:
        status.get_by_role("link", name="Download").click()
    assert download.value.suggested_filename.startswith("microblog-archive-alice-")
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("following_accounts.csv", "blocked_accounts.csv"):
        (folder / name).write_bytes(archive.read(name))

    # Then she leaves: her account is deleted, and what she took still moves elsewhere.
    page.goto(f"{site}/profile/delete/")
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    with celery_worker_on("memory://"):
        page.get_by_role("button", name="Delete my account for good").click()
        expect(page.get_by_text("Your account is being deleted.")).to_be_visible()
        # The deletion task, on the worker.
        assert wait_for(lambda: not User.objects.filter(pk=alice.pk).exists(), timeout=20)

    # A fresh account, in its own browser.
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    log_in(tab, site, "newbie")
    tab.goto(f"{site}/settings/data/")
    with celery_worker_on("memory://"):
        tab.get_by_label("Type of list").select_option("following")
        tab.get_by_label("CSV file").set_input_files(folder / "following_accounts.csv")
        tab.get_by_role("button", name="Import", exact=True).click()
        expect(tab.get_by_role("alert")).to_contain_text("Your import of 2 rows has started")
        expect(tab.locator("#job-status progress")).to_have_attribute("value", "100", timeout=20000)
        tab.reload()
        expect(tab.locator("#import-list")).to_contain_text("done: 2 added, 0 already there, 0 removed")

        tab.get_by_label("Type of list").select_option("blocks")
        tab.get_by_label("Overwrite: replace what I have").check()
        tab.get_by_label("CSV file").set_input_files(folder / "blocked_accounts.csv")
        tab.get_by_role("button", name="Import", exact=True).click()
        expect(tab.get_by_role("alert")).to_contain_text("Your import of 1 rows has started")
        for _ in range(100):
            if Block.objects.filter(blocker=newbie).exists():
                break
            tab.wait_for_timeout(100)
    tab.reload()
    expect(tab.locator("#import-list li").first).to_contain_text("Blocks")
    expect(tab.locator("#import-list li").first).to_contain_text("done: 1 added")
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"import-done-{width}.png", full_page=True)

    # The follows and the block appear where a member sees them.
    tab.goto(f"{site}/@newbie/following/")
    expect(tab.get_by_role("link", name="rosa").first).to_be_visible()
    expect(tab.get_by_role("link", name="tomas").first).to_be_visible()
    tab.goto(f"{site}/user/troll/")
    expect(tab.get_by_text("You blocked this member.")).to_be_visible()

    # A file that is not a CSV is refused with a message, nothing applied.
    (folder / "photo.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    tab.goto(f"{site}/settings/data/")
    tab.get_by_label("CSV file").set_input_files(folder / "photo.csv")
    tab.get_by_role("button", name="Import", exact=True).click()
    expect(tab.get_by_text("This is not a CSV file (it has binary content).")).to_be_visible()
    accessible("import refused")
    context.close()
    assert set(Follow.objects.filter(follower=newbie).values_list("followed__username", flat=True)) == {
        "rosa",
        "tomas",
    }
