from django.conf import settings
from django.db import connections, models, router
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import IRegex
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Follow, MutedWord, User, hidden_authors_sql


def _newer_than_outer():
    """Rows newer than the outer query's row, on (created, id)."""
    return Q(created__gt=OuterRef("created")) | Q(created=OuterRef("created"), pk__gt=OuterRef("pk"))


class PostQuerySet(models.QuerySet):
    # What a rendered post reads (posts.fragments.shown, the API's serializers). The author
    # and a reply's parent author are joined to the page's rows; a boost's original and a
    # quote's card (with their authors, the original's parent author and quote card) are on
    # few rows, so display_related_attach reads them for the whole page in one more query,
    # by primary key, instead of seven more joins: with ten tables PostgreSQL spent ~4 ms
    # planning each page and could no longer reorder the joins.
    DISPLAY_JOINED = ("author", "in_reply_to_author")
    DISPLAY_ATTACHED = ("author", "in_reply_to_author", "quote_of__author")

    # Set by for_display(): the rows fetched get their display relations attached.
    _display = False

    def _clone(self):
        clone = super()._clone()
        clone._display = self._display
        return clone

    def _fetch_all(self):
        # Django's _fetch_all with the attach step between fetching and prefetch_related, so a
        # prefetch through reblog_of or quote_of finds them attached.
        if self._result_cache is None:
            self._result_cache = list(self._iterable_class(self))
            if self._display and issubclass(self._iterable_class, models.query.ModelIterable):
                display_related_attach(self._result_cache, using=self.db)
        if self._prefetch_related_lookups and not self._prefetch_done:
            self._prefetch_related_objects()

    def for_display(self):
        # A page's images come in one more query when it is rendered (posts.fragments.media_preload).
        clone = self.select_related(*self.DISPLAY_JOINED)
        clone._display = True
        return clone

    def newest_first(self):
        # id breaks ties between posts created in the same instant, so pages never overlap.
        return self.for_display().order_by("-created", "-id")

    def visible(self):
        """Posts of active members only, deleted ones left out: a deactivated member's
        posts disappear, and so do boosts of them."""
        return self.filter(author__is_active=True, deleted__isnull=True).filter(
            Q(reblog_of__isnull=True) | Q(reblog_of__author__is_active=True, reblog_of__deleted__isnull=True)
        )

    def for_reader(self, user, *, mutes: bool = True, words: bool = False):
        """What `user` may be shown (issue 18's one place for blocks and mutes, shared by
        the pages and both APIs): no post by, boosting, answering or quoting a member they
        blocked or who blocked them, nor (with `mutes`) one they muted; with `words`, no
        post whose text (or boosted text) holds one of their muted words. Subqueries only:
        a page stays one query however many members are blocked. Anonymous: unchanged."""
        if not user.is_authenticated:
            return self
        return self.filter(reader_filter(user, mutes=mutes, words=words))

    def originals(self):
        """Neither boosts nor replies: what Explore lists."""
        return self.filter(reblog_of__isnull=True, in_reply_to__isnull=True)

    def likeable(self):
        """Posts a member may like, boost, quote or answer: visible originals (not boost rows)."""
        return self.visible().filter(reblog_of__isnull=True)

    def timeline_for(self, user):
        """Home timeline: own posts plus those of followed members (their boosts included)
        and of followed tags, newest first. Replies only when the reader follows both
        sides, it answers the reader, or it mentions them, as in Mastodon. A post appears
        once: if someone in the timeline boosted it later, only the newest boost shows (an
        anti-join on posts_boosts_idx). Blocked and muted members and muted words are left
        out (for_reader), boosts by them too. Paged by key, it walks the (created, id) index; on
        PostgreSQL the home page narrows it further (timeline_narrowing, which applies the
        same rules)."""
        followed_ids = Follow.objects.filter(follower=user).values("followed_id")
        # Deactivated members are out of the timeline as authors, boosters and reply targets.
        active_followed = Follow.objects.filter(follower=user, followed__is_active=True).values("followed_id")
        newer_boost = Post.objects.filter(
            Q(author=user) | Q(author__in=Subquery(active_followed)),
            _newer_than_outer(),
            author__is_active=True,
            reblog_of=Coalesce(OuterRef("reblog_of_id"), OuterRef("pk")),
        ).exclude(author_id__in=RawSQL(*hidden_authors_sql(user, mutes=True)))
        followed_authors = (Q(author=user) | Q(author__in=Subquery(followed_ids))) & (
            Q(in_reply_to_author__isnull=True)
            | Q(author=user)
            | Q(in_reply_to_author=user)
            | Q(in_reply_to_author__in=Subquery(active_followed))
            | Q(pk__in=Subquery(Mention.objects.filter(user=user).values("post_id")))
        )
        return (
            self.visible()
            .filter(followed_authors | Q(pk__in=Subquery(_followed_tag_post_ids(user))))
            .filter(~Exists(newer_boost))
            .for_reader(user, words=True)
            .newest_first()
        )

    def tagged(self, tag):
        """The visible posts carrying `tag`, newest first (the tag page; tag_narrowing pages it)."""
        return self.visible().filter(pk__in=Subquery(PostTag.objects.filter(tag=tag).values("post_id"))).newest_first()

    def timeline_count_for(self, user) -> int:
        """How many posts timeline_for(user) holds. Counted as `author IN (active
        followed UNION ALL self)`, PostgreSQL reads each author's entries of
        (author, created, id), where counting timeline_for's own filter scans every
        post. As a page's filter that form plans slower, so timeline_for keeps its own."""
        authors = (
            Follow.objects.filter(follower=user, followed__is_active=True)
            .values("followed_id")
            .union(User.objects.filter(pk=user.pk, is_active=True).values("pk"), all=True)
        )
        # Followed tags' posts by other authors count too: UNION (not ALL) counts a post once.
        tagged = PostTag.objects.filter(
            tag__in=FollowedTag.objects.filter(user=user).values("tag_id"),
            author__is_active=True,
            post__deleted__isnull=True,
        ).values("post_id")
        return self.filter(author__in=authors, deleted__isnull=True).values("id").union(tagged).count()

    def by_author(self, user):
        """A member's posts, replies and boosts, newest first."""
        return self.visible().filter(author=user).newest_first()

    def thread_above(self, post):
        """The posts `post` answers, oldest first, tombstones included (shown as "deleted"
        so the thread stays whole): one recursive query, however long the thread."""
        table = Post._meta.db_table
        # A recursive CTE, on SQLite and PostgreSQL alike; the depth bound stops a cycle
        # that a hand-edited database might hold.
        ancestors = f"""
            WITH RECURSIVE chain(id, parent_id, depth) AS (
                SELECT id, in_reply_to_id, 0 FROM {table} WHERE id = %s
                UNION ALL
                SELECT p.id, p.in_reply_to_id, chain.depth + 1 FROM {table} p
                JOIN chain ON p.id = chain.parent_id WHERE chain.depth < %s
            ) SELECT id FROM chain WHERE id <> %s"""
        params = [post.pk, THREAD_MAX_DEPTH, post.pk]
        if connections[self.db].vendor != "postgresql":
            return self.filter(pk__in=RawSQL(ancestors, params)).for_display().order_by("created", "id")
        # = ANY(ARRAY(…)): the chain is computed once and its ids read by key; as an IN
        # it became a semi-join that PostgreSQL placed after the display joins.
        in_chain = RawSQL(f"{table}.id = ANY(ARRAY({ancestors}))", params, output_field=models.BooleanField())
        return self.filter(in_chain).for_display().order_by("created", "id")

    def replies_to(self, post):
        """Direct replies to `post`, newest first: visible ones, and tombstones that
        others answered (shown as "deleted" so their replies keep their place)."""
        return (
            self.filter(in_reply_to=post, author__is_active=True)
            .filter(Q(deleted__isnull=True) | Q(reply_count__gt=0))
            .newest_first()
        )


