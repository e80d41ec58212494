import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.tests.factories import UserFactory
from messaging.models import Job
from messaging.tests.factories import MessageFactory


@pytest.fixture
def moderator_client(db, client_for):
    member = UserFactory(username="mod", is_staff=True)
    member.groups.add(Group.objects.get(name="Moderators"))
    return client_for(member)


@pytest.fixture
def superuser_client(db, client_for):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_superusers_see_messages_notifications_and_jobs(superuser_client, alice, bob):
    MessageFactory(sender=bob, recipient=alice, body="private words")
    Job.objects.create(id="j1", user=alice, name="export_posts", description="Exporting your posts")

    for model in ("message", "notification", "job"):
        assert superuser_client.get(reverse(f"admin:messaging_{model}_changelist")).status_code == 200


def test_moderators_see_jobs_but_not_private_messages(moderator_client, alice, bob):
    message = MessageFactory(sender=bob, recipient=alice, body="private words")
    Job.objects.create(id="j1", user=alice, name="export_posts", description="Exporting your posts")

    assert "Exporting your posts" in moderator_client.get(reverse("admin:messaging_job_changelist")).content.decode()
    assert moderator_client.get(reverse("admin:messaging_message_changelist")).status_code == 403
    assert moderator_client.get(reverse("admin:messaging_message_change", args=[message.pk])).status_code == 403
    assert moderator_client.get(reverse("admin:messaging_notification_changelist")).status_code == 403
    assert "private words" not in moderator_client.get(reverse("admin:index")).content.decode()
