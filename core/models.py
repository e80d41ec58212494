from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task the broker refused (Redis down): kept here so the work is not
    lost, and published again by core.queue.outbox_flush once it answers."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    # Kept when re-publishing: a job's task id is its Job id (messaging.Job).
    task_id = models.CharField(max_length=36, blank=True)
    created = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        # The table it had when it lived in messaging: moved without copying a row.
        db_table = "messaging_outboxtask"

    def __str__(self):
        return f"{self.task}{tuple(self.args)!r}"


class IdempotencyKey(models.Model):
    """A one-time key a client sent with a write (the post and message forms' hidden
    token, the API's Idempotency-Key header): the first request with it creates the
    object, a repeat (a double click, a client's retry) gets that object back
    (core.idempotency). The unique constraint holds for requests at the same instant."""

    # What was created, e.g. "posts.post"; keys of different kinds never meet.
    scope = models.CharField(max_length=50)
    # The member who sent it (no foreign key: core knows no app's models).
    user_id = models.BigIntegerField()
    key = models.CharField(max_length=100)
    # The primary key of the object the first request created.
    object_id = models.BigIntegerField(null=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "user_id", "key"], name="core_idempotency_key_unique"),
        ]

    def __str__(self):
        return f"{self.scope} {self.user_id} {self.key}"


class SiteSettings(models.Model):
    """The community's name, pitch and whether outsiders may read it: one row (pk=1),
    edited in the admin and read through core.site.current_site (cached)."""

    name = models.CharField(_("site name"), max_length=60, blank=True, help_text=_("Empty: Microblog."))
    description = models.TextField(
        _("short description"),
        max_length=500,
        blank=True,
        help_text=_("A sentence or two on the front door for visitors who are not logged in."),
    )
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "On: logged-out visitors see the newest posts on the front door, profiles and posts, and search "
            "engines may index them. Off: the site is members-only."
        ),
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(self._meta.verbose_name)


class SitePage(models.Model):
    """The About, Rules and Privacy pages as the admins wrote them; a page without a row
    (or with an empty text) shows the built-in, translated text (core.site.PAGES)."""

    ABOUT = "about"
    RULES = "rules"
    PRIVACY = "privacy"
    SLUGS = [(ABOUT, _("About")), (RULES, _("Rules")), (PRIVACY, _("Privacy"))]

    slug = models.CharField(_("page"), max_length=20, choices=SLUGS, unique=True)
    body = models.TextField(
        _("text"),
        max_length=20000,
        blank=True,
        help_text=_(
            "Plain text; an empty line starts a new paragraph. On the rules page, one rule per line. "
            "Empty: the built-in text."
        ),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")

    def __str__(self):
        return self.get_slug_display()
