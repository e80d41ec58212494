from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import FormTokenField, ShortTextField


class MessageForm(forms.Form):
    body = ShortTextField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4, "data-counter": "message-counter"}),
        error_messages={"required": _("Your message is empty.")},
    )
    # One message per rendering of the form, however often it is sent.
    form_token = FormTokenField()


class PushKindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Notify me when someone…"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from messaging.push import push_kinds

        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = push_kinds()
