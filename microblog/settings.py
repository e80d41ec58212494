"""Microblog settings: one module, every environment-dependent value read from
the environment, with embedded defaults so a fresh clone runs with no server.
See .env.example for the full list."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
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
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "haystack",
    "rosetta",
    "accounts",
    "messaging",
    "posts",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "microblog.wsgi.application"

# SQLite file by default; DATABASE_URL=postgres://user:pass@host:5432/name in production.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
# Reuse connections between requests in production (seconds).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)

# Redis when REDIS_URL is set; otherwise a file cache that all local processes share.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set; otherwise a queue in files under DATA_DIR
# that the dev server and `make run`'s worker share, so no server is needed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = DATA_DIR / "queue"
    for _folder in ("messages", "control"):
        (_queue_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
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
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.username_validators"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "posts:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Outgoing mail: console by default, EMAIL_URL=smtp+tls://user:pass@host:587 in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Sender of the site's emails and of error reports.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Microblog <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Who receives error reports by email, comma separated addresses.
ADMINS = [(address, address) for address in env.list("ADMINS", default=[])]

# Microblog itself.
# The longest post (and private message) a member may write, in characters.
POST_MAX_LENGTH = env.int("POST_MAX_LENGTH", default=280)
# Rows per page in every timeline.
POSTS_PER_PAGE = env.int("POSTS_PER_PAGE", default=25)
# Seconds between two writes of a member's "last seen" time.
LAST_SEEN_INTERVAL = env.int("LAST_SEEN_INTERVAL", default=60)
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
            "class": "django.utils.log.AdminEmailHandler",
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
