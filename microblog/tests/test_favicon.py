"""/favicon.ico for pages that name no icon."""

from django.test import Client


def test_favicon_ico_points_at_the_site_icon(db):
    # Pages that name no icon (admin, API docs) make browsers ask for it; no 404 in the logs.
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]
