"""core.cache.render_each on its own: the shared HTML and the reader's part."""

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.template import engines
from django.test.signals import template_rendered
from django.utils import translation

from core.cache import FRAGMENTS, READER_SLOT, fragment_key, render_each

TEMPLATES = {
    "item.html": "<p>{{ name }}{{ reader_slot }}</p>",
    "no_slot.html": "<p>{{ name }}</p>",
}


@pytest.fixture(autouse=True)
def _templates(settings):
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]},
        }
    ]


def _shown(item):
    return {"name": item}


def test_equal_reader_states_share_one_render_of_the_reader_part():
    part = engines["django"].from_string("[{{ mine }}]")
    renders = []

    def record(sender, template, **kwargs):
        renders.append(template)

    template_rendered.connect(record)
    try:
        html = render_each(
            "item.html", ["a", "b", "c"], shown=_shown, reader=lambda item: {"mine": item == "b"}, reader_template=part
        )
    finally:
        template_rendered.disconnect(record)

    assert html == "<p>a[False]</p><p>b[True]</p><p>c[False]</p>"
    assert len(renders) == 3 + 2  # each item once, the reader part once per distinct state


def test_the_cache_holds_the_shared_html_only():
    part = engines["django"].from_string("[{{ mine }}]")

    render_each("item.html", ["a"], shown=_shown, reader=lambda item: {"mine": "secret"}, reader_template=part)

    key = fragment_key("item.html", {"name": "a"}, translation.get_language())
    assert caches[FRAGMENTS].get(key) == f"<p>a{READER_SLOT}</p>"
    assert len(caches[FRAGMENTS]._cache) == 1


def test_a_reader_part_needs_a_slot_to_go_in():
    with pytest.raises(ImproperlyConfigured):
        render_each(
            "no_slot.html",
            ["a"],
            shown=_shown,
            reader=lambda item: {},
            reader_template=engines["django"].from_string(""),
        )


def test_without_the_cache_the_slot_still_works(settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    part = engines["django"].from_string("!")

    assert render_each("item.html", ["a"], shown=_shown, reader=lambda item: {}, reader_template=part) == "<p>a!</p>"
    assert render_each("item.html", ["a"], shown=_shown) == "<p>a</p>"
    assert not caches[FRAGMENTS]._cache
