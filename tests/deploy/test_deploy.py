"""Production start-up, in fresh processes as a deployment runs them: the
documented production env (.env.example) passes `check --deploy` without a
warning, and a bad DATABASE_URL or an unreachable database stops manage.py and
gunicorn with one line instead of a traceback."""

import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Nothing listens on the discard port, so a connection there is refused at once.
UNREACHABLE_DATABASE = "postgres://microblog:s3cret-pw@127.0.0.1:9/microblog"


def production_env(tmp_path, **overrides):
    """The README's production environment: .env.example with a real secret key."""
    return {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "microblog.settings",
        "ENV_FILE": str(ROOT / ".env.example"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATA_DIR": str(tmp_path),
        **overrides,
    }


def run(args, env, timeout=60):
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def test_check_deploy_passes_without_warnings_under_the_production_env(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Silenced: only the two departures from RFC 9700 that Mastodon's apps need
    # (optional PKCE, http redirect URIs; see OAUTH2_PROVIDER in settings).
    assert "System check identified no issues (2 silenced)." in result.stdout
    assert settings.SILENCED_SYSTEM_CHECKS == ["oauth2_provider.W008", "oauth2_provider.W010"]


def test_check_deploy_warns_when_the_security_settings_are_turned_off(tmp_path):
    # The check really looks: switching the protections off is reported.
    env = production_env(tmp_path, SECURE_HSTS_SECONDS="0", SESSION_COOKIE_SECURE="false")
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def settings_value(tmp_path, expression, **overrides):
    code = f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    result = run([sys.executable, "-c", code], production_env(tmp_path, **overrides))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_production_env_turns_on_https_protections(tmp_path):
    out = settings_value(
        tmp_path,
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_PROXY_SSL_HEADER, s.STORAGES['staticfiles']['BACKEND']",
    )
    assert out == (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') "
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_hsts_is_configurable_and_the_proxy_header_is_trusted_only_behind_a_proxy(tmp_path):
    out = settings_value(
        tmp_path, "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER", SECURE_HSTS_SECONDS="300", BEHIND_PROXY="false"
    )
    assert out == "300 None"


@pytest.mark.parametrize(
    "url,message",
    [
        ("nonsense", "DATABASE_URL is malformed: expected postgres://"),
        ("postgres://microblog:s3cret-pw@db:notaport/microblog", "DATABASE_URL is malformed (Port could not be cast"),
        ("postgres://db.internal:5432/", "DATABASE_URL names no database"),
    ],
)
def test_a_malformed_database_url_stops_manage_py_with_one_line(tmp_path, url, message):
    result = run([sys.executable, "manage.py", "check"], production_env(tmp_path, DATABASE_URL=url))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Configuration error: {message}")
    assert "s3cret-pw" not in result.stderr


def test_an_unreachable_database_stops_migrate_with_one_line(tmp_path):
    result = run([sys.executable, "manage.py", "migrate"], production_env(tmp_path, DATABASE_URL=UNREACHABLE_DATABASE))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Database error: cannot connect to the database in DATABASE_URL")
    assert "Check DATABASE_URL and that the database server is running." in lines[0]
    assert "s3cret-pw" not in result.stderr


def test_commands_that_need_no_database_still_run_without_one(tmp_path):
    # The Docker build runs collectstatic and compilecatalogs with no database around.
    result = run(
        [sys.executable, "manage.py", "check", "--deploy"], production_env(tmp_path, DATABASE_URL=UNREACHABLE_DATABASE)
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"DATABASE_URL": UNREACHABLE_DATABASE}, "Database error: cannot connect to the database in DATABASE_URL"),
        ({"DATABASE_URL": "nonsense"}, "Configuration error: DATABASE_URL is malformed"),
        ({"SECRET_KEY": ""}, "Configuration error: SECRET_KEY is not set"),
    ],
)
def test_gunicorn_refuses_to_start_with_one_clear_line(tmp_path, overrides, message):
    gunicorn = shutil.which("gunicorn", path=str(BIN))
    env = production_env(tmp_path, GUNICORN_BIND="127.0.0.1:0", WEB_CONCURRENCY="1", **overrides)
    env["PATH"] = f"{BIN}:{env['PATH']}"
    result = run([gunicorn, "-c", "deploy/gunicorn.conf.py"], env, timeout=30)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "[ERROR]" in line]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert "Traceback" not in result.stderr and "Booting worker" not in result.stderr


def test_empty_values_in_the_env_file_mean_the_defaults(tmp_path):
    # .env.example leaves CELERY_BROKER_URL and DATA_DIR empty: Redis and ./var, not amqp:// and ".".
    out = settings_value(tmp_path, "s.CELERY_BROKER_URL, s.DATA_DIR.name", DATA_DIR="")
    assert out == "redis://127.0.0.1:6379/0 var"


def gunicorn_config(monkeypatch, **env):
    import runpy

    for name in ("WEB_CONCURRENCY", "PORT", "GUNICORN_BIND", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_gunicorn_takes_workers_port_and_timeout_from_the_environment(monkeypatch):
    config = gunicorn_config(monkeypatch, WEB_CONCURRENCY="5", PORT="5000", GUNICORN_TIMEOUT="45")
    assert (config["workers"], config["bind"], config["timeout"]) == (5, "0.0.0.0:5000", 45)
    assert config["accesslog"] == "-" and config["errorlog"] == "-"


def test_gunicorn_defaults_suit_a_small_server(monkeypatch):
    config = gunicorn_config(monkeypatch, GUNICORN_BIND="unix:/run/microblog/gunicorn.sock")
    assert config["bind"] == "unix:/run/microblog/gunicorn.sock"
    assert config["workers"] >= 3 and config["timeout"] == 30 and config["graceful_timeout"] == 30
