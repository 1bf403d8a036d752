"""Settings for the NRM case-management service, read from the environment: the composition point
(DJANGO_SETTINGS_MODULE), which gathers the themed modules beside it and holds the apps, middleware,
templates, time zone and static files.

Every variable is documented in `.env.example`. Three environments:

- ``development`` (default): DEBUG on, embedded PostgreSQL and Redis unless
  DATABASE_URL / REDIS_URL are set.
- ``test``: as development but fast password hashing; used by pytest.
- ``production``: refuses to start with DEBUG on or without a real secret key,
  and turns on every HTTPS protection so that ``check --deploy`` is clean.

Each theme is a module of its own, so a setting is found by what it is about:

- `settings_environment`: the environment, secret key, debug, hosts, proxies, runtime folder (reads `.env`);
- `settings_databases`: PostgreSQL, the read replica, Redis and the cache;
- `settings_sign_in`: users, passwords, sessions, the second factor, lockout;
- `settings_api`: Django REST Framework and the OpenAPI schema;
- `settings_jobs`: Celery and the beat;
- `settings_email`: email and GOV.UK Notify;
- `settings_security`: the Content Security Policy, HTTPS, secure cookies;
- `settings_observability`: logging, Sentry, metrics;
- `settings_rules`: the NRM's rules, time limits and reminder timings (`NRM_*`).
"""

from __future__ import annotations

from pathlib import Path

from nrm.settings_api import *  # noqa: F403
from nrm.settings_databases import *  # noqa: F403
from nrm.settings_email import *  # noqa: F403
from nrm.settings_environment import *  # noqa: F403
from nrm.settings_environment import BASE_DIR, DATA_DIR, DEBUG, NRM_ENVIRONMENT, env
from nrm.settings_jobs import *  # noqa: F403
from nrm.settings_observability import *  # noqa: F403
from nrm.settings_rules import *  # noqa: F403
from nrm.settings_security import *  # noqa: F403
from nrm.settings_sign_in import *  # noqa: F403

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_celery_beat",
    # The service's own apps, bottom layer first (see docs/architecture.md).
    "core",
    "audit",
    "organisations",
    "referrals",
    "decisions",
    "victim_care",
    "reminders",
    "monitoring",
    "data_protection",
    "nrm",
]

MIDDLEWARE = [
    # First: the request id, the access log and the request metrics cover everything below.
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Headers for every response, including redirects and refusals made by the middleware below.
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    # /healthz/live, /healthz/ready and /metrics, answered before anything checks the Host header.
    "nrm.middleware.OperationsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "organisations.middleware.SessionTimeoutMiddleware",
    "organisations.middleware.RequireTwoFactorMiddleware",
    "audit.middleware.AuditHistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Axes last: it turns lockouts raised by authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nrm.urls"
WSGI_APPLICATION = "nrm.wsgi.application"

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
                "nrm.context_processors.service",
            ],
        },
    },
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation and time: store aware datetimes, show UK local time. ---
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files: GOV.UK Frontend and MoJ Frontend from npm, compiled by `npm run build`. ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static_build"]
STORAGES = {
    # Documents and stored reports; another Django storage backend (object storage) for many machines.
    "default": {"BACKEND": env.str("DOCUMENT_STORAGE_BACKEND",
                                   default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and NRM_ENVIRONMENT != "test"
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development and tests serve assets straight from static_build/ without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or NRM_ENVIRONMENT == "test"
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
# Uploaded evidence lives outside the web root and is never served as static content.
MEDIA_ROOT = Path(env.str("DOCUMENT_STORAGE_DIR", default=str(DATA_DIR / "documents")))

# --- The service: its name and phase, and the demo credentials. ---
SERVICE_NAME = "National Referral Mechanism"
PHASE = env.str("SERVICE_PHASE", default="beta")
# Published demo credentials: seed_demo refuses to run with DEBUG off unless --force.
DEMO_TOTP_SECRET = "NRMDEMOTOTPSECRETKEYFORDEMOONLY2"  # noqa: S105
DEMO_PASSWORD = "nrm-demo-password"  # noqa: S105
PGHISTORY_APPEND_ONLY = True  # change history cannot be edited or deleted by the application

# Migrations wait at most this long for a table lock, then fail and can be run again (core/migration_ops.py).
MIGRATION_LOCK_TIMEOUT_MS = env.int("MIGRATION_LOCK_TIMEOUT_MS", default=5000)
