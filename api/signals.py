"""The events that end a member's API and OAuth tokens (connected in ApiConfig.ready)."""

from allauth.mfa.signals import authenticator_added
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import User
from api.services import oauth_tokens_revoke, token_revoke_all


@receiver(authenticator_added)
def revoke_tokens_when_two_factor_is_turned_on(sender, request, user, authenticator, **kwargs):
    token_revoke_all(user=user)


@receiver(post_save, sender=User, dispatch_uid="api.signals.password_changed")
def revoke_oauth_tokens_when_the_password_changes(sender, instance, created, raw=False, **kwargs):
    # set_password() leaves the new password in _password until the save is done: that is
    # every way a password changes (settings page, reset link, admin, changepassword).
    if not created and not raw and getattr(instance, "_password", None) is not None:
        oauth_tokens_revoke(user=instance)
