from django.conf import settings
from django.db import connections, models
from django.db.models import Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Follow, User


class PostQuerySet(models.QuerySet):
    def newest_first(self):
        # id breaks ties between posts created in the same instant, so pages never overlap.
        return self.select_related("author").order_by("-created", "-id")

    def visible(self):
        """Posts of active members only: a deactivated member's posts disappear."""
        return self.filter(author__is_active=True)

    def timeline_for(self, user):
        """Home timeline: own posts plus those of followed members, newest first.
        Paged by key, it walks the (created, id) index; on PostgreSQL the home
        page narrows it further (timeline_narrowing)."""
        followed_ids = Follow.objects.filter(follower=user).values("followed_id")
        return self.visible().filter(Q(author=user) | Q(author__in=Subquery(followed_ids))).newest_first()

    def timeline_count_for(self, user) -> int:
        """How many posts timeline_for(user) holds. Counted as `author IN (active
        followed UNION ALL self)`, PostgreSQL reads each author's entries of
        (author, created, id): 2.5 ms at 200,000 posts, where counting
        timeline_for's own filter scans every post (52 ms). As a page's filter that
        form is slower, so timeline_for keeps its own."""
        authors = (
            Follow.objects.filter(follower=user, followed__is_active=True)
            .values("followed_id")
            .union(User.objects.filter(pk=user.pk, is_active=True).values("pk"), all=True)
        )
        return self.filter(author__in=authors).count()

    def by_author(self, user):
        return self.filter(author=user).newest_first()


# Measured at a million posts (2,000 members): LATERAL 0.3-1 ms up to 50 followed,
# ~2.5 ms at 100, 4-8 ms at 200, 30-50 ms at 2,000, while the plain walk takes
# ~0.5 ms for those big follow lists but 200 ms for a member who follows one quiet one.
LATERAL_MAX_FOLLOWED = 100


def timeline_narrowing(user):
    """A `narrow` for microblog.pagination.CursorPaginator over timeline_for(user).

    The plain query walks the (created, id) index and keeps the followed
    members' posts: quick when they post a lot, but a member who follows few
    quiet people walks the whole table (200 ms at a million posts). On
    PostgreSQL this takes, for each author, the page's worth of their newest
    posts from (author, created, id) with a LATERAL join, then the newest of
    those: about (followed + 1) x page size index entries, whatever the table's
    size or the page's depth. Past LATERAL_MAX_FOLLOWED that sum costs more than
    the walk, which by then finds a page quickly, so the plain query stays (one
    bounded look at the follow index decides). Other databases keep the plain query."""

    def narrow(queryset, *, key, older: bool, limit: int):
        if connections[queryset.db].vendor != "postgresql":
            return queryset
        followed = Follow.objects.using(queryset.db).filter(follower=user).order_by()
        # "Is there one past the limit?" reads at most limit + 1 index entries, unlike a count.
        if followed[LATERAL_MAX_FOLLOWED:].exists():
            return queryset
        posts, follows, users = (model._meta.db_table for model in (Post, Follow, User))
        sign, direction = ("<", "DESC") if older else (">", "ASC")
        cursor, params = "", [user.pk, user.pk]
        if key is not None:
            # `created <= x` is the index range; the OR sorts out posts of that same instant.
            cursor = f"AND p.created {sign}= %s AND (p.created {sign} %s OR p.id {sign} %s)"
            params += [key[0], key[0], key[1]]
        params += [limit, limit]
        ids = f"""
            SELECT page.id FROM (
                SELECT f.followed_id AS author_id FROM {follows} f
                JOIN {users} u ON u.id = f.followed_id AND u.is_active
                WHERE f.follower_id = %s
                UNION ALL SELECT %s
            ) authors CROSS JOIN LATERAL (
                SELECT p.id, p.created FROM {posts} p
                WHERE p.author_id = authors.author_id {cursor}
                ORDER BY p.created {direction}, p.id {direction} LIMIT %s
            ) page
            ORDER BY page.created {direction}, page.id {direction} LIMIT %s"""
        return queryset.filter(pk__in=RawSQL(ids, params))

    return narrow


class Post(models.Model):
    # No index of its own: posts_author_created_idx starts with author and serves every
    # lookup by author; with both, SQLite sorted a member's whole timeline off the narrow one.
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", db_index=False)
    body = models.TextField(_("body"))
    created = models.DateTimeField(_("created"), default=timezone.now)
    # ISO 639-1 code detected at save time; '' when unknown.
    language = models.CharField(_("language"), max_length=10, blank=True, default="")

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            # A member's posts and the home timeline (author IN …) read this index in order.
            models.Index(fields=["author", "-created", "-id"], name="posts_author_created_idx"),
            # Explore reads the newest posts of everyone.
            models.Index(fields=["-created", "-id"], name="posts_created_idx"),
        ]

    def __str__(self):
        return f"{self.author}: {self.body[:50]}"
