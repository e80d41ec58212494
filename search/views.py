from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from core.pagination import page_of
from posts.tags import tag_name_clean
from search import services

# Members a "@name" search lists at most.
PEOPLE_BY_NAME = 20


@login_required
@require_GET
def search(request):
    raw = services.search_query_text(request.GET.get("q", ""))
    if not raw.strip():
        return redirect("posts:explore")
    stripped = raw.strip()
    if stripped.startswith("#") and (tag := tag_name_clean(stripped)) is not None:
        return redirect("posts:tag", tag)  # "#tag" is the tag's page
    if stripped.startswith("@") and " " not in stripped:
        return _people_by_name(request, raw, stripped[1:])
    query = services.search_query_clean(raw)
    words = services.search_words(query)
    context = {"search_query": raw, "page_query": urlencode({"q": raw}), "title": _("Search"), "tab": "search"}
    if not words:  # nothing searchable in it, e.g. "***"
        return render(request, "search/search.html", {**context, "page": None, "people": []})
    try:
        page = page_of(request, services.post_search(query=query, reader=request.user))
        people = services.member_search(query=query, reader=request.user) if page.number == 1 else []
    except services.SearchUnavailable:
        return render(request, "search/search.html", {**context, "unavailable": True}, status=503)
    for post in page:
        post.highlighted_body = services.highlight(post.body, words=words, language=post.language)
    for member in people:
        member.highlighted_about_me = services.highlight(member.about_me, words=words)
    return render(request, "search/search.html", {**context, "page": page, "people": people})


def _people_by_name(request, raw: str, name: str):
    """ "@name": the active members whose username starts with `name` (any case), the
    exact one first; from the database, so it works while the search index is away."""
    members = User.objects.visible_to(request.user)
    people = list(members.filter(username__istartswith=name).order_by("username")[:PEOPLE_BY_NAME])
    people.sort(key=lambda member: member.username.lower() != name.lower())
    for member in people:
        member.highlighted_about_me = member.about_me  # a plain str: escaped by the template
    context = {"search_query": raw, "title": _("Search"), "tab": "search", "page": None, "people": people}
    return render(request, "search/search.html", {**context, "by_name": True})
