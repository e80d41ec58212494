"""Reports and moderation (issue 18): members report posts and members; moderators
resolve reports from the admin's queue (posts.admin.ReportAdmin). Every moderator
action is a ModerationAction row (the audit log), closes its report and tells the
reporter; moderators can't act on staff accounts, as in the rest of the admin."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.deletion import AccountDeletionRefused, account_delete_start
from accounts.models import ReservedUsername, User
from accounts.services import members_deactivate
from messaging.models import Notice
from messaging.services import notice_tell
from posts.models import ModerationAction, Post, Report
from posts.services import post_delete

# How many of the member's posts one report may carry (the reported one included).
REPORT_POSTS_MAX = 5


class ReportError(ValidationError):
    """A report that can't be made (own post, deleted post, too many); the message says why."""


class ModerationError(ValidationError):
    """A moderation action that can't be taken (a staff account…); the message says why."""


def report_create(
    *,
    reporter: User,
    reason: str,
    target: User | None = None,
    post: Post | None = None,
    comment: str = "",
    post_ids=(),
) -> Report:
    """`reporter` reports `post` (its author is the member reported) or the member
    `target`, for `reason`, with an optional comment and up to REPORT_POSTS_MAX of the
    member's posts (`post_ids`; others' or deleted ones are refused). The reporter is
    notified that it arrived. At most REPORTS_PER_HOUR per reporter (setting)."""
    if post is not None:
        post = post.reblog_of if post.reblog_of_id else post
        if post.is_deleted:
            raise ReportError(_("This post was deleted, so it can't be reported."))
        target = post.author
    if target is None:
        raise ReportError(_("Say which post or member you report."))
    if target.pk == reporter.pk:
        raise ReportError(_("You can't report yourself or your own posts."))
    if not target.is_active:
        raise ReportError(_("This account is closed already."))
    if reason not in Report.Reason.values:
        raise ReportError(_("Choose a reason."))
    comment = comment.strip()
    if len(comment) > 1000:
        raise ReportError(_("The comment can be at most 1000 characters long."))
    ids = list(dict.fromkeys([*([post.pk] if post else []), *(int(pk) for pk in post_ids)]))
    if len(ids) > REPORT_POSTS_MAX:
        raise ReportError(_("A report can carry at most %(count)d posts.") % {"count": REPORT_POSTS_MAX})
    attached = list(Post.objects.filter(pk__in=ids, author=target, deleted__isnull=True, reblog_of__isnull=True))
    if len(attached) != len(ids):
        raise ReportError(_("Only the member's own, undeleted posts can be attached."))
    with transaction.atomic():
        # The reporter's row, locked: two reports at once can't both slip under the limit.
        User.objects.select_for_update().filter(pk=reporter.pk).first()
        since = timezone.now() - datetime.timedelta(hours=1)
        if Report.objects.filter(reporter=reporter, created__gte=since).count() >= settings.REPORTS_PER_HOUR:
            raise ReportError(_("You have sent many reports in the last hour. Please wait a little."))
        report = Report.objects.create(reporter=reporter, target=target, reason=reason, comment=comment)
        report.posts.set(attached)
        notice_tell(recipient=reporter, kind=Notice.Kind.REPORT_RECEIVED, subject_id=report.pk)
    return report


def _check_moderator(moderator: User, member: User) -> None:
    if (member.is_staff or member.is_superuser) and not moderator.is_superuser:
        raise ModerationError(_("Only superusers can act on staff accounts."))
    if member.pk == moderator.pk:
        raise ModerationError(_("You can't moderate your own account."))


def report_resolve(*, report: Report, moderator: User, kind: str, reason: str, post_ids=None) -> ModerationAction:
    """Act on an open report: dismiss it, delete posts (those given, else all its posts),
    warn the member (`reason` is the text they see at their next login) or suspend them
    (they can't log in and their content is hidden; member_unsuspend undoes it) or delete
    their account (accounts.deletion: locked now, everything they made deleted by a task;
    the report about them goes with it, the log row stays). The action is logged, the
    report closed, and the reporter notified."""
    if kind not in (
        ModerationAction.Kind.DISMISS,
        ModerationAction.Kind.DELETE_POSTS,
        ModerationAction.Kind.WARN,
        ModerationAction.Kind.SUSPEND,
        ModerationAction.Kind.DELETE_ACCOUNT,
    ):
        raise ModerationError(_("Unknown action."))
    reason = reason.strip()
    if not reason:
        raise ModerationError(_("Say why: the log keeps it (and a warning shows it to the member)."))
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("target", "reporter").get(pk=report.pk)
        if report.status != Report.Status.OPEN:
            raise ModerationError(_("This report was closed already."))
        member = report.target
        if kind != ModerationAction.Kind.DISMISS:
            _check_moderator(moderator, member)
        ids = []
        if kind == ModerationAction.Kind.DELETE_POSTS:
            posts = report.posts.filter(deleted__isnull=True)
            if post_ids is not None:
                posts = posts.filter(pk__in=post_ids)
            for post in posts:
                post_delete(post=post)
                ids.append(post.pk)
        elif kind == ModerationAction.Kind.SUSPEND:
            members_deactivate(members=User.objects.filter(pk=member.pk))
        elif kind == ModerationAction.Kind.DELETE_ACCOUNT:
            try:
                account_delete_start(user=member, by=moderator)  # the task runs after commit
            except AccountDeletionRefused:
                raise ModerationError(_("Only superusers can act on staff accounts.")) from None
        action = ModerationAction.objects.create(
            moderator=moderator,
            kind=kind,
            target=member,
            target_username=member.username,
            report=report,
            reason=reason,
            post_ids=ids,
        )
        report.status = Report.Status.CLOSED
        report.resolved = timezone.now()
        report.resolved_by = moderator
        report.outcome = kind
        report.save(update_fields=["status", "resolved", "resolved_by", "outcome"])
        notice_tell(recipient=report.reporter, kind=Notice.Kind.REPORT_RESOLVED, subject_id=report.pk)
    return action


def member_unsuspend(*, moderator: User, member: User, reason: str) -> ModerationAction:
    """Lift a suspension: the member can log in again and their content is back. Logged."""
    _check_moderator(moderator, member)
    if ReservedUsername.objects.filter(user_id=member.pk).exists():
        # Its deletion is queued or running: waking it up would leave half an account.
        raise ModerationError(_("This account is being deleted; it can't be reactivated."))
    reason = reason.strip() or _("Suspension lifted.")
    with transaction.atomic():
        member.is_active = True
        member.save(update_fields=["is_active"])
        return ModerationAction.objects.create(
            target_username=member.username,
            moderator=moderator,
            kind=ModerationAction.Kind.UNSUSPEND,
            target=member,
            reason=reason,
        )


def warnings_take(*, user: User) -> list[str]:
    """The warnings `user` has not seen yet, oldest first; they count as seen now."""
    with transaction.atomic():
        warnings = list(
            ModerationAction.objects.select_for_update()
            .filter(target=user, kind=ModerationAction.Kind.WARN, seen__isnull=True)
            .order_by("created")
        )
        ModerationAction.objects.filter(pk__in=[w.pk for w in warnings]).update(seen=timezone.now())
    return [warning.reason for warning in warnings]


@receiver(user_logged_in, dispatch_uid="posts.moderation.warnings_shown")
def _warnings_shown(sender, request, user, **kwargs):
    # accounts (where logging in happens) knows nothing of moderation: the login signal connects the two.
    for text in warnings_take(user=user):
        messages.warning(request, _("A moderator warned you: %(text)s") % {"text": text})
