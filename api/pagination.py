import math
from urllib.parse import urlencode

from django.core.cache import cache
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from core.pagination import CursorPaginator

MAX_PER_PAGE = 100
# A list's total_items is cached this long once it is this large: counting 200,000 posts
# cost more than the rest of the request, and a big list's total is an estimate anyway.
# Small lists (a new site, a test) are counted exactly every time.
COUNT_CACHE_SECONDS = 60
COUNT_CACHE_FROM = 1000


def cached_count(key: str, count) -> int:
    """count(), or the total it gave within COUNT_CACHE_SECONDS if that was large."""
    cache_key = f"api:count:{key}"
    total = cache.get(cache_key)
    if total is None:
        total = count()
        if total >= COUNT_CACHE_FROM:
            cache.set(cache_key, total, COUNT_CACHE_SECONDS)
    return total


def _positive_int(value, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default


class MicroblogPagination(BasePagination):
    """The original Microblog API's collection shape:
    {"items": [...], "_meta": {page, per_page, total_pages, total_items}, "_links": {self, next, prev}}.
    Odd page numbers never fail: a bad value means page 1, and a page past the
    end is empty (as Flask-SQLAlchemy's paginate(error_out=False) answered)."""

    default_per_page = 10

    def paginate_queryset(self, queryset, request, view=None, count=None, count_key=None, cursor=None):
        """`count()`, if given, counts what `queryset` holds more cheaply than its own count();
        with `count_key` a large total is cached (cached_count). With `cursor` (a dict of
        CursorPaginator's options, {} for none), the first page and ?before= / ?after= pages
        are keyset pages whose next/prev links carry a cursor: no OFFSET however deep. A
        ?page=N past the first still works by number."""
        self.request = request
        self.cursor_page = None
        self.page = _positive_int(request.query_params.get("page"), 1)
        per_page = _positive_int(request.query_params.get("per_page"), self.default_per_page)
        self.per_page = min(per_page, MAX_PER_PAGE)
        counter = count or queryset.count
        self.total_items = cached_count(count_key, counter) if count_key else counter()
        self.total_pages = math.ceil(self.total_items / self.per_page)
        before, after = request.query_params.get("before"), request.query_params.get("after")
        if cursor is not None and (self.page == 1 or before or after):
            paginator = CursorPaginator(queryset, per_page=self.per_page, **cursor)
            self.cursor_page = paginator.page(before=before, after=after, query={"per_page": self.per_page})
            if before or after:
                self.page = None  # a cursor names a row, not a page number
            return self.cursor_page.object_list
        offset = (self.page - 1) * self.per_page
        # Checked here so a huge page number never reaches the database as an OFFSET.
        if offset >= self.total_items:
            return []
        return list(queryset[offset : offset + self.per_page])

    def _link(self, page: int) -> str:
        query = self.request.query_params.copy()
        query["page"] = page
        query["per_page"] = self.per_page
        return f"{self.request.path}?{urlencode(sorted(query.items()))}"

    def _meta(self) -> dict:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total_pages": self.total_pages,
            "total_items": self.total_items,
        }

    def get_paginated_response(self, data):
        if self.cursor_page is not None:
            return self._cursor_response(data)
        return Response(
            {
                "items": data,
                "_meta": self._meta(),
                "_links": {
                    "self": self._link(self.page),
                    "next": self._link(self.page + 1) if self.page < self.total_pages else None,
                    "prev": self._link(self.page - 1) if self.page > 1 else None,
                },
            }
        )

    def _cursor_response(self, data):
        page = self.cursor_page
        query = self.request.query_params.urlencode()
        return Response(
            {
                "items": data,
                "_meta": self._meta(),
                "_links": {
                    "self": f"{self.request.path}?{query}" if query else self.request.path,
                    "next": self.request.path + page.older_query if page.has_next else None,
                    "prev": self.request.path + page.newer_query if page.has_previous else None,
                },
            }
        )
