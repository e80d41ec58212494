"""Microblog settings: one module, every environment-dependent value read from
the environment, with embedded defaults so a fresh clone runs with no server.
See .env.example for the full list."""

import re
import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is optional (`make run` writes one with DEBUG=true); real
# deployments set variables in the environment or point ENV_FILE elsewhere.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Strict boolean: a typo such as DEBUG=ture is an error, not False."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def env_int_renamed(name: str, old_name: str, default: int) -> int:
    """An integer setting that was called `old_name` before: the old name is still
    read, with a warning, for one release, unless the new one is set."""
    if env.str(name, default=None) is None and env.str(old_name, default=None) is not None:
        warnings.warn(
            f"{old_name} is deprecated and will stop working; rename it to {name}.", FutureWarning, stacklevel=1
        )
        return env.int(old_name)
    return env.int(name, default=default)


# Off unless set: production never runs with debug pages by accident.
DEBUG = env_bool("DEBUG", False)

# Runtime data (SQLite database, file cache, uploads) lives outside the code; core's
# AppConfig creates the folder at start-up. An empty value (as in .env.example) means
# the default, like an unset one.
DATA_DIR = Path(env.str("DATA_DIR", default="") or BASE_DIR / "var")

# Required in production; a throwaway key only while DEBUG is on.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it in the environment (or DEBUG=true for development).")
    SECRET_KEY = "django-insecure-development-only-key"

# Host names this site answers to, comma separated.
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set. List this site's host names, comma separated.")

# The site's public address, e.g. https://microblog.example.com: every link in an email
# (password reset, confirmation, export) starts with it, never with the Host a request sent.
# Default: http://localhost:8000 with DEBUG on, else https:// + the first ALLOWED_HOSTS name.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if not SITE_URL:
    if DEBUG:
        SITE_URL = "http://localhost:8000"
    elif ALLOWED_HOSTS[0].startswith((".", "*")):
        raise ImproperlyConfigured("SITE_URL is not set (e.g. https://microblog.example.com): links in mail need it.")
    else:
        SITE_URL = f"https://{ALLOWED_HOSTS[0]}"
if not re.fullmatch(r"https?://[^/\s]+", SITE_URL):
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r}: use scheme and host only, e.g. https://microblog.example.com")

# Origins trusted for CSRF on HTTPS behind a proxy, e.g. https://microblog.example.com
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    # The OAuth 2 server behind the Mastodon client API (api/mastodon/).
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "haystack",
    "rosetta",
    "csp",
    "django_htmx",
    "core",
    "accounts",
    "messaging",
    "posts",
    "search",
    "api",
]

MIDDLEWARE = [
    # The security headers on every response, even an error raised below (a bad Host is refused in SecurityMiddleware).
    "core.security.SecurityHeadersMiddleware",
    # /healthz answers before everything else (no host check, no HTTPS redirect, no cache reads).
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from gunicorn itself, compressed and with far-future caching for hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.i18n.CatalogReloadMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # request.htmx: whether a request came from htmx (a partial answer) or a plain form.
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "accounts.middleware.LastSeenMiddleware",
]

# What the stream service runs for /stream/ (messaging.stream.StreamHandler): who is
# asking and in which language, nothing the pages' middleware adds to HTML.
STREAM_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

# How a stream's bearer token (an API client's: `Authorization: Bearer …` or
# ?access_token=) becomes a member: each function takes the token, returns a member or None.
STREAM_TOKEN_AUTHENTICATORS = ["api.stream_auth.api_token_user", "api.stream_auth.oauth_token_user"]
# Paths the stream service serves with its lean handler besides /stream/ (the Mastodon
# streaming API); nginx routes them there too.
STREAM_EXTRA_PATH_PREFIXES = ["/api/v1/streaming"]

ROOT_URLCONF = "microblog.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microblog.context_processors.site",
                "messaging.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "microblog.wsgi.application"

# SQLite file by default; DATABASE_URL=postgres://user:pass@host:5432/name in production.
_database_url = env.str("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")
if _database_url.partition("://")[0] not in environ.Env.DB_SCHEMES:
    raise ImproperlyConfigured(
        "DATABASE_URL is malformed: expected postgres://user:password@host:5432/name or sqlite:////absolute/path."
    )
