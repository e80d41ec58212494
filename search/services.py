"""Full-text search: turning what a member typed into a safe query, running
it, highlighting the matches, and keeping the index in step with the
database (search_index_posts and search_index_member, called by the tasks of
the same names in search.tasks, never inside a request)."""

import logging
import re
from itertools import islice

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from haystack import connection_router, connections
from haystack.inputs import AutoQuery
from haystack.query import RelatedSearchQuerySet, SearchQuerySet

from accounts.models import User
from posts.models import Post
from search.search_indexes import analyzers_for

logger = logging.getLogger(__name__)

# Words beyond this are ignored: a very long query stays a cheap one.
MAX_QUERY_WORDS = 12
# People shown above the posts.
PEOPLE_SHOWN = 5
# Rows loaded and written to the index at a time.
INDEX_BATCH_SIZE = 1000

_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+")


class SearchUnavailable(Exception):
    """The search backend is down or has no index; the page says so politely."""


def search_query_text(raw: str) -> str:
    """What the member typed, as the page shows it back and links to it: without
    NUL characters, which no page, link or query should carry."""
    return raw.replace("\x00", "")


def search_query_clean(raw: str) -> str:
    """Keep only words and "quoted phrases" of words: no operator, field name,
    wildcard or bracket a member types reaches the query parser, so odd
    input never raises (a NUL is no word character either). AND/OR/NOT are
    lowercased later by Haystack."""
    parts, count = [], 0
    # Odd quote counts: the last quote has no partner and is ignored.
    for position, chunk in enumerate(_PHRASE.split(raw)):
        words = _WORD.findall(chunk)[: MAX_QUERY_WORDS - count]
        count += len(words)
        if not words:
            continue
        is_phrase = position % 2 == 1 and len(words) > 1
        parts.append('"{}"'.format(" ".join(words)) if is_phrase else " ".join(words))
    return " ".join(parts)


def search_words(cleaned: str) -> list[str]:
    return _WORD.findall(cleaned)


def _ask_backend(call):
    # Backends fail in their own ways (OSError and whoosh errors on a broken
    # index directory, transport errors from Elasticsearch): all mean "search
    # is unavailable right now", which the page reports instead of a 500.
    try:
        return call()
    except Exception as error:
        logger.exception("Search backend unavailable")
        raise SearchUnavailable from error


class PostResults:
    """A lazily evaluated, sliceable list of posts matching `query` for Paginator:
    count() is one search, a slice is one search plus one database query."""

    def __init__(self, query: str, reader=None):
        # Only posts have words in `text` (see UserIndex), so no .models(Post):
        # restricting by model makes Whoosh walk every post on each search.
        self.queryset = RelatedSearchQuerySet().filter(content=AutoQuery(query)).load_all()
        # Blocked and muted members' posts are dropped where the page's posts are loaded
        # (the same one query): a page may then be shorter, never another query.
        posts = Post.objects.visible().filter(reblog_of__isnull=True).select_related("author")
        if reader is not None:
            posts = posts.for_reader(reader)
        self.queryset = self.queryset.load_all_queryset(Post, posts)

    def count(self) -> int:
        return _ask_backend(self.queryset.count)

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        results = _ask_backend(lambda: list(self.queryset[item]))
        # A result whose post was deleted or hidden a moment ago has no object.
        return [result.object for result in results if result.object is not None]


def post_search(*, query: str, reader=None) -> PostResults:
    """Posts matching `query`; with `reader`, none they may not see (PostQuerySet.for_reader)."""
    return PostResults(query, reader)


def member_search(*, query: str, reader=None) -> list[User]:
    queryset = RelatedSearchQuerySet().filter(people=AutoQuery(query)).load_all()
    queryset = queryset.load_all_queryset(User, User.objects.visible_to(reader))
    results = _ask_backend(lambda: list(queryset[:PEOPLE_SHOWN]))
    return [result.object for result in results if result.object is not None]


def highlight(text: str, *, words: list[str], language: str = "") -> SafeString:
    """`text`, HTML-escaped, with every word matching one of `words` (after the
    same stemming the index used) wrapped in <mark>."""
    spans = set()
    for analyzer in analyzers_for(language):
        wanted = {token.text for token in analyzer(" ".join(words))}
        if wanted:
            spans.update(
                (token.startchar, token.endchar)
                for token in analyzer(text, chars=True, removestops=False)
                if token.text in wanted
            )
    pieces, position = [], 0
    for start, end in sorted(spans):
        if start < position:  # overlapping spans from two analysers
            continue
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def _batches(iterable, size: int):
    # itertools.batched arrives in Python 3.12; we support 3.11.
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _connections():
    """(alias, engine) of every search connection that receives writes."""
    return [(using, connections[using]) for using in connection_router.for_write()]


def _remove_documents(backend, identifiers: list[str]) -> None:
    remove_many = getattr(backend, "remove_many", None)
    if remove_many is not None:  # our Whoosh backend: one commit for all
        remove_many(identifiers)
        return
    for identifier in identifiers:
        backend.remove(identifier)


def search_index_posts(*, post_ids: list[int]) -> None:
    """Make the index agree with the database for these posts: index those
    that exist and are visible, remove the others. Safe to run twice."""
    for _using, connection in _connections():
        index = connection.get_unified_index().get_index(Post)
        backend = connection.get_backend()
        for ids in _batches(sorted(set(post_ids)), INDEX_BATCH_SIZE):
            visible = list(index.index_queryset().filter(pk__in=ids))
            if visible:
                backend.update(index, visible)
            gone = set(ids) - {post.pk for post in visible}
            _remove_documents(backend, [f"posts.post.{pk}" for pk in sorted(gone)])


def search_index_member(*, user_id: int) -> None:
    """Make the index agree with the database for this member: an active
    member is indexed (and their posts put back if missing, e.g. after a
    reactivation); a deactivated or deleted member and all their posts are removed."""
    member = User.objects.filter(pk=user_id).first()
    for using, connection in _connections():
        backend = connection.get_backend()
        post_index = connection.get_unified_index().get_index(Post)
        # Only posts have an author_id.
        indexed_posts = SearchQuerySet(using=using).filter(author_id=user_id)
        if member is not None and member.is_active:
            backend.update(connection.get_unified_index().get_index(User), [member])
            stored = Post.objects.filter(author_id=user_id).count()
            if indexed_posts.count() < stored:
                posts = post_index.index_queryset().filter(author_id=user_id).order_by("pk")
                for batch in _batches(posts.iterator(chunk_size=INDEX_BATCH_SIZE), INDEX_BATCH_SIZE):
                    backend.update(post_index, batch)
        else:
            # The member's posts may already be gone from the database (a deleted
            # member's cascade), so the index itself says which to remove.
            found = indexed_posts.count()
            identifiers = [result.id for result in indexed_posts[:found]] if found else []
            _remove_documents(backend, [f"accounts.user.{user_id}", *identifiers])


def post_ids_matching(*, query: str, limit: int, offset: int = 0) -> list[int]:
    """The ids of the posts best matching what a member typed (cleaned as the search
    page cleans it), for the Mastodon API's /api/v2/search (settings.MASTODON_STATUS_SEARCH):
    one search, no database query. Empty when nothing is left to search for or the
    backend is unavailable (logged)."""
    cleaned = search_query_clean(search_query_text(query))
    if not search_words(cleaned):
        return []
    queryset = SearchQuerySet().filter(content=AutoQuery(cleaned))
    try:
        results = _ask_backend(lambda: list(queryset[offset : offset + limit]))
    except SearchUnavailable:
        return []
    return [int(result.pk) for result in results]
