"""A message as the inbox shows it: messaging/_message.html and shown(message), the
plain values it displays, shared by every reader; and the reader's own part,
messaging/_message_reader.html from reader(...)(message), rendered on each visit and
never cached (core.cache)."""

TEMPLATE = "messaging/_message.html"
READER_TEMPLATE = "messaging/_message_reader.html"

# The template's {% avatar_of … 48 %}; the Gravatar image is twice that for sharp screens.
AVATAR_SIZE = 48


def shown(message) -> dict:
    """Everything messaging/_message.html shows of `message`, as plain values (no URL
    reversed, no query: the sender comes with the page)."""
    sender = message.sender
    return {
        "pk": message.pk,
        "body": message.body,
        "created": message.created,
        "sender": sender.username,
        "gravatar": sender.gravatar_url(AVATAR_SIZE * 2),
    }


def reader(read_before):
    """The reader's part of each message: "new" if it arrived after `read_before`, the
    reader's read time before this visit (None: never read)."""

    def state(message) -> dict:
        return {"is_new": read_before is None or message.created > read_before}

    return state
