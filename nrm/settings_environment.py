"""Where the service runs: the environment it is in (development, test or production), the secret key and
debug switch that production holds to safe values, the host names, the proxies in front of it, and the
folder for runtime files. It reads `.env` in the project folder into the environment first (real
environment variables win), so every other settings module that takes `env` from here reads it too."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

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

# Reverse proxies in front of the service: the client address is this many hops from the right of
# X-Forwarded-For. Lockout, throttling and the audit trail all use the same answer.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
