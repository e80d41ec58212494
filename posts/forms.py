from django import forms
from django.utils.translation import gettext_lazy as _

from microblog.fields import ShortTextField


class PostForm(forms.Form):
    body = ShortTextField(
        label=_("Say something"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What's happening?"), "data-counter": "post-counter"}),
        error_messages={"required": _("Your post is empty.")},
    )
