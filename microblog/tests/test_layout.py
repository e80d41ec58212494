"""The page layout (templates/base.html): its fixed parts come from a per-process
cache of rendered fragments, yet each page shows its own tab, the member's job
and the right scripts."""

import re

from django.urls import reverse

from messaging.models import Notification
from messaging.services import notification_set


def active_tabs(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" href="([^"]+)"', html)


def job(**payload):
    shown = {"id": 1, "name": "export_posts", "description": "Exporting your posts", "progress": 0}
    return {**shown, "complete": False, "error": "", "download_url": "", **payload}


def test_each_page_marks_its_own_tab(alice_client):
    assert active_tabs(alice_client.get(reverse("posts:home")).text) == ["/"]
    assert active_tabs(alice_client.get(reverse("posts:explore")).text) == ["/explore/"]
    assert active_tabs(alice_client.get(reverse("messaging:inbox")).text) == ["/messages/"]
    assert active_tabs(alice_client.get(reverse("posts:home")).text) == ["/"]


def test_the_job_status_follows_the_job(alice, alice_client):
    home = reverse("posts:home")
    assert '<div id="job-status" class="container mb-3" hidden' in alice_client.get(home).text

    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload=job(progress=10))
    assert '<span class="job-outcome">10%</span>' in alice_client.get(home).text

    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload=job(progress=60))
    assert '<span class="job-outcome">60%</span>' in alice_client.get(home).text

    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload=job(complete=True, error="Disk full"))
    assert "The job failed: Disk full" in alice_client.get(home).text


def test_one_members_job_never_shows_to_another(alice, bob_client):
    notification_set(user=alice, name=Notification.JOB_PROGRESS, payload=job(description="Alice's export"))
    assert "Alice's export" not in bob_client.get(reverse("posts:home")).text


def test_visitors_and_members_get_their_own_scripts(alice_client, client):
    login = reverse("account_login")
    alice_client.get(reverse("posts:home"))
    assert "js/notifications" not in client.get(login).text
    assert "js/notifications" in alice_client.get(reverse("posts:explore")).text


def test_the_layout_speaks_the_members_language(alice, alice_client):
    assert '<span class="nav-label">Explore</span>' in alice_client.get(reverse("posts:home")).text
    alice.language = "de"
    alice.save()
    german = alice_client.get(reverse("posts:home")).text
    assert '<span class="nav-label">Entdecken</span>' in german and ">Explore<" not in german
