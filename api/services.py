import secrets
from datetime import timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.forms import SignupForm
from allauth.account.models import EmailAddress
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.services import user_email_change_request
from api.models import Marker, Token, token_digest

# A token with less than this left is replaced rather than handed out again.
REFRESH_MARGIN = timedelta(seconds=60)


class LoginRefused(Exception):
    """Credentials that get no token; `locked` when the account's lockout is on,
    `code_needed` when the password was right but two-factor login wants a code."""

    def __init__(self, message, *, locked: bool = False, code_needed: bool = False):
        super().__init__(message)
        self.locked = locked
        self.code_needed = code_needed


def member_authenticate(*, request: HttpRequest, login: str, password: str, code: str = "") -> User:
    """The member these credentials name, checked as the login page checks them:
    through allauth's adapter, so a wrong password counts toward the same lockout
    (ACCOUNT_RATE_LIMITS["login_failed"]) and a locked account is refused even the
    right one; with two-factor login on, `code` (authenticator app or recovery code)
    is required too, and wrong codes count against allauth's code limit."""
    adapter = get_account_adapter(request)
    # As the login form passes them: an address as email, anything else as username.
    credentials = {"email" if "@" in login else "username": login, "password": password}
    try:
        user = adapter.authenticate(request, **credentials)
    except ValidationError as error:
        raise LoginRefused(error.messages[0], locked=True) from None
    if user is None or not user.is_active:
        raise LoginRefused(_("Invalid username/password."))
    if Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.WEBAUTHN).exists():
        if not code:
            raise LoginRefused(
                _("Two-factor login is on: send a code from your authenticator app in the X-OTP header."),
                code_needed=True,
            )
        form = AuthenticateForm(user=user, data={"code": code})
        if not form.is_valid():
            error = form.errors.as_data()["code"][0]
            raise LoginRefused(error.messages[0], locked=error.code == "too_many_login_attempts")
        form.authenticator.record_usage()
    return user


def token_issue(*, user: User) -> str:
    """The member's API token: the current one while more than a minute of its
    life remains, otherwise a new one valid for API_TOKEN_LIFETIME seconds.

    Safe under concurrent calls without a lock: the token is derived from the
    stored nonce, so every caller that finds a live row returns the same token;
    a new row is inserted only if none exists (the primary key settles a race),
    and an old one is replaced only if its nonce is still the one this call read
    (compare-and-swap), otherwise the winner's token is returned."""
    lifetime = timedelta(seconds=settings.API_TOKEN_LIFETIME)
    for _attempt in range(5):
        now = timezone.now()
        current = Token.objects.select_related("user").filter(user=user).first()
        if current is not None and current.expires > now + REFRESH_MARGIN:
            token = current.plaintext()
            # A changed SECRET_KEY or password derives another token; then issue a fresh one.
            if token_digest(token) == current.digest:
                return token
        fresh = Token(user=user, nonce=secrets.token_hex(32), expires=now + lifetime)
        token = fresh.plaintext()
        fresh.digest = token_digest(token)
        if current is None:
            try:
                with transaction.atomic():
                    fresh.save(force_insert=True)
                return token
            except IntegrityError:
                continue  # another request inserted first: return its token
        swapped = Token.objects.filter(user=user, nonce=current.nonce).update(
            nonce=fresh.nonce, digest=fresh.digest, expires=fresh.expires
        )
        if swapped:
            return token
    raise RuntimeError("token_issue: lost the race five times in a row")


def token_revoke(*, token: Token) -> None:
    """Revoke a token at once (DELETE /api/tokens): the next POST issues a new one."""
    Token.objects.filter(pk=token.pk).delete()


def token_revoke_all(*, user: User) -> None:
    """Revoke the member's tokens (turning two-factor login on: a token got with the
    password alone must not outlive it). A new password revokes them by itself (Token)."""
    Token.objects.filter(user=user).delete()


def oauth_tokens_revoke(*, user: User) -> int:
    """End every Mastodon app's access to the member (access and refresh tokens, pending
    codes): a new password must lock out whoever had the old one, apps included, as
    it does the project's own token (Token) and the sessions. The apps must be
    authorized again. Returns how many access tokens went."""
    from oauth2_provider.models import AccessToken, Grant, RefreshToken

    with transaction.atomic():
        Grant.objects.filter(user=user).delete()
        RefreshToken.objects.filter(user=user).delete()
        removed, _kinds = AccessToken.objects.filter(user=user).delete()
    return removed


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


def user_update(*, request: HttpRequest, user: User, profile: ProfileForm, email: str | None) -> bool:
    """Save PUT /api/users/<id>: the validated profile form (username, about me) now,
    and a new email address once confirmed by the link mailed to it (so the answer
    cannot tell a free address from another member's). True when a change of
    address waits for that confirmation."""
    with transaction.atomic():
        profile.save()
    if email is None or email.lower() == user.email.lower():
        return False
    user_email_change_request(request=request, user=user, email=email)
    return True


def marker_save(*, user: User, timeline: str, last_read_id: int) -> Marker:
    """Move `user`'s marker on `timeline` to `last_read_id`; its version counts the moves.
    Two apps saving at once: the row lock makes one wait, so no move is lost."""
    with transaction.atomic():
        marker, created = Marker.objects.select_for_update().get_or_create(
            user=user, timeline=timeline, defaults={"last_read_id": last_read_id}
        )
        if not created:
            marker.last_read_id = last_read_id
            marker.version += 1
            marker.updated = timezone.now()
            marker.save(update_fields=["last_read_id", "version", "updated"])
    return marker
