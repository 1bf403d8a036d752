"""Celery on Redis: JSON messages with record ids only, late acknowledgement, time limits, the retries of
the service's own jobs (core/jobs.py) and the one beat (nrm/beat.py). docs/architecture.md, Jobs."""

from __future__ import annotations

from nrm.settings_databases import REDIS_URL
from nrm.settings_environment import NRM_ENVIRONMENT, env

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
# After a publish fails, this process leaves the broker alone this long (core/outbox.py's breaker).
NRM_OUTBOX_RETRY_AFTER_SECONDS = env.float("OUTBOX_RETRY_AFTER_SECONDS", default=5.0)
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
