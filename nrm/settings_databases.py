"""PostgreSQL and Redis: the real engines always, embedded servers (nrm/embedded.py) when no URL is given.
The timeouts keep a dead or hung server from holding a request or a worker for minutes."""

from __future__ import annotations

from redis.backoff import NoBackoff
from redis.retry import Retry

from nrm.settings_environment import DATA_DIR, NRM_ENVIRONMENT, env

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
