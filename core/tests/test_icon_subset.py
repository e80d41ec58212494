"""The vendored bootstrap-icons are cut down to the icons the site uses (deploy/subset_icons.py,
run by `make static-vendor`): every bi-* class a template names or a page renders has its rule
in the vendored CSS and its glyph in both vendored fonts."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from fontTools.ttLib import TTFont

VENDORED = Path(settings.BASE_DIR) / "static" / "vendor" / "bootstrap-icons"
PACKAGE = Path(settings.BASE_DIR) / "node_modules" / "bootstrap-icons" / "font"
TEMPLATES = Path(settings.BASE_DIR) / "templates"
CLASS = re.compile(r"\bbi-[a-z0-9]+(?:-[a-z0-9]+)*")
RULE = re.compile(r'\.(bi-[a-z0-9-]+)::before\{content:"\\([0-9a-f]+)"\}')


def rules(folder):
    return {name: int(code, 16) for name, code in RULE.findall((folder / "bootstrap-icons.min.css").read_text())}


def glyphs(folder, flavor):
    return set(TTFont(folder / "fonts" / f"bootstrap-icons.{flavor}").getBestCmap())


@pytest.fixture
def rendered_classes(alice, bob, alice_client, client):
    """The bi-* classes of the pages with icons, as rendered: a template's conditional suffix
    (bi-house-fill on Home) shows here, not in the template's text."""
    pages = [
        reverse("posts:home"),
        reverse("posts:explore"),
        reverse("posts:notifications"),
        reverse("messaging:inbox"),
        reverse("posts:user", args=[alice.username]),
        reverse("accounts:profile-edit"),
    ]
    found = set()
    for url in pages:
        response = alice_client.get(url)
        assert response.status_code == 200, url
        found |= set(CLASS.findall(response.content.decode()))
    found |= set(CLASS.findall(client.get(reverse("account_login")).content.decode()))
    return found


def test_every_icon_the_site_uses_is_in_the_subset(rendered_classes):
    named = {name for path in TEMPLATES.rglob("*.html") for name in CLASS.findall(path.read_text())}
    used = (named | rendered_classes) - {"bi-"}
    assert {"bi-house", "bi-house-fill", "bi-bell-fill", "bi-search"} <= used
    kept = rules(VENDORED)
    assert used <= kept.keys(), f"not in the vendored CSS: {sorted(used - kept.keys())}"
    for flavor in ("woff2", "woff"):
        missing = {name for name in used if kept[name] not in glyphs(VENDORED, flavor)}
        assert not missing, f"no glyph in bootstrap-icons.{flavor} for {sorted(missing)}"


@pytest.mark.skipif(
    not PACKAGE.exists(), reason="node_modules/bootstrap-icons is not installed: run `make static-vendor`"
)
def test_the_vendored_icons_are_a_subset_of_the_package():
    assert len(rules(VENDORED)) < len(rules(PACKAGE)) / 10
    assert len(glyphs(VENDORED, "woff2")) < len(glyphs(PACKAGE, "woff2")) / 10
    assert (VENDORED / "fonts" / "bootstrap-icons.woff2").stat().st_size < 20_000
