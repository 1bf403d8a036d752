"""Prometheus metrics: what every request adds to, and the page an internal scraper reads.

Several gunicorn workers each count their own requests. With PROMETHEUS_MULTIPROC_DIR set (an empty
folder per container, docs/operations.md) the counters are kept in files there and /metrics adds the
processes up; without it each process reports its own. Figures read from the database at scrape time
(outbox age, reminders, queue depth) come from collectors the project registers with `render`."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.registry import REGISTRY, Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUESTS = Counter("nrm_http_requests_total", "Requests answered, by route pattern, method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("nrm_http_request_duration_seconds", "Time to answer a request, by route pattern.",
                    ["route", "method"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
TASKS = Counter("nrm_task_runs_total", "Celery task runs of the tracked jobs, by task and outcome.",
                ["task", "outcome"])
TASK_DURATION = Histogram("nrm_task_duration_seconds", "Time a tracked job's attempt took, by task.", ["task"],
                          buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800))


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(route=route, method=method, status=str(status)).inc()
    LATENCY.labels(route=route, method=method).observe(seconds)


def render(extra: list[Collector]) -> bytes:
    """The text format of every metric: this process's (or all processes' when multiprocess) plus `extra`."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    extra_registry = CollectorRegistry(auto_describe=False)
    for collector in extra:
        extra_registry.register(collector)
    return text + generate_latest(extra_registry)
