"""Redline settings, read from environment variables (see README, "Deploying")."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default="False"):
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# A database that accepts connections but never answers must not hang every request
# until the server kills the worker: connecting gives up after DB_CONNECT_TIMEOUT
# seconds and PostgreSQL cancels any statement running longer than
# DB_STATEMENT_TIMEOUT_MS (0: no limit). Both errors are answered with the 503 page.
# Commands that legitimately run long lift the statement limit themselves
# (negotiations/database.py); run `migrate` with DB_STATEMENT_TIMEOUT_MS=0.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "30000"))
# PostgreSQL's JIT compiles the app's short queries for longer than they run (it added
# ~1.4 s to the dashboard's main query at size L): off unless DB_JIT=1.
DB_JIT = envbool("DB_JIT")


def database_from_url(url):
    """DATABASES["default"] from a DATABASE_URL, with the timeouts above on PostgreSQL.

    dj-database-url keeps query parameters as connection options (`?sslmode=require`,
    `?host=/var/run/postgresql` for a Unix socket); a `connect_timeout` given there wins.
    """
    database = dj_database_url.parse(url)
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
        startup = [options.get("options", "")]
        if DB_STATEMENT_TIMEOUT_MS:
            startup.append(f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}")
        if not DB_JIT:
            startup.append("-c jit=off")
        options["options"] = " ".join(part for part in startup if part)
    return database


TESTING = "pytest" in sys.modules or os.environ.get("REDLINE_TESTING") == "1"
DEBUG = envbool("DEBUG")
# Without DEBUG the key must come from the environment. It is left empty here so that
# commands that sign nothing (makemigrations, collectstatic) still run; Django refuses
# to use an empty key, and config/wsgi.py refuses to serve without one.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and (DEBUG or TESTING):
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_NAME = os.environ.get("SITE_NAME", "Redline")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    # django-ninja (the API): its templates and static files, so that the API's docs
    # page serves Swagger UI from this site instead of a CDN.
    "ninja",
    "negotiations",
]
# Benchmarks, the load test, the fault drill and synthetic data: development and CI
# only, so production's `manage.py help` does not offer a command that restarts
# PostgreSQL. DEVTOOLS=1 adds them to a production-like set-up for measuring it.
DEVTOOLS = DEBUG or TESTING or envbool("DEVTOOLS")
if DEVTOOLS:
    INSTALLED_APPS.append("negotiations.devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "negotiations.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves static files compressed ahead of time. Django adds
    # random bytes to every compressed page against BREACH (README, "Reloads").
    "django.middleware.gzip.GZipMiddleware",
    "negotiations.middleware.RejectNulMiddleware",
    "negotiations.middleware.CsvBomMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "negotiations.accounts.tokens.BearerTokenMiddleware",  # Authorization: Bearer, reads only
    "negotiations.middleware.NoStoreMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "negotiations.middleware.RoleRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "negotiations.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(os.environ["DATABASE_URL"])
    if os.environ.get("DATABASE_URL")
    else {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "redline.sqlite3"}
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
    # instead of one failing half-way with "database is locked".
    # The busy timeout (seconds) bounds how long a writer waits for that lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
# Every request is one transaction, so a write and its history row land together.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections in production; tests with a live server on PostgreSQL
# must not keep connections open across threads.
DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Login throttling (README, "Login throttling"): django-axes refuses a username from a
# client address after LOGIN_MAX_FAILURES failures within LOGIN_COOL_OFF_SECONDS, on
# every way in, since its backend comes first and sees every authenticate().
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "negotiations.accounts.auth.OneQueryModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("LOGIN_COOL_OFF_SECONDS", "900")))
# Keyed on both together: a stranger at another address cannot lock a user out, and
# people sharing an address (an office NAT) have a count per username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Where failures are kept (the database: visible in the admin, shared by all servers).
AXES_HANDLER = "negotiations.accounts.auth.AtomicDatabaseHandler"
# The client address is the right-most X-Forwarded-For entry not written by one of
# our own proxies: 0 proxies means the socket's address, and the header is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0 or AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME.total_seconds() < 1:
    raise ValueError(
        "TRUSTED_PROXY_COUNT must be 0 or more; LOGIN_MAX_FAILURES and "
        "LOGIN_COOL_OFF_SECONDS must be 1 or more"
    )
AXES_CLIENT_IP_CALLABLE = "negotiations.accounts.auth.client_address"
AXES_USERNAME_CALLABLE = "negotiations.accounts.auth.lockout_username"
AXES_LOCKOUT_CALLABLE = "negotiations.accounts.auth.lockout_response"
# A success forgets the pair's failures; a guess while locked is not counted, so the
# count never passes the limit and the cool-off runs from the last counted failure.
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No row per successful login: the attempts table is what the throttle needs.
AXES_DISABLE_ACCESS_LOG = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "negotiations:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Tests and `make run` serve static files from the app folders, never from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The manifest storage needs collectstatic, which tests and `make run` skip.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Cached diffs and alignments: one cache shared by every server and worker, so that
# nothing one process keeps can disagree with another. Redis when REDIS_URL is set
# (e.g. redis://10.0.0.5:6379/0), else a database table (`migrate` creates it, see
# negotiations/apps.py). Only debugging and tests, one process each, keep it in memory.
# Every cache read and write is optional (negotiations/text/diffs.py): a Redis that is
# down or unreachable costs REDIS_TIMEOUT seconds at most, with no retry, and the page
# is served uncached.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TABLE = "redline_cache"
REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "0.25"))


def redis_cache(url, timeout=REDIS_TIMEOUT):
    """CACHES["default"] for the Redis at `url`: short timeouts and no retries."""
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": os.environ.get("REDIS_KEY_PREFIX", "redline"),
        "OPTIONS": {
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "retry": Retry(NoBackoff(), 0),
        },
    }


if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL)}
elif DEBUG or TESTING:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "redline_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 100000},
        },
    }

# Security: HTTPS-only cookies and HSTS unless debugging, testing, or HTTPS=0 (only
# for loopback drills and load tests that serve production settings over plain HTTP).
SECURE = not (DEBUG or TESTING) and envbool("HTTPS", "True")
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = SECURE and envbool("SECURE_SSL_REDIRECT", "True")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE and envbool("SECURE_HSTS_PRELOAD", "True")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    # e.g. "HTTP_X_FORWARDED_PROTO,https" when behind a TLS-terminating proxy
    SECURE_PROXY_SSL_HEADER = tuple(envlist("SECURE_PROXY_SSL_HEADER"))[:2]

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Django 6.1 mailers. Production needs a real backend (SMTP by default): check --deploy
# rejects the console backend, which only debugging and tests use.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG or TESTING
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": envbool("EMAIL_USE_TLS"),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "redline@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in envlist("ADMINS")]

# Request bodies (negotiations.middleware.RequestSizeLimitMiddleware refuses larger ones
# with a 413 before reading them): a form takes DATA_UPLOAD_MAX_MEMORY_SIZE; the upload
# pages take UPLOAD_MAX_REQUEST_SIZE, so that a file somewhat over the import limit
# (FILE_UPLOAD_MAX_MEMORY_SIZE) still gets the import page's own message. The proxy's
# limit (nginx client_max_body_size) should be UPLOAD_MAX_REQUEST_SIZE.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UPLOAD_MAX_REQUEST_SIZE = int(os.environ.get("UPLOAD_MAX_REQUEST_SIZE", 10 * 1024 * 1024))
UPLOAD_URL_NAMES = ["negotiations:import", "negotiations:source_add", "negotiations:source_edit"]

SIMPLE_HISTORY_REVERT_DISABLED = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The level sits on the handler too: records from Django's own loggers propagate
    # to it without passing the root logger's level.
    "handlers": {"console": {"class": "logging.StreamHandler", "level": LOG_LEVEL}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Uploaded files (a source's original file). Served by the app to logged-in users only
# (negotiations/views/sources.py), never from a public folder.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
# The largest source file (.txt, .html, .docx, .pdf) an analyst may upload.
SOURCE_FILE_MAX_SIZE = int(os.environ.get("SOURCE_FILE_MAX_SIZE", 5 * 1024 * 1024))
