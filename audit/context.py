"""Who is acting, in which request or job: kept in a context variable so services and
selectors deep in the call stack can stamp audit records without passing the request around."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    endpoint: str = ""


current_context: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "nrm_request_context", default=RequestContext()  # noqa: B039 - a frozen dataclass, never mutated
)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; trust X-Forwarded-For only for the configured number of proxies."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
