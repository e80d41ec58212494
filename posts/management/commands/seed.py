"""manage.py seed: fill a development database with realistic demo members,
posts and follows, quickly (bulk inserts inside one transaction).

Needs only the runtime requirements: the text comes from the word lists below
and a seeded random.Random, so the same --seed gives the same names and posts."""

import itertools
import random
import re
import string
import time
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Follow, User
from messaging.models import Notice
from posts.counts import member_counts_forget
from posts.models import Like, Mention, Post, PostTag, Tag
from posts.text import render, tag_normalise, tokenize

DEMO_PASSWORD = "microblog-demo"
EMAIL_DOMAIN = "example.com"
DEFAULT_FOLLOWS = 10
# Seeded usernames look like "olivia_17": the number keeps them unique across runs.
SEEDED_NAME = re.compile(r"^[a-z]+_([0-9]+)$", re.IGNORECASE)
# Django lowers this where the database caps query parameters (SQLite: 999 per query).
BATCH_SIZE = 1000
# Rows built in memory at a time, and how often progress is reported.
CHUNK = 10_000
# Share of seeded members who fill in "about me".
ABOUT_ME_SHARE = 0.6
HASHTAG_SHARE = 0.15
# Share of posts that mention another member (rendered, stored and notified like post_create's).
MENTION_SHARE = 0.1
# Conversations: the share of posts that answer an earlier one, and likes and boosts per
# post on average (few posts get most of them: log-normal weights, as on a real site).
REPLY_SHARE = 0.2
LIKES_PER_POST = 3.0
BOOSTS_PER_POST = 0.5
# A reply answers one of the latest posts before it (conversations are recent).
REPLY_WINDOW = 500

FIRST_NAMES = (
    "Olivia Liam Emma Noah Amelia Oliver Ava Elijah Sophia Lucas Mia Mateo Isabella Levi Aisha Omar Yuki Hiro "
    "Priya Arjun Chloe Ethan Grace Samuel Zoe Daniel Lily Jack Nora Leo Hannah Owen Ella Henry Maya Felix Ines "
    "Tomas Freya Oscar Clara Hugo Alice Jonas Lena Marco Sofia Diego Lucia Pablo Elena Ivan Anya Kwame Amara "
    "Tariq Leila Chen Mei Kenji Sana Ravi Nina Erik Astrid Finn Ruby Max Iris Theo Jade Adam Rosa Ben Julia"
).split()
LAST_NAMES = (
    "Smith Garcia Müller Rossi Dubois Kowalski Nguyen Kim Patel Okafor Silva Jensen Novak Ivanova Tanaka Cohen "
    "Murphy Johansson Fischer Moreau Costa Hernandez Lopez Brown Wilson Taylor Anderson Martin Schmidt Bianchi "
    "Andersen Nowak Yilmaz Sato Chen Wang Singh Khan Mensah Ali Haddad Larsen Berg Walsh Byrne Kelly Reyes Ortiz "
    "Romero Santos Ferreira Weber Wagner Becker Hoffmann Lindqvist Virtanen Horvat"
).split()

