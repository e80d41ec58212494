from datetime import UTC

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def timestamp(value):
    """A <time> with an ISO 8601 instant that static/js/time.js rewrites in the
    reader's own timezone and language. Without JavaScript it still reads
    right: a relative time in the page's language and the full UTC date on hover."""
    if value is None:
        return ""
    utc = timezone.localtime(value, UTC) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}" title="{} UTC" data-relative>{}</time>',
        utc.isoformat(timespec="seconds").replace("+00:00", "Z"),
        date_format(utc, "DATETIME_FORMAT"),
        naturaltime(value),
    )
