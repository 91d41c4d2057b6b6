"""Rung's settings: one file, configured by environment variables.

Every variable is listed in the README's table. SQLite is the default so that a fresh clone
runs with nothing installed; DATABASE_URL switches to PostgreSQL.
"""

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from rung.lib.env import ConfigError, env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("RUNG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# pytest is detected so a test run never needs configuring (and never touches a developer's real
# files); mypy's Django plugin loads these settings too, to type-check, never to serve.
_UNDER_PYTEST = "pytest" in sys.modules
_DEVELOPMENT = DEBUG or _UNDER_PYTEST or "mypy" in sys.modules
SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not _DEVELOPMENT:
        # A public key signs sessions, password-reset links and CSRF tokens anyone could forge.
        raise ConfigError(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`, or set DEBUG=true on a "
            "development machine."
        )
    # Only good for a developer's machine and the test suite; `check --deploy` flags it.
    SECRET_KEY = "django-insecure-rung-development-key-do-not-use-in-production"

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Rung")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "rung.audit",
    "rung.accounts",
    "rung.profiles",
    "rung.orgs",
    "rung.notifications",
    "rung.payees",
    "rung.ledger",
    "rung.projects",
    "rung.applications",
    "rung.engagements",
    "rung.reviews",
    "rung.messaging",
    "rung.mentoring",
    "rung.recognition",
    "rung.education",
    "rung.showcase",
    "rung.outcomes",
    "rung.pilots",
    "rung.pathways",
    "rung.dashboard",
    "rung.demo",
    "rung.credentials",
    "rung.webhooks",
    "rung.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Body size, multipart boundary, NUL characters, the API's media types and its JSON errors.
    "rung.lib.edge.RequestGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rung.lib.request_context.RequestContextMiddleware",
    "rung.lib.ratelimit_middleware.ApiRateLimitMiddleware",
]

ROOT_URLCONF = "rung.urls"
WSGI_APPLICATION = "rung.wsgi.application"

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
                "rung.dashboard.context_processors.site",
                "rung.notifications.context_processors.unread_count",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            # A restarted database must not turn the next request into a 500.
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "rung.sqlite3")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
                # one failing with "database is locked" halfway through a transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "dashboard:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in throttling (docs/operations.md): failures earn an exponentially growing wait per (e-mail,
# address) pair after LOGIN_FAILURE_LIMIT free ones, and per address after LOGIN_IP_FAILURE_LIMIT (higher:
# a campus or an office shares one address). Never per account alone, so nobody can lock someone out.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30)
LOGIN_BACKOFF_BASE_SECONDS = env_int("LOGIN_BACKOFF_BASE_SECONDS", 2)
LOGIN_BACKOFF_MAX_SECONDS = env_int("LOGIN_BACKOFF_MAX_SECONDS", 900)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 3600)
# E-mails a person can ask for (password reset, a new confirmation link), per hour: per account and per address.
EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR = env_int("EMAIL_REQUESTS_PER_ACCOUNT_PER_HOUR", 3)
EMAIL_REQUESTS_PER_IP_PER_HOUR = env_int("EMAIL_REQUESTS_PER_IP_PER_HOUR", 20)
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 24 * 3600)
INVITATION_TTL_DAYS = env_int("INVITATION_TTL_DAYS", 7)

# --- E-mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rung <no-reply@rung.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_bool("USE_SMTP", False):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_secret("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # The demo and development print every e-mail to the terminal.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Background tasks ---------------------------------------------------------------------
# Immediate by default (the demo and the tests); a real worker (`rung worker`) in production.
if env_bool("USE_TASK_WORKER", False):
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# --- Caches and sessions ------------------------------------------------------------------
# Rate-limit and log-in-throttle counters live in the cache, so every web process must share it:
# Redis when REDIS_URL is set (several processes or machines), local memory otherwise (one process).
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "rung"),
            "TIMEOUT": 300,
        }
    }
    # Sessions in Redis: any web process serves any request. "Log out everywhere" and a password
    # change end sessions through the user's session hash, wherever the sessions are kept.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rung"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- API rate limits ----------------------------------------------------------------------
# Fixed windows of API_RATE_LIMIT_WINDOW_SECONDS; over a limit the API answers 429 with Retry-After.
# 0 switches a limit off.
API_RATE_LIMIT_WINDOW_SECONDS = env_int("API_RATE_LIMIT_WINDOW_SECONDS", 60)
API_RATE_LIMIT_PER_TOKEN = env_int("API_RATE_LIMIT_PER_TOKEN", 120)
API_RATE_LIMIT_PER_IP = env_int("API_RATE_LIMIT_PER_IP", 300)
# Requests with a token that is not valid, per address: guessing tokens is refused early.
API_RATE_LIMIT_BAD_TOKENS_PER_IP = env_int("API_RATE_LIMIT_BAD_TOKENS_PER_IP", 20)

# --- Security -----------------------------------------------------------------------------
USE_HTTPS = env_bool("USE_HTTPS", False)
SECURE_SSL_REDIRECT = USE_HTTPS
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if USE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = USE_HTTPS
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# --- Internationalisation, static files ---------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),  # the pilot dashboards' charts
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # collectstatic fills it in production
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files (submissions, message attachments) and backups copied off the machine go through
# Django's storage API: MEDIA_ROOT on this disk by default, or an S3-compatible bucket when
# RUNG_S3_BUCKET is set, so several web processes and workers on several machines see the same files
# (docs/operations.md). Objects are private: every download streams through Rung's permission check.
RUNG_S3_BUCKET = env_str("RUNG_S3_BUCKET")
if RUNG_S3_BUCKET:
    _DEFAULT_STORAGE: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": RUNG_S3_BUCKET,
            "endpoint_url": env_str("RUNG_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, Garage, R2 …; AWS: unset
            "region_name": env_str("RUNG_S3_REGION") or None,
            # Unset: boto3 finds credentials itself (instance role, AWS_* variables, ~/.aws).
            "access_key": env_secret("RUNG_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_secret("RUNG_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("RUNG_S3_PREFIX").strip("/"),
            "addressing_style": env_str("RUNG_S3_ADDRESSING_STYLE") or None,  # "path" for most self-hosted stores
            "default_acl": None,  # the bucket's own policy: keep it private
            "file_overwrite": False,  # a second upload with the same name gets a new name, as on disk
            "querystring_auth": True,
            "querystring_expire": env_int("RUNG_S3_URL_SECONDS", 300),
        },
    }
    if _DEFAULT_STORAGE["OPTIONS"]["addressing_style"] not in {None, "path", "virtual", "auto"}:
        raise ConfigError("RUNG_S3_ADDRESSING_STYLE must be path, virtual or auto.")
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("USE_MANIFEST_STATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django.tasks": {"level": "WARNING"}},
}

# --- Credentials --------------------------------------------------------------------------
# Open Badges 3.0 credentials (docs/credentials.md). The issuer is did:web:<host of SITE_URL>, its
# DID document served at /.well-known/did.json; "key" makes it a did:key, for deployments without
# a public HTTPS host. A did:web is always resolved over https, so with an http SITE_URL (the demo)
# the default is did:key, and asking for did:web there is refused outside DEBUG: every wallet would
# report the genuine credentials as having a bad signature.
CREDENTIALS_DID_METHOD = env_str("CREDENTIALS_DID_METHOD", "web" if SITE_URL.startswith("https://") else "key")
if CREDENTIALS_DID_METHOD not in {"web", "key"}:
    raise ConfigError(f"CREDENTIALS_DID_METHOD must be web or key, not {CREDENTIALS_DID_METHOD!r}")
if CREDENTIALS_DID_METHOD == "web" and not SITE_URL.startswith("https://") and not DEBUG:
    raise ConfigError(
        f"CREDENTIALS_DID_METHOD=web needs an https SITE_URL (it is {SITE_URL}): wallets resolve a did:web "
        "only over https, so every credential would fail to verify. Set SITE_URL to the public https "
        "address, or CREDENTIALS_DID_METHOD=key."
    )
CREDENTIALS_ISSUER_NAME = env_str("CREDENTIALS_ISSUER_NAME", SITE_NAME)
# Where Rung's own signing keys live, each private key encrypted with the passphrase (`rung credentials
# keys`): "database" (every web process and worker on every machine shares them; a key file found at
# CREDENTIALS_KEY_FILE is imported on first use) or "file" (CREDENTIALS_KEY_FILE alone, e.g. a secret
# mounted read-only on every machine). The tests default to "file"; the database store has its own.
CREDENTIALS_KEY_STORE = env_str("CREDENTIALS_KEY_STORE", "file" if _UNDER_PYTEST else "database")
if CREDENTIALS_KEY_STORE not in {"database", "file"}:
    raise ConfigError(f"CREDENTIALS_KEY_STORE must be database or file, not {CREDENTIALS_KEY_STORE!r}")
# A process reads the keys from the database at most this often (another process's rotation shows
# within it; the retired key keeps verifying meanwhile).
CREDENTIALS_KEY_CACHE_SECONDS = env_int("CREDENTIALS_KEY_CACHE_SECONDS", 30)
CREDENTIALS_KEY_FILE = Path(env_str("CREDENTIALS_KEY_FILE", str(VAR_DIR / "credentials-keys.json")))
CREDENTIALS_KEY_PASSPHRASE = env_secret("CREDENTIALS_KEY_PASSPHRASE")
# Create a key on first use instead of refusing to issue. Fine for the demo, development and the tests;
# production keys are made deliberately with `rung credentials keys generate`. pytest is detected so a
# test run never needs configuring; the credential tests also point the key file at a scratch path.
CREDENTIALS_AUTO_GENERATE_KEY = env_bool("CREDENTIALS_AUTO_GENERATE_KEY", DEBUG or _UNDER_PYTEST)
if not CREDENTIALS_KEY_PASSPHRASE:
    if not _DEVELOPMENT:
        raise ConfigError(
            "CREDENTIALS_KEY_PASSPHRASE (or CREDENTIALS_KEY_PASSPHRASE_FILE) must be set when DEBUG is off: "
            "it encrypts the credential signing keys. Set DEBUG=true on a development machine."
        )
    # Keys stay encrypted, but with a passphrase anyone can read here: development and tests only.
    CREDENTIALS_KEY_PASSPHRASE = "rung-development-credentials-passphrase"
if _UNDER_PYTEST and "CREDENTIALS_KEY_FILE" not in os.environ:
    # A test run must never create or use a developer's real key file.
    CREDENTIALS_KEY_FILE = Path(tempfile.gettempdir()) / f"rung-test-credentials-keys-{os.getpid()}.json"

# --- Request limits -----------------------------------------------------------------------
# A body larger than this is refused from its Content-Length, before it is read (413). Form fields
# (not files) are held in memory up to DATA_UPLOAD_MAX_MEMORY_SIZE; uploads beyond
# FILE_UPLOAD_MAX_MEMORY_SIZE are streamed to a temporary file.
REQUEST_MAX_BODY_MB = env_int("REQUEST_MAX_BODY_MB", 50)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploaded archives: at most this much once inflated, and no entry inflating more than this ratio.
UPLOAD_MAX_INFLATED_MB = env_int("UPLOAD_MAX_INFLATED_MB", 200)
UPLOAD_MAX_COMPRESSION_RATIO = env_int("UPLOAD_MAX_COMPRESSION_RATIO", 100)
UPLOAD_MAX_ARCHIVE_ENTRIES = env_int("UPLOAD_MAX_ARCHIVE_ENTRIES", 2000)

# --- Submissions --------------------------------------------------------------------------
# What an intern may hand in for a milestone (docs/reviews.md). Each file is checked by its
# extension and by its content; anything a browser could run (HTML, SVG, programs) is refused.
SUBMISSION_MAX_FILE_MB = env_int("SUBMISSION_MAX_FILE_MB", 20)
SUBMISSION_ALLOWED_TYPES = env_list(
    "SUBMISSION_ALLOWED_TYPES", ["pdf", "png", "jpg", "jpeg", "txt", "md", "csv", "zip", "docx", "xlsx", "pptx"]
)
# A candidate's profile photo: PNG or JPEG up to this size, re-encoded as a JPEG no larger than
# PROFILE_PHOTO_MAX_PX on its longer side (which also drops EXIF, GPS and any hidden payload).
PROFILE_PHOTO_MAX_MB = env_int("PROFILE_PHOTO_MAX_MB", 5)
PROFILE_PHOTO_MAX_PX = env_int("PROFILE_PHOTO_MAX_PX", 512)
# Two-sided ratings are shown to the other side when both are in, or this many days after the
# engagement ended, whichever comes first; the rating window closes then.
RATING_REVEAL_DAYS = env_int("RATING_REVEAL_DAYS", 14)

# --- Platform policy ----------------------------------------------------------------------
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 20)
# The latest date a project may name (deadlines, start dates): this many days from today.
DATE_HORIZON_DAYS = env_int("DATE_HORIZON_DAYS", 730)
# Fair pay: stipend ÷ estimated hours must reach max(local minimum wage, this), in the project's currency.
FAIR_PAY_FLOOR_PER_HOUR = env_str("FAIR_PAY_FLOOR_PER_HOUR", "20.00")
DECISION_DEADLINE_DAYS = env_int("DECISION_DEADLINE_DAYS", 10)
REVIEW_DEADLINE_DAYS = env_int("REVIEW_DEADLINE_DAYS", 5)

# --- Money --------------------------------------------------------------------------------
# Stipends, escrow and payouts (docs/money.md). Employers pay in through PAYMENT_PROVIDER: "invoice"
# (a bank transfer quoting a reference, which staff confirm). Interns are paid through PAYOUT_PROVIDER:
# "batch_export" (a CSV staff pay through the bank, then mark paid). "sandbox" is a FAKE for each that
# moves no money and confirms at once: it is allowed only with USE_SANDBOX_PAYMENTS, on by default with
# DEBUG (the demo) and under pytest, so a production site can never count money that never moved.
USE_SANDBOX_PAYMENTS = env_bool("USE_SANDBOX_PAYMENTS", DEBUG or _UNDER_PYTEST)
PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "sandbox" if DEBUG and USE_SANDBOX_PAYMENTS else "invoice")
PAYOUT_PROVIDER = env_str("PAYOUT_PROVIDER", "sandbox" if DEBUG and USE_SANDBOX_PAYMENTS else "batch_export")
_SANDBOXED = [
    name
    for name, value in (("PAYMENT_PROVIDER", PAYMENT_PROVIDER), ("PAYOUT_PROVIDER", PAYOUT_PROVIDER))
    if value == "sandbox"
]
if _SANDBOXED and not USE_SANDBOX_PAYMENTS:
    raise ImproperlyConfigured(
        f'{" and ".join(_SANDBOXED)} {"is" if len(_SANDBOXED) == 1 else "are"} set to "sandbox", a fake that '
        "moves no money, but USE_SANDBOX_PAYMENTS is off. Use the real providers (PAYMENT_PROVIDER=invoice, "
        "PAYOUT_PROVIDER=batch_export), or set USE_SANDBOX_PAYMENTS=true on a demo or development site only."
    )
