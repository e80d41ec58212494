import hashlib

from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import ProfileForm
from accounts.models import User
from accounts.services import FollowError, follow_create, follow_delete

# Two requests for one new username or email can both pass validation; the
# database's unique constraint stops the second, and it gets this, not a 500.
LOST_RACE = gettext_lazy("This username or email address was taken a moment ago.")


class SignupView(AllauthSignupView):
    """allauth's signup, answering a signup that lost a race with a form error."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except IntegrityError:
            # Validated again, the form now names the field that was taken
            # (a new form: allauth's get_form() returns the one it validated).
            again = self.get_form_class()(**self.get_form_kwargs())
            if again.is_valid():
                # allauth compares emails in lower case, so one saved in mixed
                # case (admin, createsuperuser) only shows up in the database's
                # case-insensitive constraint.
                if User.objects.filter(email__iexact=again.cleaned_data.get("email") or "-").exists():
                    again.add_error("email", get_adapter().validation_error("email_taken"))
                else:
                    again.add_error(None, LOST_RACE)
            return self.form_invalid(again)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    # Edit a copy so a rejected username never leaks into the navbar of the error page.
    member = User.objects.get(pk=request.user.pk)
    # Not `request.POST or None`: an empty POST must still be validated and answered with errors.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error("username", LOST_RACE)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect(member)
    return render(request, "accounts/profile_edit.html", {"form": form})


def _back_to(request, member):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    # A deactivated member's profile is a 404; go home rather than there.
    return redirect(member if member.is_active else "posts:home")


@login_required
@require_POST
def follow(request, username):
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    try:
        follow_create(follower=request.user, followed=member)
    except FollowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are following %(username)s.") % {"username": member.username})
    return _back_to(request, member)


@login_required
@require_POST
def unfollow(request, username):
    member = get_object_or_404(User, username__iexact=username)
    try:
        follow_delete(follower=request.user, followed=member)
    except FollowError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("You are not following %(username)s anymore.") % {"username": member.username})
    return _back_to(request, member)


@require_GET
@cache_control(max_age=86400, public=True)
def identicon(request, username):
    """A GitHub-style 5x5 symmetric identicon, so avatars work with no outside service."""
    member = get_object_or_404(User, username__iexact=username)
    # Keyed on the primary key so the picture survives a change of username.
    digest = hashlib.sha256(f"identicon:{member.pk}".encode()).digest()
    colour = "#{:02x}{:02x}{:02x}".format(*(64 + b // 2 for b in digest[:3]))
    cells = []
    for row in range(5):
        for col in range(3):
            if digest[3 + row * 3 + col] % 2 == 0:
                for x in {col, 4 - col}:
                    cells.append(f'<rect x="{x * 10 + 5}" y="{row * 10 + 5}" width="10" height="10"/>')
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60">'
        f'<rect width="60" height="60" fill="#f0f0f0"/><g fill="{colour}">{"".join(cells)}</g></svg>'
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
@require_GET
def user_popover(request, username):
    """A small HTML card about a member, shown in a popover by static/js/popover.js."""
    members = User.objects.filter(is_active=True).with_follow_counts().with_is_followed_by(request.user)
    member = get_object_or_404(members, username__iexact=username)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(request, "accounts/_popover.html", {"member": member, "next": next_url})
