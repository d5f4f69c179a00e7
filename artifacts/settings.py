"""Settings for the battlefield-artifact archive, read from the environment.

Every value that differs between a laptop and production comes from an environment
variable; the defaults are the safe choice, except where debugging is switched on
explicitly (then a development secret key and localhost hosts are allowed).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

from artifacts.object_storage import media_storage
from artifacts.replicas.config import pooled, replica_databases

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """An integer setting; an empty variable counts as unset rather than crashing start-up."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    """A positive number setting; an empty variable counts as unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 < number < float("inf"):
        raise ImproperlyConfigured(f"{name} must be a positive number, not {value!r}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Only ever used with DJANGO_DEBUG=1 on a developer's machine.
    SECRET_KEY = "development-only-key-never-use-in-production-0123456789abcdef"  # noqa: S105
# Without a key and without debug the key stays empty: schema commands (makemigrations,
# migrate) still work, while the WSGI application and `check --deploy` refuse with a
# clear message (artifacts/wsgi.py, artifacts/checks.py).

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "artifacts",
]

MIDDLEWARE = [
    # /health/live and /health/ready answer here, before the host check, the HTTPS
    # redirect and sessions (artifacts/health.py).
    "artifacts.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A request that failed for want of the database answers 503, not 500; above the
    # session and authentication middleware, whose reads may be what failed.
    "artifacts.outages.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The interface language, from the URL's prefix (see artifacts/i18n.py).
    "artifacts.i18n.ArchiveLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "artifacts.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which database a request reads from, once its user is known (artifacts/replicas/).
    "artifacts.replicas.middleware.ReplicaRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "artifacts.urls"
WSGI_APPLICATION = "artifacts.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "artifacts.i18n.catalogue_language",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default: an SQLite file under var/, which git ignores. Reading the settings
# creates nothing (in the production image the app's user may not write beside the code):
# `make migrate` creates var/; the storage makes uploads' folders when it saves a file.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'archive.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a curator's upload is being written.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file locked by a long write is waited for this long, then the request answers 503.
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_SQLITE", "")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for the archive's connections (measured in bench/RESULTS.md):
    # - random_page_cost: the default (4) models spinning disks and makes the planner scan
    #   every search document instead of fetching the matches the GIN index names; 1.1 is
    #   the usual value for solid-state storage.
    # - work_mem: with the default 4 MB the bitmap of a broad search's matches goes lossy
    #   and PostgreSQL re-tests whole pages of tsvectors; 8 MB keeps it exact for about
    #   100,000 matches. hash_mem_multiplier 1 stops the extra memory from turning the
    #   per-row photo check into a hash of every photo (4 times slower on a results page).
    # - jit: compiling the page queries costs more than it saves at this size.
    page_cost = env_float("DJANGO_PG_RANDOM_PAGE_COST", 1.1)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={page_cost} -c work_mem=8MB -c hash_mem_multiplier=1 -c jit=off"
    )
    # A server that does not answer (a host down, packets dropped) fails a request after
    # this long, with a 503, instead of holding it until the client gives up.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5))
    # A kept connection is checked (SELECT 1) before a request uses it, so that a database
    # restarted since costs no request an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("DJANGO_DB_POOL"):
        # psycopg's pool instead of Django's persistent connections (bench/POOL_RESULTS.md).
        pooled(
            DATABASES["default"],
            max_size=env_int("DJANGO_DB_POOL_MAX_SIZE", 4),
            timeout=env_float("DJANGO_DB_POOL_TIMEOUT", 10),
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        )

