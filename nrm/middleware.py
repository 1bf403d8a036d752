"""Health and metrics for machines, answered before anything that needs the Host header.

Probes and scrapers address a pod by its IP, which is not in ALLOWED_HOSTS: Django would answer 400.
This middleware sits above CommonMiddleware (the first to check the host) and answers these paths
itself, so they work whatever the Host header says, and never touch the session or the cache."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from nrm import views

OPERATIONS_PATHS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz/live": views.healthz_live,
    "/healthz/ready": views.healthz_ready,
    "/healthz": views.healthz_ready,  # the old single check, kept for its users (bench/load.py)
    "/metrics": views.metrics,
}


class OperationsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        handler = OPERATIONS_PATHS.get(request.path_info)
        if handler is not None:
            return handler(request)
        return self.get_response(request)