# Percentages as text ("10", "12.5"): the platform fee on top of the stipends at funding, and the share of
# the unreleased stipend an intern is paid when an engagement is cancelled after it started.
PLATFORM_FEE_PERCENT = env_str("PLATFORM_FEE_PERCENT", "10")
KILL_FEE_PERCENT = env_str("KILL_FEE_PERCENT", "25")
# Interns are paid within this many business days of approval; later payouts are shown to staff as overdue.
PAYOUT_TARGET_BUSINESS_DAYS = env_int("PAYOUT_TARGET_BUSINESS_DAYS", 3)

# Payout details (bank accounts, tax identifiers) are encrypted at rest with these Fernet keys,
# comma-separated, newest first (docs/money.md). Development and tests get a fixed key anyone can
# read; any other site refuses to start without one.
PAYOUT_DETAILS_KEY = env_secret("PAYOUT_DETAILS_KEY")
if not PAYOUT_DETAILS_KEY and (DEBUG or _UNDER_PYTEST):
    PAYOUT_DETAILS_KEY = "cnVuZy1kZXZlbG9wbWVudC1wYXlvdXQta2V5LTMyYiE="
# Without a key (production): `rung check` fails (rung.payees.checks) and any read or write of
# payout details refuses with a message naming the variable; tooling such as mypy still loads.
# Rung's own account, the debtor of SEPA credit transfer files (pain.001) for payout batches.
PAYOUT_DEBTOR_NAME = env_str("PAYOUT_DEBTOR_NAME", SITE_NAME)
PAYOUT_DEBTOR_IBAN = env_str("PAYOUT_DEBTOR_IBAN", "")
PAYOUT_DEBTOR_BIC = env_str("PAYOUT_DEBTOR_BIC", "")

