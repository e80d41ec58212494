"""/healthz: JSON for load balancers, 200 when every dependency answers, 503 otherwise."""

import pytest
from django.db import connections
from django.test import Client, override_settings

from core import health


def get_health(**extra):
    return Client(**extra).get("/healthz")


def test_all_checks_pass_with_a_200_and_json(db):
    response = get_health()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search", "stream"}
    assert all(check["ok"] and check["ms"] >= 0 for check in body["checks"].values())


def test_it_is_never_cached(db):
    response = get_health()
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_it_needs_no_login_and_ignores_the_host_header(db):
    # Load balancers probe by IP address over plain HTTP.
    response = get_health(HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200


def test_the_trailing_slash_and_head_work_too(db):
    assert Client().get("/healthz/").status_code == 200
    assert Client().head("/healthz").status_code == 200


def test_a_post_is_not_answered_by_the_probe(db):
    assert Client().post("/healthz").status_code == 405


def test_it_is_cheap(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        get_health()


def test_it_answers_on_the_secure_production_stack(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert get_health().status_code == 200


def broken(message):
    def check():
        raise ConnectionError(message)

    return check


@pytest.mark.parametrize("name", ["database", "cache", "broker", "search"])
def test_one_failing_dependency_is_a_503_that_names_it(db, monkeypatch, name, caplog):
    monkeypatch.setitem(health.CHECKS, name, broken("connection refused by 10.0.0.9"))
    response = get_health()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"][name] == {"ok": False, "error": "ConnectionError", "ms": body["checks"][name]["ms"]}
    assert all(check["ok"] for other, check in body["checks"].items() if other != name)
    # Details go to the log, not to anonymous callers.
    assert "10.0.0.9" not in response.content.decode()
    assert "10.0.0.9" in caplog.text


def test_an_unreachable_database_is_a_503(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise connections["default"].Database.OperationalError("could not connect")

    with monkeypatch.context() as patch:
        patch.setattr(connections["default"], "cursor", refuse)
        response = get_health()
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False


def test_an_unreachable_broker_is_a_503(db, settings):
    from microblog.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    try:
        response = get_health()
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_an_unreachable_redis_cache_is_a_503_not_a_500(db):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }
    with override_settings(CACHES={"default": unreachable}):
        response = get_health()
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_an_unwritable_whoosh_directory_is_a_503(db, tmp_path, monkeypatch):
    from haystack import connections as search_connections

    backend = search_connections["default"].get_backend()
    locked = tmp_path / "whoosh"
    locked.mkdir(mode=0o500)
    monkeypatch.setattr(backend, "path", str(locked))
    monkeypatch.setattr(health.os, "access", lambda path, mode: False)
    response = get_health()
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False


def test_an_elasticsearch_that_does_not_answer_is_a_503(db, monkeypatch):
    from haystack import connections as search_connections

    class SilentClient:
        def ping(self):
            return False

    class ElasticLikeBackend:
        conn = SilentClient()

    monkeypatch.setattr(search_connections["default"], "get_backend", lambda: ElasticLikeBackend())
    response = get_health()
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["ok"] is False
