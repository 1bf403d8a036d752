"""Service-wide pages: health check and the GOV.UK error pages."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 only when both the database and Redis answer: what load balancers and compose check."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: database did not answer")
        checks["database"] = "unavailable"
    try:
        cache._cache.get_client().ping()
        checks["redis"] = "ok"
    except Exception:
        logger.exception("Health check: Redis did not answer")
        checks["redis"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)


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
