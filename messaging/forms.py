from django import forms
from django.utils.translation import gettext_lazy as _

from microblog.fields import ShortTextField


class MessageForm(forms.Form):
    body = ShortTextField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": "message-counter"}),
        error_messages={"required": _("Your message is empty.")},
    )