try:
    _database = environ.Env.db_url_config(_database_url)
except (ValueError, KeyError) as _error:
    # The message names the bad part (e.g. the port), never the password.
    raise ImproperlyConfigured(
        f"DATABASE_URL is malformed ({_error}); expected e.g. postgres://user:password@host:5432/name."
    ) from None
if not _database.get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL names no database; expected e.g. postgres://user:password@host:5432/name.")
DATABASES = {"default": _database}
# Reuse connections between requests in production (seconds).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Seconds to wait for PostgreSQL to accept a connection: an unreachable server fails fast.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # No JIT: the timelines' planned cost passes jit_above_cost, and compiling their
    # expressions took far longer than running them (pages are short queries).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    # Prepared statements: psycopg sends the parameters apart from the SQL (server-side
    # binding) and prepares a query the second time a connection runs it, so PostgreSQL
    # plans a timeline's large query once per connection, not on every page. Off for a
    # pooler that cannot keep them (PgBouncer before 1.21 in transaction mode).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)

# Redis when REDIS_URL is set; otherwise a file cache that all local processes share.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis that keeps pages up while Redis is down or hung (see core/cache.py).
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # Redis answers in milliseconds: a hung one costs a request a second at most,
                # then is skipped for a few seconds.
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
# Members' post and follow counts (posts.counts): shared by every process, since a
# follow in one must show in all. Redis when there is one; otherwise files of their
# own, so that their churn never evicts the default cache's rate-limit counts.
CACHES["counts"] = (
    {**CACHES["default"]}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache-counts"),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
)
# Rendered HTML fragments, in each process's memory: posts and messages (core.cache)
# and the layout's fixed parts ({% cache … using="fragments" %}). Each key holds everything
# its fragment shows, so processes need not share them, a hit costs no network round trip,
# and their churn never evicts the shared cache's rate-limit counts (the file cache keeps
# 300 entries).
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# Celery: Redis when REDIS_URL is set; otherwise a queue in files under DATA_DIR
# that the dev server and `make run`'s worker share, so no server is needed.
# (An empty CELERY_BROKER_URL, as in .env.example, means "not set", not Celery's amqp:// default.)
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL or "filesystem://"
# A Redis that accepts connections but never answers (hung, or half-dead behind a proxy) would
# otherwise hold the request that enqueues forever: a read gives up after 3 s (Redis answers
# in milliseconds; a worker's blocking pop waits only 1 s).
# Redis hands an unacknowledged task (its worker was killed mid-job) to another worker
# after visibility_timeout seconds. Keep it above the longest job and the longest retry
# countdown (email retries back off up to 15 min), or a task still running or waiting
# would be delivered twice.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 3,
    "socket_connect_timeout": 3,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # How often a worker looks for such tasks: kombu's default (about every 100 s) for a long
    # timeout, every second for a short one (tests), else it would wait minutes past it.
    "unacked_restore_interval": 10 if CELERY_VISIBILITY_TIMEOUT >= 600 else 1,
    "unacked_restore_throttle": 10 if CELERY_VISIBILITY_TIMEOUT >= 600 else 1,
}
if CELERY_BROKER_URL == "filesystem://":
    # Folders that core's AppConfig creates at start-up.
    _queue_dir = DATA_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_queue_dir / "messages"),
        "data_folder_out": str(_queue_dir / "messages"),
        "control_folder": str(_queue_dir / "control"),
    }
# Progress and results live in our own models (messaging.Job), not a result backend.
CELERY_TASK_IGNORE_RESULT = True
# A job is acknowledged only when it finishes, so a worker killed mid-job hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Fail fast when the broker is down so the page that enqueues still answers.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Tasks the broker refused while it was down wait in core.OutboxTask; beat
# (`celery beat`, or `worker -B` on one machine) sends them again once it answers.
# Beat also fails the jobs whose task was lost (messaging.services.jobs_fail_stale) and
# forgets the one-time form and API keys after a day (core.idempotency).
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "core.tasks.outbox_flush", "schedule": env.float("OUTBOX_FLUSH_SECONDS", default=30)},
    "jobs-fail-stale": {"task": "messaging.tasks.jobs_fail_stale", "schedule": 60.0},
    "jobs-expire": {"task": "messaging.tasks.jobs_expire", "schedule": 3600.0},
    "idempotency-keys-purge": {"task": "core.tasks.idempotency_keys_purge", "schedule": 3600.0},
    # Uploads never attached to a post (an app that uploaded and never posted), after a day.
    "media-sweep": {"task": "posts.tasks.media_sweep", "schedule": 3600.0},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Unit tests flip this on; a real worker runs tasks otherwise.
