"""Request context for the audit trail: a request id, the client, and pghistory's context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pghistory.middleware
from django.http import HttpRequest, HttpResponse

from audit.context import RequestContext, client_ip, current_context
from core.middleware import request_id_from


class RequestContextMiddleware:
    """Give every request an id (or keep a well-formed one from the load balancer) and
    remember who is asking, for the access log and change history."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # core.middleware.RequestLogMiddleware usually chose it already, so logs and audit share one id.
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        # One rule for both (core.middleware.request_id_from): matched whole, so no newline gets through.
        request_id = getattr(request, "request_id", None) or request_id_from(incoming)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_context.set(
            RequestContext(
                request_id=request_id,
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                endpoint=request.path[:200],
            )
        )
        try:
            response = self.get_response(request)
        finally:
            current_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


class AuditHistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's context (user, URL) plus the request id, client address and user agent,
    so every change recorded by a trigger says who made it and from where."""

    def get_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().get_context(request)
        request_context = current_context.get()
        context.update(
            request_id=request_context.request_id,
            ip_address=request_context.ip_address,
            user_agent=request_context.user_agent,
        )
        return context
