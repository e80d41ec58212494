"""The index definitions: what a post and a member look like to the search backend."""

from django.core.management import call_command
from haystack.query import SearchQuerySet

from accounts.models import User
from posts.models import Post
from posts.tests.factories import PostFactory
from search.search_indexes import STEMMED_LANGUAGES, PostIndex, UserIndex
from search.services import post_search


def test_a_post_document_has_its_text_author_date_and_language(alice):
    post = PostFactory(author=alice, body="Hello there.", language="en")

    document = PostIndex().full_prepare(post)

    assert document["text"] == "Hello there."
    assert document["author_id"] == alice.pk
    assert document["created"] == post.created
    assert document["language"] == "en"
    # English is covered by `text`; no language field is filled.
    assert not [name for name in document if name.startswith("text_")]


def test_a_post_in_a_stemmed_language_also_fills_that_languages_field(alice):
    post = PostFactory(author=alice, body="Les enfants mangeaient des pommes.", language="fr")

    document = PostIndex().full_prepare(post)

    assert document["text_fr"] == post.body
    assert "fr" in STEMMED_LANGUAGES and "de" in STEMMED_LANGUAGES and "en" not in STEMMED_LANGUAGES


def test_a_regional_language_code_uses_its_languages_stemmer(alice):
    document = PostIndex().full_prepare(PostFactory(author=alice, body="Olá.", language="pt-BR"))

    assert document["text_pt"] == "Olá."


def test_an_undetected_language_is_indexed_as_english_only(alice):
    document = PostIndex().full_prepare(PostFactory(author=alice, body="Hola.", language=""))

    assert not [name for name in document if name.startswith("text_")]


def test_french_posts_are_stemmed_as_french(alice, indexed):
    with indexed():
        french = PostFactory(author=alice, body="Les enfants mangeaient des pommes.", language="fr")
        PostFactory(author=alice, body="Les enfants mangeaient des pommes.", language="")

    # "manger" and "mangeaient" share the French stem "mang"; English stemming keeps them apart.
    assert [post.pk for post in post_search(query="manger")[0:10]] == [french.pk]


def test_english_stemming_matches_other_forms(alice, indexed):
    with indexed():
        post = PostFactory(author=alice, body="She was walking her dogs.")

    assert [found.pk for found in post_search(query="dog walked")[0:10]] == [post.pk]


def test_only_active_members_posts_are_indexed(alice, charlie):
    kept = PostFactory(author=alice)
    PostFactory(author=charlie)
    charlie.is_active = False
    charlie.save()

    assert list(PostIndex().index_queryset()) == [kept]


def test_a_member_document_has_the_username_its_parts_and_about_me(alice):
    member = User.objects.create_user("tea_lover-42", "t@example.com", about_me="Oolong fan.")

    document = UserIndex().full_prepare(member)

    assert "tea_lover-42" in document["people"] and "tea lover 42" in document["people"]
    assert "Oolong fan." in document["people"]
    # Post searches look in `text` only, so members keep it empty.
    assert document["text"] == ""


def test_a_post_search_never_returns_members(alice, indexed):
    with indexed():
        alice.about_me = "Wombat whisperer."
        alice.save()

    assert post_search(query="wombat").count() == 0


def test_only_active_members_are_indexed(alice, charlie):
    charlie.is_active = False
    charlie.save()

    assert list(UserIndex().index_queryset()) == [alice]


def test_rebuild_index_makes_bulk_created_posts_searchable(alice, search_index):
    # The seed command bulk-creates rows, which sends no signals.
    Post.objects.bulk_create(Post(author=alice, body=f"Bulk gnu number {n}.") for n in range(5))

    call_command("rebuild_index", interactive=False, batchsize=2, verbosity=0)

    assert SearchQuerySet().models(Post).filter(content="gnu").count() == 5
    assert SearchQuerySet().models(User).filter(people="alice").count() == 1


def test_update_index_adds_what_is_missing(alice, search_index):
    Post.objects.bulk_create([Post(author=alice, body="A quiet yak.")])

    call_command("update_index", batchsize=100, verbosity=0)

    assert SearchQuerySet().models(Post).filter(content="yak").count() == 1


def test_the_mastodon_status_search_asks_the_index(alice, bob, indexed):
    """settings.MASTODON_STATUS_SEARCH wires /api/v2/search to post_ids_matching."""
    from api.tests.mastodon_helpers import client_with, token_for
    from search.services import post_ids_matching

    with indexed():
        post = PostFactory(author=bob, body="Walruses sunbathe on the rocks.")
        PostFactory(author=bob, body="Nothing to see here.")
    assert post_ids_matching(query="Walruses", limit=5) == [post.pk]
    assert post_ids_matching(query='"" ) OR (', limit=5) == []
    found = client_with(token_for(alice)).get("/api/v2/search", {"q": "walruses", "type": "statuses"}).json()
    assert [status["id"] for status in found["statuses"]] == [str(post.pk)]
