"""The search page: /search/?q=…"""

import shutil
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from haystack import connections
from whoosh.index import TOC

from accounts.tests.factories import UserFactory
from posts.models import Post
from posts.tests.factories import PostFactory
from search.backend import MicroblogWhooshBackend

SEARCH = reverse("search:search")


def _shown(response):
    return [post.pk for post in response.context["page"]]


def test_it_finds_posts_and_highlights_the_matched_words(alice, bob_client, indexed):
    with indexed():
        found = PostFactory(author=alice, body="My aardvarks are asleep in the garden.")
        PostFactory(author=alice, body="Nothing to see here.")

    response = bob_client.get(SEARCH, {"q": "aardvark"})

    assert response.status_code == 200
    assert _shown(response) == [found.pk]
    # Stemming: "aardvark" matches "aardvarks", and the whole word is marked.
    assert "My <mark>aardvarks</mark> are asleep in the garden." in response.text


def test_it_ranks_by_relevance_then_newest_first(alice, bob_client, indexed):
    now = timezone.now()
    with indexed():
        older = PostFactory(author=alice, body="Quokka sighting.", created=now - timedelta(days=2))
        newer = PostFactory(author=alice, body="Quokka sighting.", created=now - timedelta(days=1))
        best = PostFactory(author=alice, body="Quokka quokka quokka!", created=now - timedelta(days=3))

    response = bob_client.get(SEARCH, {"q": "quokka"})

    assert _shown(response) == [best.pk, newer.pk, older.pk]


def test_it_requires_all_words(alice, bob_client, indexed):
    with indexed():
        both = PostFactory(author=alice, body="Green tea with lemon.")
        PostFactory(author=alice, body="Green curry.")

    assert _shown(bob_client.get(SEARCH, {"q": "green lemon"})) == [both.pk]


def test_a_quoted_phrase_matches_words_in_that_order(alice, bob_client, indexed):
    with indexed():
        phrase = PostFactory(author=alice, body="The night owl sings.")
        PostFactory(author=alice, body="The owl flew at night.")

    assert _shown(bob_client.get(SEARCH, {"q": '"night owl"'})) == [phrase.pk]


def test_it_lists_matching_people_above_the_posts(alice, bob_client, indexed):
    with indexed():
        UserFactory(username="teamaker_7", about_me="Oolong every morning.")
        PostFactory(author=alice, body="Oolong is my favourite.")

    by_about_me = bob_client.get(SEARCH, {"q": "oolong"})
    by_name_part = bob_client.get(SEARCH, {"q": "teamaker"})

    assert [member.username for member in by_about_me.context["people"]] == ["teamaker_7"]
    assert "<mark>Oolong</mark> every morning." in by_about_me.text
    assert by_about_me.text.index("teamaker_7") < by_about_me.text.index("<mark>Oolong</mark> is my favourite.")
    assert [member.username for member in by_name_part.context["people"]] == ["teamaker_7"]


def test_it_escapes_posts_while_highlighting(alice, bob_client, indexed):
    with indexed():
        PostFactory(author=alice, body='<script>alert("x")</script> zebra <b onmouseover="x()">zebra</b>')

    response = bob_client.get(SEARCH, {"q": "zebra script"})

    assert "<script>alert" not in response.text
    assert "<b onmouseover" not in response.text
    assert (
        "&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; <mark>zebra</mark> "
        "&lt;b onmouseover=&quot;x()&quot;&gt;<mark>zebra</mark>&lt;/b&gt;"
    ) in response.text


def test_it_escapes_the_query_it_shows(alice, bob_client, indexed):
    with indexed():
        PostFactory(author=alice)
    response = bob_client.get(SEARCH, {"q": '<img src=x onerror="alert(1)">'})

    assert response.status_code == 200
    assert "<img src=x" not in response.text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in response.text


@pytest.mark.parametrize("query", ["", "   ", "\x00"])
def test_an_empty_query_goes_back_to_explore(bob_client, query):
    response = bob_client.get(SEARCH, {"q": query})

    assert response.status_code == 302
    assert response.url == reverse("posts:explore")


def test_no_query_at_all_goes_back_to_explore(bob_client):
    assert bob_client.get(SEARCH).url == reverse("posts:explore")


