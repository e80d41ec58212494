import hashlib
import logging
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import signup
from accounts.deletion import username_reserved
from accounts.models import SignupApplication, User
from accounts.validators import lookalike_taken, username_normalize

logger = logging.getLogger(__name__)

# Mails anyone can make the site send to any address, by typing it in a form or the API.
UNASKED_MAILS = {
    "account/email/account_already_exists",
    "account/email/unknown_account",
    "account/email/password_reset_key",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
}


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials):
        """One count of failed logins per account, whichever name it is tried
        under: allauth keys it on the text typed, so "alice" and her email
        address would each get the full allowance. Unknown names keep
        allauth's key. (allauth 65's hook for ACCOUNT_RATE_LIMITS["login_failed"].)"""
        login = credentials.get("email", credentials.get("username", "")) or ""
        member = User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).values_list("pk", flat=True)
        pks = list(member[:2])
        if len(pks) == 1:
            return f"member:{pks[0]}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def clean_username(self, username, shallow=False):
        """allauth's checks on the NFKC form of the name, none of the forbidden names
        (accounts.signup), and (at signup; the profile form checks it itself, excluding
        the member) no lookalike of another's name."""
        username = super().clean_username(username_normalize(username), shallow=shallow)
        if username.casefold() in {name.casefold() for name in signup.forbidden_usernames()}:
            raise self.validation_error("username_blacklisted")
        # A deleted account's name stays theirs: nobody may pass for them (accounts.deletion).
        if username_reserved(username):
            raise self.validation_error("username_taken")
        if not shallow and lookalike_taken(username):
            raise self.validation_error("username_lookalike")
        return username

    def clean_email(self, email):
        """No address from a blocked domain (accounts.EmailDomainBlock), at sign-up or
        when a member adds or changes an address."""
        email = super().clean_email(email)
        if signup.email_domain_blocked(email):
            raise self.validation_error("email_domain_blocked")
        return email

    def is_open_for_signup(self, request):
        """SIGNUP_MODE: closed shuts the door; invite opens it only to a visitor who
        came with a usable invite (accounts.views.invite)."""
        mode = signup.signup_mode()
        if mode == signup.CLOSED:
            return False
        if mode == signup.INVITE:
            try:
                signup.invite_check(request.session.get(signup.SESSION_INVITE))
            except signup.InviteError:
                return False
        return True

    def save_user(self, request, user, form, commit=True):
        """allauth's new member, then what the sign-up mode asks: an invite counts one
        use (and lets its guest skip approval); in approval mode the account waits for
        the moderators with the applicant's answer."""
        user = super().save_user(request, user, form, commit=commit)
        # The page keeps the invite in the session; the API passes it on the request (api.views).
        code = getattr(request, "signup_invite", None) or request.session.get(signup.SESSION_INVITE)
        if code:
            signup.invite_use(code=code)
            request.session.pop(signup.SESSION_INVITE, None)
        elif signup.signup_mode() == signup.APPROVAL:
            reason = form.cleaned_data.get("reason") or getattr(request, "signup_reason", "")
            signup.signup_application_create(user=user, reason=reason)
        return user

    def respond_user_inactive(self, request, user):
        """An applicant still waiting is told so, not that the account is inactive."""
        if SignupApplication.objects.filter(user=user, status=SignupApplication.PENDING).exists():
            return render(request, "account/signup_pending.html", {"applicant": user})
        return super().respond_user_inactive(request, user)

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_lookalike": _("This username looks like another member's."),
        "username_blacklisted": _("This username is reserved. Please choose another."),
        "email_domain_blocked": _("Sign-ups from this email domain are not accepted."),
    }

    def confirm_email(self, request, email_address):
        """allauth's confirmation, then the email change it may complete (PUT /api/users/<me>)."""
        from accounts.services import user_email_change_confirmed

        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            user_email_change_confirmed(address=email_address)
        return confirmed

    def send_mail(self, template_prefix, email, context):
        """allauth's mails, with two rules for every way in (pages and API alike):

        - each mail in UNASKED_MAILS goes to one address at most once per
          ACCOUNT_MAIL_INTERVAL seconds, so nobody can mail-bomb a member;
        - links (every *_url in the context) and the site's name come from SITE_URL,
          never from the request's Host header."""
        if template_prefix in UNASKED_MAILS and settings.ACCOUNT_MAIL_INTERVAL > 0:
            digest = hashlib.sha256(f"{template_prefix}:{email.lower()}".encode()).hexdigest()
            if not cache.add(f"account-mail:{digest}", 1, settings.ACCOUNT_MAIL_INTERVAL):
                logger.info("Not sent: %s to the same address within ACCOUNT_MAIL_INTERVAL", template_prefix)
                return
        site = urlsplit(settings.SITE_URL)
        context = {**context, "current_site": SimpleNamespace(domain=site.netloc, name=site.netloc)}
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str):
                context[key] = site_url(value)
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject):
        # allauth's "[site name] " prefix, the name from SITE_URL rather than the request's Host.
        if allauth_settings.EMAIL_SUBJECT_PREFIX is None:
            return f"[{urlsplit(settings.SITE_URL).netloc}] {subject}"
        return super().format_email_subject(subject)


def site_url(url: str) -> str:
    """`url` (absolute or a path) on the configured SITE_URL."""
    parts = urlsplit(url)
    return settings.SITE_URL + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
