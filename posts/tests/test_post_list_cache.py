"""Posts on timelines are rendered once and then served from the cache
(posts.templatetags.post_list, posts.fragments, core.cache): whatever a reader would
see change is part of the key, and nothing of one reader is cached for another."""

import re
from datetime import timedelta

from django.core.cache import caches
from django.template import Context, Template, engines
from django.urls import reverse
from django.urls.resolvers import URLResolver
from django.utils import timezone, translation

from accounts.tests.factories import UserFactory
from core.cache import FRAGMENTS, READER_SLOT, fragment_key, render_each
from core.tests.fragments import assert_every_shown_value_shows, assert_reads_only_shown, renders_of
from posts import fragments
from posts.models import MediaAttachment, Post
from posts.tests.factories import PostFactory

EXPLORE = reverse("posts:explore")
POST_TEMPLATE = "posts/_post.html"
POST_LIST = Template("{% load post_list %}{% post_list posts %}")


def _post_renders(response) -> int:
    return [template.name for template in response.templates].count(POST_TEMPLATE)


def _posts_section(response) -> str:
    return re.search(r'<section[^>]*aria-label="Posts">.*?</section>', response.text, re.S)[0]


def _gravatars(html) -> list[str]:
    return re.findall(r"gravatar\.com/avatar/(\w+)", html)


def _everything_shown(alice, settings):
    """A post that shows every part of the template: a language, a "Translate" link, a
    Gravatar, a reply marker, a quote card, an "edited" marker, counts, and who boosted it."""
    settings.GRAVATAR_ENABLED = True
    settings.TRANSLATOR = "libretranslate"
    booster, other = UserFactory(), UserFactory()
    parent, quoted = PostFactory(author=other), PostFactory(author=other)
    post = PostFactory(
        author=alice,
        language="fr",
        created=timezone.now() - timedelta(days=3),
        edited=timezone.now() - timedelta(days=1),
        in_reply_to=parent,
        in_reply_to_author=other,
        quote_of=quoted,
        reply_count=1,
        boost_count=2,
        like_count=3,
    )
    # A content warning over a sensitive image.
    Post.objects.filter(pk=post.pk).update(spoiler_text="Spoilers", sensitive=True)
    MediaAttachment.objects.create(
        owner=alice,
        post=post,
        state="ready",
        file="a/b.webp",
        preview="p/b.webp",
        width=64,
        height=48,
        blurhash="LEHV6n",
    )
    boost = PostFactory(author=booster, body="", reblog_of=post)
    return Post.objects.for_display().get(pk=boost.pk)


def test_every_shown_value_shows_through_the_cache(alice, settings, monkeypatch):
    post = _everything_shown(alice, settings)
    assert fragments.shown(post)["needs_translation"] and fragments.shown(post)["gravatar"]

    def render():
        return POST_LIST.render(Context({"posts": [post]}))

    assert_every_shown_value_shows(render, fragments, post, monkeypatch)


def test_the_template_reads_only_what_shown_holds(alice, settings):
    post = _everything_shown(alice, settings)

    html = assert_reads_only_shown(POST_TEMPLATE, fragments.shown(post), settings)

    assert 'href="/user/alice/"' in html and "data-translate-url" in html and "gravatar.com" in html


def test_a_cached_page_of_posts_reverses_no_url_and_runs_no_query(
    alice, settings, monkeypatch, django_assert_num_queries
):
    posts = [_everything_shown(alice, settings) for _ in range(3)]
    POST_LIST.render(Context({"posts": posts}))
    reversals = []
    original = URLResolver._reverse_with_prefix
    monkeypatch.setattr(
        URLResolver, "_reverse_with_prefix", lambda *args, **kwargs: reversals.append(args) or original(*args, **kwargs)
    )

    with django_assert_num_queries(0), renders_of(POST_TEMPLATE) as renders:
        POST_LIST.render(Context({"posts": posts}))

    assert renders == [] and reversals == []


