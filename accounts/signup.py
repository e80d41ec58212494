"""Who may sign up: the site's SIGNUP_MODE (open, approval, invite, closed), invites,
blocked email domains and forbidden usernames. The sign-up page and the API both go
through these (via accounts.adapter.AccountAdapter, allauth's hooks)."""

import datetime
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import EmailDomainBlock, Invite, SignupApplication, User

OPEN, APPROVAL, INVITE, CLOSED = "open", "approval", "invite", "closed"
MODES = (OPEN, APPROVAL, INVITE, CLOSED)

# What the sign-up page says in each mode.
MODE_TEXT = {
    OPEN: gettext_lazy("Anyone may join."),
    APPROVAL: gettext_lazy(
        "New accounts are approved by the moderators: tell them why you want to join, and you will get "
        "an email when they have decided."
    ),
    INVITE: gettext_lazy("Joining needs an invitation from a member."),
    CLOSED: gettext_lazy("Sign-ups are closed at the moment."),
}

# Names nobody may take, whatever FORBIDDEN_USERNAMES adds: they look official.
BUILT_IN_FORBIDDEN_USERNAMES = (
    "abuse", "admin", "administrator", "api", "help", "info", "mod", "moderator", "moderators", "noreply",
    "null", "postmaster", "root", "security", "staff", "support", "system", "webmaster",
)  # fmt: skip

# The session key holding the invite code a visitor arrived with.
SESSION_INVITE = "accounts:invite"


class InviteError(Exception):
    """An invite that cannot be used (revoked, expired, used up); the message says which."""


def signup_mode() -> str:
    return settings.SIGNUP_MODE


def forbidden_usernames() -> list[str]:
    return [*BUILT_IN_FORBIDDEN_USERNAMES, *settings.FORBIDDEN_USERNAMES]


def email_domain_blocked(email: str) -> bool:
    """Whether the address's domain, or a domain it is under, is blocked."""
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    if not domain:
        return False
    parts = domain.split(".")
    candidates = [".".join(parts[i:]) for i in range(len(parts))]
    return EmailDomainBlock.objects.filter(domain__in=candidates).exists()


def invite_create(*, user: User, max_uses: int | None, expires_in: datetime.timedelta | None) -> Invite:
    expires = timezone.now() + expires_in if expires_in else None
    return Invite.objects.create(code=secrets.token_urlsafe(12), created_by=user, max_uses=max_uses, expires=expires)


def invite_revoke(*, invite: Invite) -> None:
    Invite.objects.filter(pk=invite.pk, revoked__isnull=True).update(revoked=timezone.now())


def invite_check(code: str | None) -> Invite:
    """The invite with this code if it can still be used; InviteError says why not."""
    invite = Invite.objects.filter(code=code or "").select_related("created_by").first()
    if invite is None or invite.revoked is not None or not invite.created_by.is_active:
        raise InviteError(_("This invitation is not valid."))
    if invite.expires is not None and invite.expires <= timezone.now():
        raise InviteError(_("This invitation has expired."))
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteError(_("This invitation has been used as many times as it allows."))
    return invite


def invite_use(*, code: str) -> Invite:
    """Count one sign-up against the invite, in one conditional UPDATE so that two
    sign-ups at once cannot both take its last use; InviteError if none was left."""
    invite = invite_check(code)
    if not Invite.objects.usable().filter(pk=invite.pk).update(uses=F("uses") + 1):
        raise InviteError(_("This invitation has been used as many times as it allows."))
    invite.uses += 1
    return invite


def signup_application_create(*, user: User, reason: str) -> SignupApplication:
    """The new member waits for the moderators: no log-in until approved."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    return SignupApplication.objects.create(user=user, reason=reason)


def _mail(user: User, template: str, subject) -> None:
    # In the applicant's language where they chose one, else the site's (not the moderator's).
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL}
        body = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
        send_mail(str(subject), body, None, [user.email], html_message=html)


def signup_application_approve(*, application: SignupApplication) -> None:
    with transaction.atomic():
        updated = SignupApplication.objects.filter(pk=application.pk, status=SignupApplication.PENDING).update(
            status=SignupApplication.APPROVED, decided=timezone.now()
        )
        if not updated:
            return  # decided already (two moderators at once)
        user = application.user
        user.is_active = True
        user.save(update_fields=["is_active"])
        _mail(user, "signup_approved", gettext_lazy("Your account is ready"))


def signup_application_reject(*, application: SignupApplication) -> None:
    """Mail the applicant, then delete the account: it never made anything, and its
    username and address are free again."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=application.user_id, is_active=False).first()
        if user is None or not SignupApplication.objects.filter(pk=application.pk, status=SignupApplication.PENDING):
            return
        _mail(user, "signup_rejected", gettext_lazy("Your application was not accepted"))
        user.delete()
