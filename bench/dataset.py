"""The benchmark's data (bench/run.py), inside its Django process: seeding and
indexing, the member it logs in as, the pages it times, and each page's SQL."""

import datetime
import time

from bench.report import BenchError
from bench.search_rebuild import rebuild_index

HOST = "127.0.0.1"
# Messages put in the benchmarked member's inbox (seed writes none), enough for two pages.
INBOX_MESSAGES = 30
# The notifications page's member has at least this many notices (mentions and likes of one post, grouped).
NOTICES = 60


def prepare_data(options) -> dict:
    """Seed (and index) the database unless --reuse; the figures of both steps."""
    from django.core.management import call_command

    from accounts.models import User

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    has_members = User.objects.exists()
    if options.reuse:
        if not has_members:
            raise BenchError("--reuse, but the database has no members: run once without --reuse to seed it.")
        return {"reused": True}
    if has_members:
        if not options.wipe:
            raise BenchError(
                "The database already has members. Pass --reuse to benchmark them, "
                "or --wipe to empty it (everything in it is deleted) and seed it again."
            )
        call_command("flush", interactive=False, verbosity=0)
    print(f"seeding {options.users:,} members x {options.follows} follows, {options.posts:,} posts…", flush=True)
    started = time.perf_counter()
    # skip_index: the index is timed apart below (rebuild_index), or not wanted (--skip-index).
    call_command(
        "seed",
        users=options.users,
        follows=options.follows,
        posts=options.posts,
        seed=1,
        force=True,
        skip_index=True,
        verbosity=0,
    )
    seed_seconds = time.perf_counter() - started
    print(f"  seed: {seed_seconds:.1f} s", flush=True)
    if options.skip_index:
        return {"reused": False, "seed_seconds": seed_seconds}
    print("  rebuild_index…", flush=True)
    index = rebuild_index(batch_size=1000)
    print(f"  rebuild_index: {index['seconds']:.1f} s", flush=True)
    return {"reused": False, "seed_seconds": seed_seconds, "rebuild_index_seconds": index["seconds"]}


def bench_member():
    """The first seeded member who follows others, with an inbox of INBOX_MESSAGES."""
    from accounts.models import Follow, User
    from messaging.models import Message
    from messaging.services import message_send

    follower_id = Follow.objects.order_by("follower_id").values_list("follower_id", flat=True).first()
    if follower_id is None:
        raise BenchError("No member follows anyone: seed with --follows above 0.")
    member = User.objects.get(pk=follower_id)
    missing = INBOX_MESSAGES - Message.objects.filter(recipient=member).count()
    senders = list(User.objects.filter(follower_set__follower=member).order_by("pk")[:INBOX_MESSAGES])
    for n in range(max(missing, 0)):
        message_send(sender=senders[n % len(senders)], recipient=member, body=f"Benchmark message {n}.")
    _notices_for(member, senders)
    return member


def _notices_for(member, senders):
    """NOTICES notices for `member`: half mentions (each in a post of its own), half likes of
    their newest post, so the page renders posts and a grouped entry."""
    from messaging.models import Notice
    from messaging.services import notice_add
    from posts.models import Post
    from posts.services import post_create

    missing = NOTICES - Notice.objects.filter(recipient=member).count()
    mine = Post.objects.filter(author=member).order_by("-created").first()
    for n in range(max(missing, 0)):
        actor = senders[n % len(senders)]
        if n % 2 or mine is None:
            post_create(author=actor, body=f"@{member.username} benchmark mention {n} #bench")
        else:
            notice_add(recipient=member, kind=Notice.Kind.LIKE, actor=actor, subject_id=mine.pk)


# Replies under the benchmarked post page, as the issue asks (a thread of 50).
THREAD_REPLIES = 50


def thread_of(replies: int):
    """A post with at least `replies` replies: the seeded post with the most, topped up
    with replies by seeded members (bulk_create, counts set) when it has fewer."""
    from django.db.models import F

    from accounts.models import User
    from posts.models import Post

    post = Post.objects.filter(reblog_of__isnull=True, deleted__isnull=True).order_by("-reply_count", "pk").first()
    missing = replies - post.reply_count
    if missing > 0:
        authors = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:missing])
        Post.objects.bulk_create(
            Post(
                author_id=authors[i % len(authors)],
                body=f"Reply {i} in the benchmark's thread.",
                in_reply_to=post,
                in_reply_to_author_id=post.author_id,
            )
            for i in range(missing)
        )
        Post.objects.filter(pk=post.pk).update(reply_count=F("reply_count") + missing)
    return Post.objects.select_related("author").get(pk=post.pk)