def display_related_attach(posts, *, using=None) -> None:
    """Give `posts` their boosts' originals and quoted posts (PostQuerySet.DISPLAY_ATTACHED
    joined to each) from one query for them all; none when no post boosts or quotes."""
    wanted = {pk for post in posts for pk in (post.reblog_of_id, post.quote_of_id) if pk is not None}
    if not wanted:
        return
    related = Post.objects.using(using).select_related(*PostQuerySet.DISPLAY_ATTACHED).in_bulk(wanted)
    reblog_of, quote_of = Post._meta.get_field("reblog_of"), Post._meta.get_field("quote_of")
    for post in posts:
        # Cached as the field's value (None if the row went meanwhile), never changing the id:
        # a quote whose post vanished still says "unavailable".
        if post.reblog_of_id is not None:
            reblog_of.set_cached_value(post, related.get(post.reblog_of_id))
        if post.quote_of_id is not None:
            quote_of.set_cached_value(post, related.get(post.quote_of_id))


def reader_filter(user, *, mutes: bool, words: bool, via: str = "") -> Q:
    """PostQuerySet.for_reader's condition, on the post `via` names ("post__" from a
    PostTag), so a narrowing subquery applies the very same rule."""
    hidden = RawSQL(*hidden_authors_sql(user, mutes=mutes))
    condition = (
        ~Q(**{f"{via}author_id__in": hidden})
        & (Q(**{f"{via}reblog_of__isnull": True}) | ~Q(**{f"{via}reblog_of__author_id__in": hidden}))
        & (Q(**{f"{via}in_reply_to_author__isnull": True}) | ~Q(**{f"{via}in_reply_to_author_id__in": hidden}))
        & (Q(**{f"{via}quote_of__isnull": True}) | ~Q(**{f"{via}quote_of__author_id__in": hidden}))
    )
    if words:
        pattern = models.F("pattern")
        muted = MutedWord.objects.filter(user=user).filter(
            IRegex(OuterRef(f"{via}body"), pattern) | IRegex(OuterRef(f"{via}reblog_of__body"), pattern)
        )
        condition &= ~Exists(muted)
    return condition


