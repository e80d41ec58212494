"""Small actions without a reload (htmx): the composer posts into the timeline, a post
is deleted in place, "Load more" brings the next page. Each answers a plain form post
(no JavaScript) as before: a redirect and a message."""

from django.urls import reverse

from posts.models import Post
from posts.tests.factories import PostFactory

HOME = reverse("posts:home")
HTMX = {"HX-Request": "true"}


def _token(client) -> str:
    return client.get(HOME).context["form"]["form_token"].value()


def test_the_composer_answers_htmx_with_the_post_and_a_fresh_box(alice, alice_client):
    token = _token(alice_client)

    response = alice_client.post(HOME, {"body": "Posted in place", "form_token": token}, headers=HTMX)

    html = response.content.decode()
    post = Post.objects.get(author=alice, body="Posted in place")
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<article class="post') and f'id="post-{post.pk}"' in html
    assert "is-mine" in html  # the reader's slot is filled: Edit and Delete show
    # The box comes back out of band, empty, with a new one-time token.
    assert 'id="compose"' in html and 'hx-swap-oob="true"' in html
    assert token not in html and "Posted in place</textarea>" not in html


def test_sending_the_same_box_twice_makes_one_post(alice, alice_client):
    token = _token(alice_client)
    for _ in range(2):
        alice_client.post(HOME, {"body": "Double click", "form_token": token}, headers=HTMX)

    assert Post.objects.filter(author=alice, body="Double click").count() == 1


def test_an_empty_post_through_htmx_shows_the_error_in_the_box(alice, alice_client):
    response = alice_client.post(HOME, {"body": "   ", "form_token": _token(alice_client)}, headers=HTMX)

    html = response.content.decode()
    assert response["HX-Retarget"] == "#compose" and response["HX-Reswap"] == "outerHTML"
    assert "Your post is empty." in html and "<article" not in html
    assert not Post.objects.filter(author=alice).exists()


def test_without_javascript_the_composer_still_redirects_with_a_message(alice, alice_client):
    response = alice_client.post(HOME, {"body": "Plain form", "form_token": _token(alice_client)}, follow=True)

    assert response.redirect_chain == [(HOME, 302)]
    assert "Your post is now live!" in response.content.decode()


def test_deleting_through_htmx_removes_the_post_in_place(alice, alice_client):
    post = PostFactory(author=alice)

    response = alice_client.post(
        reverse("posts:delete", args=[post.pk]), headers={**HTMX, "HX-Current-URL": "http://testserver/"}
    )

    assert response.status_code == 200
    assert "Your post was deleted." in response.content.decode()  # an out-of-band notice
    assert 'hx-swap-oob="beforeend"' in response.content.decode()
    post.refresh_from_db()
    assert post.is_deleted
    assert "Your post was deleted." not in alice_client.get(HOME).content.decode()  # shown once, now


def test_deleting_from_the_posts_own_page_goes_home(alice, alice_client):
    post = PostFactory(author=alice)
    here = f"http://testserver{post.get_absolute_url()}"

    response = alice_client.post(reverse("posts:delete", args=[post.pk]), headers={**HTMX, "HX-Current-URL": here})

    assert response["HX-Redirect"] == HOME


def test_nobody_deletes_someone_elses_post_through_htmx(alice, bob_client):
    post = PostFactory(author=alice)

    response = bob_client.post(reverse("posts:delete", args=[post.pk]), headers=HTMX)

    assert response.status_code == 403
    post.refresh_from_db()
    assert not post.is_deleted


def test_the_delete_link_still_asks_first_without_javascript(alice, alice_client):
    post = PostFactory(author=alice)

    response = alice_client.get(reverse("posts:delete", args=[post.pk]))

    assert response.status_code == 200 and "Delete your post?" in response.content.decode()


def test_load_more_is_a_link_to_the_older_page_that_htmx_appends(alice, bob_client, settings):
    settings.PAGE_SIZE = 3
    PostFactory.create_batch(5, author=alice)

    html = bob_client.get(HOME).content.decode()

    start = html.index('class="btn btn-outline-primary w-100 load-more"')
    button = html[start : html.index("</a>", start)]
    assert 'href="?before=' in button and 'hx-get="?before=' in button
    assert 'hx-target="#page-items"' in button and 'hx-push-url="true"' in button and 'hx-select-oob="#pager"' in button
    # The older page it loads has the rest, and a pager without "Load more".
    older = bob_client.get(HOME + button.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")).content.decode()
    assert older.count('<article class="post ') == 2
    assert 'id="pager"' in older and "load-more" not in older
