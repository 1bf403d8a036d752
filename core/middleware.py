import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from core import logs, metrics


class NoStoreForSignedInMiddleware:
    """Pages for a signed-in user may hold personal data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in or request.path.startswith("/api/"):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response


# Letters, digits, dot, underscore and hyphen, 8 to 64 of them, matched whole (fullmatch): `$` would also
# accept a trailing newline, which would then be stored in the access log and written into log lines.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_from(incoming: str) -> str:
    """A client's (or load balancer's) X-Request-ID if it is well formed, else a new one."""
    return incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
access_logger = logging.getLogger("nrm.access")
_QUIET_PATHS = ("/healthz", "/metrics", "/static/")
_OPERATIONS_PATHS = frozenset({"/healthz", "/healthz/live", "/healthz/ready", "/metrics"})


class RequestLogMiddleware:
    """First in the stack: give the request its id (or keep a well-formed one from the load balancer),
    bind it and, once known, the user's id to every log record, then write one access-log event
    (time, method, route, status, duration, request id, user id) and count the request for /metrics.
    The path is logged without its query string, which could carry what someone searched for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = request_id_from(incoming)  # type: ignore[attr-defined]
        token = logs.bind(request_id=request.request_id)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            duration = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            if match is not None:
                # The pattern, never the values: "/referrals/<uuid:pk>/"; a regex route (the API's router)
                # by its name, which reads better than its expression.
                route = "/" + match.route if "(?" not in match.route else (match.view_name or match.route)
            else:
                route = request.path if request.path in _OPERATIONS_PATHS else "unmatched"
            metrics.observe_request(route, request.method or "", status, duration)
            if not request.path.startswith(_QUIET_PATHS) or status >= 500:
                access_logger.info("%s %s %s", request.method, route, status, extra={
                    "event": "access", "method": request.method, "route": route, "path": request.path[:200],
                    "status": status, "duration_ms": round(duration * 1000, 1)})
            logs.unbind(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logs.bind(user_id=user.pk)  # undone with the request's own binding in __call__