# How far up a thread the post page looks.
THREAD_MAX_DEPTH = 200


def _followed_tag_post_ids(user):
    tags = FollowedTag.objects.filter(user=user).values("tag_id")
    return PostTag.objects.filter(tag__in=Subquery(tags)).values("post_id")


# Where the LATERAL join stops paying: its cost grows with the number followed, while
# the plain walk is cheap for big follow lists and slow only for a few quiet ones
# (the figures are in the commit that set it and in bench/).
LATERAL_MAX_FOLLOWED = 100


def timeline_narrowing(user):
    """A `narrow` for core.pagination.CursorPaginator over timeline_for(user).

    The plain query walks the (created, id) index and keeps the followed
    members' posts: quick when they post a lot, but a member who follows few
    quiet people walks the whole table. On
    PostgreSQL this takes, for each author, the page's worth of their newest
    posts from (author, created, id) with a LATERAL join, then the newest of
    those: about (followed + 1) x page size index entries, whatever the table's
    size or the page's depth (the rules that need other rows run on the page's
    posts only; see `quick` below). What for_reader hides (blocks, mutes, muted
    words) is left out inside the walks too, or a muted member's posts would fill
    an author's share of the page and then be filtered out of it. Past LATERAL_MAX_FOLLOWED that sum costs more than
    the walk, which by then finds a page quickly, so the plain query stays (one
    bounded look at the follow index decides). Other databases keep the plain query."""

    def narrow(queryset, *, key, older: bool, limit: int):
        if connections[queryset.db].vendor != "postgresql":
            return queryset
        posts, follows, users, taggings, followed_tags, mentions, words = (
            model._meta.db_table for model in (Post, Follow, User, PostTag, FollowedTag, Mention, MutedWord)
        )
        # "Is there one past the limit?" reads at most limit + 1 index entries, unlike a count;
        # both lists in one query.
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(
                f"""SELECT EXISTS (SELECT 1 FROM {follows} WHERE follower_id = %s OFFSET %s)
                    OR EXISTS (SELECT 1 FROM {followed_tags} WHERE user_id = %s OFFSET %s)""",
                [user.pk, LATERAL_MAX_FOLLOWED, user.pk, LATERAL_MAX_FOLLOWED],
            )
            if cursor.fetchone()[0]:
                return queryset
        hidden, hidden_params = hidden_authors_sql(user, mutes=True)
        reader = int(user.pk)
        sign, direction = ("<", "DESC") if older else (">", "ASC")

        def after_cursor(alias, pk):
            if key is None:
                return "", []
            # `created <= x` is the index range; the OR sorts out posts of that same instant.
            sql = f"AND {alias}.created {sign}= %s AND ({alias}.created {sign} %s OR {alias}.{pk} {sign} %s)"
            return sql, [key[0], key[0], key[1]]

        by_author, author_params = after_cursor("p", "id")
        by_tag, tag_params = after_cursor("pt", "post_id")

        def no_newer_boost(alias):
            # One entry per post: hidden when someone in the timeline boosted it later.
            return f"""NOT EXISTS (
                    SELECT 1 FROM {posts} b
                    WHERE b.reblog_of_id = COALESCE({alias}.reblog_of_id, {alias}.id)
                    AND b.author_id IN (SELECT author_id FROM authors)
                    AND (b.created > {alias}.created OR (b.created = {alias}.created AND b.id > {alias}.id))
                )"""

        def boost_shown(alias):
            # A boost of a deleted post, of a deactivated member's or of a hidden one's is left out.
            return f"""({alias}.reblog_of_id IS NULL OR EXISTS (
                    SELECT 1 FROM {posts} o JOIN {users} ou ON ou.id = o.author_id AND ou.is_active
                    WHERE o.id = {alias}.reblog_of_id AND o.deleted IS NULL
                    AND o.author_id NOT IN (SELECT author_id FROM hidden)
                ))"""

        def not_quoting_hidden(alias):
            return f"""({alias}.quote_of_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM {posts} q WHERE q.id = {alias}.quote_of_id
                    AND q.author_id IN (SELECT author_id FROM hidden)
                ))"""

        def not_muted_words(alias):
            # The post's text or, for a boost, its original's (as PostQuerySet.for_reader).
            return f"""NOT EXISTS (
                    SELECT 1 FROM {words} w JOIN {posts} x ON x.id IN ({alias}.id, {alias}.reblog_of_id)
                    WHERE w.user_id = {reader} AND x.body ~* w.pattern
                )"""

        def other_rows_rules(alias):
            return f"""{boost_shown(alias)} AND {not_quoting_hidden(alias)}
                    AND {not_muted_words(alias)} AND {no_newer_boost(alias)}"""

        reply_rule = f"""(p.in_reply_to_author_id IS NULL OR p.author_id = %s
                         OR p.in_reply_to_author_id IN (SELECT author_id FROM authors)
                         OR EXISTS (SELECT 1 FROM {mentions} m WHERE m.post_id = p.id AND m.user_id = %s))
                     AND (p.in_reply_to_author_id IS NULL
                          OR p.in_reply_to_author_id NOT IN (SELECT author_id FROM hidden))"""
        # The rules that need other rows (boost_shown, no_newer_boost) cost index look-ups
        # per post, and applied inside each walk they ran on (followed + 1) x limit posts.
        # So each walk first applies only what a post's own row decides (tombstones, the
        # reply rule): `walks`. Every post before `reach` is in some walk (a walk that
        # stopped at its limit may hold more past its last post, none before it), so the
        # walks' posts before `reach`, in order, with the other rules applied one by one
        # until `limit` pass, are exactly the page: `quick`. When they cannot fill it
        # (walks cut short by many hidden posts), `thorough` applies every rule inside
        # each walk, as the plain query would; PostgreSQL runs only the branch it needs.
        ids = f"""
            WITH hidden(author_id) AS ({hidden}),
            authors(author_id) AS (
                SELECT f.followed_id FROM {follows} f
                JOIN {users} u ON u.id = f.followed_id AND u.is_active
                WHERE f.follower_id = %s AND f.followed_id NOT IN (SELECT author_id FROM hidden)
                UNION ALL SELECT %s
            ), walks AS (
                SELECT mine.* FROM authors CROSS JOIN LATERAL (
                    SELECT p.id, p.created, p.reblog_of_id, p.quote_of_id,
                        row_number() OVER (ORDER BY p.created {direction}, p.id {direction}) AS n
                    FROM {posts} p
                    WHERE p.author_id = authors.author_id {by_author}
                    AND p.deleted IS NULL AND {reply_rule}
                    ORDER BY p.created {direction}, p.id {direction} LIMIT %s
                ) mine
                UNION ALL
                SELECT tagged.* FROM (
                    SELECT ft.tag_id FROM {followed_tags} ft WHERE ft.user_id = %s
                ) tags CROSS JOIN LATERAL (
                    SELECT pt.post_id AS id, pt.created, p.reblog_of_id, p.quote_of_id,
                        row_number() OVER (ORDER BY pt.created {direction}, pt.post_id {direction}) AS n
                    FROM {taggings} pt
                    JOIN {users} u ON u.id = pt.author_id AND u.is_active
                    JOIN {posts} p ON p.id = pt.post_id AND p.deleted IS NULL
                    WHERE pt.tag_id = tags.tag_id {by_tag}
                    AND pt.author_id NOT IN (SELECT author_id FROM hidden)
                    AND (p.in_reply_to_author_id IS NULL
                         OR p.in_reply_to_author_id NOT IN (SELECT author_id FROM hidden))
                    ORDER BY pt.created {direction}, pt.post_id {direction} LIMIT %s
                ) tagged
            ), reach AS (
                SELECT w.created, w.id FROM walks w WHERE w.n = %s
                UNION ALL SELECT '{"-" if older else ""}infinity'::timestamptz, 0
                ORDER BY 1 {direction}, 2 {direction} LIMIT 1
            ), quick AS (
                SELECT page.id FROM (
                    SELECT DISTINCT w.id, w.created, w.reblog_of_id, w.quote_of_id FROM walks w
                    WHERE (w.created, w.id) {">" if older else "<"} (SELECT created, id FROM reach)
                    ORDER BY w.created {direction}, w.id {direction}
                    OFFSET 0
                ) page
                WHERE {other_rows_rules("page")}
                LIMIT %s
            ), enough AS (
                SELECT (SELECT count(*) FROM quick) = %s OR NOT EXISTS (SELECT 1 FROM walks WHERE n = %s) AS yes
            )
            SELECT id FROM quick WHERE (SELECT yes FROM enough)
            UNION ALL
            SELECT thorough.id FROM (
                SELECT mine.id, mine.created FROM authors CROSS JOIN LATERAL (
                    SELECT p.id, p.created FROM {posts} p
                    WHERE p.author_id = authors.author_id {by_author}
                    AND p.deleted IS NULL AND {reply_rule}
                    AND {other_rows_rules("p")}
                    ORDER BY p.created {direction}, p.id {direction} LIMIT %s
                ) mine
                UNION
                SELECT tagged.id, tagged.created FROM (
                    SELECT ft.tag_id FROM {followed_tags} ft WHERE ft.user_id = %s
                ) tags CROSS JOIN LATERAL (
                    SELECT pt.post_id AS id, pt.created FROM {taggings} pt
                    JOIN {users} u ON u.id = pt.author_id AND u.is_active
                    JOIN {posts} p ON p.id = pt.post_id AND p.deleted IS NULL
                    WHERE pt.tag_id = tags.tag_id {by_tag}
                    AND pt.author_id NOT IN (SELECT author_id FROM hidden)
                    AND (p.in_reply_to_author_id IS NULL
                         OR p.in_reply_to_author_id NOT IN (SELECT author_id FROM hidden))
                    AND {not_quoting_hidden("p")} AND {not_muted_words("p")} AND {no_newer_boost("p")}
                    ORDER BY pt.created {direction}, pt.post_id {direction} LIMIT %s
                ) tagged
                ORDER BY 2 {direction}, 1 {direction} LIMIT %s
            ) thorough WHERE NOT (SELECT yes FROM enough)"""
        walk_params = [*author_params, user.pk, user.pk, limit, user.pk, *tag_params, limit]
        params = [*hidden_params, user.pk, user.pk, *walk_params, limit, limit, limit, limit, *walk_params, limit]
        # id = ANY(ARRAY(...)), not IN (...): the ids become one value computed first, so the
        # planner looks them up by primary key; with followed tags in the page's own filter
        # (an OR of subplans) an IN was planned as a scan of every post semi-joined to the ids.
        narrowed = RawSQL(f"{posts}.id = ANY(ARRAY({ids}))", params, output_field=models.BooleanField())
        return queryset.filter(narrowed)

    return narrow


