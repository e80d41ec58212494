from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class PostBodyField(forms.CharField):
    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as
        # "\r\n": normalise before the length check so a post that fits the box is accepted.
        return super().to_python(value).replace("\r\n", "\n")


class PostForm(forms.Form):
    body = PostBodyField(
        label=_("Say something"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What's happening?"), "data-counter": "post-counter"}),
        error_messages={"required": _("Your post is empty.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when the form is built, not at import, so the setting can change.
        limit = settings.POST_MAX_LENGTH
        field = self.fields["body"]
        field.max_length = limit
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = limit
