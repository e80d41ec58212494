"""Microblog settings: one module, every environment-dependent value read from
the environment, with embedded defaults so a fresh clone runs with no server.
See .env.example for the full list."""

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


# Off unless set: production never runs with debug pages by accident.
DEBUG = env_bool("DEBUG", False)

# Runtime data (SQLite database, file cache, uploads) lives outside the code.
# An empty value (as in .env.example) means the default, like an unset one.
DATA_DIR = Path(env.str("DATA_DIR", default="") or BASE_DIR / "var")
DATA_DIR.mkdir(parents=True, exist_ok=True)

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "haystack",
    "rosetta",
    "csp",
    "accounts",
    "messaging",
    "posts",
    "api",
]

MIDDLEWARE = [
    # /healthz answers before everything else (no host check, no HTTPS redirect, no cache reads).
    "microblog.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from gunicorn itself, compressed and with far-future caching for hashed names.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.CatalogReloadMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "accounts.middleware.LastSeenMiddleware",
]

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

# Redis when REDIS_URL is set; otherwise a file cache that all local processes share.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis that keeps pages up while Redis is down or hung (see microblog/cache.py).
            "BACKEND": "microblog.cache.RedisCache",
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
# Rendered HTML fragments, in each process's memory: posts and messages (microblog.fragments)
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
    _queue_dir = DATA_DIR / "queue"
    for _folder in ("messages", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
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
# Tasks the broker refused while it was down wait in messaging.OutboxTask; beat
# (`celery beat`, or `worker -B` on one machine) sends them again once it answers.
CELERY_BEAT_SCHEDULE = {
    "outbox-flush": {"task": "messaging.tasks.outbox_flush", "schedule": env.float("OUTBOX_FLUSH_SECONDS", default=30)}
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
            "ENGINE": "posts.search_backend.MicroblogWhooshEngine",
            "PATH": str(DATA_DIR / "whoosh"),
            "BATCH_SIZE": SEARCH_BATCH_SIZE,
            "SILENTLY_FAIL": False,
        },
    }
# Searches never filter by model: each kind of document has fields of its own
# (posts `text`, members `people`), and a model filter is slow on Whoosh.
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False
# Index changes go through a Celery task queued after commit (posts/signals.py).
HAYSTACK_SIGNAL_PROCESSOR = "posts.signals.QueuedSignalProcessor"

AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Argon2 first: new passwords are hashed with it, older hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
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
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
# Images also from Gravatar (avatars) and data: URIs (Bootstrap's icons in CSS).
# /api/docs/ adds 'unsafe-inline' for styles only (drf-spectacular's page has a <style> block).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https://www.gravatar.com"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Outgoing mail: console by default, EMAIL_URL=smtp+tls://user:pass@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Pages queue their mail; a Celery task sends it through the EMAIL_URL backend with retries.
EMAIL_DELIVERY_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_BACKEND = "messaging.mail.QueuedEmailBackend"
# Sender of the site's emails and of error reports.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Microblog <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Who receives error reports by email, comma separated addresses.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

# REST API (api/).
# Seconds an API token lives; POST /api/tokens replaces it when less than a minute remains.
API_TOKEN_LIFETIME = env.int("API_TOKEN_LIFETIME", default=3600)
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
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonRateThrottle", "api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        "token": env.str("API_THROTTLE_TOKEN", default="5/minute"),
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
    "PREPROCESSING_HOOKS": ["api.schema.drop_trailing_slash_twins"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_default_error"],
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
# Counts failed logins per account, whether tried by username or email address.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
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
POST_MAX_LENGTH = env.int("POST_MAX_LENGTH", default=280)
# Rows per page in every timeline.
POSTS_PER_PAGE = env.int("POSTS_PER_PAGE", default=25)
# Seconds a post's or message's rendered HTML is cached (microblog.fragments); 0 turns it off.
# It bounds how long the no-JavaScript "3 minutes ago" text may lag.
POST_HTML_CACHE_SECONDS = env.int("POST_HTML_CACHE_SECONDS", default=60)
# Seconds a member's post/follower/following counts stay cached (posts.counts); posting,
# following and (de)activation drop them at once, so this only bounds what slips past
# those (a raw UPDATE or bulk insert). 0 counts on every request.
MEMBER_COUNTS_CACHE_SECONDS = env.int("MEMBER_COUNTS_CACHE_SECONDS", default=600)
# Seconds between two writes of a member's "last seen" time.
LAST_SEEN_INTERVAL = env.int("LAST_SEEN_INTERVAL", default=60)
# Seconds between two polls of the navbar's notifications (unread badge, job progress).
NOTIFICATIONS_POLL_SECONDS = env.int("NOTIFICATIONS_POLL_SECONDS", default=10)
# Where background jobs write files for members to download (exports).
JOB_RESULTS_DIR = Path(env.str("JOB_RESULTS_DIR", default="") or DATA_DIR / "jobs")
# Exports larger than this many bytes are linked from the email instead of attached.
EXPORT_ATTACHMENT_MAX_BYTES = env.int("EXPORT_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
# Mounts the benchmark's constant page (/bench/ceiling, see bench/run.py); off in every real deployment.
BENCHMARK = env_bool("BENCHMARK", False)
# Gravatar for avatars; off serves local identicons only (private or offline sites).
GRAVATAR_ENABLED = env_bool("GRAVATAR_ENABLED", True)

# Logging: everything to stdout, errors also emailed to ADMINS, optional rotating file.
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
            "class": "microblog.log.DirectAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
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
