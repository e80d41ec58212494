"""Time the posts export job (issue 3: 10,000 posts must take seconds, not minutes).

    .venv/bin/python bench/export.py [--posts 10000]

Runs against a throwaway SQLite database in a temporary DATA_DIR (or the
database DATABASE_URL names, which must be migrated), calls the task body
directly and prints the figures. Nothing here is asserted. bench/run.py calls
export_figures() on its own database (rolled back afterwards)."""

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class _RollBack(Exception):
    """Raised to undo the export's member, posts and job."""


def export_figures(posts: int, *, keep: bool = True) -> dict:
    """Export `posts` posts of a new member through the task body and time it.
    With keep=False everything the export wrote (rows and file) is undone."""
    from django.db import transaction

    from accounts.models import User
    from messaging.models import Job
    from posts.models import Post
    from posts.services import posts_export

    figures = {}
    try:
        with transaction.atomic():
            member = User.objects.create_user(f"bench{time.time_ns()}", "bench@example.com", "x")
            Post.objects.bulk_create(
                (Post(author=member, body=f"Benchmark post number {n} " + "é" * 100) for n in range(posts)),
                batch_size=2000,
            )
            job = Job.objects.create(id=str(uuid.uuid4()), user=member, name="export_posts", description="bench")
            started = time.perf_counter()
            posts_export(job_id=job.pk, site_url="http://localhost:8000/")
            figures["seconds"] = time.perf_counter() - started
            job.refresh_from_db()
            path = job.result_path()
            figures["bytes"] = path.stat().st_size
            figures["posts"] = posts
            if not keep:
                path.unlink()
                raise _RollBack
    except _RollBack:
        pass
    return figures


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

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    figures = export_figures(options.posts)
    elapsed = figures["seconds"]
    print(f"database        {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    print(f"posts exported  {options.posts}")
    print(f"file size       {figures['bytes'] / 1_000_000:.1f} MB")
    print(f"export time     {elapsed:.2f} s  ({options.posts / elapsed:,.0f} posts/s)")


if __name__ == "__main__":
    main()
