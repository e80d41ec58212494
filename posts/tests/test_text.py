"""posts.text: clickable URLs, mentions and hashtags, escaped and sanitised, stored at save."""

import pytest

from accounts.tests.factories import UserFactory
from messaging.models import Notice
from posts.models import Mention, Post, PostTag, Tag
from posts.services import post_create
from posts.text import (
    MENTIONS_MAX,
    TAG_MAX_LENGTH,
    URL_SHOWN_LENGTH,
    body_render,
    hashtags,
    tag_normalise,
    text_check,
    tokenize,
)


def _kinds(body):
    return [(token.kind, token.text) for token in tokenize(body) if token.kind != "text"]


def test_it_finds_urls_mentions_and_tags_and_joins_back_to_the_body():
    body = "#hello @erik_1 https://example.com/a?b=1, (https://x.org/y) ok."
    assert _kinds(body) == [
        ("tag", "hello"),
        ("mention", "erik_1"),
        ("url", "https://example.com/a?b=1"),
        ("url", "https://x.org/y"),
    ]
    assert "".join(token.text for token in tokenize(body)).replace("#", "").replace("@", "") == body.replace(
        "#", ""
    ).replace("@", "")


@pytest.mark.parametrize(
    "body",
    [
        "mail bob@example.com",  # an address, not a mention
        "see x.com/#anchor and a#b",  # no tag inside words or URLs
        "issue #12",  # a number is no tag
        "@bob@mastodon.social",  # someone elsewhere (federation comes later)
        "javascript:alert(1) data:text/html,x ftp://x.org //evil.com example.com",
    ],
)
def test_what_is_not_a_link_stays_text(body):
    assert [kind for kind, _text in _kinds(body) if kind in ("url", "tag", "mention")] == []


def test_hashtags_take_unicode_letters_and_are_stored_normalised():
    assert hashtags("#Café #CAFÉ #cafe\u0301 #日本語 #मराठी #Straße") == ["café", "日本語", "मराठी", "strasse"]
    assert tag_normalise("ＡＢＣ") == "abc"  # full-width letters (NFKC)


def test_rendered_links_are_safe_and_marked():
    html = body_render('<b>hi</b> https://example.com/a"onclick=x #tea')
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert 'rel="nofollow noopener ugc"' in html and "target" not in html
    assert '<a href="/tags/tea/" class="hashtag" rel="nofollow noopener ugc">#tea</a>' in html
    assert "onclick=" not in html.replace("onclick=x", "")  # only as text inside the link, never an attribute
    assert " onclick" not in html.split(">", 1)[0]


def test_long_urls_are_shortened_for_display_but_link_the_whole_address():
    url = "https://www.example.com/" + "a" * 80
    html = body_render(url)
    shown = "example.com/" + "a" * (URL_SHOWN_LENGTH - len("example.com/") - 1) + "…"
    assert f'href="{url}"' in html and f">{shown}<" in html


def test_only_active_members_are_linked_whatever_the_case(alice, charlie, django_assert_num_queries):
    charlie.is_active = False
    charlie.save()
    with django_assert_num_queries(1):
        html = body_render("hi @ALICE and @charlie and @nobody")
    assert '<a href="/user/alice/" class="mention" rel="nofollow noopener ugc">@ALICE</a>' in html
    assert "@charlie" in html and "/user/charlie/" not in html and "@nobody" in html


def test_a_hashtag_too_long_is_refused_with_a_message():
    text_check("#" + "a" * TAG_MAX_LENGTH)
    with pytest.raises(Exception, match="at most 100 characters"):
        text_check("#" + "a" * 300)


def test_post_create_stores_html_tags_and_mentions_and_notifies(alice, bob, django_capture_on_commit_callbacks):
    post = post_create(author=bob, body="Hello @alice and @bob, #Tea #tea #coffee")

    post.refresh_from_db()
    assert 'class="mention"' in post.body_html
    assert sorted(PostTag.objects.filter(post=post).values_list("tag__name", flat=True)) == ["coffee", "tea"]
    assert PostTag.objects.filter(post=post).first().created == post.created
    # bob mentioning himself links, but tells nobody.
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["alice"]
    assert list(Notice.objects.values_list("recipient__username", "kind", "subject_id")) == [
        ("alice", "mention", post.pk)
    ]


def test_at_most_twenty_mentioned_members_are_notified_the_rest_stay_text(alice):
    members = UserFactory.create_batch(MENTIONS_MAX + 5)
    body = " ".join(f"@{member.username}" for member in members)
    post = post_create(author=alice, body=body)

    post.refresh_from_db()
    assert Notice.objects.filter(kind="mention").count() == MENTIONS_MAX
    assert Mention.objects.count() == MENTIONS_MAX
    assert post.body_html.count('class="mention"') == MENTIONS_MAX
    assert f"@{members[-1].username}" in post.body_html


def test_a_500_name_post_costs_a_bounded_number_of_queries(alice, settings, django_assert_max_num_queries):
    settings.POST_MAX_LENGTH = 5000
    body = " ".join(f"@name{i}" for i in range(500))
    with django_assert_max_num_queries(12):
        post_create(author=alice, body=body)


def test_reapplying_after_an_edit_replaces_tags_and_mentions(alice, bob, charlie):
    from posts.text import post_text_apply

    post = post_create(author=alice, body="#old @bob")
    post.body = "#new @charlie"
    post_text_apply(post)

    assert list(PostTag.objects.values_list("tag__name", flat=True)) == ["new"]
    assert list(Mention.objects.values_list("user__username", flat=True)) == ["charlie"]
    assert list(Notice.objects.filter(kind="mention").values_list("recipient__username", flat=True)) == ["charlie"]
    assert Tag.objects.filter(name="old").exists()  # tags stay; only the tagging goes


def test_posts_from_before_body_html_are_shown_escaped(alice):
    from posts.fragments import shown

    post = Post.objects.create(author=alice, body="<b>old</b>")
    assert str(shown(post)["body"]) == "&lt;b&gt;old&lt;/b&gt;"
