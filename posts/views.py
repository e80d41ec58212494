from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from accounts.models import User
from core.cache import render_fragments
from core.media import MediaStorageError
from core.pagination import cursor_page_of
from core.site import current_site, public_or_login_required
from messaging.models import Job
from messaging.services import JobAlreadyRunning, JobDeferred
from posts import fragments
from posts.counts import site_counts, with_member_counts
from posts.forms import PostEditForm, PostForm
from posts.media import media_discard, media_uploads_store
from posts.models import Post, timeline_narrowing
from posts.services import (
    EXPORT_JOB,
    PostError,
    post_bookmark,
    post_boost,
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_unbookmark,
    post_unboost,
    post_unlike,
    posts_export_start,
)
from posts.tags import trending_tags
from posts.text import body_render
from posts.translation import (
    TranslationError,
    TranslationTimeout,
    post_needs_translation,
    post_translate,
    translation_enabled,
)


@require_http_methods(["GET", "POST"])
def home(request):
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.get_full_path())
        return front_door(request)
    # Not `request.POST or None`: a POST without a body field must still show "empty".
    form = _post_form(request)
    status = 200
    if request.method == "POST" and request.htmx:
        return _compose_htmx(request, form)
    if request.method == "POST" and form.is_valid():
        published, _post = _publish(request, form)
        if published:
            return redirect("posts:home")
        status = 503
    page = cursor_page_of(request, Post.objects.timeline_for(request.user), narrow=timeline_narrowing(request.user))
    context = {"form": form, "page": page, "title": _("Home"), "tab": "home"}
    return render(request, "posts/timeline.html", context, status=status)


def _post_form(request):
    if request.method != "POST":
        return PostForm()
    # Reading FILES runs the upload handlers, which note a file too large to keep.
    files = request.FILES
    return PostForm(request.POST, files, too_large=getattr(request, "media_too_large", ()))


def _publish(request, form, **targets) -> tuple[bool, Post | None]:
    """Store the form's images, then the post (posts.services.post_create) with them.
    (False, None), with the form told why, when the storage is down: show the form again.
    (True, None) when the post was refused (the message says why; its images go again)."""
    data = form.cleaned_data
    try:
        attachments = media_uploads_store(owner=request.user, uploads=form.uploads())
    except MediaStorageError as error:
        form.add_error("images", error.message)
        return False, None
    try:
        post = post_create(
            author=request.user,
            body=data["body"],
            idempotency_key=data["form_token"],
            attachments=attachments,
            spoiler_text=data.get("spoiler_text", ""),
            sensitive=data.get("sensitive", False),
            **targets,
        )
    except PostError as error:
        media_discard(attachments)
        messages.error(request, error.message)
        return True, None
    # A repeated submission returned the first post: this one's uploads belong to nothing.
    media_discard([attachment for attachment in attachments if attachment.post_id != post.pk])
    messages.success(
        request, _("Your reply is now live!") if targets.get("in_reply_to") else _("Your post is now live!")
    )
    return True, post


def _compose_htmx(request, form):
    """The composer through htmx: the new post, put on top of the timeline, and the box
    again, empty with a new one-time token; or the box with its errors, in its place."""
    published, post = _publish(request, form) if form.is_valid() else (False, None)
    if post is None:
        html = render_to_string("posts/_composer.html", {"form": form}, request=request)
        if published:
            # Refused by the service: its message says why.
            html += render_to_string("_notices_oob.html", request=request)
        return retarget(reswap(HttpResponse(html), "outerHTML"), "#compose")
    shown = Post.objects.for_display().filter(pk=post.pk)
    html = "".join(fragments.render_posts(request.user, shown))
    html += render_to_string("posts/_composer.html", {"form": PostForm(), "oob": True}, request=request)
    # Said as well as shown (by _publish): the notices are a live region, which a screen reader reads out.
    html += render_to_string("_notices_oob.html", request=request)
    return HttpResponse(html)


