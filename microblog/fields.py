from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator


class ShortTextField(forms.CharField):
    """A post or message body: at most POST_MAX_LENGTH characters, counted as the browser counts them."""

    def __deepcopy__(self, memo):
        # Every form instance deep-copies its fields: read the limit then, not at
        # import, so a changed setting applies to the next form.
        field = super().__deepcopy__(memo)
        limit = settings.POST_MAX_LENGTH
        field.max_length = limit
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(MaxLengthValidator(limit))
        field.widget.attrs["maxlength"] = limit
        return field

    def to_python(self, value):
        # Browsers count a line break as one character against maxlength but send it as
        # "\r\n": normalise before the length check so a text that fits the box is accepted.
        return super().to_python(value).replace("\r\n", "\n")
