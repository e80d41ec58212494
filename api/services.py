import secrets
from datetime import timedelta

from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.forms import ProfileForm
from accounts.models import User
from api.models import Token, token_digest

# A token with less than this left is replaced rather than handed out again.
REFRESH_MARGIN = timedelta(seconds=60)


def token_issue(*, user: User) -> str:
    """The member's API token: the current one while more than a minute of its
    life remains, otherwise a new one valid for API_TOKEN_LIFETIME seconds."""
    now = timezone.now()
    current = Token.objects.filter(user=user).first()
    if current is not None and current.expires > now + REFRESH_MARGIN:
        token = current.plaintext()
        # A changed SECRET_KEY derives another token; then issue a fresh one.
        if token_digest(token) == current.digest:
            return token
    nonce = secrets.token_hex(32)
    fresh = Token(user=user, nonce=nonce, expires=now + timedelta(seconds=settings.API_TOKEN_LIFETIME))
    token = fresh.plaintext()
    Token.objects.update_or_create(
        user=user, defaults={"nonce": nonce, "digest": token_digest(token), "expires": fresh.expires}
    )
    return token


def token_revoke(*, token: Token) -> None:
    """Revoke a token at once (DELETE /api/tokens): the next POST issues a new one."""
    Token.objects.filter(pk=token.pk).delete()


def user_signup(*, request: HttpRequest, form: SignupForm) -> User:
    """Create the member from allauth's validated sign-up form, as the sign-up
    page does (EmailAddress row included), and send the confirmation email
    unless the site does not verify addresses. No session is started."""
    with transaction.atomic():
        user = form.save(request)
        if settings.ACCOUNT_EMAIL_VERIFICATION != "none":
            address = EmailAddress.objects.get_primary(user)
            if address is not None:
                address.send_confirmation(request, signup=True)
    return user


def user_update(*, user: User, profile: ProfileForm, email: str | None) -> User:
    """Save PUT /api/users/<id>: the validated profile form (username, about me)
    and a new email address, which allauth must also know as the primary one,
    or logging in by email would still accept the old address."""
    # Lower case, as allauth's sign-up stores them: allauth looks addresses up
    # in lower case, so "Alice@Example.com" would escape its uniqueness check.
    email = email.lower() if email is not None else None
    with transaction.atomic():
        profile.save()
        if email is not None and email != user.email.lower():
            old = user.email
            user.email = email
            user.save(update_fields=["email"])
            EmailAddress.objects.filter(user=user, email__iexact=old).delete()
            EmailAddress.objects.filter(user=user).update(primary=False)
            EmailAddress.objects.update_or_create(
                user=user, email__iexact=email, defaults={"email": email, "primary": True}
            )
    return user
