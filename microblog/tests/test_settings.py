"""Start-up configuration: read in a fresh interpreter, as a deployment would."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# ENV_FILE=/dev/null: a developer's .env must not leak into these checks.
BASE_ENV = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "microblog.settings", "ENV_FILE": "/dev/null"}


def load_settings(tmp_path, print_expr="''", **env):
    """Import the settings in a subprocess with exactly `env`; return (exit code, output)."""
    code = f"import django; django.setup(); from django.conf import settings as s; print({print_expr})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, "DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, (result.stdout + result.stderr).strip()


PROD = {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "microblog.example.com"}


def test_debug_is_off_unless_set(tmp_path):
    code, out = load_settings(tmp_path, "s.DEBUG", **PROD)
    assert code == 0, out
    assert out.splitlines()[-1] == "False"


def test_a_missing_secret_key_stops_start_up_with_debug_off(tmp_path):
    code, out = load_settings(tmp_path, ALLOWED_HOSTS="microblog.example.com")
    assert code != 0
    assert "SECRET_KEY is not set" in out


def test_missing_allowed_hosts_stops_start_up_with_debug_off(tmp_path):
    code, out = load_settings(tmp_path, SECRET_KEY="x" * 50)
    assert code != 0
    assert "ALLOWED_HOSTS is not set" in out


def test_a_typo_in_a_boolean_is_an_error_not_false(tmp_path):
    code, out = load_settings(tmp_path, DEBUG="ture", **PROD)
    assert code != 0
    assert "DEBUG='ture' is not a boolean" in out


def test_debug_runs_with_embedded_defaults(tmp_path):
    code, out = load_settings(
        tmp_path,
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.EMAIL_DELIVERY_BACKEND",
        DEBUG="true",
    )
    assert code == 0, out
    assert "sqlite3" in out and "FileBasedCache" in out and "console" in out


def test_services_are_chosen_by_environment_variables(tmp_path):
    code, out = load_settings(
        tmp_path,
        "s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], s.EMAIL_DELIVERY_BACKEND,"
        " s.EMAIL_HOST, s.ADMINS",
        DATABASE_URL="postgres://u:p@db.internal:5432/microblog",
        REDIS_URL="redis://cache.internal:6379/0",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        ADMINS="ops@example.com",
        **PROD,
    )
    assert code == 0, out
    assert "postgresql" in out and "RedisCache" in out and "smtp.EmailBackend" in out
    assert "smtp.example.com" in out and "ops@example.com" in out


def test_log_file_adds_a_rotating_handler(tmp_path):
    log = tmp_path / "core.log"
    code, out = load_settings(tmp_path, "s.LOGGING['handlers']['file']['class']", LOG_FILE=str(log), DEBUG="true")
    assert code == 0, out
    assert out.splitlines()[-1] == "logging.handlers.RotatingFileHandler"


@pytest.mark.parametrize("value,expected", [("yes", True), ("0", False), ("Off", False), ("TRUE", True)])
def test_booleans_accept_the_usual_spellings(value, expected, monkeypatch):
    from microblog.settings import env_bool

    monkeypatch.setenv("SOME_FLAG", value)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_settings_are_read_from_the_env_file(tmp_path):
    env_file = tmp_path / "site.env"
    env_file.write_text("DEBUG=true\nPOST_MAX_LENGTH=500\n")
    code, out = load_settings(tmp_path, "s.DEBUG, s.POST_MAX_LENGTH", ENV_FILE=str(env_file))
    assert code == 0, out
    assert out.splitlines()[-1] == "True 500"


def test_manage_py_reports_a_bad_configuration_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**BASE_ENV, "DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "example.com"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: SECRET_KEY is not set. Set it in the environment (or DEBUG=true for development)."
    )


def test_empty_job_results_dir_means_the_default_in_data_dir(tmp_path):
    # .env.example lists JOB_RESULTS_DIR= empty; it must not mean the current directory.
    code, out = load_settings(tmp_path, "s.JOB_RESULTS_DIR", JOB_RESULTS_DIR="", **PROD)

    assert code == 0, out
    assert out.splitlines()[-1] == str(tmp_path / "jobs")


def test_a_misspelt_email_verification_mode_stops_start_up(tmp_path):
    code, out = load_settings(tmp_path, **PROD, ACCOUNT_EMAIL_VERIFICATION="mandatroy")
    assert code != 0
    assert "ACCOUNT_EMAIL_VERIFICATION='mandatroy'" in out


def test_email_verification_is_read_in_any_case(tmp_path):
    code, out = load_settings(tmp_path, "s.ACCOUNT_EMAIL_VERIFICATION", **PROD, ACCOUNT_EMAIL_VERIFICATION="Mandatory")
    assert code == 0, out
    assert out.splitlines()[-1] == "mandatory"


def test_redis_down_is_a_cache_miss_and_redelivery_waits_for_the_visibility_timeout(tmp_path):
    code, out = load_settings(
        tmp_path,
        "s.CACHES['default']['BACKEND'], s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        " s.CELERY_BEAT_SCHEDULE_FILENAME, s.CELERY_BEAT_SCHEDULE['outbox-flush']['schedule']",
        REDIS_URL="redis://cache.internal:6379/0",
        CELERY_VISIBILITY_TIMEOUT="7200",
        OUTBOX_FLUSH_SECONDS="10",
        **PROD,
    )
    assert code == 0, out
    # The settings the outage test (test_redis_outage.py) copies for its private Redis.
    assert out.splitlines()[-1] == f"core.cache.RedisCache 7200 {tmp_path / 'celerybeat-schedule'} 10.0"


def test_a_renamed_setting_is_still_read_under_its_old_name_with_a_warning(tmp_path):
    code, out = load_settings(tmp_path, "s.PAGE_SIZE, s.FRAGMENT_CACHE_SECONDS", POSTS_PER_PAGE="7", DEBUG="true")
    assert code == 0, out
    assert "7 60" in out.splitlines()
    assert "POSTS_PER_PAGE is deprecated and will stop working; rename it to PAGE_SIZE." in out


def test_the_new_name_wins_over_the_old_one(tmp_path):
    code, out = load_settings(
        tmp_path, "s.FRAGMENT_CACHE_SECONDS", FRAGMENT_CACHE_SECONDS="5", POST_HTML_CACHE_SECONDS="9", DEBUG="true"
    )
    assert code == 0, out
    assert out.splitlines()[-1] == "5"
    assert "deprecated" not in out


def test_importing_the_settings_creates_no_folder(tmp_path):
    data_dir = tmp_path / "data"
    code = "import microblog.settings as s; print(s.DATA_DIR)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**BASE_ENV, "DATA_DIR": str(data_dir), "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


def test_start_up_creates_the_data_and_queue_folders(tmp_path):
    data_dir = tmp_path / "data"
    code, out = load_settings(tmp_path, "''", DEBUG="true", DATA_DIR=str(data_dir))
    assert code == 0, out
    assert (data_dir / "queue" / "messages").is_dir() and (data_dir / "queue" / "control").is_dir()


def test_postgresql_connections_run_without_jit(db):
    # Compiling the timelines' queries took far longer than running them (bench: home).
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgresql_prepares_a_query_a_connection_repeats(db):
    # Planning the home timeline's query took as long as running it (bench: home).
    from django.db import connection

    from accounts.models import User

    if connection.vendor != "postgresql":
        return
    for _ in range(3):
        list(User.objects.filter(username="nobody-prepared").values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert any("nobody-prepared" not in text and '"accounts_user"."username" = $1' in text for text in statements)


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path):
    url = "postgres://u:p@db.internal:5432/microblog"
    options = "s.DATABASES['default']['OPTIONS'].get('server_side_binding')"
    code, out = load_settings(tmp_path, options, DATABASE_URL=url, DEBUG="true")
    assert code == 0, out
    assert out.splitlines()[-1] == "True"
    code, out = load_settings(tmp_path, options, DATABASE_URL=url, DEBUG="true", DATABASE_PREPARED_STATEMENTS="false")
    assert code == 0, out
    assert out.splitlines()[-1] == "None"
