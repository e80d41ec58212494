"""The installable app: manifest, service worker, offline page (microblog/webapp.py)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_the_manifest_makes_the_site_installable(client):
    response = client.get(reverse("manifest"))

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Microblog"
    assert manifest["start_url"] == reverse("posts:home")
    assert manifest["display"] == "standalone"
    # Chromium installs a site with a 192 px and a 512 px icon that exist.
    sizes = {icon["sizes"]: icon["src"] for icon in manifest["icons"]}
    for size in ("192x192", "512x512"):
        path = sizes[size].removeprefix("/static/")
        assert finders.find(path), path


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    html = client.get(reverse("account_login")).text

    assert f'<link rel="manifest" href="{reverse("manifest")}">' in html
    assert f'data-service-worker="{reverse("service-worker")}"' in html
    assert "js/webapp.js" in html


def test_the_service_worker_is_served_from_the_root_with_its_shell(client):
    response = client.get(reverse("service-worker"))
    script = response.content.decode()

    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert "__SHELL__" not in script
    assert f'var SHELL = ["{reverse("offline")}",' in script


def test_the_offline_page_shows_nothing_of_the_member(alice_client):
    html = alice_client.get(reverse("offline")).text

    assert "You are offline" in html
    assert "alice" not in html


@pytest.mark.parametrize("name", ["manifest", "service-worker", "offline"])
def test_they_refuse_post(client, name):
    assert client.post(reverse(name)).status_code == 405
