"""A catalog saved in Rosetta shows in every web process without a restart."""

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from rosetta.poutil import find_pos
from rosetta.signals import post_save as rosetta_saved

from core import i18n as languages


@pytest.fixture
def fresh_process(monkeypatch):
    # Each test starts as a process that has not looked at the version yet.
    monkeypatch.setattr(languages, "_loaded_version", languages._UNSEEN)


def load_spanish():
    with translation.override("es"):
        translation.gettext("Home")
    assert "es" in trans_real._translations


def test_a_process_keeps_its_catalogs_while_nothing_changes(fresh_process):
    languages.reload_catalogs_if_changed()
    load_spanish()

    assert languages.reload_catalogs_if_changed() is False
    assert "es" in trans_real._translations


def test_another_process_saving_in_rosetta_makes_this_one_reload(fresh_process):
    languages.reload_catalogs_if_changed()
    load_spanish()

    # Another worker saved: only the shared cache tells us.
    cache.set(languages.CATALOG_VERSION_KEY, 12345)

    assert languages.reload_catalogs_if_changed() is True
    assert "es" not in trans_real._translations
    assert languages.reload_catalogs_if_changed() is False


def test_rosettas_post_save_signal_bumps_the_shared_version(fresh_process):
    before = cache.get(languages.CATALOG_VERSION_KEY)
    load_spanish()

    rosetta_saved.send(sender=None, language_code="es", request=None)

    assert cache.get(languages.CATALOG_VERSION_KEY) not in (None, before)
    assert "es" not in trans_real._translations


def test_compile_catalogs_writes_a_mo_file_next_to_each_po(tmp_path):
    po_dir = tmp_path / "es" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Home"\nmsgstr "Inicio"\n\n#, fuzzy\nmsgid "Explore"\nmsgstr "Explorar?"\n',
        encoding="utf-8",
    )

    written = languages.compile_catalogs([tmp_path])

    import gettext

    assert written == [po_dir / "django.mo"]
    with open(written[0], "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    assert catalog.gettext("Home") == "Inicio"
    # Fuzzy entries are left out, as msgfmt does.
    assert catalog.gettext("Explore") == "Explore"


@pytest.fixture
def spanish_catalog_restored():
    """The test edits the real Spanish catalog through Rosetta; put it back afterwards."""
    po_path = Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"
    original = po_path.read_bytes()
    languages.compile_catalogs()
    languages.reset_loaded_catalogs()
    yield po_path
    po_path.write_bytes(original)
    languages.compile_catalogs()
    languages.reset_loaded_catalogs()


def test_a_change_saved_in_rosetta_shows_on_the_next_page(spanish_catalog_restored, alice, client_for):
    alice.language = "es"
    alice.save()
    alice.groups.add(Group.objects.get(name="Translators"))
    member = client_for(alice)
    assert "Explorar" in member.get(reverse("posts:explore")).content.decode()
    catalog_index = next(
        index for index, path in enumerate(find_pos("es")) if Path(path).resolve() == spanish_catalog_restored.resolve()
    )
    md5hash = hashlib.md5(("Explore" + "Explorar").encode()).hexdigest()

    response = member.post(
        reverse("rosetta-form", kwargs={"po_filter": "project", "lang_id": "es", "idx": catalog_index}),
        {f"m_{md5hash}": "Descubrir"},
    )

    assert response.status_code == 302
    assert 'msgstr "Descubrir"' in spanish_catalog_restored.read_text(encoding="utf-8")
    page = member.get(reverse("posts:explore")).content.decode()
    assert '<h1 class="page-title">Descubrir</h1>' in page
    # The navbar too, though the layout's fixed parts come from a cache of rendered fragments.
    assert '<span class="nav-label">Descubrir</span>' in page
