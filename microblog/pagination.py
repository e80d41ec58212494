from django.conf import settings
from django.core.paginator import Paginator


def page_of(request, queryset, per_page: int | None = None):
    """The page named by ?page=; get_page turns "abc" into page 1 and 99999
    into the last page, so a hand-edited URL never gives a 500."""
    return Paginator(queryset, per_page or settings.POSTS_PER_PAGE).get_page(request.GET.get("page"))