# --- Domain events ------------------------------------------------------------------------
# Subscribers (notifications, webhooks, metrics) run after commit; in production one failing subscriber
# is logged and the others still run. Under pytest a failing subscriber fails the test instead.
EVENTS_ROBUST = env_bool("EVENTS_ROBUST", not _UNDER_PYTEST)

# --- Mentoring ----------------------------------------------------------------------------
# docs/mentoring.md. A mentor answers a pairing within this many days, or the intern is matched again.
MENTORING_RESPONSE_DAYS = env_int("MENTORING_RESPONSE_DAYS", 3)
# Accreditation: every training module passed, and this evidence of practice.
MENTOR_ACCREDITATION_MIN_CHECKINS = env_int("MENTOR_ACCREDITATION_MIN_CHECKINS", 6)
MENTOR_ACCREDITATION_MIN_RATING = env_str("MENTOR_ACCREDITATION_MIN_RATING", "4.0")
MENTOR_ACCREDITATION_MONTHS = env_int("MENTOR_ACCREDITATION_MONTHS", 12)
MENTOR_ACCREDITATION_RENEW_DAYS = env_int("MENTOR_ACCREDITATION_RENEW_DAYS", 60)  # renewable this long before it lapses

# --- Outcomes, pathways and webhooks --------------------------------------------------------
# docs/pathways.md. A hire counts as "within six months" when its start date is within this many
# months of the end of the candidate's last engagement with that employer.
OUTCOMES_HIRE_WINDOW_MONTHS = env_int("OUTCOMES_HIRE_WINDOW_MONTHS", 6)
# The "where are you now?" follow-ups, in months after an engagement ends; the one-click link lasts
# this many days.
OUTCOMES_FOLLOW_UP_MONTHS = [int(m) for m in env_list("OUTCOMES_FOLLOW_UP_MONTHS", ["3", "6"])]
OUTCOMES_FOLLOW_UP_LINK_DAYS = env_int("OUTCOMES_FOLLOW_UP_LINK_DAYS", 60)