def endpoints_for(member, options) -> list[dict]:
    """Every benchmarked page: name, path, how it logs in ("session" or "token")."""
    from django.db.models import Count

    from accounts.models import User

    profile = User.objects.filter(follower_set__follower=member).annotate(n=Count("posts")).order_by("-n", "pk").first()
    thread = thread_of(THREAD_REPLIES)
    since = int(time.time())
    return [
        {"name": "ceiling", "path": "/bench/ceiling", "auth": "session"},
        {"name": "home", "path": "/", "auth": "session"},
        {"name": "home page 50", "path": None, "auth": "session"},
        # Seeded home timelines hold boosts (seed: ~0.5 a post); "home" stays for comparisons with older runs.
        {"name": "home with boosts", "path": "/", "auth": "session"},
        {"name": "post page (thread of 50)", "path": thread.get_absolute_url(), "auth": "session"},
        {"name": "explore", "path": "/explore/", "auth": "session"},
        {"name": "profile", "path": f"/user/{profile.username}/", "auth": "session"},
        {"name": "search common", "path": f"/search/?q={options.common_word}", "auth": "session"},
        {"name": "search rare", "path": f"/search/?q={options.rare_word}", "auth": "session"},
        {"name": "notifications poll", "path": f"/notifications/?since={since}", "auth": "session"},
        {"name": "notifications page", "path": "/notifications/", "auth": "session"},
        {"name": "tag page", "path": f"/tags/{_busiest_tag()}/", "auth": "session"},
        {"name": "inbox", "path": "/messages/", "auth": "session"},
        {"name": "api timeline", "path": "/api/timeline", "auth": "token"},
        {"name": "api users page 5", "path": "/api/users?page=5", "auth": "token"},
        {"name": "api user detail", "path": f"/api/users/{profile.pk}", "auth": "token"},
        # The Mastodon client API beside the pages it mirrors (home, explore).
        {"name": "mastodon home", "path": "/api/v1/timelines/home", "auth": "oauth"},
        {"name": "mastodon public local", "path": "/api/v1/timelines/public?local=true", "auth": "oauth"},
        {"name": "mastodon verify_credentials", "path": "/api/v1/accounts/verify_credentials", "auth": "oauth"},
    ]


def _busiest_tag() -> str:
    from django.db.models import Count

    from posts.models import Tag

    tag = Tag.objects.annotate(n=Count("post_tags")).order_by("-n", "name").first()
    return tag.name if tag else "bench"


def credentials(member) -> dict:
    """Request headers per kind of login: a database session and an API token of `member`."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils.crypto import get_random_string
    from oauth2_provider.models import AccessToken

    from api.mastodon.oauth import app_create
    from api.services import token_issue

    client = Client()
    client.force_login(member)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # A browser sends back the CSRF cookie it was given; without one every page would set a new one.
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)
    cookies = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}"
    app, _secret = app_create(name="bench", redirect_uris=["urn:ietf:wg:oauth:2.0:oob"], scopes="read", website="")
    oauth = AccessToken.objects.create(
        user=member,
        application=app.application,
        token=get_random_string(40),
        scope="read",
        expires=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
    )
    return {
        "session": {"Cookie": cookies},
        "token": {"Authorization": f"Bearer {token_issue(user=member)}"},
        "oauth": {"Authorization": f"Bearer {oauth.token}"},
    }


def count_queries(endpoints: list[dict], headers: dict) -> dict:
    """SQL queries of one request to each endpoint, in this process against the same
    database and member (the second request: the first warms per-process caches):
    how many, their total time and the slowest one."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for endpoint in endpoints:
        client = Client(HTTP_HOST=HOST, headers=headers[endpoint["auth"]])
        client.get(endpoint["path"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint["path"])
        if response.status_code != 200:
            raise BenchError(f"{endpoint['name']} answered {response.status_code} in-process ({endpoint['path']}).")
        queries = [(float(query["time"]) * 1000, query["sql"]) for query in captured.captured_queries]
        slowest = max(queries, default=(0.0, ""))
        counts[endpoint["name"]] = {
            "queries": len(queries),
            "sql_ms": sum(ms for ms, _ in queries),
            "slowest_sql_ms": slowest[0],
            "slowest_sql": slowest[1][:4000],
        }
    return counts


def search_hits(words: list[str]) -> dict:
    from search.services import post_search

    return {word: post_search(query=word).count() for word in words}
