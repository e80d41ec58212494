from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from messaging.models import Job
from messaging.services import JobAlreadyRunning, JobDeferred
from microblog.pagination import cursor_page_of, page_of
from posts.counts import with_member_counts
from posts.forms import PostForm
from posts.models import Post, timeline_narrowing
from posts.search import SearchUnavailable, highlight, member_search, post_search, search_query_clean, search_words
from posts.services import EXPORT_JOB, post_create, posts_export_start
from posts.translation import (
    TranslationError,
    TranslationTimeout,
    post_needs_translation,
    post_translate,
    translation_enabled,
)


@login_required
@require_http_methods(["GET", "POST"])
def home(request):
    # Not `request.POST or None`: a POST without a body field must still show "empty".
    form = PostForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        post_create(author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your post is now live!"))
        return redirect("posts:home")
    page = cursor_page_of(request, Post.objects.timeline_for(request.user), narrow=timeline_narrowing(request.user))
    return render(request, "posts/timeline.html", {"form": form, "page": page, "title": _("Home"), "tab": "home"})


@login_required
@require_GET
def explore(request):
    page = cursor_page_of(request, Post.objects.visible().newest_first())
    return render(request, "posts/timeline.html", {"page": page, "title": _("Explore"), "tab": "explore"})


@login_required
@require_GET
def user_detail(request, username):
    members = User.objects.filter(is_active=True).with_is_followed_by(request.user)
    member = get_object_or_404(members, username__iexact=username)
    with_member_counts([member])
    page = cursor_page_of(request, Post.objects.by_author(member))
    context = {"member": member, "page": page, "tab": "profile"}
    if member.pk == request.user.pk:
        # Only the owner sees their export: one query for the latest job.
        last = Job.objects.filter(user=member, name=EXPORT_JOB).order_by("-created").first()
        context["export"] = {"last": last, "running": bool(last and not last.complete)}
    return render(request, "posts/user_detail.html", context)


@login_required
@require_POST
def export_start(request):
    try:
        posts_export_start(user=request.user, site_url=request.build_absolute_uri("/"), language=request.LANGUAGE_CODE)
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
    post = get_object_or_404(Post.objects.visible(), pk=pk)
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


@login_required
@require_GET
def search(request):
    raw = request.GET.get("q", "").replace("\x00", "")
    if not raw.strip():
        return redirect("posts:explore")
    query = search_query_clean(raw)
    words = search_words(query)
    context = {"search_query": raw, "page_query": urlencode({"q": raw}), "title": _("Search"), "tab": "search"}
    if not words:  # nothing searchable in it, e.g. "***"
        return render(request, "posts/search.html", {**context, "page": None, "people": []})
    try:
        page = page_of(request, post_search(query=query))
        people = member_search(query=query) if page.number == 1 else []
    except SearchUnavailable:
        return render(request, "posts/search.html", {**context, "unavailable": True}, status=503)
    for post in page:
        post.highlighted_body = highlight(post.body, words=words, language=post.language)
    for member in people:
        member.highlighted_about_me = highlight(member.about_me, words=words)
    return render(request, "posts/search.html", {**context, "page": page, "people": people})
