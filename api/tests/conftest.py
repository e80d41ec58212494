import base64

import pytest
from rest_framework.test import APIClient

from accounts.tests.factories import DEFAULT_PASSWORD
from api.services import token_issue
from api.tests.mastodon_helpers import client_with, token_for


def basic(username, password=DEFAULT_PASSWORD):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def _api_client_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
    return client


@pytest.fixture
def api_client_for():
    """An APIClient sending a bearer token for any member: api_client_for(moderator)."""
    return _api_client_for


@pytest.fixture
def alice_api(alice):
    return _api_client_for(alice)


@pytest.fixture
def bob_api(bob):
    return _api_client_for(bob)


@pytest.fixture
def charlie_api(charlie):
    return _api_client_for(charlie)


@pytest.fixture
def anon_api():
    return APIClient()


@pytest.fixture
def alice_masto(alice):
    """A Mastodon client with an OAuth token of alice (every scope)."""
    return client_with(token_for(alice))


@pytest.fixture
def bob_masto(bob):
    return client_with(token_for(bob))
