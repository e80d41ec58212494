"""Time a full search-index rebuild of many posts and a few searches on it.

    DATA_DIR=/tmp/searchbench DEBUG=true .venv/bin/python bench/search_rebuild.py --posts 200000

Uses its own DATA_DIR (required, so it never touches var/): migrates a fresh
SQLite database there (or uses DATABASE_URL), seeds it, then runs
`manage.py rebuild_index` and prints the figures."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microblog.settings")


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def rebuild_index(batch_size: int) -> dict:
    """Run `manage.py rebuild_index` over every visible post; its figures (also used by bench/run.py)."""
    from django.core.management import call_command

    from posts.models import Post

    posts = Post.objects.visible().count()
    started = time.perf_counter()
    call_command("rebuild_index", interactive=False, batchsize=batch_size, verbosity=0)
    return {"posts": posts, "seconds": time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="Keep the posts already in the database; do not seed.")
    options = parser.parse_args()
    if not os.environ.get("DATA_DIR"):
        sys.exit("Set DATA_DIR to a scratch folder (e.g. DATA_DIR=/tmp/searchbench): this fills a database.")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from search.services import post_search

    call_command("migrate", verbosity=0)
    if not options.reuse:
        started = time.perf_counter()
        call_command(
            "seed",
            users=options.users,
            posts=options.posts,
            follows=0,
            seed=1,
            force=True,
            skip_index=True,
            verbosity=0,
        )
        print(f"seeded {options.posts:,} posts in {time.perf_counter() - started:.1f} s")

    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    backend = settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"rebuilding the index ({backend}, {database}, batch size {options.batch_size})")
    figures = rebuild_index(options.batch_size)
    posts, elapsed = figures["posts"], figures["seconds"]
    print(f"rebuild_index of {posts:,} posts: {elapsed:.1f} s, {posts / elapsed:,.0f} posts/s")
    path = settings.HAYSTACK_CONNECTIONS["default"].get("PATH")
    if path:
        print(f"index size: {folder_size(Path(path)) / 1e6:.0f} MB")

    for query in ("coffee", "lemon tart", '"green tea"', "photography Lisbon", "zzzunknown"):
        results = post_search(query=query)
        started = time.perf_counter()
        total = results.count()
        first_page = results[0 : settings.PAGE_SIZE]
        print(f"search {query!r}: {total:,} hits, first page in {(time.perf_counter() - started) * 1000:.0f} ms")
        assert total == 0 or first_page


if __name__ == "__main__":
    main()
