import pytest
from django.urls import reverse

from messaging.models import Job


@pytest.fixture
def finished_job(alice, settings, tmp_path):
    settings.JOB_RESULTS_DIR = tmp_path
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.json").write_text('{"posts": []}')
    return Job.objects.create(
        id="3f1c8a2e-1111-4c2d-9a7b-0123456789ab",
        user=alice,
        name="export_posts",
        description="Exporting your posts",
        progress=100,
        complete=True,
        result="exports/a.json",
    )


def _url(job):
    return reverse("messaging:job-download", args=[job.pk])


def test_the_owner_downloads_the_file(finished_job, alice_client):
    response = alice_client.get(_url(finished_job))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b'{"posts": []}'
    assert (
        "attachment" in response["Content-Disposition"]
        and "microblog-export_posts-alice" in (response["Content-Disposition"])
    )


def test_another_member_gets_404(finished_job, bob_client):
    assert bob_client.get(_url(finished_job)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(finished_job, client):
    assert client.get(_url(finished_job))["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "change", [{"complete": False}, {"error": "boom"}, {"result": ""}, {"result": "../../etc/passwd"}]
)
def test_unfinished_failed_or_odd_jobs_are_404(finished_job, alice_client, change):
    Job.objects.filter(pk=finished_job.pk).update(**change)

    assert alice_client.get(_url(finished_job)).status_code == 404


def test_a_deleted_file_is_404(finished_job, alice_client, tmp_path):
    (tmp_path / "exports" / "a.json").unlink()

    assert alice_client.get(_url(finished_job)).status_code == 404


def test_it_only_answers_get(finished_job, alice_client):
    assert alice_client.post(_url(finished_job)).status_code == 405
