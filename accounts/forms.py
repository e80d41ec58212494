from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class ProfileForm(forms.ModelForm):
    """Username and about-me. Usernames are unique ignoring case; the database
    constraint backs up the check below against races."""

    class Meta:
        model = User
        fields = ["username", "about_me"]
        widgets = {"about_me": forms.Textarea(attrs={"rows": 3, "maxlength": 140})}
        help_texts = {"username": _("Letters, digits and @/./+/-/_ only."), "about_me": _("Up to 140 characters.")}

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        # Report a clash on the field itself ("Alice" vs "alice"), not as a form-wide error.
        if User.objects.filter(username__iexact=username).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This username is taken."), code="unique")
        return username
