"""Clickable text: a post's URLs, @mentions and #hashtags, found once when it is saved.

The body is cut into tokens (linkify-it-py finds the URLs, a scan of the text between
them finds @names and #tags); every token becomes HTML through Django's escaping, and
nh3 (Ammonia) then sanitises the whole, so nothing a member types can become markup,
and only http(s) and the site's own relative links survive. The result is stored as
Post.body_html: a timeline renders it as it is, with no query and no parsing.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache

import nh3
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from linkify_it import LinkifyIt

from accounts.models import User, hidden_authors_sql
from messaging.models import Notice
from messaging.services import notice_add, notice_remove

# Longer hashtags are refused with a message (forms and the API), never cut silently.
TAG_MAX_LENGTH = 100
# At most this many members are mentioned (linked and notified) per post; further names stay text.
MENTIONS_MAX = 20
# Longer URLs are shown shortened (the link keeps the whole address), as Mastodon does.
URL_SHOWN_LENGTH = 30
REL = "nofollow noopener ugc"
_SCHEMES = ("http:", "https:")
# A username's characters (accounts: Django's \w.@+- rule, less "@", which would start a remote name).
_NAME_CHARS = ".+-_"


@cache
def _linkify() -> LinkifyIt:
    # Only addresses written with their scheme: "example.com" or "a@b.c" stay text.
    return LinkifyIt(options={"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})


@dataclass(frozen=True)
class Token:
    kind: str  # "text", "url", "mention" or "tag"
    text: str  # as typed (for a mention or tag, without its @ or #)
    url: str = ""  # the address of a "url"


def _is_word(char: str) -> bool:
    # Letters, digits and combining marks of any script (Python's \w misses the marks of e.g. Hindi).
    return char == "_" or unicodedata.category(char)[0] in "LNM"


def _scan(text: str) -> list[Token]:
    """@names and #tags in plain text (no URL in it)."""
    tokens, plain, i = [], [], 0
    while i < len(text):
        char = text[i]
        before = text[i - 1] if i else " "
        if char in "@#" and not _is_word(before) and before not in "@#&/" + _NAME_CHARS:
            j = i + 1
            if char == "#":
                while j < len(text) and _is_word(text[j]):
                    j += 1
                name = text[i + 1 : j]
                # "#1" is a number, not a tag.
                ok = bool(name) and not name.isdigit()
            else:
                while j < len(text) and (_is_word(text[j]) or text[j] in _NAME_CHARS):
                    j += 1
                while j > i + 1 and text[j - 1] in ".+-":  # "@bob." ends a sentence
                    j -= 1
                name = text[i + 1 : j]
                # "@bob@example.com" is someone elsewhere: left as text until federation.
                ok = bool(name) and not (j < len(text) and text[j] == "@")
            if ok:
                if plain:
                    tokens.append(Token("text", "".join(plain)))
                    plain = []
                tokens.append(Token("tag" if char == "#" else "mention", name))
                i = j
                continue
        plain.append(char)
        i += 1
    if plain:
        tokens.append(Token("text", "".join(plain)))
    return tokens


def tokenize(body: str) -> list[Token]:
    """`body` as text, url, mention and tag tokens, in order; joined back they are `body`."""
    tokens, start = [], 0
    for match in _linkify().match(body) or []:
        if match.schema not in _SCHEMES:
            continue  # mailto:, ftp:, "//x": left as text (and so scanned for names)
        tokens += _scan(body[start : match.index])
        tokens.append(Token("url", match.text, match.url))
        start = match.last_index
    return tokens + _scan(body[start:])


def tag_normalise(name: str) -> str:
    """The stored form of a hashtag: #Café, #CAFÉ and #café (composed or not) are one tag."""
    return unicodedata.normalize("NFKC", name).casefold()


def hashtags(body: str) -> list[str]:
    """The post's hashtags, normalised, each once, in the order they first appear."""
    return list(dict.fromkeys(tag_normalise(t.text) for t in tokenize(body) if t.kind == "tag"))


def text_check(body: str) -> None:
    """Raise ValidationError for what a post may not hold: a hashtag past TAG_MAX_LENGTH."""
    for token in tokenize(body):
        if token.kind == "tag" and len(token.text) > TAG_MAX_LENGTH:
            raise ValidationError(
                _("Hashtags can be at most %(max)d characters long (#%(start)s… has %(length)d).")
                % {"max": TAG_MAX_LENGTH, "start": token.text[:20], "length": len(token.text)},
                code="tag_too_long",
            )


