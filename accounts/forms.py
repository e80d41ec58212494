from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.core.validators import MinLengthValidator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class ProfileForm(forms.ModelForm):
    """Username and about-me. A new username follows the same rules as at
    signup; it is unique ignoring case, and the database constraint backs up
    the check below against races."""

    language = forms.ChoiceField(label=_("Language"), required=False)

    class Meta:
        model = User
        fields = ["username", "about_me", "language"]
        widgets = {"about_me": forms.Textarea(attrs={"rows": 3, "maxlength": 140})}
        help_texts = {
            "username": _("Letters, digits and @/./+/-/_ only."),
            "about_me": _("Up to 140 characters."),
            "language": _("The language of the site's pages for you."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Signup's validators and blacklist; shallow: the uniqueness check below excludes this member.
        username = get_adapter().clean_username(username, shallow=True)
        # Report a clash on the field itself ("Alice" vs "alice"), not as a form-wide error.
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This username is taken."), code="unique")
        return username


class LoginForm(AllauthLoginForm):
    """allauth's login form, with a label that says both names work."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")
