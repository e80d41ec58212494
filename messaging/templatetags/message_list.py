from django import template
from django.conf import settings

from microblog.fragments import fragment_key, render_each

register = template.Library()

MESSAGE_TEMPLATE = "messaging/_message.html"


def message_html_key(message, *, is_new: bool) -> str:
    """Everything the rendered message shows, so a renamed sender or an edited body
    is a miss, never stale HTML (microblog.fragments adds the reader's language)."""
    sender = message.sender
    return fragment_key(
        "message-html",
        message.pk,
        message.body,
        message.created.isoformat(),
        sender.username,
        sender.email,  # the Gravatar address
        str(settings.GRAVATAR_ENABLED),
        str(is_new),
    )


@register.simple_tag
def message_list(messages, read_before):
    """`messages` rendered with messaging/_message.html, each from the process's
    cache (microblog.fragments): a page costs one get_many. A message is "new" if
    it arrived after `read_before`, the reader's read time before this visit."""

    def is_new(message) -> bool:
        return read_before is None or message.created > read_before

    return render_each(
        MESSAGE_TEMPLATE,
        messages,
        context=lambda message: {"message": message, "is_new": is_new(message)},
        key=lambda message: message_html_key(message, is_new=is_new(message)),
    )