CELERY_TASK_ALWAYS_EAGER = False

# Full-text search: a Whoosh index in DATA_DIR/whoosh (created on first use), or
# Elasticsearch 7 when ELASTICSEARCH_URL is set (needs `pip install "elasticsearch>=7,<8"`).
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
# Rows per batch in rebuild_index / update_index (both also take --batch-size).
SEARCH_BATCH_SIZE = env.int("SEARCH_BATCH_SIZE", default=1000)
if ELASTICSEARCH_URL:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine",
            "URL": ELASTICSEARCH_URL,
            # Name of the Elasticsearch index holding posts and members.
            "INDEX_NAME": env.str("ELASTICSEARCH_INDEX", default="microblog"),
            "TIMEOUT": 5,
            "BATCH_SIZE": SEARCH_BATCH_SIZE,
            # Raise instead of returning nothing, so the search page can say the backend is down.
            "SILENTLY_FAIL": False,
        },
    }
else:
    HAYSTACK_CONNECTIONS = {
        "default": {
            "ENGINE": "search.backend.MicroblogWhooshEngine",
            "PATH": str(DATA_DIR / "whoosh"),
            "BATCH_SIZE": SEARCH_BATCH_SIZE,
            "SILENTLY_FAIL": False,
        },
    }
# Searches never filter by model: each kind of document has fields of its own
# (posts `text`, members `people`), and a model filter is slow on Whoosh.
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
# The Mastodon API's status search (/api/v2/search) asks the search app through this
# name: api and search are siblings that never import each other (.importlinter).
MASTODON_STATUS_SEARCH = "search.services.post_ids_matching"
# Index changes go through a Celery task queued after commit (search/signals.py).
HAYSTACK_SIGNAL_PROCESSOR = "search.signals.QueuedSignalProcessor"

AUTH_USER_MODEL = "accounts.User"

# allauth's backend alone (it extends ModelBackend: permissions, the admin), checking each
# account once per attempt: ModelBackend beside it, and the address tried twice, hashed
# more for known addresses than for unknown ones, which timing revealed.
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]

# Argon2 first: new passwords are hashed with it (OWASP's parameters, accounts/hashers.py),
# older hashes still verify.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: sign in with username or email; emails are unique.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# The site's name in allauth's email subjects ("[Microblog] Password reset"), not the host and port.
SITE_NAME = env.str("SITE_NAME", default="Microblog")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# "mandatory", "optional" or "none": whether a new address must be confirmed.
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional").lower()
if ACCOUNT_EMAIL_VERIFICATION not in ("mandatory", "optional", "none"):
    # A typo would otherwise silently leave sign-ups unconfirmed.
    raise ImproperlyConfigured(
        f"ACCOUNT_EMAIL_VERIFICATION={ACCOUNT_EMAIL_VERIFICATION!r}: use mandatory, optional or none."
    )
# Confirmation links (signed, nothing stored) stop working after this many days.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
# Who may sign up (accounts.signup): open (anyone), approval (moderators approve each new
# account in the admin), invite (only with a member's invite link) or closed.
SIGNUP_MODE = env.str("SIGNUP_MODE", default="open").strip().lower()
if SIGNUP_MODE not in ("open", "approval", "invite", "closed"):
    raise ImproperlyConfigured(f"SIGNUP_MODE={SIGNUP_MODE!r}: use open, approval, invite or closed.")