def front_door(request):
    """What a logged-out visitor sees at /: the site's name, pitch and rules, its counts,
    Sign up / Log in and, while the site is public, its newest original posts (a fixed
    preview, not a timeline: no pages, no buttons)."""
    site = current_site()
    posts = []
    if site.public:
        posts = list(Post.objects.visible().originals().newest_first()[: settings.FRONT_DOOR_POSTS])
    context = {"site": site, "counts": site_counts(), "posts": posts, "rules": site.rules}
    response = render(request, "posts/front_door.html", context)
    # What the page shows depends on the visitor's language (and on being logged out).
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response


@login_required
@require_GET
def explore(request):
    # Original posts only: no boosts, no replies (as Mastodon's public timeline).
    posts = Post.objects.visible().originals().for_reader(request.user, words=True).newest_first()
    page = cursor_page_of(request, posts)
    context = {"page": page, "title": _("Explore"), "tab": "explore", "trends": trending_tags()}
    return render(request, "posts/timeline.html", context)


@public_or_login_required
@require_GET
def user_detail(request, username):
    members = User.objects.filter(is_active=True).with_is_followed_by(request.user).with_safety_of(request.user)
    member = get_object_or_404(members, username__iexact=username)
    with_member_counts([member])
    # A muted member's own page still lists their posts (as on Mastodon); a block hides them.
    page = cursor_page_of(request, Post.objects.by_author(member).for_reader(request.user, mutes=False))
    # The bio's links, @mentions and #hashtags, rendered as a post's are (posts.text).
    bio = mark_safe(body_render(member.about_me)) if member.about_me else ""
    context = {"member": member, "page": page, "tab": "profile", "bio": bio}
    if member.pk == request.user.pk:
        # Only the owner sees their export: one query for the latest job.
        last = Job.objects.filter(user=member, name=EXPORT_JOB).order_by("-created").first()
        # A stale job (its task was lost) no longer blocks a new export: job_start fails it.
        context["export"] = {"last": last, "running": bool(last and not last.complete and not last.is_stale)}
    return _indexable(render(request, "posts/user_detail.html", context), member)


def _indexable(response, member):
    """A member who opted out of search engines (User.noindex) says so on their pages,
    in the header as well as the page's meta tag (crawlers that read only one)."""
    if member.noindex:
        response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def export_start(request):
    try:
        posts_export_start(user=request.user, site_url=settings.SITE_URL, language=request.LANGUAGE_CODE)
    except JobAlreadyRunning:
        messages.warning(request, _("An export of your posts is already running. You can start another when it ends."))
    except JobDeferred as error:
        # Nothing is lost (the export waits for the queue), so a warning, not an error.
        messages.warning(request, str(error))
    else:
        messages.info(request, _("Your export has started. We'll email you the file when it's ready."))
    return redirect(request.user.get_absolute_url())


@login_required
@require_POST
def post_translate_json(request, pk):
    """The post's body in the reader's language, as JSON for static/js/translate.js."""
    post = get_object_or_404(Post.objects.visible().for_reader(request.user, mutes=False), pk=pk)
    target = request.LANGUAGE_CODE
    if not translation_enabled():
        return JsonResponse({"error": _("Translation is not available on this site.")}, status=503)
    if not post_needs_translation(post, target):
        return JsonResponse({"error": _("This post is already in your language.")}, status=400)
    try:
        text = post_translate(post=post, target=target)
    except TranslationTimeout as error:
        return JsonResponse({"error": str(error)}, status=504)
    except TranslationError as error:
        return JsonResponse({"error": str(error)}, status=502)
    return JsonResponse({"text": text, "language": target})


# How many replies to each reply a post page shows under it; the rest are on that reply's own page.
NESTED_REPLIES = 3


def _wants_json(request) -> bool:
    # static/js/post-actions.js asks for exactly this; a browser's form post accepts */*.
    return request.headers.get("Accept", "").startswith("application/json")


def _back(request, fallback: str, anchor: str = "", target: str | None = None):
    """Redirect to `target` or the `next` the form sent (this site only), else to `fallback`."""
    target = request.POST.get("next", "") if target is None else target
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    anchor = anchor if anchor.isdigit() else ""
    return redirect(f"{target.split('#')[0]}#post-{anchor}" if anchor else target)