def test_a_nul_in_the_query_is_dropped_once_and_never_shown(alice, bob_client, indexed):
    with indexed():
        found = PostFactory(author=alice, body="A zebralion, of all things.")

    response = bob_client.get(SEARCH, {"q": "zebra\x00lion"})

    assert _shown(response) == [found.pk]
    assert response.context["search_query"] == "zebralion"
    assert "\x00" not in response.text


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced quote',
        '"',
        "body:zebra",
        "text:zebra",
        "id:posts.post.1",
        "zebra AND",
        "AND OR NOT TO",
        "zebra*",
        "*",
        "?",
        "(zebra",
        "zebra)",
        "((((",
        "[a TO z]",
        "{a TO z}",
        "zebra~2",
        "zebra^10",
        "+zebra -lion",
        "zebra && lion || !tiger",
        "\\",
        "'zebra",
        "a:b:c:",
        "zebra\x00lion",
        "émoji 🦓 zèbre",
        "z" * 1000,
        "zebra " * 200,
        "<>&;%$#@!",
    ],
)
def test_odd_queries_never_break_the_page(alice, bob_client, indexed, query):
    with indexed():
        PostFactory(author=alice, body="A zebra and a lion (and a tiger).")

    response = bob_client.get(SEARCH, {"q": query})

    assert response.status_code == 200


def test_operators_are_searched_as_words_not_obeyed(alice, bob_client, indexed):
    with indexed():
        zebra = PostFactory(author=alice, body="A zebra.")
        PostFactory(author=alice, body="A lion.")

    # Were OR an operator this would find the lion too.
    assert _shown(bob_client.get(SEARCH, {"q": "zebra OR lion"})) == []
    assert _shown(bob_client.get(SEARCH, {"q": "text:zebra"})) == []
    assert _shown(bob_client.get(SEARCH, {"q": "zebra)"})) == [zebra.pk]


def test_a_deleted_post_disappears_from_results(alice, bob_client, indexed):
    with indexed():
        post = PostFactory(author=alice, body="Ephemeral narwhal.")
    assert _shown(bob_client.get(SEARCH, {"q": "narwhal"})) == [post.pk]

    with indexed():
        post.delete()

    response = bob_client.get(SEARCH, {"q": "narwhal"})
    assert _shown(response) == []
    assert "Ephemeral narwhal." not in response.text


def test_an_edited_post_is_found_by_its_new_words(alice, bob_client, indexed):
    with indexed():
        post = PostFactory(author=alice, body="Old wombat.")
    with indexed():
        post.body = "New platypus."
        post.save()

    assert _shown(bob_client.get(SEARCH, {"q": "wombat"})) == []
    assert _shown(bob_client.get(SEARCH, {"q": "platypus"})) == [post.pk]


def test_a_deactivated_members_posts_and_profile_disappear_and_come_back(charlie, bob_client, indexed):
    with indexed():
        post = PostFactory(author=charlie, body="Lonely axolotl.")
        charlie.about_me = "Axolotl keeper."
        charlie.save()

    with indexed():
        charlie.is_active = False
        charlie.save()
    hidden = bob_client.get(SEARCH, {"q": "axolotl"})

    with indexed():
        charlie.is_active = True
        charlie.save()
    back = bob_client.get(SEARCH, {"q": "axolotl"})

    assert _shown(hidden) == [] and hidden.context["people"] == []
    assert _shown(back) == [post.pk] and back.context["people"] == [charlie]


def test_a_deactivated_members_posts_are_hidden_before_the_index_catches_up(charlie, bob_client, indexed):
    with indexed():
        PostFactory(author=charlie, body="Lonely axolotl.")
    charlie.is_active = False
    charlie.save()  # no on-commit: the index still has the post

    assert _shown(bob_client.get(SEARCH, {"q": "axolotl"})) == []


def test_it_pages_results_and_keeps_the_query_in_page_links(alice, bob_client, indexed, settings):
    settings.PAGE_SIZE = 2
    with indexed():
        PostFactory.create_batch(3, author=alice, body="Capybara day.")

    first = bob_client.get(SEARCH, {"q": "capybara & ?"})
    second = bob_client.get(SEARCH, {"q": "capybara & ?", "page": 2})
    beyond = bob_client.get(SEARCH, {"q": "capybara & ?", "page": "999"})

    assert len(first.context["page"]) == 2
    assert 'href="?q=capybara+%26+%3F&amp;page=2"' in first.text
    assert len(second.context["page"]) == 1
    assert beyond.status_code == 200 and beyond.context["page"].number == 2


def test_it_says_so_politely_when_the_backend_is_down(alice, bob_client, indexed, search_index):
    with indexed():
        PostFactory(author=alice, body="Unreachable ibis.")
    shutil.rmtree(search_index.path)
    # A file where the index directory should be: the index cannot be opened.
    open(search_index.path, "w").close()
    search_index.setup_complete = False

    response = bob_client.get(SEARCH, {"q": "ibis"})

    assert response.status_code == 503
    assert "Search is unavailable right now" in response.text
    assert bob_client.get(reverse("posts:explore")).status_code == 200


