"""What the site says about itself: its name, description, rules and pages
(core.models.SiteSettings and SitePage, edited in the admin), and whether it is
public, which decides what a logged-out visitor may read (public_or_login_required)
and what robots.txt says.

Every page a visitor opens reads it, so the admins' rows are cached in the default
cache (shared by every process) until the admin saves one (site_settings_save,
site_page_save), with SITE_CACHE_SECONDS as a bound. Only the admins' own text is
cached: the built-in texts are translated when read, in the reader's language."""

import functools
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import SitePage, SiteSettings

CACHE_KEY = "core:site:v1"

DEFAULT_NAME = "Microblog"

# The built-in texts, translated through the catalogs, for pages the admins left empty.
PAGES = {
    SitePage.ABOUT: gettext_lazy(
        "A community microblog: members post short messages, follow each other and talk in "
        "private messages. The people who run it moderate it by the rules below."
    ),
    SitePage.RULES: gettext_lazy(
        "Be kind: no harassment, hate speech or threats.\n"
        "No spam or advertising.\n"
        "Nothing illegal, and nobody else's private information.\n"
        "Mark sensitive content.\n"
        "Moderators may remove posts and accounts that break these rules."
    ),
    SitePage.PRIVACY: gettext_lazy(
        "We keep what you give us to run your account: your username, email address, password "
        "(only as a hash), posts, follows and messages, and when you were last seen. Your posts and "
        "profile are public when the site is; messages are read only by you and their recipients. "
        "We use one cookie to keep you logged in and none to track you, and we share nothing with "
        "advertisers.\n\n"
        "You can export your posts from your profile, and delete your account from your profile's "
        "settings: everything you made is then deleted."
    ),
}
DEFAULT_DESCRIPTION = gettext_lazy("Short posts, real people, no ads. Join in, follow people and talk.")


@dataclass(frozen=True)
class Site:
    name: str
    description: str
    public: bool
    # The admins' texts by slug, "" where they wrote none.
    pages: dict

    def page(self, slug: str) -> str:
        return self.pages.get(slug) or str(PAGES[slug])

    @property
    def rules(self) -> list[str]:
        """One rule per non-empty line of the rules page."""
        return [line.strip() for line in self.page(SitePage.RULES).splitlines() if line.strip()]


def _load() -> dict:
    row = SiteSettings.objects.filter(pk=1).first() or SiteSettings()
    pages = dict(SitePage.objects.values_list("slug", "body"))
    return {"name": row.name, "description": row.description, "public": row.public, "pages": pages}


def current_site() -> Site:
    """The site's settings and pages: one cache read, a query only after a change."""
    values = cache.get(CACHE_KEY)
    if values is None:
        values = _load()
        cache.set(CACHE_KEY, values, settings.SITE_CACHE_SECONDS)
    return Site(
        name=values["name"] or DEFAULT_NAME,
        description=values["description"] or str(DEFAULT_DESCRIPTION),
        public=values["public"],
        pages=values["pages"],
    )


def site_forget() -> None:
    cache.delete(CACHE_KEY)


def site_settings_save(*, row: SiteSettings) -> SiteSettings:
    """Save the one settings row (always pk=1) and drop the cached copy."""
    row.pk = 1
    row.save()
    site_forget()
    return row


def site_page_save(*, page: SitePage) -> SitePage:
    page.save()
    site_forget()
    return page


def site_page_delete(*, page: SitePage) -> None:
    page.delete()
    site_forget()


def public_or_login_required(view):
    """Open to logged-out visitors while the site is public; otherwise the login page,
    as login_required sends them (302 with ?next=)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated or current_site().public:
            return view(request, *args, **kwargs)
        return redirect_to_login(request.get_full_path())

    return wrapped


def robots_txt_lines(*, public: bool) -> list[str]:
    """robots.txt: a public site lets crawlers read profiles and posts (members who opted
    out say noindex on their pages), never the pages behind a login; a members-only
    site asks them to keep out altogether."""
    if not public:
        return ["User-agent: *", "Disallow: /"]
    private = ["/accounts/", "/admin/", "/api/", "/messages/", "/notifications/", "/search/", "/rosetta/", "/oauth/"]
    return ["User-agent: *", *(f"Disallow: {path}" for path in private), "Allow: /"]


def page_title(slug: str) -> str:
    return {SitePage.ABOUT: _("About"), SitePage.RULES: _("Rules"), SitePage.PRIVACY: _("Privacy")}[slug]
