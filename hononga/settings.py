"""One settings module, driven by environment variables.

HONONGA_ENV chooses the profile: "development" (default; `make run`), "test" (pytest) or
"production" (secure cookies, HSTS, no demo data, SECRET_KEY and ALLOWED_HOSTS required).
DATABASE_URL points every command at a database; the default is SQLite under var/.
"""

import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.conf.locale
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from hononga.core.env import email_settings_from_url, env, env_bool, env_float, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
# Under pytest the default profile is "test".
HONONGA_ENV = env("HONONGA_ENV", "test" if "pytest" in sys.modules else "development")
if HONONGA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("HONONGA_ENV must be development, test or production")
PRODUCTION = HONONGA_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set SECRET_KEY (at least 50 random characters) in production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated host names) in production.")
else:
    # Development and test only; production refuses to start without its own key.
    SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-hononga-" + "x" * 40)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

DEBUG = env_bool("DEBUG", default=HONONGA_ENV == "development") and not PRODUCTION
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "hononga.core",
    "hononga.accounts",
    "hononga.audit",
    "hononga.whanau",
    "hononga.relationships",
    "hononga.checkins",
    "hononga.contacts",
    "hononga.restorative",
    "hononga.advisories",
    "hononga.tasks",
    "hononga.messaging",
    "hononga.notifications",
    "hononga.diary",
    "hononga.goals",
    "hononga.measures",
    "hononga.synthetic",
    "hononga.privacy",
]

MIDDLEWARE = [
    "hononga.core.middleware.RequestTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hononga.core.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "hononga.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hononga.urls"
WSGI_APPLICATION = "hononga.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]
# Django's form renderer, with drop-down lists written in Python (the same HTML, without two
# template includes per option): hononga/core/renderers.py.
FORM_RENDERER = "hononga.core.renderers.FormRenderer"

(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'hononga.sqlite3'}"),
        conn_max_age=60 if PRODUCTION else 0,
        # A kept connection is checked before each request reuses it (a restarted database or
        # a PgBouncer that closed it gives a new one, not an error page).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Behind PgBouncer in transaction mode a server-side cursor cannot outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Safe under concurrent writers (see shared/TOOLING.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if HONONGA_ENV == "test":
    # Speed only: the test suite creates many users. Production and development use argon2.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: after 5 failures for one username from one address, that username is locked
# from that address for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "hononga.accounts.lockout.username_for_lockout"  # fits axes' column
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Second factor (TOTP with recovery codes, django-otp): every staff member must have one when
# SECOND_FACTOR_REQUIRED (on by default in production) or when an administrator requires it
# agency-wide (Manage → Security). Anyone who has one is asked for a code after the password.
# Creating an API token needs a code entered within SECOND_FACTOR_FRESH.
SECOND_FACTOR_REQUIRED = env_bool("SECOND_FACTOR_REQUIRED", default=PRODUCTION)
SECOND_FACTOR_FRESH = timedelta(minutes=10)
SECOND_FACTOR_MAX_FAILURES = 5  # wrong codes in a row, then locked for SECOND_FACTOR_LOCKOUT
SECOND_FACTOR_LOCKOUT = timedelta(minutes=15)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Hononga")

# Sessions: end after an hour without activity, and when the browser closes.
SESSION_COOKIE_AGE = 60 * 60
# Sliding expiry without a write per request: hononga.core.middleware.SlidingSessionMiddleware.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "hononga.core.views.csrf_failure"  # the friendly 403 page, not Django's default

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("mi", _("Te reo Māori"))]
django.conf.locale.LANG_INFO.setdefault(
    "mi", {"bidi": False, "code": "mi", "name": "Maori", "name_local": "Te reo Māori"}
)
LOCALE_PATHS = [BASE_DIR / "hononga" / "locale"]
# Short date formats per language (templates use |date:"SHORT_DATE_FORMAT"): hononga/formats.
FORMAT_MODULE_PATH = ["hononga.formats"]
TIME_ZONE = "Pacific/Auckland"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Outside production, serve straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Background tasks (hononga/tasks): queued in the database, run by `hononga worker`.
TASKS = {
    "default": {
        "BACKEND": "hononga.tasks.backend.DatabaseBackend",
        "QUEUES": ["default", "messages", "scheduled"],
    }
}
# The periodic jobs the workers run (tests point this at a schedule of their own).
TASKS_SCHEDULE = env("TASKS_SCHEDULE", "hononga.core.schedule.SCHEDULE")
# A worker beats this often; a task running under a worker silent for STALE_AFTER seconds is
# put back on the queue by another worker. Keep STALE_AFTER well above HEARTBEAT.
TASKS_WORKER_HEARTBEAT = env_float("TASKS_WORKER_HEARTBEAT", 5.0)
TASKS_WORKER_STALE_AFTER = env_float("TASKS_WORKER_STALE_AFTER", 60.0)
# Finished tasks are pruned hourly (`hononga tasks prune`) after these.
TASKS_KEEP_SUCCEEDED = timedelta(days=1)
TASKS_KEEP_FAILED = timedelta(days=30)

