"""Logs, error reports and metrics, with identifiers only, never personal data (docs/operations.md)."""

from __future__ import annotations

from nrm.settings_environment import NRM_ENVIRONMENT, env

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