def _members(tokens: list[Token], author: User | None = None) -> dict[str, User]:
    """The active members mentioned, by lowercased name: the first MENTIONS_MAX found. One query.
    With `author`, members who block them or whom they block are left out: their name stays text."""
    names = list(dict.fromkeys(t.text.lower() for t in tokens if t.kind == "mention"))
    if not names:
        return {}
    members = User.objects.annotate(lowered=Lower("username")).filter(lowered__in=names, is_active=True)
    if author is not None:
        members = members.exclude(pk__in=RawSQL(*hidden_authors_sql(author, mutes=False)))
    found = {member.username.lower(): member for member in members}
    return {name: found[name] for name in names if name in found}


def _shortened(url: str) -> str:
    shown = url.split("://", 1)[-1].removeprefix("www.")
    return shown if len(shown) <= URL_SHOWN_LENGTH else shown[: URL_SHOWN_LENGTH - 1] + "…"


def render(tokens: list[Token], members: dict[str, User]) -> str:
    """The HTML of `tokens`: links for URLs, for the first MENTIONS_MAX mentions of
    `members` and for tags; everything else escaped text. Sanitised by nh3 last."""
    parts, linked = [], set()
    for token in tokens:
        if token.kind == "url":
            parts.append(
                format_html('<a href="{}" title="{}">{}</a>', iri_to_uri(token.url), token.url, _shortened(token.text))
            )
        elif token.kind == "mention" and (member := members.get(token.text.lower())) is not None:
            if member.pk not in linked and len(linked) >= MENTIONS_MAX:
                parts.append(escape("@" + token.text))
                continue
            linked.add(member.pk)
            url = reverse("posts:user", args=[member.username])
            parts.append(format_html('<a href="{}" class="mention">@{}</a>', url, token.text))
        elif token.kind == "tag" and len(token.text) <= TAG_MAX_LENGTH:
            url = reverse("posts:tag", args=[tag_normalise(token.text)])
            parts.append(format_html('<a href="{}" class="hashtag">#{}</a>', url, token.text))
        else:
            parts.append(escape(("@" if token.kind == "mention" else "#" if token.kind == "tag" else "") + token.text))
    return nh3.clean(
        "".join(parts),
        tags={"a"},
        attributes={"a": {"href", "class", "title"}},
        url_schemes={"http", "https"},
        link_rel=REL,
        strip_comments=True,
    )


def body_render(body: str) -> str:
    """`body` as safe HTML (one query when it mentions anyone)."""
    tokens = tokenize(body)
    return render(tokens, _members(tokens))


def post_text_apply(post, *, notify: bool = True) -> None:
    """Render `post.body` into body_html and store its tags and mentions (replacing any
    from an earlier version); newly mentioned members are notified (at most MENTIONS_MAX,
    never the author). Called by post_create, and by the edit service after a change."""
    from posts.models import Mention, Post, PostTag, Tag

    tokens = tokenize(post.body)
    members = dict(list(_members(tokens, post.author).items())[:MENTIONS_MAX])
    post.body_html = render(tokens, members)
    names = list(dict.fromkeys(tag_normalise(t.text) for t in tokens if t.kind == "tag"))
    names = [name for name in names if len(name) <= TAG_MAX_LENGTH]
    with transaction.atomic():
        Post.objects.filter(pk=post.pk).update(body_html=post.body_html)
        PostTag.objects.filter(post=post).exclude(tag__name__in=names).delete()
        if names:
            Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
            tags = Tag.objects.filter(name__in=names)
            PostTag.objects.bulk_create(
                [PostTag(post=post, tag=tag, author_id=post.author_id, created=post.created) for tag in tags],
                ignore_conflicts=True,
            )
        wanted = {member.pk: member for member in members.values() if member.pk != post.author_id}
        gone = Mention.objects.filter(post=post).exclude(user_id__in=wanted)
        for user_id in gone.values_list("user_id", flat=True):
            notice_remove(kind=Notice.Kind.MENTION, actor=post.author, subject_id=post.pk, recipient=User(pk=user_id))
        gone.delete()
        Mention.objects.bulk_create([Mention(post=post, user_id=pk) for pk in wanted], ignore_conflicts=True)
        if notify:
            for member in wanted.values():
                notice_add(recipient=member, kind=Notice.Kind.MENTION, actor=post.author, subject_id=post.pk)
