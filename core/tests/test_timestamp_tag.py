"""{% timestamp %}: the server-rendered fallback that static/js/time.js enhances."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone, translation


def render(value):
    return Template("{% load timestamps %}{% timestamp value %}").render(Context({"value": value}))


def test_it_gives_the_instant_in_iso_8601_utc_for_the_script():
    html = render(datetime(2026, 3, 1, 14, 5, 9, tzinfo=ZoneInfo("Europe/Madrid")))

    assert 'datetime="2026-03-01T13:05:09Z"' in html
    assert "data-relative" in html


def test_without_javascript_it_reads_as_a_relative_time_with_the_utc_date_on_hover():
    html = render(timezone.now() - timedelta(minutes=3))

    assert ">3\xa0minutes ago</time>" in html
    assert 'title="' in html and ' UTC"' in html


def test_the_fallback_is_in_the_pages_language():
    with translation.override("es"):
        html = render(timezone.now() - timedelta(minutes=3))

    assert "hace 3 minutos" in html.replace("\xa0", " ")


def test_the_hover_date_is_the_full_date_and_time():
    with translation.override("en"):
        html = render(datetime(2026, 3, 1, 13, 5, tzinfo=UTC))

    assert 'title="March 1, 2026, 1:05 p.m. UTC"' in html


def test_nothing_is_rendered_for_a_missing_time():
    assert render(None) == ""
