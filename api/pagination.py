import math
from urllib.parse import urlencode

from rest_framework.pagination import BasePagination
from rest_framework.response import Response

MAX_PER_PAGE = 100


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

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """`count()`, if given, counts what `queryset` holds more cheaply than its own count()."""
        self.request = request
        self.page = _positive_int(request.query_params.get("page"), 1)
        per_page = _positive_int(request.query_params.get("per_page"), self.default_per_page)
        self.per_page = min(per_page, MAX_PER_PAGE)
        self.total_items = count() if count else queryset.count()
        self.total_pages = math.ceil(self.total_items / self.per_page)
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

    def get_paginated_response(self, data):
        return Response(
            {
                "items": data,
                "_meta": {
                    "page": self.page,
                    "per_page": self.per_page,
                    "total_pages": self.total_pages,
                    "total_items": self.total_items,
                },
                "_links": {
                    "self": self._link(self.page),
                    "next": self._link(self.page + 1) if self.page < self.total_pages else None,
                    "prev": self._link(self.page - 1) if self.page > 1 else None,
                },
            }
        )
