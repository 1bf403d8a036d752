"""Service-wide pages: health checks, metrics and the GOV.UK error pages."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core import health
from core import metrics as core_metrics
from nrm.metrics import ServiceCollector

logger = logging.getLogger(__name__)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def healthz_live(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Asks no dependency, so a Redis blip never restarts a pod."""
    return _no_store(JsonResponse({"status": "ok"}))


def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when PostgreSQL and Redis both answer within their short timeouts, 503 otherwise;
    answered within a second whatever they do (core/health.py). Also served at the old /healthz."""
    checks = health.readiness()
    ready = all(value == "ok" for value in checks.values())
    return _no_store(JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503))


healthz = healthz_ready


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text for an internal scraper holding METRICS_TOKEN (as a bearer token); 404 without it,
    and 404 when no token is configured, so the page does not exist for anyone else."""
    expected = settings.METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    if not expected or not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
        return _no_store(HttpResponse("Not found.", status=404, content_type="text/plain"))
    return _no_store(HttpResponse(core_metrics.render([ServiceCollector()]), content_type=core_metrics.CONTENT_TYPE))


_API_ERRORS = {400: "Bad request.", 403: "You do not have permission to do this.", 404: "Not found.",
               500: "Server error."}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    """GOV.UK error pages for people; JSON for API clients, whatever went wrong and where."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _API_ERRORS[status]}, status=status)
    return render(request, f"errors/{status}.html", status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)