def test_a_search_that_meets_a_commit_by_the_worker_reads_the_new_generation(
    alice, bob_client, indexed, search_index, monkeypatch
):
    with indexed():
        PostFactory(author=alice, body="Patient egret.")
    later = PostFactory(author=alice, body="Another egret.")  # not indexed yet
    # The worker is another process with a backend of its own on the same folder.
    worker = MicroblogWhooshBackend("default", ENGINE="search.backend.MicroblogWhooshEngine", PATH=search_index.path)
    post_index = connections["default"].get_unified_index().get_index(Post)
    latest_generation = TOC._latest_generation.__func__
    commits = []

    def worker_commits_right_after(cls, storage, indexname):
        # The search has found the newest generation; before it opens that generation's
        # files, the worker's commit makes a newer one and deletes them.
        generation = latest_generation(cls, storage, indexname)
        if not commits:
            commits.append(generation)
            worker.update(post_index, [later])
        return generation

    monkeypatch.setattr(TOC, "_latest_generation", classmethod(worker_commits_right_after))
    response = bob_client.get(SEARCH, {"q": "egret"})

    assert commits, "the worker's commit never came between listing and reading"
    assert response.status_code == 200
    assert sorted(post.body for post in response.context["page"]) == ["Another egret.", "Patient egret."]


def test_it_says_so_when_the_index_is_missing_and_posting_rebuilds_it(alice, alice_client, indexed, search_index):
    with indexed():
        PostFactory(author=alice, body="First heron.")
    shutil.rmtree(search_index.path)

    missing = alice_client.get(SEARCH, {"q": "heron"})
    with indexed():
        posted = alice_client.post(reverse("posts:home"), {"body": "Second heron."})
    after = alice_client.get(SEARCH, {"q": "heron"})

    assert missing.status_code == 503
    assert "Search is unavailable right now" in missing.text
    assert posted.status_code == 302
    assert [post.body for post in after.context["page"]] == ["Second heron."]


def test_a_query_without_words_shows_no_results(alice, bob_client, indexed):
    with indexed():
        PostFactory(author=alice, body="Stars *** everywhere.")

    response = bob_client.get(SEARCH, {"q": "***"})

    assert response.status_code == 200
    assert "No posts match your search." in response.text


def test_the_navbar_has_a_search_box_for_members_only(client, bob_client):
    assert 'role="search"' in bob_client.get(reverse("posts:explore")).text
    assert 'role="search"' not in client.get(reverse("account_login")).text


def test_the_navbar_box_shows_the_current_query(bob_client):
    assert 'name="q" value="kiwi fruit"' in bob_client.get(SEARCH, {"q": "kiwi fruit"}).text


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(SEARCH, {"q": "zebra"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_only_answers_get(bob_client):
    assert bob_client.post(SEARCH, {"q": "zebra"}).status_code == 405


def test_its_queries_do_not_grow_with_results(alice, bob_client, indexed, settings, django_assert_num_queries):
    settings.PAGE_SIZE = 25
    with indexed():
        PostFactory(author=alice, body="Meerkat one.")
        UserFactory(about_me="Meerkat fan.")
    bob_client.get(SEARCH, {"q": "meerkat"})  # the first request may write last_seen
    with CaptureQueriesContext(connection) as one_row:
        bob_client.get(SEARCH, {"q": "meerkat"})

    with indexed():
        for number in range(24):  # each post by a new member
            PostFactory(body=f"Meerkat number {number}.")
        UserFactory.create_batch(4, about_me="Meerkat watcher.")

    with django_assert_num_queries(len(one_row)):
        response = bob_client.get(SEARCH, {"q": "meerkat"})
    assert response.text.count('<article class="post ') == 25
    assert len(response.context["people"]) == 5


def test_the_pager_keeps_the_query_and_names_its_direction(alice, bob_client, client_for, indexed, settings):
    settings.PAGE_SIZE = 2
    with indexed():
        PostFactory.create_batch(5, author=alice, body="Wombats & friends.")

    first = bob_client.get(SEARCH, {"q": "wombats & friends"})
    second = bob_client.get(SEARCH, {"q": "wombats & friends", "page": 2})

    assert 'href="?q=wombats+%26+friends&amp;page=2" rel="next">More results' in first.text
    assert 'href="?q=wombats+%26+friends&amp;page=1" rel="prev">&laquo; Better matches' in second.text
    alice.language = "es"
    alice.save()
    assert "Más resultados" in client_for(alice).get(SEARCH, {"q": "wombats"}).text