# Usernames nobody may take, besides the built-in ones (admin, root, support, …), comma-separated.
FORBIDDEN_USERNAMES = env.list("FORBIDDEN_USERNAMES", default=[])
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.username_validators"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "posts:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# The interface language: a member's saved choice, else the language cookie
# (footer switcher), else Accept-Language, else LANGUAGE_CODE.
LANGUAGE_CODE = "en"
# Languages with a catalog in locale/; each is named in its own language in the switcher.
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("de", _("German")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers files; WhiteNoise serves them from there.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Hashed, compressed names (collectstatic required) unless DEBUG is on at start-up; development and
# the test run (`make` sets DEBUG=true) use the plain storage so that no collectstatic is needed.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
# Uploaded media (post images, avatars, headers). MEDIA_STORAGE picks where they live:
# "filesystem" (the default) under MEDIA_ROOT, served by the app with DEBUG on and by
# nginx in production (deploy/README.md), or "s3": an S3-compatible bucket through
# django-storages, configured by the MEDIA_S3_* variables below. Files get random names.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or DATA_DIR / "media")
# Where pages link media: a path on this site, or the bucket's public address for S3.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
# The app serves MEDIA_ROOT itself (development, tests); in production nginx does, and this stays off.
MEDIA_SERVE = env_bool("MEDIA_SERVE", DEBUG)


def s3_media_storage(*, bucket, endpoint_url, region, access_key, secret_key, custom_domain) -> dict:
    """STORAGES["default"] for an S3-compatible bucket (django-storages' S3Storage); the
    tests build moto's the same way."""
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # None for AWS itself; the address of MinIO, Garage, R2, Scaleway… otherwise.
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            # A CDN or public host name that serves the bucket; None: the endpoint's URL.
            "custom_domain": custom_domain or None,
            # Objects are public by their unguessable names (the bucket policy allows GetObject,
            # never ListBucket): plain URLs that browsers and caches can keep.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # A bucket that is down fails an upload within seconds, with a message, not a hung request.
            "client_config": Config(
                connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"}
            ),
        },
    }


if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = s3_media_storage(
        bucket=env.str("MEDIA_S3_BUCKET"),
        endpoint_url=env.str("MEDIA_S3_ENDPOINT_URL", default=""),
        region=env.str("MEDIA_S3_REGION", default=""),
        access_key=env.str("MEDIA_S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("MEDIA_S3_SECRET_ACCESS_KEY", default=""),
        custom_domain=env.str("MEDIA_S3_CUSTOM_DOMAIN", default=""),
    )
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r}: use filesystem or s3.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without a manifest, WhiteNoise serves straight from the source folders (as runserver does).
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# Security. Production runs on HTTPS with DEBUG off; each value below can be
# relaxed through the environment for a deployment that needs it.
# Set when a proxy (nginx, a PaaS router) terminates TLS and sends X-Forwarded-Proto.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
# Redirect plain HTTP to HTTPS (the load balancer's /healthz probe is answered before this).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Session and CSRF cookies only over HTTPS.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# Strict-Transport-Security max-age in seconds (0 turns HSTS off; start small, then a year: 31536000).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Whether HSTS also covers subdomains, and asks to be preloaded into browsers.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts and styles only from this site, no inline code.
# Images also from Gravatar (avatars), data: URIs (Bootstrap's icons in CSS) and blob: (the
# composer's previews of chosen images).
# /api/docs/ adds 'unsafe-inline' for styles only (drf-spectacular's page has a <style> block).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https://www.gravatar.com"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Media served from another origin (a bucket, a CDN) is an image source too.
if MEDIA_STORAGE == "s3":
    _media_options = STORAGES["default"]["OPTIONS"]
    _media_origin = (
        f"https://{_media_options['custom_domain']}"
        if _media_options["custom_domain"]
        else "/".join((_media_options["endpoint_url"] or "https://s3.amazonaws.com").split("/")[:3])
    )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(_media_origin)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Outgoing mail: console by default, EMAIL_URL=smtp+tls://user:pass@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_HOST = EMAIL_CONFIG["EMAIL_HOST"] or "localhost"
