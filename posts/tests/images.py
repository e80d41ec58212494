"""Image files made for the tests (Pillow), the good and the hostile ones."""

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg(
    width=800, height=600, *, orientation=None, gps=False, colour=(200, 80, 40), name="photo.jpg"
) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), colour)
    # A stripe on the left, so a test can tell which way it was turned.
    image.paste((10, 10, 10), (0, 0, max(width // 10, 1), height))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def png(width=300, height=200, name="drawing.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 200, 128)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=50_000, height=50_000) -> SimpleUploadedFile:
    """A few hundred bytes whose header claims width x height pixels (10 GB decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("bomb.png", data, content_type="image/png")


def truncated_jpeg() -> SimpleUploadedFile:
    whole = jpeg(1200, 900).read()
    return SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("holiday.jpg", b"#!/bin/sh\necho this is a script\n" * 20, content_type="image/jpeg")


def svg() -> SimpleUploadedFile:
    data = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>'
    return SimpleUploadedFile("logo.svg", data, content_type="image/svg+xml")


def huge_file(megabytes=40) -> SimpleUploadedFile:
    # A real JPEG start, then padding: only its size is wrong.
    return SimpleUploadedFile(
        "big.jpg", jpeg(64, 64).read() + b"\0" * (megabytes * 1024 * 1024), content_type="image/jpeg"
    )


def gif(frames=3, size=(32, 32), name="anim.gif") -> SimpleUploadedFile:
    # Each frame differs from the one before, or Pillow merges them.
    images = [Image.new("RGB", size, (index % 256, (index * 7) % 256, (index // 256) * 40)) for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=40, loop=0)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/gif")


def corrupt_png() -> SimpleUploadedFile:
    """A PNG whose header and end are whole but whose pixel data is not: it passes the
    request's checks and only decoding (the worker's) finds it."""
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"not zlib data " * 10) + _chunk(b"IEND", b"")
    )
    return SimpleUploadedFile("corrupt.png", data, content_type="image/png")
