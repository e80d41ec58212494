import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from accounts.models import Follow, User
from accounts.tests.factories import UserFactory
from messaging.models import Notice
from posts.management.commands.seed import DEMO_PASSWORD
from posts.models import Mention, Post, PostTag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug_on(settings):
    settings.DEBUG = True


def seed(**options) -> str:
    out = StringIO()
    call_command("seed", stdout=out, **options)
    return out.getvalue()


def bodies() -> list[str]:
    # A mention names a member, and a second run makes new members: compare the text around it.
    bodies = Post.objects.filter(reblog_of__isnull=True).order_by("pk").values_list("body", flat=True)
    return [re.sub(r"^@\S+ ", "@ ", body) for body in bodies]


def test_it_creates_the_requested_members_posts_and_follows():
    seed(users=12, posts=150, follows=4, seed=1)

    assert User.objects.count() == 12
    assert Post.objects.filter(reblog_of__isnull=True).count() == 150
    assert Follow.objects.count() == 12 * 4
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 12


def test_each_member_follows_distinct_others_and_never_themself():
    seed(users=10, posts=0, follows=9, seed=2)

    pairs = list(Follow.objects.values_list("follower_id", "followed_id"))
    assert len(pairs) == len(set(pairs)) == 10 * 9
    assert all(follower != followed for follower, followed in pairs)
    per_member = User.objects.annotate(n=Count("following_set")).values_list("n", flat=True)
    assert set(per_member) == {9}


def test_default_follows_shrink_to_fit_a_small_community():
    seed(users=3, posts=0)

    assert Follow.objects.count() == 3 * 2


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        seed(users=2, posts=1, follows=1)
    assert not User.objects.exists()


def test_force_runs_it_with_debug_off(settings):
    settings.DEBUG = False

    seed(users=2, posts=1, follows=1, force=True)

    assert User.objects.count() == 2


def test_the_demo_password_logs_in_as_any_seeded_member():
    output = seed(users=3, posts=0, follows=0, seed=3)

    assert f"Demo password: {DEMO_PASSWORD}" in output
    for member in User.objects.all():
        assert authenticate(username=member.username, password=DEMO_PASSWORD) == member
    example = User.objects.order_by("pk").first()
    assert f"Log in as {example.username}" in output