# Word lists, comma separated to keep them compact.
WORDS = {
    "food": (
        "ramen, sourdough, lemon tart, pho, banana bread, shakshuka, pad thai, lentil soup, falafel, sushi, "
        "green curry, mushroom risotto, pizza, cheesecake, apple pie, carrot cake, miso soup, paella, bibimbap, "
        "goulash, hummus"
    ).split(", "),
    "drink": (
        "coffee, green tea, hot chocolate, chai, mint tea, cold brew, iced tea, rooibos, matcha, espresso, "
        "black tea, decaf"
    ).split(", "),
    "place": (
        "the park, the library, the office, the station, the farmers market, the beach, the old bridge, "
        "the bookshop on the corner, the gym, the harbour, the town square, the museum, the lake, the bakery, "
        "the community garden, the swimming pool"
    ).split(", "),
    "city": (
        "Lisbon, Berlin, Toronto, Melbourne, Kyoto, Nairobi, Dublin, Austin, Oslo, Edinburgh, Seoul, Montreal, "
        "Cape Town, Porto, Wellington, Valencia, Krakow, Bristol, Denver"
    ).split(", "),
    "activity": (
        "a long run, a ten mile bike ride, the morning yoga class, reading in the sun, repotting my plants, "
        "a board game night, baking bread, cleaning the garage, a walk by the river, painting the spare room, "
        "learning the guitar, a swim in the lake, fixing my bike, a marathon study session, "
        "batch cooking for the week, sorting old photos, a climbing session, writing letters"
    ).split(", "),
    "feeling": (
        "great, exhausted, oddly calm, so proud, ready for a nap, inspired, a bit sore, happy, grateful, "
        "surprisingly awake, very relaxed"
    ).split(", "),
    "adj": (
        "amazing, terrible, underrated, overrated, lovely, strange, wonderful, chaotic, peaceful, brilliant, "
        "confusing, delightful"
    ).split(", "),
    "time": (
        "this morning, last night, yesterday, on Sunday, after work, at lunch, earlier today, this weekend, "
        "just now, over the holidays"
    ).split(", "),
    "later": "tomorrow, this weekend, on Friday, tonight, next month, in the spring".split(", "),
    "thing": (
        "my new keyboard, the neighbour's cat, this podcast, the new café, my sourdough starter, "
        "the train schedule, my to-do list, this album, the sunset, our tiny garden, the office printer, "
        "my old camera, the group chat, my reading list"
    ).split(", "),
    "topic": (
        "photography, climate, open source, gardening, urban cycling, jazz, board games, astronomy, cooking, "
        "history, running, birdwatching, typography, chess, science fiction, python, coffee, travel, architecture, "
        "poetry"
    ).split(", "),
    "verdict": [
        "Ten out of ten.",
        "Would do it again.",
        "Never again.",
        "Highly recommended.",
        "Not bad at all.",
        "Still thinking about it.",
        "Worth every minute.",
        "Mixed feelings.",
    ],
    "weather": "sunny, raining, foggy, freezing, windy, warm, snowing, grey".split(", "),
    "number": "two, three, four, five, six, ten".split(", "),
    "day": [str(n) for n in range(2, 101)],
    "role": (
        "Coffee drinker, Software developer, Teacher, Amateur baker, Nurse, Student, Designer, Runner, Librarian, "
        "Gardener, Photographer, Parent of two, Retired engineer, Musician, Writer, Cyclist"
    ).split(", "),
}

POST_SENTENCES = [
    "Just finished {activity} and I feel {feeling}.",
    "{time} I tried {food} at a place near {place}. {verdict}",
    "Does anyone have tips for getting into {topic}?",
    "It is {weather} in {city} again.",
    "Can't believe how {adj} {thing} is.",
    "{time} it was just me, {thing} and a cup of {drink}.",
    "Hot take: {food} is {adj}.",
    "Reading a great book about {topic}. Slowly, but I am enjoying it.",
    "{drink} first, questions later.",
    "Who else is going to {place} {later}?",
    "Finally booked a trip to {city}!",
    "Note to self: {activity} is more fun with friends.",
    "My weekend plan: {activity}, {food}, and an early night.",
    "Thinking about starting a blog about {topic}.",
    "{thing} made my day.",
    "The queue at {place} was {adj} {time}.",
    "Three things I love: {drink}, {topic}, and {food}.",
    "Back from {city}. Had {food} there and it was {adj}.",
    "Trying to learn more about {topic} this year.",
    "Quick reminder to drink some water and take a break.",
    "Is it just me, or is {thing} getting more {adj} every week?",
    "{time}: {activity}. Now: {drink} and a nap.",
    "Somebody left {food} in the office kitchen and it was {adj}.",
    "I spent {number} hours on {activity} and regret nothing.",
    "Any recommendations for {food} in {city}?",
    "Day {day} of {activity}. Still going.",
    "It is {weather} here, perfect for {activity}.",
    "Met an old friend at {place} {time}. Good times.",
    "Small win: {thing} finally works again.",
    "If you are in {city} {later}, the {topic} meetup is worth it.",
    "{thing} is the best thing that happened to me this week.",
    "Learned something new about {topic} today.",
    "Why is {food} so hard to get right at home?",
    "Watching the sunset from {place}. No filter needed.",
    "Can recommend {activity} if you need to clear your head.",
    "Monday again. {drink}, please.",
    "Still not sure what to think about {thing}.",
    "Anyone else listening to podcasts about {topic}?",
    "Ok.",
    "{verdict}",
]
ABOUT_ME = [
    "{role} from {city}.",
    "{role} in {city}. Mostly posting about {topic} and {food}.",
    "I like {topic}, {food} and good {drink}.",
    "{role}. Opinions are my own.",
    "{role} with a soft spot for {food}.",
    "Learning {topic} one day at a time.",
    "Based in {city}. Ask me about {topic}.",
]


