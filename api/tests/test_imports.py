"""The API's import status (issue 18): the member's CSV imports, as Settings → Your data shows them."""

import uuid

import pytest
from django.urls import reverse

from messaging.models import Job
from posts.imports import IMPORT_JOB

pytestmark = pytest.mark.django_db

SUMMARY = {"kind": "following", "mode": "merge", "rows": 3, "duplicates": 1}


def _job(user, **fields):
    return Job.objects.create(id=str(uuid.uuid4()), user=user, name=IMPORT_JOB, description="Importing", **fields)


def test_it_lists_the_members_imports_with_progress_and_counts(alice_api, alice, bob):
    done = {**SUMMARY, "added": 1, "already": 0, "removed": 0, "remote": 1, "unknown": 0, "refused": 1}
    _job(alice, complete=True, progress=100, summary=done)
    _job(bob, summary=SUMMARY)  # someone else's
    Job.objects.create(id=str(uuid.uuid4()), user=alice, name="export_archive", description="x")

    response = alice_api.get(reverse("api:import-list"))

    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert {key: item[key] for key in ("kind", "mode", "rows", "added", "remote", "refused", "complete")} == {
        "kind": "following",
        "mode": "merge",
        "rows": 3,
        "added": 1,
        "remote": 1,
        "refused": 1,
        "complete": True,
    }


def test_a_running_import_has_progress_and_no_counts_yet(alice_api, alice):
    job = _job(alice, progress=40, summary=SUMMARY)

    item = alice_api.get(reverse("api:import-detail", args=[job.pk])).json()

    assert (item["progress"], item["complete"], item["added"]) == (40, False, None)


def test_another_members_import_is_not_found(alice_api, bob):
    job = _job(bob, summary=SUMMARY)

    assert alice_api.get(reverse("api:import-detail", args=[job.pk])).status_code == 404


def test_the_import_status_needs_a_token(client):
    assert client.get(reverse("api:import-list")).status_code == 401


@pytest.mark.parametrize("count", [1, 30])
def test_the_list_costs_the_same_with_one_import_or_many(alice_api, alice, django_assert_num_queries, count):
    for _ in range(count):
        _job(alice, complete=True, summary=SUMMARY)
    # The token with its member, the count, the page.
    with django_assert_num_queries(3):
        assert alice_api.get(reverse("api:import-list")).status_code == 200
