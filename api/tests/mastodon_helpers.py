"""Shared by the Mastodon API tests: registered apps and tokens without the OAuth dance."""

import datetime

from django.utils import timezone
from django.utils.crypto import get_random_string
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from api.mastodon.oauth import app_create

OOB = "urn:ietf:wg:oauth:2.0:oob"


def app_register(*, scopes="read write follow push", redirect_uris=(OOB,)):
    app, secret = app_create(name="Test app", redirect_uris=list(redirect_uris), scopes=scopes, website="")
    return app, secret


def token_for(user, *, scope="read write follow push", app=None, expires=None) -> AccessToken:
    app = app or app_register()[0]
    return AccessToken.objects.create(
        user=user,
        application=app.application,
        token=get_random_string(40),
        scope=scope,
        expires=expires or timezone.now() + datetime.timedelta(days=3650),
    )


def client_with(token: AccessToken) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    return client