def test_a_seeded_member_logs_in_by_email_even_with_mandatory_verification(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    seed(users=1, posts=0, follows=0, seed=4)
    member = User.objects.get()

    response = client.post(reverse("account_login"), {"login": member.email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("posts:home")


def test_running_twice_adds_new_members_with_new_names():
    seed(users=5, posts=10, follows=2, seed=5)
    first_run = set(User.objects.values_list("username", flat=True))

    seed(users=5, posts=10, follows=2, seed=5)

    second_run = set(User.objects.values_list("username", flat=True)) - first_run
    assert len(second_run) == 5
    assert Post.objects.filter(reblog_of__isnull=True).count() == 20


def test_new_names_skip_past_existing_seeded_looking_names_in_any_case():
    UserFactory(username="Zed_40")
    UserFactory(username="someone", email="olivia_41@example.com")

    seed(users=2, posts=0, follows=0, seed=6)

    new = User.objects.exclude(username__in=["Zed_40", "someone"]).order_by("pk")
    assert [u.username.rsplit("_", 1)[1] for u in new] == ["42", "43"]


def test_with_zero_users_it_posts_and_follows_as_existing_members(bob, charlie):
    # bob already follows alice: that pair is skipped, not duplicated.
    seed(users=0, posts=30, follows=2, seed=7)

    assert User.objects.count() == 3
    assert Post.objects.filter(reblog_of__isnull=True).count() == 30
    assert Follow.objects.count() == 3 * 2
    assert Follow.objects.filter(follower=bob).count() == 2


def test_posts_look_real_and_spread_over_the_last_year(settings):
    settings.POST_MAX_LENGTH = 60
    before = timezone.now()
    seed(users=8, posts=200, follows=0, seed=8)

    posts = list(Post.objects.filter(reblog_of__isnull=True).select_related("author"))
    assert all(0 < len(p.body) <= 60 for p in posts)
    assert len({p.body for p in posts}) > 100
    assert all(p.language == "" for p in posts)
    assert all(timezone.is_aware(p.created) for p in posts)
    assert all(before - timedelta(days=366) <= p.created <= timezone.now() for p in posts)
    assert all(p.created >= p.author.date_joined for p in posts)
    created = [p.created for p in Post.objects.filter(reblog_of__isnull=True).order_by("pk")]
    assert created == sorted(created)


def test_some_members_write_about_themselves():
    seed(users=20, posts=0, follows=0, seed=9)

    about = list(User.objects.values_list("about_me", flat=True))
    assert 0 < sum(bool(a) for a in about) < 20
    assert all(len(a) <= 140 for a in about)


def test_the_same_seed_writes_the_same_posts():
    seed(users=4, posts=25, follows=1, seed=10)
    first = bodies()

    seed(users=4, posts=25, follows=1, seed=10)
    assert bodies()[25:] == first

    seed(users=4, posts=25, follows=1, seed=11)
    assert bodies()[50:] != first


@pytest.mark.parametrize(
    "options, message",
    [
        ({"users": -1}, "--users must be zero or more"),
        ({"posts": -5}, "--posts must be zero or more"),
        ({"follows": -1}, "--follows must be zero or more"),
        ({"users": 5, "follows": 5}, "--follows 5 is too many for 5 member"),
        ({"users": 0, "posts": 10}, "--posts needs members"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(options, message):
    with pytest.raises(CommandError, match=message):
        seed(**options)
    assert not User.objects.exists()


def searched_word(post: Post) -> str:
    """The post's longest word: one the search page finds it by."""
    return max(re.findall(r"[A-Za-z]+", post.body), key=len)


def test_seeded_posts_are_found_by_the_search_page(charlie_client):
    output = seed(users=3, posts=5, follows=0, seed=4)
    post = Post.objects.filter(reblog_of__isnull=True).order_by("pk").first()

    page = charlie_client.get("/search/", {"q": searched_word(post)})

    assert page.status_code == 200
    assert f'href="/user/{post.author.username}/' in page.content.decode()
    assert "rebuild_index" not in output


def test_with_skip_index_the_posts_are_not_indexed_and_it_says_how_to_index_them(charlie_client):
    call_command("rebuild_index", interactive=False, verbosity=0)  # an index, empty of posts
    output = seed(users=3, posts=5, follows=0, seed=4, skip_index=True)
    post = Post.objects.filter(reblog_of__isnull=True).order_by("pk").first()

    page = charlie_client.get("/search/", {"q": searched_word(post)})

    assert page.status_code == 200
    # (The sidebar may suggest the author; the results are in the content column.)
    results = page.content.decode().split('<main id="content"', 1)[1].split("</main>", 1)[0]
    assert f'href="/user/{post.author.username}/' not in results
    assert "No posts match your search." in page.content.decode()
    assert "To make them searchable: manage.py rebuild_index --noinput" in output


def test_postgresql_plans_with_the_seeded_row_counts(db):
    """Without fresh statistics PostgreSQL planned the timeline from the empty tables'
    row counts, with a sequential scan of every post."""
    from django.db import connection

    seed(users=20, posts=400, follows=5, seed=5)

    if connection.vendor != "postgresql":
        return  # SQLite keeps its plans without statistics (measured in the keyset work)
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Post._meta.db_table])
        assert cursor.fetchone()[0] == Post.objects.count()  # the 400 posts and their boosts


def test_profiles_show_the_seeded_posts_and_follows_at_once(alice, bob, charlie, client_for):
    client = client_for(charlie)
    profile = reverse("posts:user", args=["alice"])
    assert "<strong>0</strong>" in client.get(profile).text  # alice's counts, now cached

    seed(users=0, posts=30, follows=2, seed=7)

    stats = client.get(profile).text
    posts = Post.objects.filter(author=alice, reblog_of__isnull=True).count()
    followers = Follow.objects.filter(followed=alice).count()
    assert posts and f"<strong>{posts}</strong>" in stats
    assert f"<strong>{followers}</strong>" in stats


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_index_only_scans_skip_the_fresh_seeded_rows():
    """Outside a transaction seed vacuums too, so the timeline's index-only scans need no
    heap fetches until autovacuum gets there (half the home page's SQL time)."""
    from django.db import connection

    seed(users=20, posts=400, follows=5, seed=5)

    if connection.vendor != "postgresql":
        return  # VACUUM and the visibility map are PostgreSQL's
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [Post._meta.db_table])
        assert cursor.fetchone()[0] > 0


def test_seeded_posts_are_rendered_tagged_and_mention_members():
    seed(users=20, posts=400, follows=3, seed=3)

    assert not Post.objects.filter(body_html="", reblog_of__isnull=True).exists()  # boosts have no text
    assert PostTag.objects.exists() and Mention.objects.exists()
    mention = Mention.objects.select_related("post", "user").first()
    assert f"@{mention.user.username}" in mention.post.body and 'class="mention"' in mention.post.body_html
    assert Notice.objects.filter(kind="mention").count() == Mention.objects.count()


def test_it_seeds_replies_likes_and_boosts_with_their_counts(db):
    from django.db.models import Sum

    from posts.models import Like

    call_command("seed", users=40, posts=3000, follows=5, seed=7, skip_index=True, stdout=StringIO())

    originals = Post.objects.filter(reblog_of__isnull=True)
    replies = originals.filter(in_reply_to__isnull=False).count()
    assert 0.12 * 3000 < replies < 0.25 * 3000
    assert 2 * 3000 < Like.objects.count() < 4 * 3000
    assert 0.3 * 3000 < Post.objects.filter(reblog_of__isnull=False).count() < 0.7 * 3000
    totals = originals.aggregate(likes=Sum("like_count"), boosts=Sum("boost_count"), replies=Sum("reply_count"))
    assert totals == {
        "likes": Like.objects.count(),
        "boosts": Post.objects.filter(reblog_of__isnull=False).count(),
        "replies": replies,
    }
