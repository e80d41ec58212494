from allauth.account.adapter import get_adapter
from allauth.account.views import SignupView as AllauthSignupView
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import signup
from accounts.deletion import account_delete_start
from accounts.forms import AccountDeleteForm, InviteForm, MutedWordForm, MuteForm, ProfileForm
from accounts.models import Block, Follow, Invite, Mute, MutedWord, User
from accounts.services import (
    FollowError,
    ProfileImageError,
    SafetyError,
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    mute_create,
    mute_delete,
    muted_word_add,
    muted_word_delete,
    profile_image_set,
)
from core.media import MediaStorageError
from core.pagination import page_of

# Two requests for one new username or email can both pass validation; the
# database's unique constraint stops the second, and it gets this, not a 500.
LOST_RACE = gettext_lazy("This username or email address was taken a moment ago.")


class SignupView(AllauthSignupView):
    """allauth's signup, saying which sign-up mode the site is in (accounts.signup),
    answering a signup that lost a race (a username, an invite's last use) with a
    form error."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "invite_code": self.request.session.get(signup.SESSION_INVITE)}

    def closed(self):
        # Closed, or invite-only without an invite: say which (allauth's page only says "closed").
        mode = signup.signup_mode()
        context = {"signup_mode": mode, "signup_mode_text": signup.MODE_TEXT[mode]}
        return render(self.request, "account/signup_closed.html", context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        mode = signup.signup_mode()
        context.update(signup_mode=mode, signup_mode_text=signup.MODE_TEXT[mode])
        code = self.request.session.get(signup.SESSION_INVITE)
        if code:
            context["invite"] = Invite.objects.filter(code=code).select_related("created_by").first()
        return context

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except signup.InviteError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
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
    if request.method == "POST":
        files = request.FILES  # read first: the upload handlers note a file too large
        form = ProfileForm(request.POST, files, instance=member, too_large=getattr(request, "media_too_large", ()))
    else:
        form = ProfileForm(instance=member)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except IntegrityError:
            form.add_error("username", LOST_RACE)
        else:
            if _profile_images_take(member, form):
                # In the language just chosen: the next page is in it, so is its notice.
                chosen = member.language or translation.get_language_from_request(request)
                with translation.override(chosen):
                    messages.success(request, _("Your changes have been saved."))
                return redirect(member)
            status = 503
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


def _profile_images_take(member, form) -> bool:
    """The form's avatar and header, to be cropped by a worker; False, with the form
    told why, when the storage is down (the rest of the profile is saved)."""
    for kind in ("avatar", "header"):
        upload = form.cleaned_data.get(f"{kind}_upload")
        if not upload:
            continue
        try:
            profile_image_set(member=member, kind=kind, upload=upload)
        except (ProfileImageError, MediaStorageError) as error:
            form.add_error(f"{kind}_upload", error.message)
            return False
    return True


def _back_to(request, member):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    # A deactivated member's profile is a 404; go home rather than there.
    return redirect(member if member.is_active else "posts:home")


def _follow_answer(request, member):
    """htmx: the button (or the suggestion) in its new state, with any error as a notice;
    a plain form post: back to the page it came from, where the message shows."""
    if not request.htmx:
        return _back_to(request, member)
    member.is_followed = Follow.objects.filter(follower=request.user, followed=member).exists()
    context = {"member": member, "next": request.POST.get("next", ""), "followed": member.is_followed}
    if request.POST.get("card") == "suggestion":
        shown = {"username": member.username, "about_me": member.about_me, "gravatar": member.gravatar_url(80)}
        context["member"] = shown
        html = render_to_string("accounts/_suggestion.html", context, request=request)
    else:
        html = render_to_string("accounts/_follow_button.html", context, request=request)
    # Only a failure is worth a notice: the button itself shows that it worked.
    html += render_to_string("_notices_oob.html", {}, request=request)
    return HttpResponse(html)


@login_required
@require_POST
def follow(request, username):
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    try:
        follow_create(follower=request.user, followed=member)
    except FollowError as error:
        messages.error(request, str(error))
        return _follow_answer(request, member)
    if not request.htmx:
        messages.success(request, _("You are following %(username)s.") % {"username": member.username})
    return _follow_answer(request, member)


@login_required
@require_POST
def unfollow(request, username):
    member = get_object_or_404(User, username__iexact=username)
    try:
        follow_delete(follower=request.user, followed=member)
    except FollowError as error:
        messages.error(request, str(error))
        return _follow_answer(request, member)
    if not request.htmx:
        messages.success(request, _("You are not following %(username)s anymore.") % {"username": member.username})
    return _follow_answer(request, member)


@require_GET
@cache_control(max_age=86400, public=True)
def identicon(request, username):
    """A GitHub-style 5x5 symmetric identicon, so avatars work with no outside service.

    Any well-formed name gets one (the URL converter 404s the rest): a 404 for unknown
    names told anonymous visitors which usernames exist, closed accounts included. The
    hash is keyed with SECRET_KEY, so nobody can tell a member's picture (keyed on the
    primary key, so it survives a change of username) from an unknown name's."""
    member_pk = User.objects.filter(username__iexact=username).values_list("pk", flat=True).first()
    key = f"member:{member_pk}" if member_pk is not None else f"name:{username.casefold()}"
    digest = salted_hmac("accounts.identicon", key, algorithm="sha256").digest()
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
    members = (
        User.objects.filter(is_active=True)
        .with_follow_counts()
        .with_is_followed_by(request.user)
        .with_safety_of(request.user)
    )
    member = get_object_or_404(members, username__iexact=username)
    if member.is_blocked_by or member.is_blocking:
        raise Http404  # a block either way: each vanishes from the other's pages
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(request, "accounts/_popover.html", {"member": member, "next": next_url})


