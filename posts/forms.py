from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import FormTokenField, ShortTextField
from core.images import TOO_LARGE
from posts.media import MediaError, description_check, media_check, too_many_message
from posts.text import text_check

ACCEPTED_IMAGES = "image/jpeg,image/png,image/webp,image/gif"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Up to MEDIA_MAX_ATTACHMENTS image files from one <input type=file multiple>."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_IMAGES}))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(ImagesField, self).clean(item, initial) for item in files if item]


def _alt_field(number: int):
    # The label is set per form (PostForm.__init__), in the reader's language.
    return forms.CharField(
        required=False,
        strip=True,
        # Not max_length: a longer text must get description_check's message, not the browser's cut.
        widget=forms.Textarea(attrs={"rows": 2, "data-media-alt": number - 1}),
        help_text=_("Describe the image for people who can't see it."),
    )


class PostForm(forms.Form):
    body = ShortTextField(
        label=_("Say something"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("What's happening?"), "data-counter": "post-counter"}),
    )
    # A content warning: the text shown instead of the body until "Show more".
    spoiler_text = forms.CharField(
        label=_("Content warning"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Write your warning here")}),
    )
    sensitive = forms.BooleanField(label=_("Mark images as sensitive"), required=False)
    images = ImagesField(label=_("Images"))
    alt_0 = _alt_field(1)
    alt_1 = _alt_field(2)
    alt_2 = _alt_field(3)
    alt_3 = _alt_field(4)
    # One post per rendering of the form, however often it is sent (a double click).
    form_token = FormTokenField()

    def __init__(self, *args, too_large=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Fields whose file the upload handler stopped reading (core.images.SizeLimitUploadHandler).
        self.too_large = set(too_large)
        for index in range(settings.MEDIA_MAX_ATTACHMENTS):
            self.fields[f"alt_{index}"].label = gettext("Alt text of image %(number)d") % {"number": index + 1}

    def clean_body(self):
        body = self.cleaned_data["body"]
        text_check(body)  # a hashtag too long to be one is refused with a message
        return body

    def clean_images(self):
        if "images" in self.too_large:
            raise forms.ValidationError(TOO_LARGE % {"mb": settings.MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)})
        files = self.cleaned_data["images"]
        if len(files) > settings.MEDIA_MAX_ATTACHMENTS:
            raise forms.ValidationError(too_many_message())
        errors = []
        self.inspected = []
        for upload in files:
            try:
                self.inspected.append(media_check(upload))
            except MediaError as error:
                errors.append(
                    forms.ValidationError(
                        "%(name)s: %(error)s", params={"name": upload.name[:80], "error": error.message}
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return files

    def _clean_alt(self, name):
        try:
            return description_check(self.cleaned_data[name])
        except MediaError as error:
            raise forms.ValidationError(error.message) from None

    def clean_alt_0(self):
        return self._clean_alt("alt_0")

    def clean_alt_1(self):
        return self._clean_alt("alt_1")

    def clean_alt_2(self):
        return self._clean_alt("alt_2")

    def clean_alt_3(self):
        return self._clean_alt("alt_3")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("body") and not cleaned.get("images"):
            self.add_error("body", _("Your post is empty."))
        return cleaned

    def uploads(self) -> list[tuple]:
        """(file, alt text, inspection) of each chosen image, for posts.media.media_uploads_store."""
        files = self.cleaned_data.get("images") or []
        return [
            (upload, self.cleaned_data.get(f"alt_{index}", ""), inspected)
            for index, (upload, inspected) in enumerate(zip(files, self.inspected, strict=True))
        ]


class PostEditForm(forms.Form):
    """An edit: the text, the content warning, and which images to take out."""

    body = ShortTextField(
        label=_("Say something"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-counter": "post-counter"}),
    )
    spoiler_text = PostForm.base_fields["spoiler_text"]
    sensitive = PostForm.base_fields["sensitive"]
    remove_media = forms.TypedMultipleChoiceField(
        label=_("Remove images"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post
        self.fields["remove_media"].choices = [
            (attachment.pk, attachment.description or _("Image %(number)d") % {"number": number})
            for number, attachment in enumerate(post.attachments.all(), start=1)
        ]
        if not self.fields["remove_media"].choices:
            del self.fields["remove_media"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        text_check(body)
        return body

    def clean(self):
        cleaned = super().clean()
        images = len(self.fields["remove_media"].choices) if "remove_media" in self.fields else 0
        kept = images - len(set(cleaned.get("remove_media") or []))
        if not self.errors and not cleaned.get("body") and kept <= 0:
            self.add_error("body", _("Your post is empty."))
        return cleaned


class ReportForm(forms.Form):
    """Why a post or member is reported, and which of their posts go with it."""

    reason = forms.ChoiceField(label=_("Why are you reporting this?"), choices=[], widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Anything the moderators should know? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("Attach their posts (up to 5)"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        from posts.models import Report

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = Report.Reason.choices
        self.fields["posts"].queryset = candidates
        self.fields["posts"].label_from_instance = lambda post: post.body[:120]

    def clean_posts(self):
        from posts.moderation import REPORT_POSTS_MAX

        posts = self.cleaned_data["posts"]
        if len(posts) > REPORT_POSTS_MAX:
            raise forms.ValidationError(_("Attach at most %(count)d posts.") % {"count": REPORT_POSTS_MAX})
        return posts


class ImportForm(forms.Form):
    """A CSV to import (Mastodon's Settings → Import and export formats): which list it is,
    merge or overwrite, and the file, checked whole here (posts.imports.import_parse)."""

    kind = forms.ChoiceField(label=_("Type of list"))
    mode = forms.ChoiceField(label=_("Mode"), widget=forms.RadioSelect, initial="merge")
    file = forms.FileField(
        label=_("CSV file"), help_text=_("As Mastodon exports it (Import and export → Data export).")
    )

    def __init__(self, *args, too_large=(), **kwargs):
        from posts.csv_kinds import KINDS
        from posts.imports import MODES

        super().__init__(*args, **kwargs)
        # A file the upload handler stopped reading (core.images.SizeLimitUploadHandler).
        self.too_large = set(too_large)
        if "file" in self.too_large:
            self.fields["file"].required = False  # clean_file says why it is missing
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in KINDS.values()]
        self.fields["mode"].choices = list(MODES.items())

    def clean_file(self):
        from posts.imports import too_large_message

        if "file" in self.too_large:
            raise forms.ValidationError(too_large_message())
        return self.cleaned_data["file"]

    def clean(self):
        from posts.csv_kinds import KINDS
        from posts.imports import ImportRefused, import_parse

        cleaned = super().clean()
        kind, upload = KINDS.get(cleaned.get("kind", "")), cleaned.get("file")
        if kind is not None and upload is not None:
            try:
                cleaned["rows"], cleaned["duplicates"] = import_parse(kind=kind, upload=upload)
            except ImportRefused as error:
                self.add_error("file", error.message)
            cleaned["kind"] = kind
        return cleaned
