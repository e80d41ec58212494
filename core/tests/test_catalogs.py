"""The translation catalogs in locale/ are complete: every string translated, none fuzzy."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGS = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
# Strings that read the same in every language (the site's name).
SAME_EVERYWHERE = {
    "Microblog",
    "Profil",
    "Pages",
    "Follower",
    "Notifications",
    "Mentions",
    "Images",
    "Image %(number)d",
    "Spam",
    # A push notification's title: who, then what they did.
    "%(actor)s %(action)s",
}


def test_every_offered_language_but_english_has_a_catalog():
    languages = {path.parts[-3] for path in CATALOGS}

    assert languages == {code for code, _name in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalog = polib.pofile(str(path))

    assert not catalog.metadata_is_fuzzy, "the header is marked fuzzy"
    assert catalog.metadata["Language"] == path.parts[-3]
    assert [entry.msgid for entry in catalog.untranslated_entries()] == []
    assert [entry.msgid for entry in catalog.fuzzy_entries()] == []
    assert catalog.percent_translated() == 100


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_no_entry_is_left_in_english(path):
    leftovers = [
        entry.msgid
        for entry in polib.pofile(str(path)).translated_entries()
        if entry.msgstr == entry.msgid and entry.msgid not in SAME_EVERYWHERE
    ]

    assert leftovers == []


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_placeholders_survive_translation(path):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in polib.pofile(str(path)).translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(entry.msgid)), entry.msgid