# Read replicas (README, "Read replicas"): PostgreSQL hot standbys of the primary, which
# serve the reads of anonymous visitors and researchers; see artifacts/replicas/.
_replicas = replica_databases(
    DATABASES["default"],
    env_list("DATABASE_REPLICA_URLS"),
    connect_timeout=env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2),
)
DATABASES.update(_replicas)
DATABASE_REPLICAS = list(_replicas)
DATABASE_ROUTERS = ["artifacts.replicas.router.ReplicaRouter"]
# After a write, the same browser reads from the primary for this long.
DATABASE_REPLICA_STICKY_SECONDS = env_float("DATABASE_REPLICA_STICKY_SECONDS", 10)
# A replica that failed is left alone for this long before it is tried again.
DATABASE_REPLICA_RETRY_SECONDS = env_float("DATABASE_REPLICA_RETRY_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What pages compute alike (authority names, edit histories), filed under the data's
# generation so that any write makes it stale everywhere at once (artifacts.caching).
# Local memory, one per process, unless REDIS_URL names a Redis server all processes
# share; a Redis that stops answering is skipped, never an error.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_TIMEOUT = env_int("CACHE_TIMEOUT", 300)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "archive"),
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.5),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "artifacts.caching"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "archive",
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 20_000)},
        }
    }

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# The interface languages. The archive's objects are held by Ukrainian forces, written in
# Korean and Russian, and studied by Ukrainian, Korean and English-speaking researchers.
LANGUAGES = [("en", "English"), ("uk", "Ukrainian"), ("ko", "Korean")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["artifacts.formats"]
# The language curators write records in (titles, descriptions, captions), which pages in
# another interface language mark with `lang`.
ARCHIVE_CATALOGUE_LANGUAGE = os.environ.get("ARCHIVE_CATALOGUE_LANGUAGE", "en")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded originals and their derivatives. Never served as plain static files:
# every media request goes through a view that applies the access policy.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
# With nginx in front (see README), protected files are handed over with X-Accel-Redirect.
MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get("MEDIA_ACCEL_REDIRECT_PREFIX", "")
# Where uploads are kept: under MEDIA_ROOT, or with MEDIA_STORAGE=s3 in a private bucket of
# an S3-compatible object store (README, "Media on object storage"; artifacts/object_storage.py).
STORAGES["default"] = media_storage(os.environ)

# Upload limits, enforced on the decoded image, not on the declared type.
ARCHIVE_MAX_UPLOAD_BYTES = env_int("ARCHIVE_MAX_UPLOAD_BYTES", 40 * 1024 * 1024)
ARCHIVE_MAX_IMAGE_PIXELS = env_int("ARCHIVE_MAX_IMAGE_PIXELS", 100_000_000)
# Search by picture (artifacts/similarity/): the picture is held in memory, never stored,
# so its limit is lower than a curator's; searches per client address and minute, counted
# in the cache (shared by every worker with REDIS_URL, per process without it).
ARCHIVE_PICTURE_SEARCH_MAX_BYTES = env_int("ARCHIVE_PICTURE_SEARCH_MAX_BYTES", 10 * 1024 * 1024)
ARCHIVE_PICTURE_SEARCHES_PER_MINUTE = env_int("ARCHIVE_PICTURE_SEARCHES_PER_MINUTE", 10)

# Publishing needs a second person: a curator who is not the record's last editor
# (artifacts/publication.py). `0` relaxes it for an archive run by one person.
ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON = env_bool("ARCHIVE_PUBLISH_NEEDS_SECOND_PERSON", True)

# OAI-PMH harvesting (artifacts/oai/). Every OAI identifier is oai:<namespace>:<accession>;
# set the namespace to the site's domain so identifiers outlive a change of host name
# (empty: the host name each request was made to).
ARCHIVE_OAI_NAMESPACE = os.environ.get("ARCHIVE_OAI_NAMESPACE", "").strip()
ARCHIVE_OAI_ADMIN_EMAILS = env_list("ARCHIVE_OAI_ADMIN_EMAILS")  # empty: DEFAULT_FROM_EMAIL
ARCHIVE_OAI_PAGE_SIZE = env_int("ARCHIVE_OAI_PAGE_SIZE", 100)
ARCHIVE_OAI_TOKEN_HOURS = env_int("ARCHIVE_OAI_TOKEN_HOURS", 24)

# The transparency log (artifacts/custody/, README "Transparency log"). The signing key is
# a file outside the database (`manage.py make_signing_key PATH`); without one, heads are
# published unsigned and every page says so. The log's name goes into every head: set it
# to the site's domain so heads outlive a change of host name. With a time-stamping
# authority (RFC 3161) named, each head is stamped by it; its CA certificate(s), as PEM,
# let the archive check the tokens it is given.
ARCHIVE_SIGNING_KEY_FILE = os.environ.get("ARCHIVE_SIGNING_KEY_FILE", "").strip()
ARCHIVE_LOG_ORIGIN = os.environ.get("ARCHIVE_LOG_ORIGIN", "").strip() or "battlefield-artifacts-archive"
ARCHIVE_TSA_URL = os.environ.get("ARCHIVE_TSA_URL", "").strip()
ARCHIVE_TSA_CA_FILE = os.environ.get("ARCHIVE_TSA_CA_FILE", "").strip()
# Ids of earlier signing keys (README, "Rotating the key"): heads they signed still verify,
# and a key that is neither configured nor listed here is reported as planted.
ARCHIVE_TRUSTED_KEY_IDS = env_list("ARCHIVE_TRUSTED_KEY_IDS")

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "archive@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")

# django-axes: lock an account/IP pair out after repeated failed logins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "artifacts.middleware.axes_username"

# The read-only JSON API (artifacts/api/). JSON only: the documentation page is rendered
# on the server from the schema, so no JavaScript client (and no inline script) is needed.
# Sessions serve the browser; HTTP Basic lets a researcher's script sign in (over HTTPS,
# and django-axes locks an account out after repeated failures, as for the login form).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Basic first, so that wrong credentials answer 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Who sees what is decided by visible_to(user) in every query, not by a permission class.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": gettext_lazy("Battlefield Artifacts Archive API"),
    "DESCRIPTION": gettext_lazy(
        "Read-only access to the archive's catalog and records, under the same access rules as "
        "its pages: anonymous requests see public records; researchers and staff sign in."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
}

# Security headers. The CSP allows no inline script or style anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# While the database is unavailable pages answer 503 with this Retry-After (seconds), and
# /health/ready answers 503 (artifacts/outages.py, artifacts/health.py).
ARCHIVE_OUTAGE_RETRY_AFTER = env_int("ARCHIVE_OUTAGE_RETRY_AFTER", 30)
# Load balancers ask over plain HTTP (the health middleware answers before the redirect;
# this keeps SecurityMiddleware from redirecting them should it ever come first).
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)/?$"]

# Plain text, or one JSON object per line for a log collector; outages in one line each
# (artifacts/log_format.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text").strip().lower() or "text"
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"outages": {"()": "artifacts.log_format.OutageFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "artifacts.log_format.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["outages"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    # Django's own default handler for these (debug only) would print every traceback
    # again, past the filter: its records go to the one handler above.
    "loggers": {
        "django": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING"), "propagate": False}
    },
}
