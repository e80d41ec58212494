from django.urls import reverse


def test_a_public_site_lets_crawlers_read_profiles_and_posts_but_not_private_pages(client, db):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert "Allow: /" in lines
    assert "Disallow: /" not in lines
    assert "Disallow: /messages/" in lines
    assert "Disallow: /api/" in lines


def test_a_members_only_site_asks_every_crawler_to_keep_out(client, members_only):
    lines = client.get(reverse("robots")).text.splitlines()

    assert lines == ["User-agent: *", "Disallow: /"]


def test_a_member_who_opted_out_says_noindex_on_their_profile_and_posts(alice, client):
    from posts.tests.factories import PostFactory

    post = PostFactory(author=alice)
    alice.noindex = True
    alice.save()

    for url in [alice.get_absolute_url(), post.get_absolute_url()]:
        response = client.get(url)
        assert response["X-Robots-Tag"] == "noindex"
        assert '<meta name="robots" content="noindex">' in response.text


def test_other_members_pages_may_be_indexed(alice, client):
    response = client.get(alice.get_absolute_url())

    assert "X-Robots-Tag" not in response
    assert 'name="robots"' not in response.text


def test_a_member_opts_out_on_the_profile_form(alice_client, alice):
    response = alice_client.post(
        reverse("accounts:profile-edit"), {"username": "alice", "about_me": "", "language": "", "noindex": "on"}
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.noindex is True