class TextGenerator:
    """Short English sentences from templates; all randomness comes from `rng`."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Parse each template once: (template, [(slot, word list), ...]).
        self.sentences = [self._compile(t) for t in POST_SENTENCES]
        self.about_me_templates = [self._compile(t) for t in ABOUT_ME]

    @staticmethod
    def _compile(template: str):
        slots = [name for _, name, _, _ in string.Formatter().parse(template) if name]
        return template, [(slot, WORDS[slot]) for slot in slots]

    def _fill(self, compiled) -> str:
        template, slots = compiled
        text = template.format(**{slot: self.rng.choice(words) for slot, words in slots})
        return text[0].upper() + text[1:]

    def post_body(self, max_length: int) -> str:
        # Mostly one sentence, sometimes two or three: bodies of varied length.
        count = self.rng.choices((1, 2, 3), weights=(55, 33, 12))[0]
        body = self._fill(self.rng.choice(self.sentences))
        for _ in range(count - 1):
            sentence = self._fill(self.rng.choice(self.sentences))
            if len(body) + 1 + len(sentence) <= max_length:
                body = f"{body} {sentence}"
        if self.rng.random() < HASHTAG_SHARE:
            tag = " #" + self.rng.choice(WORDS["topic"]).replace(" ", "")
            if len(body) + len(tag) <= max_length:
                body += tag
        return body[:max_length]

    def about_me(self, max_length: int) -> str:
        return self._fill(self.rng.choice(self.about_me_templates))[:max_length]


def next_member_number() -> int:
    """One more than the highest number in a seeded-looking username or email
    ("olivia_17", "olivia_17@example.com"), so that a second run adds members
    with new names instead of colliding with the first run's."""
    usernames = User.objects.filter(username__regex=r"^[A-Za-z]+_[0-9]+$").values_list("username", flat=True)
    suffix = "@" + EMAIL_DOMAIN
    emails = itertools.chain(
        User.objects.filter(email__iendswith=suffix).values_list("email", flat=True),
        EmailAddress.objects.filter(email__iendswith=suffix).values_list("email", flat=True),
    )
    names = itertools.chain(usernames, (email[: -len(suffix)] for email in emails))
    numbers = (int(match[1]) for name in names if (match := SEEDED_NAME.match(name)))
    return max(numbers, default=0) + 1


def random_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


