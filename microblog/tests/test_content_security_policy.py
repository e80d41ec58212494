"""The Content-Security-Policy and the pages it must not break: no inline
scripts, inline styles or event-handler attributes in the site's own pages,
and a relaxation for the Swagger UI page only."""

import re

import pytest

from posts.tests.factories import PostFactory

# JSON data blocks (json_script, allauth's settings) are not executed, so the CSP allows them.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_csp_clean(html, url):
    for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
        match = pattern.search(html)
        assert match is None, f"{url}: {match.group(0)!r} would be blocked by the CSP"


def test_the_policy_allows_only_this_site_for_code(client, db):
    policy = directives(client.get("/accounts/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "https://www.gravatar.com" in policy["img-src"]


MEMBER_PAGES = [
    "/",
    "/explore/",
    "/user/bob/",
    "/user/alice/",
    "/profile/edit/",
    "/messages/",
    "/messages/new/bob/",
    "/user/bob/popover/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/no/such/page/",
]
VISITOR_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_member_pages_have_no_inline_code(alice_client, bob, url):
    PostFactory(author=bob, body="hello <b>world</b>")
    response = alice_client.get(url)
    assert response.status_code in (200, 404), url
    assert "Content-Security-Policy" in response
    assert_csp_clean(response.content.decode(), url)


@pytest.mark.parametrize("url", VISITOR_PAGES)
def test_visitor_pages_have_no_inline_code(client, db, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_csp_clean(response.content.decode(), url)


def test_the_api_docs_page_relaxes_styles_only(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = directives(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]
    # The Swagger settings come from a script file, not an inline block.
    html = response.content.decode()
    assert INLINE_SCRIPT.search(html) is None
    script = re.search(r'<script src="(/api/docs/\?[^"]+)"', html)
    assert script, html
    assert client.get(script.group(1).replace("&amp;", "&")).status_code == 200


def test_other_pages_do_not_get_the_docs_relaxation(client, db):
    assert "'unsafe-inline'" not in client.get("/accounts/login/")["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/accounts/user/", "/admin/posts/post/", "/admin/posts/post/add/", "/rosetta/files/project/"],
)
def test_admin_and_rosetta_pages_have_no_inline_code(admin_client, url):
    response = admin_client.get(url, follow=True)
    assert response.status_code == 200, url
    assert_csp_clean(response.content.decode(), url)