def tag_narrowing(tag, reader=None):
    """A `narrow` for the tag page (PostQuerySet.tagged): the page's ids from the
    tag's own index (posts_posttag_tag_idx), inactive authors left out there, so a
    rare tag never walks the whole posts table looking for its few posts. With
    `reader`, what for_reader(reader, words=True) hides is left out there too."""

    def narrow(queryset, *, key, older: bool, limit: int):
        taggings = PostTag.objects.using(queryset.db).filter(tag=tag, author__is_active=True)
        if reader is not None and reader.is_authenticated:
            taggings = taggings.filter(reader_filter(reader, mutes=True, words=True, via="post__"))
        if key is not None:
            created, pk = key
            if older:
                taggings = taggings.filter(created__lte=created).filter(Q(created__lt=created) | Q(post_id__lt=pk))
            else:
                taggings = taggings.filter(created__gte=created).filter(Q(created__gt=created) | Q(post_id__gt=pk))
        order = ("-created", "-post_id") if older else ("created", "post_id")
        # A subquery: the page stays one query.
        return queryset.filter(pk__in=taggings.order_by(*order).values("post_id")[:limit])

    return narrow


class Post(models.Model):
    # No index of its own: posts_author_created_idx starts with author and serves every
    # lookup by author; with both, SQLite sorted a member's whole timeline off the narrow one.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", db_index=False)
    body = models.TextField(_("body"))
    created = models.DateTimeField(_("created"), default=timezone.now)
    # ISO 639-1 code detected at save time; '' when unknown.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    # Conversations (issue 16). A boost is a Post row of its own whose reblog_of names
    # the original (as Mastodon and Takahē model it): the home timeline stays one keyset
    # query over posts, and a boost sorts by its own `created`. Replies, quotes and likes
    # always point at an original, never at a boost row.
    in_reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replies", db_index=False
    )
    # The parent's author, copied at reply time (Mastodon's in_reply_to_account_id): the home
    # timeline's reply rule ("only when you follow both sides") then needs no join.
    in_reply_to_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    quote_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes", db_index=False
    )
    reblog_of = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="boosts", db_index=False
    )
    # Set when its author deletes it: the row stays as a tombstone (ids are never reused,
    # threads stay whole, quotes show "unavailable"), its text is cleared.
    deleted = models.DateTimeField(_("deleted"), null=True, blank=True)
    # The last edit; the earlier texts are PostRevision rows.
    edited = models.DateTimeField(_("edited"), null=True, blank=True)
    # Denormalised counts, changed with F() by the services that add or take away a row.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    boost_count = models.PositiveIntegerField(_("boosts"), default=0)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    # The body with its links, mentions and hashtags, rendered and sanitised at save
    # (posts.text.post_text_apply); '' for posts saved before it existed (shown escaped).
    body_html = models.TextField(_("rendered body"), blank=True, default="", editable=False)

    # A content warning (Mastodon's spoiler text): the body and images stay behind "Show more".
    spoiler_text = models.CharField(_("content warning"), max_length=200, blank=True, default="")
    # Images blurred until clicked, with or without a warning text.
    sensitive = models.BooleanField(_("sensitive"), default=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            # A member's posts and the home timeline (author IN …) read this index in order.
            models.Index(fields=["author", "-created", "-id"], name="posts_author_created_idx"),
            # The live posts only, with what home's walk and the API timeline's count read of
            # each: on PostgreSQL both become index-only scans, not a heap read per post.
            models.Index(
                fields=["author", "-created", "-id", "reblog_of", "in_reply_to_author"],
                name="posts_author_live_idx",
                condition=Q(deleted__isnull=True),
            ),
            # Explore reads the newest posts of everyone.
            models.Index(fields=["-created", "-id"], name="posts_created_idx"),
            # A post page's replies, oldest first.
            models.Index(
                fields=["in_reply_to", "created", "id"],
                name="posts_replies_idx",
                condition=Q(in_reply_to__isnull=False),
            ),
            # "Is there a newer boost of this post?" (the home timeline's one-entry-per-post rule).
            models.Index(
                fields=["reblog_of", "-created", "-id"], name="posts_boosts_idx", condition=Q(reblog_of__isnull=False)
            ),
            models.Index(fields=["quote_of"], name="posts_quotes_idx", condition=Q(quote_of__isnull=False)),
        ]
        constraints = [
            # One boost per member and post: a double click boosts once.
            models.UniqueConstraint(
                fields=["author", "reblog_of"], name="posts_boost_once", condition=Q(reblog_of__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.author}: {self.body[:50]}"

    def get_absolute_url(self):
        return reverse("posts:post", args=[self.author.username, self.pk])

    @property
    def is_boost(self) -> bool:
        return self.reblog_of_id is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted is not None

    def is_editable_by(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id and not self.is_deleted and not self.is_boost


class Like(models.Model):
    """A member's like (favourite) of a post; one per member and post."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes", db_index=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            # A double click likes once.
            models.UniqueConstraint(fields=["member", "post"], name="posts_like_once"),
        ]
        indexes = [
            models.Index(fields=["post", "-created"], name="posts_like_post_idx"),
            # A member's likes newest first (Mastodon's /api/v1/favourites).
            models.Index(fields=["member", "-created", "-id"], name="posts_like_member_idx"),
        ]

    def __str__(self):
        return f"{self.member_id} likes {self.post_id}"


class PostRevision(models.Model):
    """The text a post had before an edit (Mastodon keeps them viewable too)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("body"))
    # When this text was written: the post's created, or the edit before.
    created = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.post_id} @ {self.created}"


# Hashtags, followed tags and mentions (posts.text stores them when a post is saved).


class Tag(models.Model):
    """A hashtag, by its normalised name (posts.text.tag_normalise: NFKC, casefolded)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    def __str__(self):
        return f"#{self.name}"

    def get_absolute_url(self):
        return reverse("posts:tag", args=[self.name])


class PostTag(models.Model):
    """A post carries a tag. `created` and `author` copy the post's, so a tag page, the
    followed-tags part of home and the trends each read one index of this table."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_tags", db_index=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="post_tags", db_index=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created = models.DateTimeField(_("created"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "tag"], name="posts_posttag_once")]
        indexes = [
            # A tag's posts, newest first (tag page, home's followed tags), and its count.
            models.Index(fields=["tag", "-created", "-post"], name="posts_posttag_tag_idx"),
            # Trends: the last 24 hours' taggings.
            models.Index(fields=["created"], name="posts_posttag_created_idx"),
        ]

    def __str__(self):
        return f"{self.post_id} #{self.tag_id}"


