"""Translation catalogs: compiling them without gettext tools, and keeping every
web process's catalogs current after a translator saves in Rosetta.

Django loads a language's compiled catalog (.mo) once per process and keeps it.
Rosetta rewrites the .po/.mo files on disk, but only for the process that served
the save; with several gunicorn workers the others would go on showing the old
strings until a restart. So a save bumps a version number in the shared cache
(Redis, or the file cache on one machine) and each process, at the start of a
request, drops its loaded catalogs when the version it last saw is out of date."""

import gettext as gettext_module
import time
from pathlib import Path

import polib
from django.conf import settings
from django.core.cache import cache, caches
from django.utils.translation import trans_real

CATALOG_VERSION_KEY = "i18n:catalog-version"

# The version this process has loaded; _UNSEEN until its first request looks
# (None is a real value: no save yet since the cache was emptied).
_UNSEEN = object()
_loaded_version = _UNSEEN


def supported_language(code: str) -> str:
    """`code` if it is one of LANGUAGES, else ''."""
    return code if code in dict(settings.LANGUAGES) else ""


def catalogs_changed(**kwargs) -> None:
    """Tell every process that the catalogs on disk changed (Rosetta's post_save)."""
    # A timestamp rather than a counter: no lost update if two saves race.
    cache.set(CATALOG_VERSION_KEY, time.time_ns(), timeout=None)
    reset_loaded_catalogs()


def reload_catalogs_if_changed() -> bool:
    """Drop this process's catalogs if another process announced a change."""
    global _loaded_version
    version = cache.get(CATALOG_VERSION_KEY)
    if version == _loaded_version:
        return False
    first_look = _loaded_version is _UNSEEN
    _loaded_version = version
    if first_look:
        # Nothing was loaded under an older version yet.
        return False
    reset_loaded_catalogs()
    return True


def reset_loaded_catalogs() -> None:
    """Forget the catalogs this process loaded; the next activate() reads the .mo files again.

    Like Django's own translation_file_changed (runserver), except that the
    languages active in other threads are left alone: a request being served
    keeps its language, and the next one gets the new catalogs."""
    gettext_module._translations = {}
    trans_real._translations = {}
    trans_real._default = None
    # Rendered fragments (the layout's fixed parts, posts) hold the old words.
    caches["fragments"].clear()


def compile_catalogs(locale_dirs=None) -> list[Path]:
    """Compile every locale/<lang>/LC_MESSAGES/*.po into its .mo with polib, so
    no gettext tools are needed on the machine. Fuzzy and untranslated entries
    are left out, as msgfmt does. Returns the .mo files written."""
    written = []
    for locale_dir in locale_dirs or settings.LOCALE_PATHS:
        for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


class CatalogReloadMiddleware:
    """Picks up catalogs a translator saved in Rosetta, whichever worker served
    the save. One cache read per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reload_catalogs_if_changed()
        return self.get_response(request)
