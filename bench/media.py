"""Time image processing (issue 17): a 12-megapixel JPEG through what the worker does
(posts.media.media_process: decode, orientation, 1920 px WebP, 640 px preview,
blurhash) and what the upload request does before answering (core.images.image_inspect:
magic bytes, header, a 1/8-scale decode). Targets: under 1.5 s and 300 MB per image in
the worker, the request's part well under 200 ms.

    .venv/bin/python bench/media.py [--images 5]

Each image is processed in a fresh child process, so its peak memory (ru_maxrss) is
that of one image alone. Prints the figures; nothing is asserted."""

import argparse
import io
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def photo_12mp() -> bytes:
    """A 4000 x 3000 JPEG with photo-like detail (noise over gradients), quality 92."""
    from PIL import Image

    noise = Image.effect_noise((4000, 3000), 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    image = Image.blend(noise, gradient, 0.5)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def _process(data: bytes, queue) -> None:
    from posts.media import media_sizes

    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    media_sizes(data)
    seconds = time.perf_counter() - start
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, base / 1024))


def media_figures(images: int = 5) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.images import image_inspect

    data = photo_12mp()
    inspect_ms = []
    for _ in range(images):
        upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
        start = time.perf_counter()
        image_inspect(upload)
        inspect_ms.append((time.perf_counter() - start) * 1000)
    seconds, peaks, bases = [], [], []
    context = multiprocessing.get_context("fork")
    for _ in range(images):
        queue = context.Queue()
        child = context.Process(target=_process, args=(data, queue))
        child.start()
        took, peak, base = queue.get(timeout=120)
        child.join()
        seconds.append(took)
        peaks.append(peak)
        bases.append(base)
    return {
        "jpeg_mb": round(len(data) / 1e6, 1),
        "process_s_median": round(statistics.median(seconds), 2),
        "process_s_max": round(max(seconds), 2),
        "peak_rss_mb": round(max(peaks)),
        "peak_above_start_mb": round(max(p - b for p, b in zip(peaks, bases, strict=True))),
        "inspect_ms_median": round(statistics.median(inspect_ms), 1),
    }


def upload_figures(images: int = 5) -> dict:
    """The whole upload request, POST /api/v2/media with the 12 MP JPEG, through Django's
    handler (multipart parsing, the checks, storing the file, the row, queueing the
    task): what the member waits for. The body is encoded once, outside the timing."""
    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from accounts.models import User
    from api.tests.mastodon_helpers import token_for

    member = User.objects.create_user(f"bench{time.time_ns()}", "bench@example.com", "x")
    token = token_for(member, scope="write:media")
    body = encode_multipart(BOUNDARY, {"file": _upload(photo_12mp())})
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.token}", HTTP_HOST="localhost")
    took = []
    for _ in range(images + 1):
        start = time.perf_counter()
        response = client.generic("POST", "/api/v2/media", body, content_type=MULTIPART_CONTENT)
        took.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 202, response.content[:300]
    return {"upload_ms_median": round(statistics.median(took[1:]), 1), "upload_ms_max": round(max(took[1:]), 1)}


def _upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5)
    args = parser.parse_args()
    # A throwaway SQLite database, media folder and queue (as bench/export.py).
    scratch = tempfile.mkdtemp(prefix="microblog-bench-")
    os.environ.setdefault("DATA_DIR", scratch)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ENV_FILE", "/dev/null")
    os.environ["DJANGO_SETTINGS_MODULE"] = "microblog.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    figures = media_figures(args.images)
    call_command("migrate", verbosity=0)
    figures.update(upload_figures(args.images))
    print(
        f"media: 12 MP JPEG ({figures['jpeg_mb']} MB) -> 1920 px + 640 px WebP + blurhash: "
        f"{figures['process_s_median']} s median, {figures['process_s_max']} s max per image; "
        f"peak worker memory {figures['peak_rss_mb']} MB "
        f"({figures['peak_above_start_mb']} MB above the process's start); "
        f"upload check in the request {figures['inspect_ms_median']} ms median; "
        f"whole upload request (POST /api/v2/media) {figures['upload_ms_median']} ms median, "
        f"{figures['upload_ms_max']} ms max"
    )


if __name__ == "__main__":
    main()