class FollowedTag(models.Model):
    """A member follows a tag: its posts join their home timeline."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="followers", db_index=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tag"], name="posts_followedtag_once")]

    def __str__(self):
        return f"{self.user_id} follows #{self.tag_id}"


class Mention(models.Model):
    """A post mentions a member (one of the first posts.text.MENTIONS_MAX named)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentioned_in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="posts_mention_once")]

    def __str__(self):
        return f"{self.post_id} @{self.user_id}"


def reader_state(user, post_ids) -> tuple[set[int], set[int], set[int]]:
    """(liked, boosted, bookmarked): which of these posts `user` liked, boosted and
    bookmarked, in one query.
    Plain SQL: every page runs it, and composing it as a union of two querysets cost ~2 ms
    of CPU a page, ten times what the database spends answering it."""
    ids = list(dict.fromkeys(post_ids))
    if not ids:
        return set(), set(), set()
    marks = ", ".join(["%s"] * len(ids))
    like, post, bookmark = Like._meta, Post._meta, Bookmark._meta
    sql = (
        f"SELECT {like.get_field('post').column}, 0 FROM {like.db_table}"
        f" WHERE {like.get_field('member').column} = %s AND {like.get_field('post').column} IN ({marks})"
        f" UNION ALL SELECT {post.get_field('reblog_of').column}, 1 FROM {post.db_table}"
        f" WHERE {post.get_field('author').column} = %s AND {post.get_field('reblog_of').column} IN ({marks})"
        f" UNION ALL SELECT {bookmark.get_field('post').column}, 2 FROM {bookmark.db_table}"
        f" WHERE {bookmark.get_field('member').column} = %s AND {bookmark.get_field('post').column} IN ({marks})"
    )
    with connections[router.db_for_read(Like)].cursor() as cursor:
        cursor.execute(sql, [user.pk, *ids, user.pk, *ids, user.pk, *ids])
        rows = cursor.fetchall()
    marked = (set(), set(), set())
    for pk, kind in rows:
        marked[kind].add(pk)
    return marked