def _visible_post_or_404(request, pk) -> Post:
    """An original post the member may see and act on (not deleted, not a boost row,
    author active, no block between them)."""
    return get_object_or_404(Post.objects.likeable().for_reader(request.user, mutes=False).for_display(), pk=pk)


def _post_page(request, post, *, reply_form=None, status=200):
    ancestors = list(Post.objects.thread_above(post).for_reader(request.user, mutes=False))
    page = cursor_page_of(request, Post.objects.replies_to(post).for_reader(request.user))
    replies = list(page)
    # Up to NESTED_REPLIES replies under each reply on the page, newest first, in one query.
    nested = (
        Post.objects.filter(in_reply_to__in=replies, author__is_active=True, deleted__isnull=True)
        .for_reader(request.user)
        .for_display()
        .annotate(
            rank=Window(RowNumber(), partition_by=F("in_reply_to_id"), order_by=(F("created").desc(), F("id").desc()))
        )
        .filter(rank__lte=NESTED_REPLIES)
        .order_by("-created", "-id")
    )
    children: dict[int, list] = {}
    for child in nested:
        children.setdefault(child.in_reply_to_id, []).append(child)
    everything = [*ancestors, post, *replies, *(child for reply in replies for child in children.get(reply.pk, []))]
    fragments.media_preload(everything)
    if request.user.is_authenticated:
        reader = fragments.reader_of(request.user, everything)
    else:
        reader = fragments.anonymous_reader
    html = iter(
        render_fragments(
            fragments.TEMPLATE,
            everything,
            shown=fragments.shown,
            reader=reader,
            reader_template=fragments.READER_TEMPLATE,
        )
    )
    thread = [next(html) for _ in ancestors]
    focus = next(html)
    tree = [{"html": next(html), "post": reply} for reply in replies]
    for branch in tree:
        below = children.get(branch["post"].pk, [])
        branch["children"] = [next(html) for _ in below]
        branch["more"] = branch["post"].reply_count - len(below)
    context = {
        "post": post,
        "thread": thread,
        "focus": focus,
        "tree": tree,
        "page": page,
        "form": reply_form or PostForm(),
        "can_reply": request.user.is_authenticated,
    }
    return _indexable(render(request, "posts/post_detail.html", context, status=status), post.author)


@public_or_login_required
@require_GET
def post_detail(request, username, pk):
    """A post's page, open to anyone (so a shared link previews, with Open Graph tags):
    the thread above it, oldest first, then its replies, newest first, keyset-paged,
    each with its newest NESTED_REPLIES answers."""
    post = get_object_or_404(Post.objects.likeable().for_reader(request.user, mutes=False).for_display(), pk=pk)
    if post.author.username.lower() != username.lower():
        raise Http404
    if post.author.username != username:
        return redirect(post)
    return _post_page(request, post)


@login_required
@require_POST
def post_reply(request, pk):
    parent = get_object_or_404(
        Post.objects.filter(author__is_active=True, reblog_of__isnull=True).for_reader(request.user, mutes=False), pk=pk
    )
    if parent.is_deleted:
        messages.error(request, _("This post was deleted, so it can't be answered."))
        return redirect("posts:home")
    form = _post_form(request)
    if not form.is_valid():
        return _post_page(request, parent, reply_form=form, status=400)
    published, reply = _publish(request, form, in_reply_to=parent)
    if not published:
        return _post_page(request, parent, reply_form=form, status=503)
    if reply is None:
        return redirect("posts:home")
    return redirect(f"{parent.get_absolute_url()}#post-{reply.pk}")


def _toggle(request, pk, service):
    post = _visible_post_or_404(request, pk)
    service(member=request.user, post=post)
    if _wants_json(request):
        post.refresh_from_db(fields=["like_count", "boost_count", "reply_count"])
        liked, boosted, bookmarked = fragments.reader_state_of(request.user, post)
        return JsonResponse(
            {
                "id": post.pk,
                "liked": liked,
                "boosted": boosted,
                "bookmarked": bookmarked,
                "like_count": post.like_count,
                "boost_count": post.boost_count,
                "reply_count": post.reply_count,
            }
        )
    return _back(request, post.get_absolute_url(), request.POST.get("anchor", ""))


