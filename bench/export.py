"""Time the posts export job (issue 3: 10,000 posts must take seconds, not minutes).

    .venv/bin/python bench/export.py [--posts 10000]

Runs against a throwaway SQLite database in a temporary DATA_DIR (or the
database DATABASE_URL names, which must be migrated), calls the task body
directly and prints the figures. Nothing here is asserted."""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    options = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="microblog-bench-")
    os.environ.setdefault("DATA_DIR", scratch)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("ENV_FILE", "/dev/null")
    os.environ["DJANGO_SETTINGS_MODULE"] = "microblog.settings"
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.models import User
    from messaging.models import Job
    from posts.models import Post
    from posts.services import posts_export

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    member = User.objects.create_user(f"bench{int(time.time())}", "bench@example.com", "x")
    Post.objects.bulk_create(
        (Post(author=member, body=f"Benchmark post number {n} " + "é" * 100) for n in range(options.posts)),
        batch_size=2000,
    )
    job = Job.objects.create(id=str(uuid.uuid4()), user=member, name="export_posts", description="bench")

    started = time.perf_counter()
    posts_export(job_id=job.pk, site_url="http://localhost:8000/")
    elapsed = time.perf_counter() - started

    job.refresh_from_db()
    size = job.result_path().stat().st_size
    print(f"database        {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"posts exported  {options.posts}")
    print(f"file size       {size / 1_000_000:.1f} MB")
    print(f"export time     {elapsed:.2f} s  ({options.posts / elapsed:,.0f} posts/s)")


if __name__ == "__main__":
    main()