class MediaAttachment(models.Model):
    """An image a member uploaded, attached to one of their posts (or not yet: an
    upload made through the API before the post). The upload is kept as `original`
    until a worker has re-encoded it (posts.media.media_process): then `file` (at
    most MEDIA_LONG_SIDE), `preview` and `blurhash` are set and the original goes.
    Names are random (core.media.media_name); deleting a row deletes its files."""

    class State(models.TextChoices):
        PROCESSING = "processing", _("processing")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments", db_index=False
    )
    # Its place in the post's grid, 0 to 3.
    position = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROCESSING)
    description = models.TextField(_("description"), blank=True, default="")
    original = models.CharField(max_length=200, blank=True, default="")
    file = models.CharField(max_length=200, blank=True, default="")
    preview = models.CharField(max_length=200, blank=True, default="")
    # As shown (orientation applied): the upload's until processed, then the file's.
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    preview_width = models.PositiveIntegerField(default=0)
    preview_height = models.PositiveIntegerField(default=0)
    blurhash = models.CharField(max_length=100, blank=True, default="")
    animated = models.BooleanField(default=False)
    # The point a cropped thumbnail keeps in view (Mastodon's focus), -1.0 to 1.0 from the
    # centre: x to the right, y upwards; null when the member never set one.
    focus_x = models.FloatField(null=True, blank=True)
    focus_y = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        indexes = [
            # A page's images (the prefetch: post IN (…)), in the grid's order.
            models.Index(fields=["post", "position"], name="posts_media_post_idx", condition=Q(post__isnull=False)),
            # A member's uploads, and the sweep of those never attached.
            models.Index(fields=["owner", "-created"], name="posts_media_owner_idx"),
        ]

    def __str__(self):
        return f"{self.owner_id}: {self.file or self.original}"

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def stored_names(self) -> list[str]:
        return [name for name in (self.original, self.file, self.preview) if name]


