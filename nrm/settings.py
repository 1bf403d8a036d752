"""Settings for the NRM case-management service, read from the environment.

Every variable is documented in `.env.example`. Three environments:

- ``development`` (default): DEBUG on, embedded PostgreSQL and Redis unless
  DATABASE_URL / REDIS_URL are set.
- ``test``: as development but fast password hashing; used by pytest.
- ``production``: refuses to start with DEBUG on or without a real secret key,
  and turns on every HTTPS protection so that ``check --deploy`` is clean.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.backoff import NoBackoff
from redis.retry import Retry

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

NRM_ENVIRONMENT = env.str("NRM_ENVIRONMENT", default="development")
if NRM_ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured("NRM_ENVIRONMENT must be development, test or production.")
IS_PRODUCTION = NRM_ENVIRONMENT == "production"

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105 - refused in production
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION)

if IS_PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to start with DEBUG on.")
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Production needs SECRET_KEY: at least 50 random characters, not the development default."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Where the embedded servers, uploaded documents and other runtime files live.
DATA_DIR = Path(env.str("NRM_DATA_DIR", default=str(BASE_DIR / "var")))

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

# --- Database and Redis: the real engines always; embedded servers when no URL is given. ---
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from nrm.embedded import embedded_postgres_url

    DATABASES = {"default": env.db_url_config(embedded_postgres_url(DATA_DIR))}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Timeouts: a dead or hung PostgreSQL costs a request seconds, not a thread for minutes. connect_timeout
# is whole seconds (libpq); statement_timeout is enforced by the server (0 turns it off, as the
# migrate container does for a long index build: docs/operations.md).
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=60_000)
DATABASES["default"].setdefault("OPTIONS", {}).update({
    "connect_timeout": DATABASE_CONNECT_TIMEOUT,
    "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
})
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_" + DATABASES["default"]["NAME"])}
# A read replica for the monitoring report's queries (core/db_router.py); everything else uses default.
if env.str("REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = {**env.db_url("REPLICA_DATABASE_URL"), "ENGINE": "django.db.backends.postgresql",
                            "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"], "CONN_HEALTH_CHECKS": True,
                            "OPTIONS": dict(DATABASES["default"]["OPTIONS"]),
                            "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.db_router.ReportReplicaRouter"]

if env.str("REDIS_URL", default=""):
    REDIS_URL = env.str("REDIS_URL")
else:
    from nrm.embedded import embedded_redis_url

    REDIS_URL = embedded_redis_url(DATA_DIR)

# Redis is an optimisation (core/cache.py): short timeouts, no retries, and an outage falls back to each
# process's memory for a few seconds at a time instead of raising. Nothing that must survive lives in it.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "core.cache.TolerantRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=f"nrm-{NRM_ENVIRONMENT}"),
        "RETRY_AFTER": env.float("REDIS_RETRY_AFTER_SECONDS", default=5),
        "FALLBACK_MAX_TIMEOUT": 60,
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT,
            "socket_timeout": REDIS_TIMEOUT,
            "retry": Retry(NoBackoff(), 0),
            "health_check_interval": 30,
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and sign-in ---
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if NRM_ENVIRONMENT == "test":
    # Hashing cost is irrelevant to what the tests prove and dominates their run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Sessions in PostgreSQL only: a Redis outage must not sign anyone out, and a sign-out during one must
# not come back to life from a stale cached copy when Redis returns (docs/operations.md).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_ABSOLUTE_TIMEOUT_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True  # every request pushes the idle deadline forward
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = "National Referral Mechanism"
# No growing delay on the device: it refused the real user's code too, so anyone with the password could
# keep them out. Wrong codes count towards the account's lockout instead, which a manager can end.
OTP_TOTP_THROTTLE_FACTOR = 0

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
# Per account, whatever the address: the account locks everywhere, not only where the guesses came from.
# (The per-address limit is organisations.throttles, counted in the Django cache.)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "email"
# One identity for lockout, sign-in and throttles: the address case-folded (organisations.identity).
AXES_USERNAME_CALLABLE = "organisations.identity.sign_in_identity"
# A right password alone must not clear wrong codes: only a full sign-in (password and code) does
# (organisations.services.second_factor_verified), or a manager's or administrator's recorded reset.
AXES_RESET_ON_SUCCESS = False
# axes.W006 asks for ip_address in AXES_LOCKOUT_PARAMETERS; the per-address limit is ours (below), so the
# account locks everywhere without one attacker's address locking a whole office behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Failed sign-ins (wrong password or wrong code) from one client address, whichever accounts they name.
SIGN_IN_ADDRESS_FAILURE_LIMIT = env.int("SIGN_IN_ADDRESS_FAILURE_LIMIT", default=20)
SIGN_IN_ADDRESS_WINDOW = timedelta(minutes=env.int("SIGN_IN_ADDRESS_WINDOW_MINUTES", default=30))
AXES_LOCKOUT_TEMPLATE = "organisations/locked_out.html"
# Reverse proxies in front of the service: the client address is this many hops from the right of
# X-Forwarded-For. Lockout, throttling and the audit trail all use the same answer.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"
AXES_VERBOSE = False

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people hold no grants

# --- API ---
REST_FRAMEWORK = {
    # Domain errors (core.errors) answer 403/404/409/400 with their message and field errors.
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.authentication.ExpiringTokenAuthentication",
        "organisations.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: one body format to validate and document (forms and multipart add nothing here).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.paging.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_TOKEN_RATE", default="10/minute"),
        "token_account": env.str("API_TOKEN_ACCOUNT_RATE", default="10/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if IS_PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Without this DRF trusts any X-Forwarded-For, and a client could dodge the token throttle.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=8))
SPECTACULAR_SETTINGS = {
    "TITLE": "National Referral Mechanism case-management API",
    "DESCRIPTION": "Machine access to the NRM service. Obtain a token at /api/v1/auth/token/ "
    "and send it as `Authorization: Token <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar wheel: no CDN, nothing downloaded at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nrm.schema_hooks.add_error_responses",
        "nrm.schema_hooks.forbid_nul_characters",
    ],
    # Several models have a "status": name each set of choices after what it belongs to.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "DecisionStatusEnum": "decisions.models.DecisionStatus",
        "DecisionOutcomeEnum": "decisions.models.Outcome",
        "ReferralKindEnum": "referrals.models.ReferralKind",
        "CareEntryKindEnum": "victim_care.models.EntryKind",
        "SupportStatusEnum": "victim_care.models.SupportStatus",
    },
}

# --- Celery ---
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
# Short socket timeouts and no publish retries: a request that publishes while Redis is down or hung
# waits at most one timeout, and the outbox (core/outbox.py) sends the task when Redis is back.
CELERY_BROKER_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT_SECONDS", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 60,
                                   "socket_timeout": CELERY_BROKER_TIMEOUT,
                                   "socket_connect_timeout": CELERY_BROKER_TIMEOUT,
                                   "max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/London"
# Notices, reminders and reports (core/jobs.py): transient failures retried with doubling backoff, capped
# below the broker's visibility timeout so a waiting retry is never delivered twice; then FAILED, on the desk.
NRM_TASK_RETRY_BASE_SECONDS = env.float("NRM_TASK_RETRY_BASE_SECONDS", default=30)
NRM_TASK_RETRY_MAX_SECONDS = min(env.float("NRM_TASK_RETRY_MAX_SECONDS", default=600), CELERY_TASK_TIME_LIMIT)
NRM_TASK_MAX_RETRIES = env.int("NRM_TASK_MAX_RETRIES", default=8)
# Only one beat sends the schedule (nrm/beat.py): the others wait on this PostgreSQL advisory lock.
CELERY_BEAT_SCHEDULER = "nrm.beat.SingleBeatScheduler"
NRM_BEAT_LOCK_ID = env.int("NRM_BEAT_LOCK_ID", default=0x4E524D42)  # "NRMB"
# Celery logs through the LOGGING below (JSON), not a format of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default=f"nrm-{NRM_ENVIRONMENT}")

# --- Email: a reference and a link only, never personal details. ---
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not IS_PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=IS_PRODUCTION)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)  # a hung mail server fails the send; the task retries
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="nrm-no-reply@nrm.example.gov.uk")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
# GOV.UK Notify instead of SMTP: EMAIL_BACKEND=core.notify.NotifyEmailBackend plus these two.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_EMAIL_TEMPLATE_ID = env.str("NOTIFY_EMAIL_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
NOTIFY_TIMEOUT = env.float("NOTIFY_TIMEOUT_SECONDS", default=10)

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

# --- Security headers and cookies ---
# No inline script or style: the one inline script (GOV.UK's js-enabled switch) carries a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=IS_PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=IS_PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=IS_PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live|/ready)?$", r"^metrics$"]
if env.bool("BEHIND_TLS_PROXY", default=IS_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging: identifiers only, never personal data. ---
# One JSON object per line on standard output, times in UTC, with the request id, user id and task id
# (core/logs.py; a sample in docs/operations.md). LOG_FORMAT=plain for a developer's terminal.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "context": {"()": "core.logs.ContextFilter"},
        "quiet_refusals": {"()": "core.logs.QuietExpectedRefusals"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                             "formatter": "json" if LOG_FORMAT == "json" else "plain",
                             "filters": ["context", "quiet_refusals"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "pgserver": {"level": "WARNING"},
        # Our access log (core.middleware) replaces runserver's and gunicorn's.
        "django.server": {"level": "WARNING"},
    },
}

# --- Error reporting: Sentry when SENTRY_DSN is set; never personal data (docs/operations.md). ---
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    from core.logs import scrub_sentry_event

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default=NRM_ENVIRONMENT),
        release=env.str("SENTRY_RELEASE", default="") or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,  # no cookies, no user details, no client address
        include_local_variables=False,  # a frame's variables can hold a victim's details
        max_request_body_size="never",
        traces_sample_rate=0.0,
        before_send=scrub_sentry_event,
    )

# --- Metrics: /metrics for an internal Prometheus scraper with this bearer token; 404 when unset. ---
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# --- Service settings (domain figures arrive with the issues that use them). ---
SERVICE_NAME = "National Referral Mechanism"
PHASE = env.str("SERVICE_PHASE", default="beta")
# Published demo credentials: seed_demo refuses to run with DEBUG off unless --force.
DEMO_TOTP_SECRET = "NRMDEMOTOTPSECRETKEYFORDEMOONLY2"  # noqa: S105
DEMO_PASSWORD = "nrm-demo-password"  # noqa: S105
PGHISTORY_APPEND_ONLY = True  # change history cannot be edited or deleted by the application

# The NRM's rules and time limits, and the reminders' timings: in a module of their own (nrm/settings_rules.py).
from nrm.settings_rules import *  # noqa: E402, F403

# Migrations wait at most this long for a table lock, then fail and can be run again (core/migration_ops.py).
MIGRATION_LOCK_TIMEOUT_MS = env.int("MIGRATION_LOCK_TIMEOUT_MS", default=5000)
