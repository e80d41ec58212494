import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


def page_of(request, queryset, per_page: int | None = None):
    """The page named by ?page=; get_page turns "abc" into page 1 and 99999
    into the last page, so a hand-edited URL never gives a 500."""
    return Paginator(queryset, per_page or settings.PAGE_SIZE).get_page(request.GET.get("page"))


# Keyset ("older than") pagination. A cursor names one row by its sort key:
# "<microseconds since the Unix epoch, UTC>_<primary key>". Integers only, so it
# survives any URL untouched and parses without a date parser. At most 18 digits
# each: the id then always fits a bigint, and the time a timedelta.
CURSOR = re.compile(r"(-?[0-9]{1,18})_([0-9]{1,18})")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# What a cursor page drops from the query string when it builds its own links.
CURSOR_PARAMETERS = ("before", "after", "page")


def cursor_encode(created: datetime.datetime, pk: int) -> str:
    delta = created - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    return f"{micros}_{pk}"


def cursor_decode(raw: str | None) -> tuple[datetime.datetime, int] | None:
    """(created, pk) from a cursor, or None for anything that is not one
    (garbage, NUL bytes, dates outside what datetime holds, ids past bigint)."""
    match = CURSOR.fullmatch(raw or "")
    if not match:
        return None
    micros, pk = int(match[1]), int(match[2])
    try:
        return EPOCH + datetime.timedelta(microseconds=micros), pk
    except OverflowError:
        return None


@dataclass
class CursorPage:
    """One page of a keyset-paginated list, newest first. Iterates like a
    Django Page; its links are query strings ("?before=…") for the same path."""

    object_list: list
    older_query: str = ""  # rel="next"
    newer_query: str = ""  # rel="prev"
    newest_query: str = ""  # back to the top; empty on the newest page itself

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def is_newest(self) -> bool:
        """The top of the list: no cursor, or one that did not parse."""
        return not self.newest_query

    @property
    def has_next(self) -> bool:
        return bool(self.older_query)

    @property
    def has_previous(self) -> bool:
        return bool(self.newer_query)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def _page_first(queryset, limit: int):
    """`queryset` fetched as: the page's ids first, then those rows with their related
    ones. With many tables joined for display (select_related), PostgreSQL stops
    reordering joins (join_collapse_limit) and would join every row of the table before
    filtering; the ids' subquery, planned on its own (= ANY(ARRAY(…)), evaluated once),
    reads only what the filters need, and the outer query fetches `limit` rows by key."""
    if not queryset.query.select_related or connections[queryset.db].vendor != "postgresql":
        return queryset
    ids = queryset.select_related(None).values("pk")[:limit]
    sql, params = ids.query.sql_with_params()
    meta = queryset.model._meta
    column = f'"{meta.db_table}"."{meta.pk.column}"'
    by_key = RawSQL(f"{column} = ANY(ARRAY({sql}))", params, output_field=BooleanField())
    if queryset.query.annotations:
        return queryset.filter(by_key)  # keeps the annotations (the filters run twice)
    # The filters already chose the ids: the outer query only fetches them, in order. A
    # clone of `queryset` with that query keeps its prefetches and what its class adds.
    outer = queryset._chain()
    outer.query = queryset.model._default_manager.filter(by_key).order_by(*queryset.query.order_by).query
    outer.query.select_related = queryset.query.select_related
    return outer


class CursorPaginator:
    """Pages through `queryset` newest first on (`field`, primary key) without
    OFFSET or COUNT(*): ?before=<cursor> gives the rows older than that row, and
    ?after=<cursor> the rows newer than it. Each page costs one query reading
    per_page + 1 rows (the extra one tells whether there is more), so a deep page
    costs what the first does when an index matches the order.

    `field` must be a non-null datetime column; the primary key breaks ties, so
    rows created in the same instant are never skipped or shown twice.

    `narrow(queryset, key=(created, pk) or None, older=bool, limit=n)`, if given,
    may add a filter that leaves the page unchanged but is cheaper for the
    database (say, the ids an index walk found); the page's own filters stay."""

    def __init__(self, queryset, *, per_page: int, field: str = "created", narrow=None):
        self.queryset = queryset
        self.per_page = per_page
        self.field = field
        self.narrow = narrow

    def _rows(self, queryset, *, key, older: bool, limit: int) -> list:
        if self.narrow is not None:
            queryset = self.narrow(queryset, key=key, older=older, limit=limit)
        order = (f"-{self.field}", "-pk") if older else (self.field, "pk")
        return list(_page_first(queryset.order_by(*order), limit)[:limit])

    def _older_than(self, created, pk):
        # `field <= created` is the part an index range scan can use; the OR only
        # sorts out the rows of that very instant.
        return self.queryset.filter(**{f"{self.field}__lte": created}).filter(
            Q(**{f"{self.field}__lt": created}) | Q(pk__lt=pk)
        )

    def _newer_than(self, created, pk):
        return self.queryset.filter(**{f"{self.field}__gte": created}).filter(
            Q(**{f"{self.field}__gt": created}) | Q(pk__gt=pk)
        )

    def _key(self, row) -> str:
        return cursor_encode(getattr(row, self.field), row.pk)

    def page(self, *, before: str | None = None, after: str | None = None, query: dict | None = None) -> CursorPage:
        """The page older than `before`, else newer than `after`, else the newest.
        A cursor that does not parse means the newest page. `query` holds other
        query-string parameters the links keep."""
        size = self.per_page
        if (key := cursor_decode(before)) is not None:
            rows = self._rows(self._older_than(*key), key=key, older=True, limit=size + 1)
            # We came from a newer page (or a hand-made cursor): offer the way back.
            # If nothing is newer, that link lands on the newest page.
            return self._page(rows[:size], more_older=len(rows) > size, newer=True, query=query)
        if (key := cursor_decode(after)) is not None:
            rows = self._rows(self._newer_than(*key), key=key, older=False, limit=size + 1)
            if len(rows) > size:
                return self._page(rows[:size][::-1], more_older=True, newer=True, query=query)
            # Fewer than a page newer than the cursor: that is the top of the list,
            # so show a full newest page rather than a short one.
        rows = self._rows(self.queryset, key=None, older=True, limit=size + 1)
        return self._page(rows[:size], more_older=len(rows) > size, newer=False, query=query)

    def _page(self, rows, *, more_older: bool, newer: bool, query) -> CursorPage:
        def link(**cursor):
            return "?" + urlencode({**(query or {}), **cursor})

        newest = link() if newer else ""
        return CursorPage(
            object_list=rows,
            older_query=link(before=self._key(rows[-1])) if rows and more_older else "",
            # An empty page past the end has no row to count from: newer is the newest page.
            newer_query=(link(after=self._key(rows[0])) if rows else newest) if newer else "",
            newest_query=newest,
        )


def cursor_page_of(request, queryset, per_page: int | None = None, narrow=None) -> CursorPage:
    """The keyset page named by ?before= / ?after= (see CursorPaginator). An old
    ?page=N link, or a cursor that does not parse, shows the newest page."""
    query = {key: value for key, value in request.GET.items() if key not in CURSOR_PARAMETERS}
    paginator = CursorPaginator(queryset, per_page=per_page or settings.PAGE_SIZE, narrow=narrow)
    return paginator.page(before=request.GET.get("before"), after=request.GET.get("after"), query=query)


def rows_by_ids(queryset, limit: int) -> list:
    """The first `limit` rows of an ordered `queryset`, read as its ids first on
    PostgreSQL (see _page_first): for lists paged by another cursor (Mastodon's max_id)."""
    return list(_page_first(queryset, limit)[:limit])