def test_two_readers_share_the_post_and_get_their_own_part(alice, bob, charlie):
    post = Post.objects.select_related("author").get(pk=PostFactory(author=alice).pk)
    part = engines["django"].from_string('<span class="mine">seen by {{ name }}</span>')

    def page_for(reader):
        return render_each(
            fragments.TEMPLATE,
            [post],
            shown=fragments.shown,
            reader=lambda post: {"name": reader.username},
            reader_template=part,
        )

    with renders_of(POST_TEMPLATE) as renders:
        for_bob, for_charlie = page_for(bob), page_for(charlie)

    assert len(renders) == 1  # charlie got bob's cached post
    assert "seen by bob" in for_bob and "seen by charlie" not in for_bob
    assert "seen by charlie" in for_charlie and "seen by bob" not in for_charlie
    assert for_bob.replace("bob", "charlie") == for_charlie
    shared = caches[FRAGMENTS].get(fragment_key(POST_TEMPLATE, fragments.shown(post), translation.get_language()))
    assert READER_SLOT in shared and "seen by" not in shared


def test_without_a_reader_part_the_slot_leaves_no_trace(alice, bob_client):
    PostFactory(author=alice)

    assert READER_SLOT not in bob_client.get(EXPLORE).text


def test_a_second_visit_renders_no_post_again(alice, bob_client):
    PostFactory.create_batch(3, author=alice)

    first = bob_client.get(EXPLORE)
    second = bob_client.get(EXPLORE)

    assert _post_renders(first) == 3
    assert _post_renders(second) == 0
    assert _posts_section(second) == _posts_section(first)
    assert _posts_section(second).count("<article") == 3


def test_only_the_new_post_is_rendered_when_one_arrives(alice, bob_client):
    PostFactory.create_batch(2, author=alice, created=timezone.now() - timedelta(hours=1))
    bob_client.get(EXPLORE)

    PostFactory(author=alice, body="Fresh off the press.")
    response = bob_client.get(EXPLORE)

    assert _post_renders(response) == 1
    assert "Fresh off the press." in response.text


def test_an_edited_body_and_a_renamed_author_show_at_once(alice, bob_client):
    post = PostFactory(author=alice, body="Before the moderator.")
    bob_client.get(EXPLORE)

    Post.objects.filter(pk=post.pk).update(body="After the moderator.")
    alice.username = "alice_renamed"
    alice.save()
    response = bob_client.get(EXPLORE)

    assert "After the moderator." in response.text and "Before the moderator." not in response.text
    assert 'href="/user/alice_renamed/"' in response.text
    assert 'href="/user/alice/"' not in response.text
    assert reverse("accounts:identicon", args=["alice_renamed"]) in response.text


def test_a_new_gravatar_address_shows_at_once(alice, bob_client, settings):
    settings.GRAVATAR_ENABLED = True
    PostFactory(author=alice)
    before = bob_client.get(EXPLORE).text

    alice.email = "alice.new@example.com"
    alice.save()
    after = bob_client.get(EXPLORE)

    assert _post_renders(after) == 1
    assert _gravatars(before) and _gravatars(after.text) and _gravatars(before) != _gravatars(after.text)


def test_turning_gravatar_on_or_off_shows_at_once(alice, bob_client, settings):
    settings.GRAVATAR_ENABLED = False
    PostFactory(author=alice)
    off = bob_client.get(EXPLORE).text

    settings.GRAVATAR_ENABLED = True
    on = bob_client.get(EXPLORE).text
    settings.GRAVATAR_ENABLED = False
    off_again = bob_client.get(EXPLORE).text

    assert not _gravatars(off) and _gravatars(on) and not _gravatars(off_again)


def test_each_reader_language_gets_its_own_copy(alice, bob, bob_client, client_for, charlie):
    PostFactory(author=alice, created=timezone.now() - timedelta(days=3))
    charlie.language = "es"
    charlie.save()

    english = bob_client.get(EXPLORE)
    spanish = client_for(charlie).get(EXPLORE)

    assert "3\xa0days ago" in english.text
    assert "hace 3\xa0días" in spanish.text
    assert _post_renders(spanish) == 1


def test_the_cache_can_be_turned_off(alice, bob_client, settings):
    settings.FRAGMENT_CACHE_SECONDS = 0
    PostFactory(author=alice)

    bob_client.get(EXPLORE)

    assert _post_renders(bob_client.get(EXPLORE)) == 1
