from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from core.i18n import supported_language
from core.models import SitePage
from core.site import current_site, page_title, robots_txt_lines


@require_safe
def site_page(request, slug):
    """About, Rules or Privacy: open to everyone, even on a members-only site (a visitor
    deciding whether to sign up must be able to read the rules and the privacy policy)."""
    if slug not in dict(SitePage.SLUGS):
        raise Http404
    site = current_site()
    context = {"slug": slug, "title": page_title(slug), "site": site}
    if slug == SitePage.RULES:
        context["rules"] = site.rules
    else:
        context["paragraphs"] = [part.strip() for part in site.page(slug).split("\n\n") if part.strip()]
    return render(request, "core/site_page.html", context)


@require_safe
def robots_txt(request):
    response = HttpResponse("\n".join(robots_txt_lines(public=current_site().public)) + "\n", content_type="text/plain")
    patch_cache_control(response, public=True, max_age=3600)
    return response


def language_set(request):
    """Django's set_language (the footer's switcher), and a notice in the language just chosen
    on the page it leads to. A GET changes nothing, as Django's view does, and says nothing."""
    response = set_language(request)
    language = supported_language(request.POST.get("language", "")) if request.method == "POST" else ""
    if language and response.status_code == 302:
        with translation.override(language):
            # Each catalog names its own language ("Le site est maintenant en français.").
            messages.success(request, _("The site is now in English."))
    return response
