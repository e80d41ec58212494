import hashlib

from django.template import Context, Template


def _render(member):
    return Template("{% load avatars %}{% avatar member 40 %}").render(Context({"member": member}))


def test_it_asks_gravatar_for_a_double_density_picture_with_the_local_one_as_fallback(alice, settings):
    settings.GRAVATAR_ENABLED = True
    digest = hashlib.md5(b"alice@example.com").hexdigest()

    html = _render(alice)

    assert f'src="https://www.gravatar.com/avatar/{digest}?d=identicon&amp;s=80"' in html
    assert 'data-fallback="/user/alice/identicon.svg"' in html
    assert 'width="40" height="40"' in html


def test_it_shows_the_local_identicon_when_gravatar_is_disabled(alice, settings):
    settings.GRAVATAR_ENABLED = False

    assert 'src="/user/alice/identicon.svg"' in _render(alice)
