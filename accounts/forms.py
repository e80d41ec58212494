import datetime

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.core.validators import MinLengthValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts import signup
from accounts.models import PROFILE_FIELD_LABEL_MAX, PROFILE_FIELD_VALUE_MAX, PROFILE_FIELDS_MAX, User
from accounts.validators import lookalike_taken
from core.images import TOO_LARGE, ImageRejected, image_inspect


class ProfileForm(forms.ModelForm):
    """Username and about-me. A new username follows the same rules as at
    signup; it is unique ignoring case, and the database constraint backs up
    the check below against races."""

    language = forms.ChoiceField(label=_("Language"), required=False)
    avatar_upload = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("Cropped to a square. JPEG, PNG, WebP or GIF."),
    )
    header_upload = forms.FileField(
        label=_("Header"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text=_("Shown across the top of your profile, cropped to 3:1."),
    )

    class Meta:
        model = User
        fields = ["display_name", "username", "about_me", "language", "theme", "noindex"]
        widgets = {"about_me": forms.Textarea(attrs={"rows": 4, "maxlength": 500}), "theme": forms.RadioSelect}
        help_texts = {
            "display_name": _("Shown beside your @username; up to 50 characters."),
            "username": _("Letters, digits and ./+/-/_ only."),
            "about_me": _("Up to 500 characters; links, @mentions and #hashtags work."),
            "language": _("The language of the site's pages for you."),
            "theme": _("Light or dark colours, or whichever your device uses."),
        }

    def __init__(self, *args, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = set(too_large)
        # Up to PROFILE_FIELDS_MAX label/value pairs, as Mastodon's profile metadata.
        existing = list(self.instance.profile_fields or [])
        for index in range(PROFILE_FIELDS_MAX):
            pair = existing[index] if index < len(existing) else {}
            self.fields[f"field_name_{index}"] = forms.CharField(
                label=_("Label %(number)d") % {"number": index + 1},
                required=False,
                max_length=PROFILE_FIELD_LABEL_MAX,
                initial=pair.get("name", ""),
            )
            self.fields[f"field_value_{index}"] = forms.CharField(
                label=_("Content %(number)d") % {"number": index + 1},
                required=False,
                max_length=PROFILE_FIELD_VALUE_MAX,
                initial=pair.get("value", ""),
            )
        # Read when the form is built; each language is named in its own tongue so anyone can find theirs.
        self.fields["language"].choices = [("", _("Same as my browser"))] + [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        # Signup's minimum length (ACCOUNT_USERNAME_MIN_LENGTH), read when the form is built.
        min_length = allauth_settings.USERNAME_MIN_LENGTH
        field = self.fields["username"]
        field.min_length = min_length
        field.validators.append(MinLengthValidator(min_length))
        field.widget.attrs["minlength"] = min_length

    @classmethod
    def data_of(cls, member: User) -> dict:
        """The form's data as `member`'s profile stands, for a caller that changes only some
        fields (the APIs): a field left out of a bound form would otherwise be cleared."""
        data = {name: getattr(member, name) for name in cls.Meta.fields}
        for index in range(PROFILE_FIELDS_MAX):
            pair = member.profile_fields[index] if index < len(member.profile_fields or []) else {}
            data[f"field_name_{index}"] = pair.get("name", "")
            data[f"field_value_{index}"] = pair.get("value", "")
        return data

    def _clean_upload(self, name):
        if name in self.too_large:
            raise forms.ValidationError(TOO_LARGE % {"mb": settings.MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)})
        upload = self.cleaned_data.get(name)
        if upload:
            try:
                image_inspect(upload)
            except ImageRejected as rejected:
                raise forms.ValidationError(rejected.message) from None
        return upload

    def clean_avatar_upload(self):
        return self._clean_upload("avatar_upload")

    def clean_header_upload(self):
        return self._clean_upload("header_upload")

    def clean(self):
        cleaned = super().clean()
        pairs = []
        for index in range(PROFILE_FIELDS_MAX):
            name = (cleaned.get(f"field_name_{index}") or "").strip()
            value = (cleaned.get(f"field_value_{index}") or "").strip()
            if name and value:
                pairs.append({"name": name, "value": value})
            elif name or value:
                self.add_error(
                    f"field_name_{index}" if not name else f"field_value_{index}", _("Fill in both or neither.")
                )
        self.instance.profile_fields = pairs
        return cleaned

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username == self.instance.username:
            return username  # unchanged: a name given before today's rules (a superuser "admin") stays
        # Signup's validators and blacklist; shallow: the uniqueness check below excludes this member.
        username = get_adapter().clean_username(username, shallow=True)
        # Report a clash on the field itself ("Alice" vs "alice"), not as a form-wide error.
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This username is taken."), code="unique")
        if lookalike_taken(username, besides_pk=self.instance.pk):
            raise forms.ValidationError(_("This username looks like another member's."), code="lookalike")
        return username


class LoginForm(AllauthLoginForm):
    """allauth's login form, with a label that says both names work."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
        if "remember" in self.fields:  # in the site's sentence case (allauth's says "Remember Me")
            self.fields["remember"].label = _("Remember me")


def _new_password_labels(form) -> None:
    # In the site's sentence case (allauth's say "New Password", "Current Password").
    form.fields["password1"].label = _("New password")
    form.fields["password2"].label = _("New password (again)")


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        _new_password_labels(self)


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _new_password_labels(self)


class MuteForm(forms.Form):
    """How long to mute a member for, and whether their notifications go too."""

    duration = forms.ChoiceField(
        label=_("Mute for"),
        choices=[
            ("3600", _("1 hour")),
            ("86400", _("1 day")),
            ("604800", _("7 days")),
            ("0", _("Until I unmute")),
        ],
        initial="0",
    )
    notifications = forms.BooleanField(label=_("Hide their notifications too"), required=False, initial=True)

    def clean_duration(self):
        from accounts.services import MUTE_DURATIONS

        return MUTE_DURATIONS[self.cleaned_data["duration"]]


class MutedWordForm(forms.Form):
    phrase = forms.CharField(
        label=_("Word or phrase"),
        max_length=100,
        help_text=_("Posts containing it as a whole word leave your timelines; capitals don't matter."),
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, plus accepting the site's rules (shown above it) and, in
    approval mode, why the applicant wants to join (for the moderators' queue)."""

    accept_rules = forms.BooleanField(
        label=_("I have read the rules and accept them"),
        error_messages={"required": _("To join, please accept the rules.")},
    )

    def __init__(self, *args, **kwargs):
        self.invite_code = kwargs.pop("invite_code", None)
        super().__init__(*args, **kwargs)
        if signup.signup_mode() == signup.APPROVAL and not self.invite_code:
            self.fields["reason"] = forms.CharField(
                label=_("Why do you want to join?"),
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
                help_text=_("The moderators read this before they approve your account."),
            )
        # The rules' checkbox last, just above the button, as people read the form.
        self.order_fields([name for name in self.fields if name != "accept_rules"] + ["accept_rules"])

    def clean(self):
        cleaned = super().clean()
        if self.invite_code:
            try:
                signup.invite_check(self.invite_code)
            except signup.InviteError as error:
                raise forms.ValidationError(str(error), code="invite") from None
        return cleaned


class InviteForm(forms.Form):
    """Mastodon's choices: how long the link works and how many people may use it."""

    EXPIRY = {
        "1800": datetime.timedelta(minutes=30),
        "3600": datetime.timedelta(hours=1),
        "43200": datetime.timedelta(hours=12),
        "86400": datetime.timedelta(days=1),
        "604800": datetime.timedelta(days=7),
        "never": None,
    }
    expires_in = forms.TypedChoiceField(
        label=_("Expires after"),
        choices=[
            ("1800", _("30 minutes")),
            ("3600", _("1 hour")),
            ("43200", _("12 hours")),
            ("86400", _("1 day")),
            ("604800", _("7 days")),
            ("never", _("Never")),
        ],
        initial="604800",
        coerce=EXPIRY.__getitem__,
    )
    max_uses = forms.TypedChoiceField(
        label=_("Number of uses"),
        choices=[("1", "1"), ("5", "5"), ("10", "10"), ("25", "25"), ("100", "100"), ("", _("No limit"))],
        initial="1",
        required=False,
        coerce=int,
        empty_value=None,
    )


class AccountDeleteForm(forms.Form):
    """The member's password, and their second factor's code when they turned one on:
    whoever has the session alone (a shared computer) cannot delete the account."""

    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)
    code = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        help_text=_("From your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.authenticators = list(Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.WEBAUTHN))
        if not self.authenticators:
            del self.fields["code"]
        else:
            self.fields["code"].required = True

    def clean_password(self):
        password = self.cleaned_data["password"]
        # allauth's check, with its limit on failed attempts (ACCOUNT_RATE_LIMITS).
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(_("That is not your password."), code="password")
        return password

    def clean_code(self):
        code = self.cleaned_data.get("code", "").strip()
        if not any(authenticator.wrap().validate_code(code) for authenticator in self.authenticators):
            raise forms.ValidationError(_("That code is not right."), code="code")
        return code
