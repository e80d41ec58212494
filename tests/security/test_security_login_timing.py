"""Issue 21, item 9: logging in with a known address cost 3 password hashes and an
unknown one 2 (ModelBackend beside allauth's backend), so timing told which
addresses have accounts. Known and unknown names now cost the same work."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.tests.conftest import basic

HASHES = []


class CountingHasher(MD5PasswordHasher):
    """The suite's fast hasher, counting each hash it computes (what Argon2 makes slow)."""

    algorithm = "counting_md5"

    def encode(self, password, salt):
        HASHES.append(password)
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings, alice):
    settings.PASSWORD_HASHERS = ["tests.security.test_security_login_timing.CountingHasher"]
    alice.set_password("the-right-one")
    alice.save()
    EmailAddress.objects.create(user=alice, email=alice.email, verified=True, primary=True)
    HASHES.clear()
    return HASHES


def _form_login(login):
    Client().post(reverse("account_login"), {"login": login, "password": "a-wrong-one"})


def _api_login(login):
    APIClient().post("/api/tokens", HTTP_AUTHORIZATION=basic(login, "a-wrong-one"))


@pytest.mark.parametrize("way_in", [_form_login, _api_login], ids=["form", "api"])
@pytest.mark.parametrize("known,unknown", [("alice@example.com", "nobody@example.com"), ("alice", "nobody")])
def test_a_known_and_an_unknown_name_cost_the_same_hashes(hashes, way_in, known, unknown):
    way_in(known)
    known_cost = len(hashes)
    hashes.clear()
    way_in(unknown)

    assert known_cost == len(hashes) == 1
