"""Settings for studyapp, read from the environment.

Defaults run a fresh clone on SQLite with DEBUG on. Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL (see README.md).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_required(name: str) -> str:
    value = env_str(name)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable (it is required when DEBUG is off).")
    return value


DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-only-for-debug-mode")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
else:
    SECRET_KEY = env_required("SECRET_KEY")
    env_required("ALLOWED_HOSTS")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "ninja",  # serves its API docs (Swagger UI) from its own static files, not a CDN
    "studyapp",
    "quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "studyapp.middleware.LearnerTimezoneMiddleware",
    "studyapp.middleware.PrivateResponsesMiddleware",
    "studyapp.middleware.TimeBudgetMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "studyapp.urls"
WSGI_APPLICATION = "studyapp.wsgi.application"

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
            ],
            "builtins": ["template_partials.templatetags.partials", "django_htmx.templatetags.django_htmx"],
        },
    }
]

# --- Data -------------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
    # The per-request time budget on the database: no statement runs longer than this (0 turns it off), so a
    # runaway query ends with a 503 well before gunicorn's worker timeout (30 s) kills the worker.
    DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 15_000)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_STATEMENT_TIMEOUT_MS > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
        )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Lets studyapp/review_sql.py prepare the review path's statements, so PostgreSQL need not plan the queue
        # (seven subqueries) again for every answer: planning it took 20-35 ms here, running it 2-3 ms. Only
        # prepared statements are affected: Django's own cursors bind parameters on the client and never
        # prepare. Behind PgBouncer this needs its prepared-statement support (1.21+, max_prepared_statements).
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
        # ...and plan each of them once per connection. Left to choose, PostgreSQL plans a prepared statement
        # afresh for its parameters whenever that looks cheaper than the generic plan, and for the queue it
        # kept doing so on every answer (pg_prepared_statements: 30 custom plans, 0 generic), paying the
        # 12-25 ms of planning each time. The generic plan walks the same index ranges.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so two
                # concurrent reviews queue on the busy timeout instead of failing with "database is locked".
                # mmap: pages are read from the OS's cache without a system call each. With only SQLite's own
                # 2 MB page cache, the queue's walk of 200 due cards took 4x as long at 20,000 cards as at
                # 2,000 (scattered rows, more pages than fit); mapped, both sizes cost the same.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: run inline in development and tests; production uses the database queue and
# `manage.py db_worker` (TASKS_BACKEND=database).
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate")
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
            "dummy": "django_tasks.backends.dummy.DummyBackend",
        }[TASKS_BACKEND]
    }
}

# --- Accounts and security --------------------------------------------------------------------------------
AUTH_USER_MODEL = "studyapp.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "studyapp.auth.LearnerBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "studyapp@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# JSON API: requests per personal access token (or signed-in session) and period (s, m, h, d).
API_RATE_LIMIT = env_str("API_RATE_LIMIT", "300/m")

# Reminders: links in e-mails point here; web push needs a VAPID key pair (`manage.py vapid_keys` makes one).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
VAPID_PUBLIC_KEY = env_str("VAPID_PUBLIC_KEY", "")
VAPID_PRIVATE_KEY = env_str("VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = env_str("VAPID_SUBJECT", "mailto:admin@localhost")
REMINDER_INTERVAL_MINUTES = env_int("REMINDER_INTERVAL_MINUTES", 15)

# Uploads: article and deck files are parsed in memory; refuse anything larger up front.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Room above the 2 MB limit, so pasted text a little over it gets the form's message instead of a bare 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

# Anki packages: uploads over FILE_UPLOAD_MAX_MEMORY_SIZE stream to disk; the import runs as a background task.
ANKI_MAX_PACKAGE_BYTES = env_int("ANKI_MAX_PACKAGE_BYTES", 200 * 1024 * 1024)
# Above this many notes the preview shows the package's own counts; rendering every note waits for the task.
ANKI_PREVIEW_RENDER_NOTES = env_int("ANKI_PREVIEW_RENDER_NOTES", 3000)
ANKI_MEDIA_MAX_FILE_BYTES = env_int("ANKI_MEDIA_MAX_FILE_BYTES", 20 * 1024 * 1024)
ANKI_MEDIA_MAX_PACKAGE_BYTES = env_int("ANKI_MEDIA_MAX_PACKAGE_BYTES", 200 * 1024 * 1024)
ANKI_MEDIA_MAX_OWNER_BYTES = env_int("ANKI_MEDIA_MAX_OWNER_BYTES", 1024 * 1024 * 1024)
# Where uploaded packages wait for their import (a private folder, never served).
ANKI_UPLOAD_DIR = Path(env_str("ANKI_UPLOAD_DIR", str(BASE_DIR / "var" / "anki-uploads")))
# Exports of more active cards than this are prepared by a background task and downloaded when ready.
ANKI_EXPORT_SYNC_CARDS = env_int("ANKI_EXPORT_SYNC_CARDS", 5000)
ANKI_EXPORT_DIR = Path(env_str("ANKI_EXPORT_DIR", str(BASE_DIR / "var" / "anki-exports")))
# Deck media (Anki images and sounds) go through the default storage; files are served by a view that checks
# who may see the deck, never straight from MEDIA_ROOT.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Every script comes from our own static files; htmx's indicator style is off so no inline style is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Locale, time and static files ------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