# Mail and text messages (hononga/messaging; docs/messages.md). Messages are queued in the
# database and sent by the task worker, never inside a request.
# Production: EMAIL_URL=smtp://user:password@host:587/?tls=1 (or smtps://...:465), or the usual
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS. Elsewhere every
# message is kept in the outbox (the database) and shown on the outbox page.
EMAIL_TIMEOUT = 20
if env("EMAIL_URL", ""):
    globals().update(email_settings_from_url(env("EMAIL_URL", "")))
elif PRODUCTION or env("EMAIL_HOST", ""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(env("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
else:
    EMAIL_BACKEND = "hononga.messaging.transports.OutboxEmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Hononga <hononga@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Text messages: one HTTP gateway (TEXT_GATEWAY_URL and TEXT_GATEWAY_KEY), or the outbox.
TEXT_GATEWAY_URL = env("TEXT_GATEWAY_URL", "")
TEXT_GATEWAY_KEY = env("TEXT_GATEWAY_KEY", "")
TEXT_GATEWAY_SENDER = env(
    "TEXT_GATEWAY_SENDER", ""
)  # a sender id or number, if the gateway needs one
TEXT_GATEWAY_TIMEOUT = env_float("TEXT_GATEWAY_TIMEOUT", 10.0)
# Delivery reports from the gateway are signed with this secret (HMAC-SHA256 of the body); unset,
# the status callback endpoint answers 404.
TEXT_GATEWAY_CALLBACK_SECRET = env("TEXT_GATEWAY_CALLBACK_SECRET", "")
# Production without a gateway has no text messages (never an outbox nobody reads).
TEXT_BACKEND = (
    "hononga.messaging.transports.HttpGatewayTextBackend"
    if TEXT_GATEWAY_URL
    else ""
    if PRODUCTION
    else "hononga.messaging.transports.OutboxTextBackend"
)
# The address of this site as people outside reach it: links in messages, gateway callbacks.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Links and codes in messages (one-time tokens) are shown in the stored copy — the outbox — only
# outside production; in production the stored copy has them masked.
MESSAGES_SHOW_SECRETS = not PRODUCTION and env_bool("MESSAGES_SHOW_SECRETS", default=True)

# Shared storage: a directory every app host can reach (a network file system, or a mounted
# bucket). Audit checkpoints, backups and exports go here, never to one host's local disk. The
# database user must not be able to rewrite it (audit checkpoints rely on that).
SHARED_STORAGE_DIR = Path(env("SHARED_STORAGE_DIR", str(BASE_DIR / "var" / "shared")))

# The audit key K (docs/audit.md): never in the database, never in its backups. AUDIT_KEYS
# ("id=base64,id=base64") with AUDIT_KEY_ID naming the current one, or AUDIT_KEY_FILE (JSON).
# Production refuses to start without one; development makes var/audit-keys.json; tests use a
# fixed key. Checkpoints of the chain go to shared storage (the database user cannot write it).
AUDIT_KEYS = env("AUDIT_KEYS", "")
AUDIT_KEY_ID = env("AUDIT_KEY_ID", "")
AUDIT_KEY_FILE = env("AUDIT_KEY_FILE", "")
AUDIT_KEY_FILE_CREATE = False
# (Production without a key: the system check audit.E001 stops every command that runs checks,
# and hononga/wsgi.py stops the server; collectstatic, which needs no key, still runs.)
if not (AUDIT_KEYS or AUDIT_KEY_FILE) and not PRODUCTION:
    if HONONGA_ENV == "test":
        AUDIT_KEYS = "test=dGVzdC1vbmx5LWF1ZGl0LWtleS1ub3QtZm9yLXVzZS0wMDAwMDA="
    else:
        AUDIT_KEY_FILE, AUDIT_KEY_FILE_CREATE = str(BASE_DIR / "var" / "audit-keys.json"), True
AUDIT_CHECKPOINT_DIR = Path(
    env("AUDIT_CHECKPOINT_DIR", str(SHARED_STORAGE_DIR / "audit-checkpoints"))
)
# Every checkpoint of these last days is kept; older ones are thinned to one a day
# (`hononga audit prune-checkpoints`, scheduled daily; docs/audit.md).
AUDIT_CHECKPOINT_KEEP_DAYS = int(env("AUDIT_CHECKPOINT_KEEP_DAYS", "30"))
if HONONGA_ENV == "test" and "AUDIT_CHECKPOINT_DIR" not in os.environ:
    # Test databases are made afresh; so are their checkpoint stores (pytest: one per test).
    AUDIT_CHECKPOINT_DIR = Path(tempfile.mkdtemp(prefix="hononga-test-checkpoints-"))

# Security headers. No inline script or style anywhere, so the policy can be strict.
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
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer's health check may call the host over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"

# Django's own HTML debug pages never appear outside development.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# With more than one app host, a shared cache makes the public-link rate limits exact
# (hononga/checkins/ratelimit.py); sessions and login throttling already live in the database.
if env("REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL", ""),
            "KEY_PREFIX": "hononga",
        }
    }
# The whānau space opens to tamariki and rangatahi from this age (adults always; issue 18).
WHANAU_SPACE_MIN_AGE = int(env("WHANAU_SPACE_MIN_AGE", "14"))

# Retention (hononga retention; docs/privacy.md): a record is disposed of only after it has been
# due this many days, so it shows in the daily dry-run reports first.
RETENTION_NOTICE_DAYS = int(env("RETENTION_NOTICE_DAYS", "7"))

# How long a break-glass grant lasts.
BREAK_GLASS_DURATION = timedelta(hours=4)
# API tokens expire unless renewed.
API_TOKEN_LIFETIME = timedelta(days=90)

# Paths that carry a one-time token after the prefix (the check-in links): masked in every log
# record, with API tokens, passwords and session ids (hononga/core/logfilter.py).
SECRET_PATH_PREFIXES = ["/c/"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks secrets: add "filters": ["mask_secrets"] to any handler added here.
    "filters": {"mask_secrets": {"()": "hononga.core.logfilter.MaskSecretsFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # One line per request with its server time (RequestTimingMiddleware).
        "hononga.requests": {
            "level": env("REQUEST_LOG_LEVEL", "WARNING" if HONONGA_ENV == "test" else "INFO")
        },
        # Django's own handlers (console when DEBUG, mail_admins) do not mask: replace them, so
        # its records (django.request, django.security.*, django.server) reach only ours.
        "django": {"level": "INFO", "handlers": [], "propagate": True},
        "django.server": {"level": "INFO", "handlers": [], "propagate": True},
    },
}

# Goals (docs/goals.md): a change of at least this many points between a goal's first rating
# and a later one is reliable (CORC's Goal Based Outcomes: 2.45); a goal with no rating for this
# many days is due.
GOALS_RELIABLE_CHANGE = env_float("GOALS_RELIABLE_CHANGE", 2.45)
GOALS_DUE_DAYS = int(env_float("GOALS_DUE_DAYS", 42))
