"""Uploaded images, checked and re-encoded with Pillow: what post attachments, avatars
and headers share.

image_inspect() runs in the request: the size first (the upload handler has already
stopped reading a file past the limit), then the magic bytes (a name or a declared
type proves nothing; SVG is refused, it can carry scripts), then the header's
dimensions and frame count (a decompression bomb is refused before any pixel is
decoded), then the file's end (a truncated file lacks its end marker; only a file
without one is decoded, JPEGs at 1/8 scale). Damage further in is found by the
worker, which decodes every pixel (posts.media.media_process marks the image failed).
image_encode() runs in a worker: orientation applied, EXIF/GPS and every other
metadata dropped (only pixels are copied), scaled down, re-encoded, a blurhash."""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, ImageSequence

# Magic bytes of what is accepted, and the format Pillow must then agree on.
_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)

NOT_AN_IMAGE = _("This file is not an image we can show: use JPEG, PNG, WebP or GIF.")
TOO_LARGE = _("This file is too large: at most %(mb)s MB.")


class ImageRejected(Exception):
    """The upload is refused; the message is for the member."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Inspected:
    format: str  # JPEG, PNG, GIF or WEBP
    # As shown: EXIF orientation already applied (a portrait phone photo is taller than wide).
    width: int
    height: int
    frames: int


def _too_large():
    return ImageRejected(TOO_LARGE % {"mb": settings.MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)})


def _sniff(head: bytes) -> str | None:
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def image_inspect(upload) -> Inspected:
    """Check an uploaded file (Django's UploadedFile or any binary file object with
    .size); raises ImageRejected with the reason. Leaves the file at its start."""
    if getattr(upload, "media_too_large", False) or (upload.size or 0) > settings.MEDIA_MAX_UPLOAD_BYTES:
        raise _too_large()
    upload.seek(0)
    expected = _sniff(upload.read(16))
    upload.seek(0)
    if expected is None:
        raise ImageRejected(NOT_AN_IMAGE)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning: our limit below is the one that decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=[expected])
            width, height = image.size
            if width * height > settings.MEDIA_MAX_PIXELS:
                raise ImageRejected(
                    _("This image is too large: at most %(mp)s megapixels.")
                    % {"mp": settings.MEDIA_MAX_PIXELS // 1_000_000}
                )
            frames = getattr(image, "n_frames", 1)
            if frames > settings.MEDIA_MAX_FRAMES or frames * width * height > settings.MEDIA_MAX_FRAME_PIXELS:
                raise ImageRejected(
                    _("This animation is too long: at most %(frames)s frames.") % {"frames": settings.MEDIA_MAX_FRAMES}
                )
            image.seek(0)
            if expected == "PNG" and "exif" not in image.info:
                # Pillow would decode every pixel to look for an eXIf chunk after them.
                orientation = 1
            else:
                orientation = image.getexif().get(0x0112, 1)
            if not _ends_whole(upload, expected):
                # No end marker where one belongs (cut off, or something appended): decode to
                # tell which (a JPEG at 1/8 of its size). A whole file is decoded by the worker.
                image.draft("RGB", (max(width // 8, 1), max(height // 8, 1)))
                image.load()
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected(
            _("This image is too large: at most %(mp)s megapixels.") % {"mp": settings.MEDIA_MAX_PIXELS // 1_000_000}
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(_("This image is damaged or incomplete.")) from None
    finally:
        upload.seek(0)
    if orientation in (5, 6, 7, 8):  # rotated a quarter turn
        width, height = height, width
    return Inspected(format=expected, width=width, height=height, frames=frames)


# How far from the end a JPEG's end-of-image marker may be (cameras pad a little).
_JPEG_TAIL = 4096
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"


def _ends_whole(upload, kind: str) -> bool:
    """Whether the file ends as a complete file of its kind does: a JPEG's end-of-image
    marker near its end, a PNG's IEND chunk, a GIF's trailer byte, a WebP's declared
    length. A few bytes read instead of every pixel decoded: the request stays fast,
    and a file cut off in transfer (the usual damage) is still refused in it."""
    size = upload.size or 0
    upload.seek(max(size - _JPEG_TAIL, 0))
    tail = upload.read(_JPEG_TAIL)
    if kind == "JPEG":
        return b"\xff\xd9" in tail
    if kind == "PNG":
        return tail.endswith(_PNG_END)
    if kind == "GIF":
        return tail.endswith(b"\x3b")
    upload.seek(4)
    return int.from_bytes(upload.read(4), "little") + 8 <= size


@dataclass(frozen=True)
class Encoded:
    data: bytes
    extension: str
    width: int
    height: int
    # A still result's pixels (orientation applied), to make a smaller size from without
    # decoding or turning the original again; None for an animation.
    image: Image.Image | None = None


def _fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, long_side / max(width, height))
    return max(round(width * scale), 1), max(round(height * scale), 1)


def _flatten(frame: Image.Image) -> Image.Image:
    # Keep transparency (WebP has it); everything else becomes plain RGB.
    has_alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
    return frame.convert("RGBA" if has_alpha else "RGB")


def image_open(data: bytes, *, long_side: int | None = None) -> Image.Image:
    """The stored original (already inspected), opened for image_encode. With
    `long_side`, a JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) that still
    covers it: a 12-megapixel photo for a 1920 px result decodes at half size."""
    image = Image.open(io.BytesIO(data))
    if long_side is not None and image.format == "JPEG":
        image.draft("RGB", _fit(image.size, long_side))
    image.load()
    return image


def image_encode(
    image: Image.Image, *, long_side: int, square: bool = False, animated: bool = True, fast: bool = False
) -> Encoded:
    """`image` scaled to at most `long_side` pixels on its long side (or cropped to a
    centred square of that side), orientation applied, as WebP with no metadata.
    An animation stays animated (all frames scaled) unless `animated` is False.
    `fast`: libwebp's quicker method (2, not 4), for the large size: about half the time
    for files a few percent larger at the same quality."""
    frames = getattr(image, "n_frames", 1) if animated else 1
    out = io.BytesIO()

    def convert(frame):
        frame = _flatten(ImageOps.exif_transpose(frame))
        if square:
            return ImageOps.fit(frame, (long_side, long_side), Image.Resampling.LANCZOS)
        frame.thumbnail(_fit(frame.size, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
        return frame

    if frames > 1:
        converted = [convert(frame.copy()) for frame in ImageSequence.Iterator(image)]
        durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
        first = converted[0]
        first.save(
            out, "WEBP", save_all=True, append_images=converted[1:], duration=durations, loop=0, quality=80, method=4
        )
    else:
        image.seek(0)
        first = convert(image.copy())
        # No exif= / icc_profile= passed: the new file carries pixels only.
        first.save(out, "WEBP", quality=85, method=2 if fast else 4)
        return Encoded(data=out.getvalue(), extension="webp", width=first.width, height=first.height, image=first)
    return Encoded(data=out.getvalue(), extension="webp", width=first.width, height=first.height)


def image_blurhash(image: Image.Image) -> str:
    """A short text that paints a blurred version of the image while it loads. Give it
    the smallest size already made (the preview): it is scaled to 64 px first anyway."""
    import blurhash

    small = image.copy()
    small.thumbnail((64, 64))
    small = _flatten(ImageOps.exif_transpose(small)).convert("RGB")
    return blurhash.encode(small, x_components=4, y_components=3)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading an uploaded file once it passes MEDIA_MAX_UPLOAD_BYTES, so a huge
    file never fills memory or the temporary folder; the form then says it was too
    large (the skipped field is marked in request.media_too_large)."""

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > settings.MEDIA_MAX_UPLOAD_BYTES:
            too_large = getattr(self.request, "media_too_large", set())
            too_large.add(self.field_name)
            self.request.media_too_large = too_large
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
