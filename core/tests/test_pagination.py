"""The keyset paginator (core.pagination) on its own: cursors, links,
and a model other than Post, since it knows nothing of posts."""

import datetime

import pytest
from django.test import RequestFactory
from django.utils import timezone

from core.pagination import CursorPaginator, cursor_decode, cursor_encode, cursor_page_of
from messaging.models import Message
from messaging.tests.factories import MessageFactory


@pytest.mark.parametrize(
    "when",
    [
        datetime.datetime(2026, 11, 23, 23, 58, 1, 123456, tzinfo=datetime.UTC),
        datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
        # Another zone: the cursor names the same instant.
        datetime.datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-7))),
    ],
)
def test_a_cursor_round_trips_to_the_microsecond(when):
    assert cursor_decode(cursor_encode(when, 42)) == (when, 42)


def test_a_cursor_is_two_integers():
    when = datetime.datetime(1970, 1, 1, 0, 0, 1, 5, tzinfo=datetime.UTC)

    assert cursor_encode(when, 7) == "1000005_7"


@pytest.mark.parametrize(
    "raw",
    [None, "", "1", "_1", "1_", "a_1", "1_a", "1_2_3", "1.0_2", "1_-2", "1_2\n", " 1_2", "1\x00_2", "１_2",
     "1" * 19 + "_1", "1_" + "9" * 19, "999999999999999999_1", "-999999999999999999_1"],
)  # fmt: skip
def test_anything_else_is_not_a_cursor(raw):
    assert cursor_decode(raw) is None


@pytest.fixture
def messages(alice, bob):
    now = timezone.now()
    # Five messages, two of them sent in the same instant.
    created = [now, now - datetime.timedelta(seconds=1), now - datetime.timedelta(seconds=1)]
    created += [now - datetime.timedelta(seconds=s) for s in (2, 3)]
    rows = [MessageFactory(sender=bob, recipient=alice, created=when) for when in created]
    return sorted(rows, key=lambda row: (row.created, row.pk), reverse=True)


def test_it_pages_any_model_with_a_datetime_field(messages):
    paginator = CursorPaginator(Message.objects.all(), per_page=2)
    seen, page = [], paginator.page()
    while True:
        seen.append([row.pk for row in page])
        if not page.has_next:
            break
        page = paginator.page(before=page.older_query.partition("before=")[2])

    assert seen == [[row.pk for row in messages[i : i + 2]] for i in (0, 2, 4)]


def test_links_keep_the_other_query_parameters_and_drop_old_cursors(rf: RequestFactory, messages):
    request = rf.get("/somewhere/", {"tab": "all", "page": "3", "after": "junk"})

    page = cursor_page_of(request, Message.objects.all(), per_page=2)

    assert page.older_query == f"?tab=all&before={cursor_encode(messages[1].created, messages[1].pk)}"
    assert (page.newer_query, page.newest_query) == ("", "")


def test_the_narrowing_hook_sees_the_cursor_direction_and_limit(messages):
    calls = []

    def narrow(queryset, *, key, older, limit):
        calls.append((key, older, limit))
        return queryset

    paginator = CursorPaginator(Message.objects.all(), per_page=2, narrow=narrow)
    first = paginator.page()
    paginator.page(before=first.older_query.partition("before=")[2])
    paginator.page(after=cursor_encode(messages[4].created, messages[4].pk))

    assert calls == [
        (None, True, 3),
        ((messages[1].created, messages[1].pk), True, 3),
        ((messages[4].created, messages[4].pk), False, 3),
    ]


def test_only_the_top_of_the_list_is_the_newest_page(messages):
    paginator = CursorPaginator(Message.objects.all(), per_page=2)
    newest = paginator.page()
    older = paginator.page(before=newest.older_query.partition("before=")[2])
    back = paginator.page(after=older.newer_query.partition("after=")[2])  # fewer than a page newer: the top

    assert (newest.is_newest, older.is_newest, back.is_newest) == (True, False, True)
    assert paginator.page(before="garbage").is_newest
    assert not paginator.page(before=cursor_encode(messages[-1].created, messages[-1].pk)).is_newest  # past the end


def test_a_page_with_display_joins_is_fetched_by_its_ids_first(messages, django_assert_num_queries):
    """On PostgreSQL a queryset with select_related is paged as "ids first" (one query:
    = ANY(ARRAY(…))), so many display joins never make it join the whole table; the rows,
    their order and their related objects are those of the plain query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queryset = Message.objects.select_related("sender", "recipient").order_by("-created", "-id")
    paginator = CursorPaginator(queryset, per_page=3)

    with CaptureQueriesContext(connection) as queries:
        page = paginator.page()
    with django_assert_num_queries(0):
        senders = [message.sender.username for message in page]

    assert [message.pk for message in page] == [message.pk for message in queryset[:3]]
    assert senders == [message.sender.username for message in queryset[:3]]
    assert len(queries.captured_queries) == 1
    if connection.vendor == "postgresql":
        assert "= ANY(ARRAY(" in queries.captured_queries[0]["sql"]
