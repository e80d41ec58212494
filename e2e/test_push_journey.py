"""Push notifications in Chromium: the settings page, and the service worker showing a
push message as a system notification that opens the right page."""

import json

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from e2e.test_messaging_journey import _log_in
from messaging.push import vapid_keys_generate

pytestmark = pytest.mark.e2e


def _registration_id(cdp, page, site):
    """The service worker's registration, once webapp.js registered it and it is active."""
    found = {}
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: found.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_timeout(200)
    return found[f"{site}/"]


def test_the_settings_page_and_a_push_message_shown_as_a_notification(site, page, settings, shot):
    settings.VAPID_PRIVATE_KEY = vapid_keys_generate()[0]
    UserFactory(username="alice", email="alice@example.com")
    page.context.grant_permissions(["notifications"], origin=site)
    _log_in(page, site, "alice")
    page.goto(f"{site}/settings/push/")
    expect(page.get_by_role("heading", name="Push notifications")).to_be_visible()
    # This browser has no push service to subscribe with yet: it says the device is off.
    expect(page.locator("#push-device-status")).to_have_text("Push notifications are off for this device.")
    expect(page.get_by_role("button", name="Turn on for this device")).to_be_visible()
    expect(page.get_by_role("switch", name="mentioned you")).to_be_checked()
    page.set_viewport_size({"width": 1280, "height": 800})
    shot("push-settings-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    shot("push-settings-phone")

    cdp = page.context.new_cdp_session(page)
    registration = _registration_id(cdp, page, site)
    payload = {
        "title": "bob mentioned you",
        "body": "@alice tea?",
        "url": f"{site}/@bob/1/",
        "tag": "notice-1",
        "kind": "mention",
    }
    message = {"origin": site, "registrationId": registration, "data": json.dumps(payload)}
    cdp.send("ServiceWorker.deliverPushMessage", message)

    shown = page.evaluate(
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            for (let i = 0; i < 50; i++) {
                const list = await reg.getNotifications();
                if (list.length) return list.map(n => ({title: n.title, body: n.body, tag: n.tag, data: n.data}));
                await new Promise(r => setTimeout(r, 100));
            }
            return [];
        }"""
    )
    expected = {"title": payload["title"], "body": payload["body"], "tag": "notice-1", "data": {"url": payload["url"]}}
    assert shown == [expected]