EMAIL_PORT = EMAIL_CONFIG["EMAIL_PORT"] or 25
EMAIL_HOST_USER = EMAIL_CONFIG["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = EMAIL_CONFIG["EMAIL_FILE_PATH"] or None
# Pages queue their mail; a Celery task sends it through the EMAIL_URL backend with retries.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
# Sender of the site's emails and of error reports.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Microblog <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Who receives error reports by email, comma separated addresses.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

# REST API (api/).
# Seconds an API token lives; POST /api/tokens replaces it when less than a minute remains.
API_TOKEN_LIFETIME = env.int("API_TOKEN_LIFETIME", default=3600)
# How many reports one member may send in an hour (posts.moderation.report_create).
REPORTS_PER_HOUR = env.int("REPORTS_PER_HOUR", default=20)
# Django REST framework: bearer tokens for clients, sessions (CSRF enforced) for the browsable API, JSON errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonRateThrottle", "api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "token": env.str("API_THROTTLE_TOKEN", default="5/minute"),
        # Wrong bearer tokens per client address (api.throttling.BadTokenThrottle).
        "bad_token": env.str("API_THROTTLE_BAD_TOKEN", default="30/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# drf-spectacular: OpenAPI 3 schema at /api/schema/, Swagger UI at /api/docs/ served from drf-spectacular-sidecar.
SPECTACULAR_SETTINGS = {
    "TITLE": "Microblog API",
    "DESCRIPTION": "The Microblog API: tokens, members, follows, posts, timeline, messages and notifications.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.mastodon.schema.name_mastodon_paths", "api.schema.drop_trailing_slash_twins"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.mastodon.schema.add_mastodon_components",
        "api.schema.add_default_error",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Rosetta (/rosetta/): only superusers and the "Translators" group may translate.
ROSETTA_ACCESS_CONTROL_FUNCTION = "accounts.rosetta.can_translate"
# Unsaved work lives in the shared cache, so any worker can serve the next page.
ROSETTA_STORAGE_CLASS = "rosetta.storage.CacheRosettaStorage"
# Rosetta writes the .mo on save; every worker then reloads it (CatalogReloadMiddleware).
ROSETTA_AUTO_COMPILE = True
# A link from the admin's front page; 25 strings per page.
ROSETTA_SHOW_AT_ADMIN_PANEL = True
ROSETTA_MESSAGES_PER_PAGE = 25

# Live translation of posts: "" (off, no Translate link), "microsoft", "deepl" or "libretranslate".
TRANSLATOR = env.str("TRANSLATOR", default="").strip().lower()
if TRANSLATOR not in ("", "microsoft", "deepl", "libretranslate"):
    raise ImproperlyConfigured(f"TRANSLATOR={TRANSLATOR!r}: use microsoft, deepl, libretranslate or leave it empty.")
# The service's API key (Microsoft, DeepL; optional for LibreTranslate).
TRANSLATOR_KEY = env.str("TRANSLATOR_KEY", default="")
# The service's base URL: required for LibreTranslate, optional for the others.
TRANSLATOR_URL = env.str("TRANSLATOR_URL", default="")
if TRANSLATOR == "libretranslate" and not TRANSLATOR_URL:
    raise ImproperlyConfigured("TRANSLATOR=libretranslate needs TRANSLATOR_URL (e.g. http://127.0.0.1:5000).")
# Azure region of a Microsoft Translator resource (e.g. westeurope), when it has one.
TRANSLATOR_REGION = env.str("TRANSLATOR_REGION", default="")
# Seconds to wait for the translation service before telling the reader it failed.
TRANSLATOR_TIMEOUT = env.float("TRANSLATOR_TIMEOUT", default=5.0)

# Hardening.
# Reverse proxies in front of the site that append the client's address to
# X-Forwarded-For (1 behind nginx or a load balancer, 0 when gunicorn faces the
# internet). Login and API rate limits count per client address: they read the
# address that many hops from the right of X-Forwarded-For, so an address a
# client forges at the left never resets its count.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT
# Wrong passwords that lock an account out of logging in for LOGIN_LOCKOUT_MINUTES;
# one client address gets three times as many (members may share an address).
LOGIN_FAILURES_LIMIT = env.int("LOGIN_FAILURES_LIMIT", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
# allauth keeps its counts in the default cache, which every worker shares
# (Redis, or the file cache); the admin login goes through allauth's (microblog/urls.py).
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{3 * LOGIN_FAILURES_LIMIT}/{LOGIN_LOCKOUT_MINUTES}m/ip,"
    f"{LOGIN_FAILURES_LIMIT}/{LOGIN_LOCKOUT_MINUTES}m/key",
}
# Counts failed logins per account, whether tried by username or email address; limits and
# addresses the mails anyone can trigger (ACCOUNT_MAIL_INTERVAL, SITE_URL).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Seconds during which an address gets at most one of each mail a stranger can trigger
# (already have an account, password reset, confirmation); 0 turns the limit off.
ACCOUNT_MAIL_INTERVAL = env.int("ACCOUNT_MAIL_INTERVAL", default=180)
# Password reset answers the same for unknown addresses (and mails them "no account here").
ACCOUNT_PREVENT_ENUMERATION = True
# Optional two-factor login (allauth.mfa, /accounts/2fa/): an authenticator app (TOTP) plus
# one-time recovery codes. Wrong codes count against the same login_failed limit as passwords.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Microblog"
# Only a confirmed address may turn it on (so a squatter cannot lock the owner out), unless
# the site confirms no addresses at all.
MFA_ALLOW_UNVERIFIED_EMAIL = ACCOUNT_EMAIL_VERIFICATION == "none"

# Microblog itself.
# The longest post (and private message) a member may write, in characters.
# django-oauth-toolkit, as Mastodon's OAuth server behaves (api/mastodon/oauth.py): its
# scopes; tokens that last until revoked (toot keeps no refresh token); PKCE honoured
# when sent but not required (Mastodon.py and toot send none); codes live a minute;
# apps' own URL schemes (tusky://…) are allowed redirects, the out-of-band one is ours.
OAUTH2_PROVIDER = {
    "SCOPES": {scope: scope for scope in ("read", "write", "follow", "push", "profile")},
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 100 * 365 * 86400,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "PKCE_REQUIRED": False,
    "ROTATE_REFRESH_TOKEN": False,
    "OAUTH2_VALIDATOR_CLASS": "api.mastodon.oauth.MastodonValidator",
    "SCOPES_BACKEND_CLASS": "api.mastodon.scopes.MastodonScopes",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https", "urn"],
    "ALLOWED_SCHEMES": ["http", "https"],
    "ERROR_RESPONSE_WITH_SCOPES": True,
    # RFC 9700 (the OAuth security BCP), as far as Mastodon's apps allow: no implicit or
    # password grant, S256 PKCE only, tokens in the Authorization header only, `iss` in
    # the redirect, refresh tokens used once, tokens stored hashed.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
}
# Mastodon's apps need the two departures from RFC 9700 left: PKCE optional (Mastodon.py
# and toot send none) and http redirect URIs (apps listening on http://localhost).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008", "oauth2_provider.W010"]

POST_MAX_LENGTH = env.int("POST_MAX_LENGTH", default=280)
# Rows per page in every list (timelines, inbox, search); was POSTS_PER_PAGE.
PAGE_SIZE = env_int_renamed("PAGE_SIZE", "POSTS_PER_PAGE", default=25)
# Seconds a rendered fragment (a post, a message, the layout's fixed parts) is cached
# (core.cache); 0 turns it off. It bounds how long the no-JavaScript "3 minutes ago"
# text may lag. Was POST_HTML_CACHE_SECONDS.
FRAGMENT_CACHE_SECONDS = env_int_renamed("FRAGMENT_CACHE_SECONDS", "POST_HTML_CACHE_SECONDS", default=60)
# Seconds a member's post/follower/following counts stay cached (posts.counts); posting,
# following and (de)activation drop them at once, so this only bounds what slips past
# those (a raw UPDATE or bulk insert). 0 counts on every request.
MEMBER_COUNTS_CACHE_SECONDS = env.int("MEMBER_COUNTS_CACHE_SECONDS", default=600)
# Rows deleted per step when an account is deleted (accounts.deletion): each step is one
# short transaction, so a member with 100,000 posts never holds locks for long.
ACCOUNT_DELETION_BATCH = env.int("ACCOUNT_DELETION_BATCH", default=500)
# Seconds the site's settings and pages (core.site: name, description, rules, public or
# members-only) stay cached; saving them in the admin refreshes them at once.
SITE_CACHE_SECONDS = env.int("SITE_CACHE_SECONDS", default=600)
# Seconds the front door's member and post counts stay cached (they are counted at most this often).
FRONT_DOOR_COUNTS_SECONDS = env.int("FRONT_DOOR_COUNTS_SECONDS", default=300)
# How many of the newest public posts the front door shows logged-out visitors.
FRONT_DOOR_POSTS = env.int("FRONT_DOOR_POSTS", default=10)
# Seconds the trending tags (posts.tags) stay cached: they are counted at most this often.
TRENDS_CACHE_SECONDS = env.int("TRENDS_CACHE_SECONDS", default=300)
# Seconds the who-to-follow candidates (accounts.suggestions) stay cached: counted at most this often.
SUGGESTIONS_CACHE_SECONDS = env.int("SUGGESTIONS_CACHE_SECONDS", default=600)
# Seconds a member's own picks among them stay cached (a follow, block or mute forgets them at once).
SUGGESTION_PICKS_CACHE_SECONDS = env.int("SUGGESTION_PICKS_CACHE_SECONDS", default=120)
# Seconds between two writes of a member's "last seen" time.
LAST_SEEN_INTERVAL = env.int("LAST_SEEN_INTERVAL", default=60)
# Seconds between two polls of the navbar's notifications (unread badge, job progress).
NOTIFICATIONS_POLL_SECONDS = env.int("NOTIFICATIONS_POLL_SECONDS", default=10)
# Live updates (messaging.stream): where pages open the Server-Sent Events stream. A path
# when a proxy routes it to the stream service on the site's own origin (nginx: /stream/);
# an absolute URL when it listens elsewhere, or ":<port>/stream/" for the page's own host
# on another port (`make run`, which starts the stream service on PORT + 100).
# Empty: no stream, pages poll every NOTIFICATIONS_POLL_SECONDS as before.
STREAM_URL = env.str("STREAM_URL", default="/stream/")
# Page origins that may open the stream from another origin (with the session cookie).
STREAM_ALLOWED_ORIGINS = env.list("STREAM_ALLOWED_ORIGINS", default=[])
# Events kept for a reconnect's Last-Event-ID replay (the log's cap and each stream
# process's window); a reconnect from further back is told to resync.
STREAM_REPLAY_EVENTS = env.int("STREAM_REPLAY_EVENTS", default=2000)
# Events one stream may fall behind by before it is dropped (its browser reconnects).
STREAM_BUFFER_EVENTS = env.int("STREAM_BUFFER_EVENTS", default=64)
# Seconds between two reads of the event table when there is no Redis (embedded default).
STREAM_POLL_SECONDS = env.float("STREAM_POLL_SECONDS", default=0.25)
# Seconds between keep-alive comments on a quiet stream.
STREAM_HEARTBEAT_SECONDS = env.float("STREAM_HEARTBEAT_SECONDS", default=20)
# Seconds after which a stream ends and the browser reconnects (the session is checked again).
STREAM_MAX_SECONDS = env.int("STREAM_MAX_SECONDS", default=3600)
# Milliseconds the browser waits before reconnecting to a stream that ended.
STREAM_RETRY_MS = env.int("STREAM_RETRY_MS", default=3000)
# The Redis stream that carries events between processes when REDIS_URL is set.
STREAM_REDIS_KEY = env.str("STREAM_REDIS_KEY", default="microblog:events")
# An absolute STREAM_URL is another origin the pages connect to.
if STREAM_URL.startswith(("http://", "https://")):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append("/".join(STREAM_URL.split("/")[:3]))
elif STREAM_URL.startswith(":"):
    _stream_port = STREAM_URL[1:].split("/")[0]
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] += [
        f"http://{host}:{_stream_port}" for host in ("127.0.0.1", "localhost")
    ]
# Web push (messaging.push): the site's VAPID key, base64url (`manage.py vapid_keys` makes
# one). Unset: no push notifications, and the settings page says so.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
# Whom push services contact about this site's notifications (a mailto: or https: URL).
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="") or SITE_URL
# Tests only: allow push endpoints on loopback over plain HTTP (a local test push service).
PUSH_ALLOW_LOOPBACK_ENDPOINTS = False
# Seconds before the first retry of a push the push service could not take; each next
# retry waits twice as long (5 tries).
PUSH_RETRY_SECONDS = env.float("PUSH_RETRY_SECONDS", default=30)
# Members' RSS and Atom feeds (/user/<name>/rss/, /atom/) for anyone; off, only for members
# who are logged in, as the profiles are (the site is members-only).
PUBLIC_FEEDS = env_bool("PUBLIC_FEEDS", False)
# Where background jobs write files for members to download (exports).
JOB_RESULTS_DIR = Path(env.str("JOB_RESULTS_DIR", default="") or DATA_DIR / "jobs")
# Seconds a running job may go without a heartbeat (its task beats at start and at each
# progress step, seconds apart) before it counts as lost and is failed, so the member can
# start it again. Jobs waiting in the outbox for the broker are not counted.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=600)
# Exports larger than this many bytes are linked from the email instead of attached.
EXPORT_ATTACHMENT_MAX_BYTES = env.int("EXPORT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Days a member's archive (zip) can be downloaded before its file is deleted (Mastodon keeps 7).
JOB_ARCHIVE_DAYS = env.int("JOB_ARCHIVE_DAYS", default=7)
# The largest CSV a member may import, in bytes, and its most rows (Mastodon: 20 MB, 20,000 rows).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Mounts the benchmark's constant page (/bench/ceiling, see bench/run.py); off in every real deployment.
BENCHMARK = env_bool("BENCHMARK", False)
# Uploaded images (core/images.py). Bytes per file: the upload handler stops reading past it.
MEDIA_MAX_UPLOAD_BYTES = env.int("MEDIA_MAX_UPLOAD_BYTES", default=16 * 1024 * 1024)
# Pixels per image, read from the header before anything is decoded (decompression bombs).
MEDIA_MAX_PIXELS = env.int("MEDIA_MAX_PIXELS", default=40_000_000)
# Frames of an animation, and their pixels added up (what re-encoding it holds in memory).
MEDIA_MAX_FRAMES = env.int("MEDIA_MAX_FRAMES", default=300)
MEDIA_MAX_FRAME_PIXELS = env.int("MEDIA_MAX_FRAME_PIXELS", default=50_000_000)
# Images per post, and their alt text's length (as Mastodon's).
MEDIA_MAX_ATTACHMENTS = 4
MEDIA_DESCRIPTION_MAX_LENGTH = 1500
# The long side of a post image as shown in full, and of its preview in the timeline.
MEDIA_LONG_SIDE = env.int("MEDIA_LONG_SIDE", default=1920)
MEDIA_PREVIEW_LONG_SIDE = env.int("MEDIA_PREVIEW_LONG_SIDE", default=640)
# Any uploaded file past MEDIA_MAX_UPLOAD_BYTES is dropped while it arrives, then reported by the form.
FILE_UPLOAD_HANDLERS = [
    "core.images.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Gravatar for avatars; off serves local identicons only (private or offline sites).
GRAVATAR_ENABLED = env_bool("GRAVATAR_ENABLED", True)

# Logging: everything to stdout, errors also emailed to ADMINS, optional rotating file.
# Seconds before the same error (same exception and line) is emailed to ADMINS again; 0 mails each.
ERROR_MAIL_INTERVAL = env.int("ERROR_MAIL_INTERVAL", default=600)
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FILE = env.str("LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "mail_admins": {
            "class": "core.log.DirectAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
        # Anyone can send a bad Host header: logged, never mailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
if LOG_FILE:
    LOGGING["handlers"]["file"] = {
        "class": "logging.handlers.RotatingFileHandler",
        "filename": LOG_FILE,
        "maxBytes": 10 * 1024 * 1024,
        "backupCount": 5,
        "formatter": "plain",
    }
    LOGGING["root"]["handlers"].append("file")
    LOGGING["loggers"]["django"]["handlers"].append("file")
    LOGGING["loggers"]["django.security.DisallowedHost"]["handlers"].append("file")
