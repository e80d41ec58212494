"""Reporting a post or a member (posts.moderation.report_create)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import User
from posts.forms import ReportForm
from posts.models import Post
from posts.moderation import ReportError, report_create

# How many of the member's newest posts the form offers to attach.
REPORT_CANDIDATES = 10


def _report_page(request, *, member: User, post: Post | None):
    candidates = Post.objects.filter(author=member, deleted__isnull=True, reblog_of__isnull=True)
    if post is not None:
        candidates = candidates.exclude(pk=post.pk)
    # The form's choices: the newest few, by id so a submitted one outside them is refused.
    newest = list(candidates.order_by("-created", "-id").values_list("pk", flat=True)[:REPORT_CANDIDATES])
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        candidates=Post.objects.filter(pk__in=newest).order_by("-created", "-id"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_create(
                reporter=request.user,
                target=member,
                post=post,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
                post_ids=[attached.pk for attached in form.cleaned_data["posts"]],
            )
        except ReportError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Thank you: your report was sent to the moderators. We'll tell you when they've looked at it."),
            )
            return redirect(post.get_absolute_url() if post else member.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "posts/report.html", {"form": form, "member": member, "post": post}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request, pk):
    post = get_object_or_404(Post.objects.likeable().for_display(), pk=pk)
    if post.author_id == request.user.pk:
        messages.error(request, _("You can't report yourself or your own posts."))
        return redirect(post)
    return _report_page(request, member=post.author, post=post)


@login_required
@require_http_methods(["GET", "POST"])
def member_report(request, username):
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    if member.pk == request.user.pk:
        messages.error(request, _("You can't report yourself or your own posts."))
        return redirect(member)
    return _report_page(request, member=member, post=None)