# --- Pilots (docs/pilots.md) -------------------------------------------------------------------
# The self-reported, opt-in diversity questions this deployment asks (any of: gender, ethnicity,
# first_generation, disability, age_band; empty asks none).
PILOTS_DIVERSITY_FIELDS = env_list(
    "PILOTS_DIVERSITY_FIELDS", ["gender", "ethnicity", "first_generation", "disability", "age_band"]
)

# Webhooks (docs/webhooks.md): attempts per delivery, backoff base × 2^(n−1) capped, a rotated
# secret still signs for the grace period, receivers must answer within the timeout.
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_BACKOFF_BASE_SECONDS = env_int("WEBHOOKS_BACKOFF_BASE_SECONDS", 60)
WEBHOOKS_BACKOFF_MAX_SECONDS = env_int("WEBHOOKS_BACKOFF_MAX_SECONDS", 6 * 3600)
WEBHOOKS_SECRET_GRACE_HOURS = env_int("WEBHOOKS_SECRET_GRACE_HOURS", 24)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10)
# With `rung worker`: the longest wait between two passes over due retries (`webhooks.tasks`).
WEBHOOKS_RETRY_PASS_SECONDS = env_int("WEBHOOKS_RETRY_PASS_SECONDS", 60)
# Only for development and tests: send to http:// and to private or loopback addresses.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", DEBUG)
WEBHOOKS_ALLOW_PRIVATE_URLS = env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS", DEBUG)
