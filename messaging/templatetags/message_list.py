from django import template

from core.cache import render_each
from messaging import fragments

register = template.Library()


@register.simple_tag
def message_list(messages, read_before):
    """`messages` rendered with messaging/_message.html, each from the process's cache
    (core.cache, messaging.fragments): a page costs one get_many. The "new" badge is
    the reader's own part, rendered on each visit: a message is new if it arrived
    after `read_before`, the reader's read time before this visit."""
    return render_each(
        fragments.TEMPLATE,
        messages,
        shown=fragments.shown,
        reader=fragments.reader(read_before),
        reader_template=fragments.READER_TEMPLATE,
    )