class Command(BaseCommand):
    help = (
        "Fill the database with demo members, posts and follows (development only). "
        "Running it again adds more members with new names."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--users",
            type=int,
            default=100,
            help="New members to create (default 100). Posts and follows go to them; with 0, to the existing members.",
        )
        parser.add_argument(
            "--posts", type=int, default=2000, help="Posts to write, spread over the last year (default 2000)."
        )
        parser.add_argument(
            "--follows",
            type=int,
            default=None,
            help=f"How many distinct others each member follows (default {DEFAULT_FOLLOWS}, "
            "or fewer when there are not enough members).",
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed: the same seed gives the same text.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off. Never do this on a production database."
        )
        parser.add_argument(
            "--skip-index",
            action="store_true",
            help="Leave the search index alone (for a caller that builds it itself, or needs none); "
            "then `manage.py rebuild_index --noinput` makes the posts searchable.",
        )

    def handle(self, *, users, posts, follows, seed, force, skip_index, verbosity, **options):
        self.verbosity = verbosity
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database: seed refuses to fill it with demo data. "
                "Set DEBUG=true, or pass --force if you really mean it."
            )
        for flag, value in (("--users", users), ("--posts", posts), ("--follows", follows)):
            if value is not None and value < 0:
                raise CommandError(f"{flag} must be zero or more, not {value}.")

        started = time.perf_counter()
        if seed is None:
            seed = random.SystemRandom().randrange(2**32)
        rng = random.Random(seed)
        text = TextGenerator(rng)
        now = timezone.now()

        with transaction.atomic():
            if users:
                joined = [now - timedelta(days=365) * rng.random() ** 0.5 - timedelta(days=1) for _ in range(users)]
                pks = None
            else:
                existing = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", "date_joined"))
                pks = [pk for pk, _ in existing]
                joined = [date_joined for _, date_joined in existing]
            members = len(joined)
            follows = self._check_follows(follows, members, posts)

            plan = self._plan_posts(rng, joined, posts, now)
            if users:
                last_active = list(joined)
                for created, author in plan:  # plan is sorted, so each member ends with their latest post
                    last_active[author] = created
                last_seen = [random_between(rng, last, now) for last in last_active]
                new_members = self._create_members(rng, text, joined, last_seen)
                pks = [member.pk for member in new_members]
            self._create_posts(rng, text, plan, pks, now)
            follow_count = self._create_follows(rng, pks, joined, follows, now, existing_members=not users)

        # Bulk inserts send no signals: drop the counts cached before (a re-seed may reuse ids).
        member_counts_forget(pks)
        self._analyze()
        if not skip_index:
            # Nor do they reach the search index: rebuild it, by command name so that posts
            # stays unaware of the search app.
            self.log("Rebuilding the search index…")
            call_command("rebuild_index", interactive=False, verbosity=max(verbosity - 1, 0))
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Done in {elapsed:.1f} s: {users:,} new members, {posts:,} posts, {follow_count:,} follows "
            f"(random seed {seed}; pass --seed {seed} to repeat the same text)."
        )
        self.stdout.write(f"Demo password: {DEMO_PASSWORD}")
        if users:
            self.stdout.write(f"Log in as {new_members[0].username} (or by email {new_members[0].email}).")
        if skip_index:
            self.stdout.write("To make them searchable: manage.py rebuild_index --noinput")

    def _analyze(self):
        """Do now what autovacuum would do minutes later. ANALYZE refreshes the planner's
        statistics: until then PostgreSQL plans the timeline from the old row counts (a
        sequential scan of posts). VACUUM marks the new rows visible to all, so the home
        timeline's index-only scans skip the table; it cannot run inside a transaction
        (a test's)."""
        if connection.vendor != "postgresql":
            return
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (User, EmailAddress, Post, Follow, Like)
        )
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {tables}")

    def log(self, message: str):
        if self.verbosity >= 1:
            self.stdout.write(message)

    @staticmethod
    def _check_follows(follows: int | None, members: int, posts: int) -> int:
        if posts and not members:
            raise CommandError("--posts needs members to write them, and there are none: pass --users N as well.")
        if follows is None:
            return min(DEFAULT_FOLLOWS, max(members - 1, 0))
        if follows and follows >= members:
            raise CommandError(
                f"--follows {follows} is too many for {members} member(s): each member can follow at most "
                f"{max(members - 1, 0)} others (never themself). Lower --follows or raise --users."
            )
        return follows

    @staticmethod
    def _plan_posts(rng: random.Random, joined: list[datetime], count: int, now: datetime):
        """(created, author index) for every post, oldest first, so that ids grow with time as
        on a real site. A few members write a lot and most write a little (log-normal weights);
        nobody posts before joining, and nothing is older than a year."""
        if not count:
            return []
        weights = itertools.accumulate(rng.lognormvariate(0, 1) for _ in joined)
        authors = rng.choices(range(len(joined)), cum_weights=list(weights), k=count)
        year_ago = now - timedelta(days=365)
        plan = [(random_between(rng, max(joined[author], year_ago), now), author) for author in authors]
        plan.sort()
        return plan

    def _create_members(self, rng, text, joined, last_seen) -> list[User]:
        self.log(f"Creating {len(joined):,} members…")
        # Hash once and share it: Argon2 for every member would take minutes. Identical hashes
        # (same salt) are fine for demo accounts with a published password.
        password = make_password(DEMO_PASSWORD)
        about_me_length = User._meta.get_field("about_me").max_length
        first_number = next_member_number()
        members = []
        for i, (date_joined, seen) in enumerate(zip(joined, last_seen, strict=True)):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first.lower()}_{first_number + i}"
            has_about_me = rng.random() < ABOUT_ME_SHARE
            members.append(
                User(
                    username=username,
                    email=f"{username}@{EMAIL_DOMAIN}",
                    first_name=first,
                    last_name=last,
                    password=password,
                    date_joined=date_joined,
                    last_seen=seen,
                    about_me=text.about_me(about_me_length) if has_about_me else "",
                )
            )
        # SQLite (3.35+) and PostgreSQL return the new primary keys, which the posts need.
        User.objects.bulk_create(members, batch_size=BATCH_SIZE)
        # A verified address, as after a real sign-up: log-in works even with mandatory verification.
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=member, email=member.email, verified=True, primary=True) for member in members],
            batch_size=BATCH_SIZE,
        )
        return members

    def _create_posts(self, rng: random.Random, text: TextGenerator, plan, pks: list[int], now: datetime):
        """The posts, about REPLY_SHARE of them replies to a recent earlier post, then likes
        and boosts (a boost is a Post whose reblog_of is the original) from distinct members,
        skewed towards a few popular posts. Every count is worked out in memory first, so the
        posts go in with their reply, like and boost counts and no row is updated afterwards."""
        if not plan:
            return
        max_length = settings.POST_MAX_LENGTH
        count, members = len(plan), len(pks)
        # A parent is written in an earlier batch than its reply, so its id is known by then.
        parents = []
        for i in range(count):
            written = i - i % BATCH_SIZE
            reply = written and rng.random() < REPLY_SHARE
            parents.append(rng.randrange(max(0, written - REPLY_WINDOW), written) if reply else None)
        replies = [0] * count
        for parent in parents:
            if parent is not None:
                replies[parent] += 1
        # Log-normal popularity, scaled so that the averages come out as asked.
        popularity = [rng.lognormvariate(0, 1.2) for _ in range(count)]
        scale = count / (sum(popularity) or 1)
        likes = [min(members - 1, int(weight * scale * LIKES_PER_POST + rng.random())) for weight in popularity]
        boosts = [min(members - 1, int(weight * scale * BOOSTS_PER_POST + rng.random())) for weight in popularity]
        self.log(f"Writing {count:,} posts ({sum(p is not None for p in parents):,} replies)…")
        # Bulk inserts bypass post_create: render, tag and mention here the same way (posts.text).
        named_members = {
            pk: User(pk=pk, username=name) for pk, name in User.objects.filter(pk__in=pks).values_list("pk", "username")
        }
        tag_ids: dict[str, int] = dict(Tag.objects.values_list("name", "pk"))
        ids: list[int] = []
        for start in range(0, count, BATCH_SIZE):
            rows, mentioned = [], []
            for i in range(start, min(start + BATCH_SIZE, count)):
                created, author = plan[i]
                parent = parents[i]
                body = text.post_body(max_length)
                mention = None
                if text.rng.random() < MENTION_SHARE:
                    mention = named_members[pks[text.rng.randrange(members)]]
                    if mention.pk != pks[author] and len(body) + len(mention.username) + 2 <= max_length:
                        body = f"@{mention.username} {body}"
                    else:
                        mention = None
                tokens = tokenize(body)
                named = {mention.username.lower(): mention} if mention else {}
                rows.append(
                    # language stays '' ("unknown") until language detection runs on these posts.
                    Post(
                        author_id=pks[author],
                        body=body,
                        body_html=render(tokens, named),
                        created=created,
                        language="",
                        in_reply_to_id=ids[parent] if parent is not None else None,
                        in_reply_to_author_id=pks[plan[parent][1]] if parent is not None else None,
                        reply_count=replies[i],
                        like_count=likes[i],
                        boost_count=boosts[i],
                    )
                )
                mentioned.append((mention, [tag_normalise(t.text) for t in tokens if t.kind == "tag"]))
            ids.extend(post.pk for post in Post.objects.bulk_create(rows, batch_size=BATCH_SIZE))
            self._create_tags_and_mentions(rows, mentioned, tag_ids)
            if len(ids) % CHUNK == 0 or len(ids) == count:
                self.log(f"  posts {len(ids):,}/{count:,}")
        self._create_likes_and_boosts(rng, plan, pks, ids, likes, boosts, now)

    def _create_likes_and_boosts(self, rng, plan, pks, ids, likes, boosts, now):
        self.log(f"Adding {sum(likes):,} likes and {sum(boosts):,} boosts…")
        members = len(pks)
        like_rows, boost_rows = [], []
        for i, (created, author) in enumerate(plan):
            if not likes[i] and not boosts[i]:
                continue
            # Distinct members other than the author (indices past the author shift up by one).
            chosen = [j + (j >= author) for j in rng.sample(range(members - 1), max(likes[i], boosts[i]))]
            like_rows.extend(
                Like(member_id=pks[j], post_id=ids[i], created=random_between(rng, created, now))
                for j in chosen[: likes[i]]
            )
            boost_rows.extend(
                Post(author_id=pks[j], body="", reblog_of_id=ids[i], created=random_between(rng, created, now))
                for j in chosen[: boosts[i]]
            )
            if len(like_rows) >= CHUNK:
                Like.objects.bulk_create(like_rows, batch_size=BATCH_SIZE)
                like_rows = []
            if len(boost_rows) >= CHUNK:
                Post.objects.bulk_create(boost_rows, batch_size=BATCH_SIZE)
                boost_rows = []
        Like.objects.bulk_create(like_rows, batch_size=BATCH_SIZE)
        Post.objects.bulk_create(boost_rows, batch_size=BATCH_SIZE)

    @staticmethod
    def _create_tags_and_mentions(posts, mentioned, tag_ids):
        names = {name for _mention, tags in mentioned for name in tags} - set(tag_ids)
        if names:
            Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
            tag_ids.update(Tag.objects.filter(name__in=names).values_list("name", "pk"))
        taggings, mentions, notices = [], [], []
        for post, (mention, tags) in zip(posts, mentioned, strict=True):
            taggings += [
                PostTag(post_id=post.pk, tag_id=tag_ids[name], author_id=post.author_id, created=post.created)
                for name in dict.fromkeys(tags)
            ]
            if mention is not None:
                mentions.append(Mention(post_id=post.pk, user_id=mention.pk))
                notices.append(
                    Notice(
                        recipient_id=mention.pk,
                        actor_id=post.author_id,
                        kind=Notice.Kind.MENTION,
                        subject_id=post.pk,
                        created=post.created,
                        read=True,
                    )
                )
        PostTag.objects.bulk_create(taggings, batch_size=BATCH_SIZE)
        Mention.objects.bulk_create(mentions, batch_size=BATCH_SIZE)
        Notice.objects.bulk_create(notices, batch_size=BATCH_SIZE)

    def _create_follows(self, rng, pks, joined, follows, now, *, existing_members: bool) -> int:
        """Each member follows `follows` distinct others, chosen uniformly, never themself.
        Among existing members, pairs that already exist are skipped (a member who
        already follows almost everyone gets fewer new follows)."""
        if not follows:
            return 0
        index = {pk: i for i, pk in enumerate(pks)}
        already: dict[int, set[int]] = {}
        if existing_members:
            for follower, followed in Follow.objects.values_list("follower_id", "followed_id"):
                if follower in index and followed in index:
                    already.setdefault(index[follower], set()).add(index[followed])
        self.log(f"Creating up to {follows * len(pks):,} follows…")
        others = len(pks) - 1
        batch, created = [], 0
        for i in range(len(pks)):
            taken = already.get(i, set())
            # Sample from everyone but i (indices past i shift up by one); drawing len(taken)
            # extra covers the ones dropped as already followed.
            sample = rng.sample(range(others), min(others, follows + len(taken)))
            targets = [j for j in (s + (s >= i) for s in sample) if j not in taken][:follows]
            batch.extend(
                Follow(
                    follower_id=pks[i],
                    followed_id=pks[j],
                    created=random_between(rng, max(joined[i], joined[j]), now),
                )
                for j in targets
            )
            if len(batch) >= CHUNK or i == others:
                Follow.objects.bulk_create(batch, batch_size=BATCH_SIZE)
                created += len(batch)
                self.log(f"  follows {created:,}")
                batch = []
        return created
