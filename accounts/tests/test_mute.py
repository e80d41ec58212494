"""Muting a member and muted words (issue 18): the services, the mute form and the
settings page that lists blocks, mutes and muted words."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Block, Mute, MutedWord
from accounts.services import (
    MUTED_WORDS_MAX,
    SafetyError,
    block_create,
    mute_create,
    mute_delete,
    muted_word_add,
)

pytestmark = pytest.mark.django_db


def test_muting_again_changes_the_duration_and_the_notifications_choice(alice, bob):
    mute_create(muter=alice, muted=bob, seconds=3600)
    mute_create(muter=alice, muted=bob, seconds=None, notifications=False)
    mute = Mute.objects.get()
    assert mute.expires is None and mute.notifications is False


def test_muting_yourself_or_for_an_odd_time_is_refused(alice, bob):
    with pytest.raises(SafetyError):
        mute_create(muter=alice, muted=alice)
    with pytest.raises(SafetyError):
        mute_create(muter=alice, muted=bob, seconds=-5)
    with pytest.raises(SafetyError):
        mute_delete(muter=alice, muted=bob)
    assert not Mute.objects.exists()


@pytest.mark.parametrize(("duration", "seconds"), [("3600", 3600), ("86400", 86400), ("604800", 604800)])
def test_the_mute_form_mutes_for_the_time_chosen(alice_client, alice, bob, duration, seconds):
    response = alice_client.post(
        reverse("accounts:mute", args=["bob"]), {"duration": duration, "notifications": "on"}, follow=True
    )
    assert "You muted bob." in response.text
    mute = Mute.objects.get(muter=alice, muted=bob)
    expected = timezone.now() + datetime.timedelta(seconds=seconds)
    assert abs((mute.expires - expected).total_seconds()) < 60
    assert mute.notifications is True
    assert "Muted until" in alice_client.get(reverse("posts:user", args=["bob"])).text


def test_the_mute_form_mutes_forever_with_notifications_kept(alice_client, alice, bob):
    alice_client.post(reverse("accounts:mute", args=["bob"]), {"duration": "0"})
    mute = Mute.objects.get()
    assert mute.expires is None and mute.notifications is False
    page = alice_client.get(reverse("posts:user", args=["bob"])).text
    assert "Muted." in page and reverse("accounts:unmute", args=["bob"]) in page


def test_an_unknown_duration_is_a_form_error_and_saves_nothing(alice_client, bob):
    response = alice_client.post(reverse("accounts:mute", args=["bob"]), {"duration": "99"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Mute.objects.exists()


def test_the_mute_page_asks_first_and_unmute_is_post_only(alice_client, alice, bob):
    page = alice_client.get(reverse("accounts:mute", args=["bob"]))
    assert page.status_code == 200 and "Mute bob?" in page.text
    assert not Mute.objects.exists()
    mute_create(muter=alice, muted=bob)
    assert alice_client.get(reverse("accounts:unmute", args=["bob"])).status_code == 405
    response = alice_client.post(reverse("accounts:unmute", args=["bob"]), follow=True)
    assert "You unmuted bob." in response.text
    assert not Mute.objects.exists()


def test_a_muted_member_notices_nothing(alice, bob, bob_client):
    mute_create(muter=alice, muted=bob)
    page = bob_client.get(reverse("posts:user", args=["alice"])).text
    assert "Muted" not in page
    assert reverse("accounts:follow", args=["alice"]) in page or reverse("accounts:unfollow", args=["alice"]) in page


def test_muted_words_are_normalised_unique_and_limited(alice, settings):
    word = muted_word_add(user=alice, phrase="  Red   Wedding ")
    assert word.phrase == "Red Wedding"
    with pytest.raises(SafetyError, match="already muted"):
        muted_word_add(user=alice, phrase="red wedding")
    with pytest.raises(SafetyError):
        muted_word_add(user=alice, phrase="   ")
    with pytest.raises(SafetyError):
        muted_word_add(user=alice, phrase="x" * 101)
    MutedWord.objects.bulk_create(
        MutedWord(user=alice, phrase=f"w{i}", pattern=f"w{i}") for i in range(MUTED_WORDS_MAX - 1)
    )
    with pytest.raises(SafetyError, match="at most"):
        muted_word_add(user=alice, phrase="one too many")
    assert MutedWord.objects.filter(user=alice).count() == MUTED_WORDS_MAX


def test_the_settings_page_lists_and_undoes_blocks_mutes_and_words(alice_client, alice, bob, charlie):
    block_create(blocker=alice, blocked=charlie)
    mute_create(muter=alice, muted=bob, seconds=3600)
    response = alice_client.post(reverse("accounts:safety"), {"phrase": "spoilers"}, follow=True)
    assert "Muted “spoilers”." in response.text
    page = alice_client.get(reverse("accounts:safety")).text
    assert "spoilers" in page and "charlie" in page and "bob" in page and "until" in page
    word = MutedWord.objects.get()
    alice_client.post(reverse("accounts:muted-word-delete", args=[word.pk]))
    alice_client.post(reverse("accounts:unblock", args=["charlie"]), {"next": reverse("accounts:safety")})
    alice_client.post(reverse("accounts:unmute", args=["bob"]))
    assert not MutedWord.objects.exists() and not Block.objects.exists() and not Mute.objects.exists()


def test_the_settings_page_refuses_a_repeat_with_a_form_error(alice_client, alice):
    muted_word_add(user=alice, phrase="spoilers")
    response = alice_client.post(reverse("accounts:safety"), {"phrase": "SPOILERS"})
    assert response.status_code == 400 and "already muted" in response.text
    assert MutedWord.objects.count() == 1


def test_another_members_word_cannot_be_removed(alice, bob_client):
    word = muted_word_add(user=alice, phrase="spoilers")
    response = bob_client.post(reverse("accounts:muted-word-delete", args=[word.pk]), follow=True)
    assert "This word is not muted." in response.text
    assert MutedWord.objects.filter(pk=word.pk).exists()


def test_the_settings_page_needs_a_login(client):
    response = client.get(reverse("accounts:safety"))
    assert response.status_code == 302 and "/login/" in response.url
