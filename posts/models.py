from django.conf import settings
from django.db import models
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Follow


class PostQuerySet(models.QuerySet):
    def newest_first(self):
        # id breaks ties between posts created in the same instant, so pages never overlap.
        return self.select_related("author").order_by("-created", "-id")

    def visible(self):
        """Posts of active members only: a deactivated member's posts disappear."""
        return self.filter(author__is_active=True)

    def timeline_for(self, user):
        """Home timeline: own posts plus those of followed members, in one
        indexed query (author IN (followed ids)), newest first."""
        followed_ids = Follow.objects.filter(follower=user).values("followed_id")
        return self.visible().filter(Q(author=user) | Q(author__in=Subquery(followed_ids))).newest_first()

    def by_author(self, user):
        return self.filter(author=user).newest_first()


class Post(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
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
