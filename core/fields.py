import secrets

import regex
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

# One user-perceived character (Unicode's extended grapheme cluster, UAX #29): an emoji
# with its skin tone or a family joined by ZWJ, a flag, a letter with its accents.
_GRAPHEME = regex.compile(r"\X")


def grapheme_length(text: str) -> int:
    """How many characters a reader sees in `text`, as Mastodon counts an emoji as one;
    static/js/composer.js counts the same way (Intl.Segmenter)."""
    return len(_GRAPHEME.findall(text))


@deconstructible
class GraphemeMaxLengthValidator(MaxLengthValidator):
    def clean(self, x):
        return grapheme_length(x)


class ShortTextField(forms.CharField):
    """A post or message body: at most POST_MAX_LENGTH characters, counted as a reader
    sees them (grapheme clusters), the same count as the composer's counter."""

    def __deepcopy__(self, memo):
        # Every form instance deep-copies its fields: read the limit then, not at
        # import, so a changed setting applies to the next form.
        field = super().__deepcopy__(memo)
        limit = settings.POST_MAX_LENGTH
        field.max_length = None
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(GraphemeMaxLengthValidator(limit))
        # Not maxlength: the browser would count UTF-16 units (an emoji as 2, a family as 11)
        # and cut a paste silently; the counter warns instead, the server refuses.
        field.widget.attrs.pop("maxlength", None)
        field.widget.attrs["data-max-length"] = limit
        return field

    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as
        # "\r\n": normalise before the length check so a text that fits the box is accepted.
        return super().to_python(value).replace("\r\n", "\n")


def _form_token() -> str:
    return secrets.token_urlsafe(16)


class FormTokenField(forms.CharField):
    """A hidden one-time token, new at each rendering of the form: sent twice (a double
    click, a resubmission) it makes one object (core.idempotency). Optional, so a
    form posted without it (an old page, a script) still works, unprotected."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=100, initial=_form_token, **kwargs)