@login_required
@require_POST
def post_like_view(request, pk):
    return _toggle(request, pk, post_like)


@login_required
@require_POST
def post_unlike_view(request, pk):
    return _toggle(request, pk, post_unlike)


@login_required
@require_POST
def post_boost_view(request, pk):
    return _toggle(request, pk, post_boost)


@login_required
@require_POST
def post_unboost_view(request, pk):
    return _toggle(request, pk, post_unboost)


@login_required
@require_POST
def post_bookmark_view(request, pk):
    return _toggle(request, pk, post_bookmark)


@login_required
@require_POST
def post_unbookmark_view(request, pk):
    return _toggle(request, pk, post_unbookmark)


@login_required
@require_http_methods(["GET", "POST"])
def post_quote(request, pk):
    quoted = get_object_or_404(
        Post.objects.filter(author__is_active=True, reblog_of__isnull=True).for_reader(request.user, mutes=False), pk=pk
    )
    if quoted.is_deleted:
        messages.error(request, _("This post was deleted, so it can't be quoted."))
        return redirect("posts:home")
    form = PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        post_create(
            author=request.user,
            body=form.cleaned_data["body"],
            quote_of=quoted,
            idempotency_key=form.cleaned_data["form_token"],
        )
        messages.success(request, _("Your post is now live!"))
        return redirect("posts:home")
    quoted_html = render_fragments(
        fragments.TEMPLATE,
        [quoted],
        shown=fragments.shown,
        reader=fragments.anonymous_reader,
        reader_template=fragments.READER_TEMPLATE,
    )[0]
    return render(request, "posts/post_quote.html", {"form": form, "quoted": quoted, "quoted_html": quoted_html})


def _own_post_or_403(request, pk) -> Post:
    """The member's own live post: 404 if it is gone, 403 if it is someone else's."""
    post = get_object_or_404(Post.objects.likeable().for_display(), pk=pk)
    if post.author_id != request.user.pk:
        raise PermissionDenied(_("You can only change your own posts."))
    return post


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request, pk):
    post = _own_post_or_403(request, pk)
    initial = {"body": post.body, "spoiler_text": post.spoiler_text, "sensitive": post.sensitive}
    form = PostEditForm(request.POST if request.method == "POST" else None, initial=initial, post=post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post_edit(
                post=post,
                body=data["body"],
                remove_media=data.get("remove_media") or (),
                spoiler_text=data["spoiler_text"],
                sensitive=data["sensitive"],
            )
        except PostError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your post was updated."))
            return redirect(post)
    return render(request, "posts/post_edit.html", {"form": form, "post": post})


@public_or_login_required
@require_GET
def post_history(request, username, pk):
    """The post's text now and before each edit, newest first."""
    posts = Post.objects.likeable().for_reader(request.user, mutes=False).for_display()
    post = get_object_or_404(posts, pk=pk, author__username__iexact=username)
    revisions = list(post.revisions.all())
    return render(request, "posts/post_history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def post_delete_view(request, pk):
    """GET asks to confirm; POST deletes (posts.services.post_delete keeps a tombstone)."""
    post = _own_post_or_403(request, pk)
    if request.method == "POST":
        post_delete(post=post)
        messages.success(request, _("Your post was deleted."))
        if request.htmx:
            # From a list: the post goes (htmx swaps its <article> for nothing) and the notice
            # comes. From the post's own page, which is gone: home.
            if (request.htmx.current_url_abs_path or "").startswith(post.get_absolute_url()):
                return HttpResponseClientRedirect(reverse("posts:home"))
            return HttpResponse(render_to_string("_notices_oob.html", request=request))
        target = request.POST.get("next", "")
        # Not back to the post's own page: it is gone.
        if target.startswith(post.get_absolute_url()):
            target = ""
        return _back(request, reverse("posts:home"), target=target)
    return render(request, "posts/post_delete.html", {"post": post, "next": request.GET.get("next", "")})
