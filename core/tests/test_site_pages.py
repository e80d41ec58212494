import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse

from core.models import SitePage, SiteSettings
from core.site import current_site


@pytest.mark.parametrize("name", ["about", "rules", "privacy"])
def test_each_page_shows_its_built_in_text_until_the_admins_write_one(name, client, db):
    response = client.get(reverse(f"core:{name}"))

    assert response.status_code == 200
    assert response.context["title"] == {"about": "About", "rules": "Rules", "privacy": "Privacy"}[name]
    assert response.context.get("rules") or response.context.get("paragraphs")


def test_the_built_in_text_is_translated(client, db):
    response = client.get(reverse("core:rules"), headers={"accept-language": "de"})

    assert response.context["rules"][0] == "Seid freundlich: keine Belästigung, keine Hassrede, keine Drohungen."


def test_pages_are_readable_on_a_members_only_site(client, members_only):
    assert client.get(reverse("core:privacy")).status_code == 200


def test_the_footer_links_every_page(client, db):
    response = client.get(reverse("core:about"))

    for name in ["about", "rules", "privacy"]:
        assert f'href="{reverse(f"core:{name}")}"' in response.text


def test_an_admin_edits_a_page_and_visitors_see_it_at_once(admin_client, client):
    client.get(reverse("core:about"))  # cached

    response = admin_client.post(
        reverse("admin:core_sitepage_add"), {"slug": "about", "body": "We brew.\n\n<b>Second</b> paragraph."}
    )

    assert response.status_code == 302
    page = client.get(reverse("core:about"))
    assert page.context["paragraphs"] == ["We brew.", "<b>Second</b> paragraph."]
    assert "&lt;b&gt;Second&lt;/b&gt;" in page.text


def test_an_admin_switches_the_site_to_members_only(admin_client, alice, client):
    assert client.get(alice.get_absolute_url()).status_code == 200

    response = admin_client.post(
        reverse("admin:core_sitesettings_add"), {"name": "Tea", "description": "Tea talk", "public": ""}
    )

    assert response.status_code == 302
    assert current_site().public is False
    assert client.get(alice.get_absolute_url()).status_code == 302


def test_there_is_one_settings_row_never_deleted(admin_client, rf, admin_user):
    SiteSettings.objects.create(pk=1)
    model_admin = admin_site._registry[SiteSettings]
    request = rf.get("/")
    request.user = admin_user

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, SiteSettings.objects.get())


def test_a_page_with_an_unknown_slug_is_not_found(rf, db):
    from django.http import Http404

    from core.views import site_page

    with pytest.raises(Http404):
        site_page(rf.get("/"), slug="secrets")


def test_only_get_and_head(client, db):
    assert client.post(reverse("core:about")).status_code == 405


def test_a_page_text_has_a_length_limit(admin_client):
    response = admin_client.post(reverse("admin:core_sitepage_add"), {"slug": "rules", "body": "x" * 20001})

    assert response.status_code == 200
    assert not SitePage.objects.exists()