def _follow_list(request, username, *, followers: bool):
    """A member's followers or the members they follow, newest first, a page at a time,
    each with a follow button for the reader (their state read in one query per page)."""
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    if followers:
        rows = Follow.objects.filter(followed=member, follower__is_active=True).select_related("follower")
    else:
        rows = Follow.objects.filter(follower=member, followed__is_active=True).select_related("followed")
    page = page_of(request, rows.order_by("-created", "-id"))
    people = [row.follower if followers else row.followed for row in page]
    followed = set(
        Follow.objects.filter(follower=request.user, followed__in=people).values_list("followed_id", flat=True)
    )
    for person in people:
        person.is_followed = person.pk in followed
    context = {"member": member, "page": page, "people": people, "followers": followers}
    return render(request, "accounts/follow_list.html", context)


@login_required
@require_GET
def follower_list(request, username):
    return _follow_list(request, username, followers=True)


@login_required
@require_GET
def following_list(request, username):
    return _follow_list(request, username, followers=False)


def _safety_action(request, username, service, done: str):
    """Run a block/unblock/mute/unmute `service` on the member named, then go back."""
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    try:
        service(member)
    except SafetyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done % {"username": member.username})
    return _back_to(request, member)


@login_required
@require_POST
def block(request, username):
    return _safety_action(
        request,
        username,
        lambda member: block_create(blocker=request.user, blocked=member),
        _("You blocked %(username)s. You won't see each other's posts, and they can't follow or message you."),
    )


@login_required
@require_POST
def unblock(request, username):
    return _safety_action(
        request,
        username,
        lambda member: block_delete(blocker=request.user, blocked=member),
        _("You unblocked %(username)s."),
    )


@require_GET
def invite(request, code):
    """An invite link: remembered for the sign-up page, or why it cannot be used."""
    if request.user.is_authenticated:
        messages.info(request, _("You already have an account."))
        return redirect("posts:home")
    try:
        found = signup.invite_check(code)
    except signup.InviteError as error:
        return render(request, "accounts/invite_invalid.html", {"error": str(error)}, status=410)
    request.session[signup.SESSION_INVITE] = found.code
    return redirect("account_signup")


@login_required
@require_http_methods(["GET", "POST"])
def mute(request, username):
    """GET asks how long for; POST mutes."""
    member = get_object_or_404(User, username__iexact=username, is_active=True)
    form = MuteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _safety_action(
            request,
            username,
            lambda member: mute_create(
                muter=request.user,
                muted=member,
                seconds=form.cleaned_data["duration"],
                notifications=form.cleaned_data["notifications"],
            ),
            _("You muted %(username)s. Their posts leave your timelines; they won't know."),
        )
    status = 400 if request.method == "POST" else 200
    context = {"member": member, "form": form, "next": request.GET.get("next", "")}
    return render(request, "accounts/mute.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def invite_list(request):
    """The member's invite links: make one (expiry, number of uses), see how each was used."""
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        made = signup.invite_create(
            user=request.user, max_uses=form.cleaned_data["max_uses"], expires_in=form.cleaned_data["expires_in"]
        )
        messages.success(
            request,
            _("Your invite link is ready: %(url)s") % {"url": request.build_absolute_uri(made.get_absolute_url())},
        )
        return redirect("accounts:invites")
    invites = Invite.objects.filter(created_by=request.user).order_by("-created")[:100]
    context = {"form": form, "invites": invites, "signup_mode": signup.signup_mode()}
    return render(request, "accounts/invite_list.html", context)


@login_required
@require_POST
def unmute(request, username):
    return _safety_action(
        request,
        username,
        lambda member: mute_delete(muter=request.user, muted=member),
        _("You unmuted %(username)s."),
    )


@login_required
@require_POST
def invite_revoke(request, pk):
    found = get_object_or_404(Invite, pk=pk, created_by=request.user)
    signup.invite_revoke(invite=found)
    messages.success(request, _("The invite link no longer works."))
    return redirect("accounts:invites")


@login_required
@require_http_methods(["GET", "POST"])
def safety_settings(request):
    """The member's blocks, mutes and muted words, and a form to mute a word."""
    form = MutedWordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            muted_word_add(user=request.user, phrase=form.cleaned_data["phrase"])
        except SafetyError as error:
            form.add_error("phrase", str(error))
        else:
            messages.success(request, _("Muted “%(phrase)s”.") % {"phrase": form.cleaned_data["phrase"]})
            return redirect("accounts:safety")
    context = {
        "form": form,
        "blocks": Block.objects.filter(blocker=request.user, blocked__is_active=True)
        .select_related("blocked")
        .order_by("-created")[:SAFETY_LIST_MAX],
        "mutes": Mute.objects.active()
        .filter(muter=request.user, muted__is_active=True)
        .select_related("muted")
        .order_by("-created")[:SAFETY_LIST_MAX],
        "words": MutedWord.objects.filter(user=request.user).order_by("phrase"),
        "tab": "profile",
    }
    return render(request, "accounts/safety.html", context, status=400 if form.errors else 200)


# The settings page lists this many blocks and mutes (the newest); the API pages through all.
SAFETY_LIST_MAX = 200


@login_required
@require_POST
def muted_word_remove(request, pk):
    try:
        muted_word_delete(user=request.user, pk=pk)
    except SafetyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The word is no longer muted."))
    return redirect("accounts:safety")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete your account: password (and second factor) again, then it is locked at
    once and deleted by a task (accounts.deletion)."""
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete_start(user=request.user)
        logout(request)
        messages.info(request, _("Your account is being deleted. Everything you made will be gone in a few minutes."))
        return redirect("posts:home")
    return render(request, "accounts/account_delete.html", {"form": form})
