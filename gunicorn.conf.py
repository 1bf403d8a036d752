"""gunicorn's settings for every way the service is run (the Dockerfile, docker-compose, bench/load.py):
gunicorn reads this file from the working directory.

Threaded workers: a sync worker serves one connection at a time and waits on it while the client is
slow to send its request (a browser on a poor connection, a keep-alive connection between pages), so
a handful of slow clients stall the service. A gthread worker's threads each take a connection, and
while one waits on the network or the database the others run. Processes scale with cores
(WEB_CONCURRENCY), threads with how much of a request is waiting (GUNICORN_THREADS)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
keepalive = 5
# On SIGTERM a worker finishes the requests it holds for up to this long (compose gives web a longer
# stop_grace_period, so nothing in flight is cut off during a deploy).
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))

# The access log is written by the application (core.middleware.RequestLogMiddleware): one JSON event per
# request with its time, status, duration, route and request id, and never a query string. gunicorn's
# own messages go out as JSON too, in UTC, on standard output (core/logs.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(M)sms'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "core.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # gunicorn would log each request again (it logs access whenever logconfig_dict is set).
        "gunicorn.access": {"handlers": ["console"], "level": "INFO" if accesslog else "WARNING", "propagate": False},
    },
}


def child_exit(server, worker) -> None:
    """Metrics of several workers are added up from files (PROMETHEUS_MULTIPROC_DIR, docs/operations.md);
    a worker that exits leaves its counters and takes its live gauges away."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