# Reports and moderation (issue 18): members report posts and members; moderators
# resolve them in the admin's queue (posts.admin.ReportAdmin), each action logged.


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        HARASSMENT = "harassment", _("Harassment or hate")
        ILLEGAL = "illegal", _("Illegal content")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    # The member reported (a post's author when a post is reported).
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received", verbose_name=_("member")
    )
    # The reported post and up to REPORT_POSTS_MAX of the member's posts, together.
    posts = models.ManyToManyField(Post, blank=True, related_name="reports", verbose_name=_("posts"))
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created = models.DateTimeField(_("reported"), default=timezone.now)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            # The queue: open reports, newest first.
            models.Index(fields=["status", "-created"], name="posts_report_queue_idx"),
            # "Other open reports about this member".
            models.Index(fields=["target", "status"], name="posts_report_target_idx"),
            # The rate limit counts a reporter's recent reports.
            models.Index(fields=["reporter", "-created"], name="posts_report_reporter_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_reason_display()}: {self.target}"


class ModerationAction(models.Model):
    """The audit log: who did what to whom, why, and for which report."""

    class Kind(models.TextChoices):
        DISMISS = "dismiss", _("Dismissed the report")
        DELETE_POSTS = "delete_posts", _("Deleted posts")
        WARN = "warn", _("Warned the member")
        SUSPEND = "suspend", _("Suspended the member")
        UNSUSPEND = "unsuspend", _("Lifted the suspension")
        DELETE_ACCOUNT = "delete_account", _("Deleted the account")

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("moderator")
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    # SET_NULL: the log outlives a deleted account (accounts.deletion clears the key), and
    # target_username keeps whom it was about.
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="moderation_actions",
        verbose_name=_("member"),
    )
    target_username = models.CharField(_("username"), max_length=150, blank=True, default="")
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions", verbose_name=_("report")
    )
    # Why, as the moderator wrote it; for a warning, the text the member is shown.
    reason = models.TextField(_("reason"), max_length=2000)
    post_ids = models.JSONField(_("posts"), default=list, blank=True)
    created = models.DateTimeField(_("when"), default=timezone.now)
    # A warning is shown once, at the member's next login.
    seen = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["-created"], name="posts_modaction_created_idx"),
            # A login looks for unseen warnings.
            models.Index(
                fields=["target"], name="posts_modaction_warning_idx", condition=Q(kind="warn", seen__isnull=True)
            ),
        ]

    def __str__(self):
        return f"{self.moderator} {self.kind} {self.target or self.target_username}"


class Bookmark(models.Model):
    """A member keeps a post to read later; private (its author is not told), one per
    member and post."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks", db_index=False
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks", db_index=False)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "post"], name="posts_bookmark_once")]
        indexes = [
            # A member's bookmarks, newest first (also serves the unique pair's lookups by member).
            models.Index(fields=["member", "-created", "-id"], name="posts_bookmark_member_idx"),
            # The cascade when a post goes.
            models.Index(fields=["post"], name="posts_bookmark_post_idx"),
        ]

    def __str__(self):
        return f"{self.member_id} bookmarked {self.post_id}"
