"""Structured logs: one JSON object per line on standard output, times in UTC.

Every record carries what ties it to its cause: the request id (also sent back as X-Request-ID), the
signed-in user's id, and the Celery task's id and name. Identifiers only: never a name, an email
address or anything typed into a form. A traceback is one field of one event, never many lines.

Nothing here imports Django settings, so gunicorn's own configuration can use the formatter too."""

from __future__ import annotations

import datetime
import json
import logging
import traceback
from contextvars import ContextVar, Token
from typing import Any

_context: ContextVar[dict[str, Any]] = ContextVar("nrm_log_context", default={})  # noqa: B039 - never mutated

# Attributes every LogRecord has: anything else on a record came from `extra=` and is logged as a field.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
# Django's "request" on django.request records: its text carries the query string, which can hold what
# someone searched for. The access log has the route and path instead.
_DROPPED = frozenset({"request", "server_time"})
_MAX_TRACEBACK = 20_000  # characters: a deep recursion still makes one readable event


def bind(**values: Any) -> Token:
    """Add fields to every record logged from here on in this context; reset with `unbind(token)`."""
    return _context.set({**_context.get(), **{key: value for key, value in values.items() if value is not None}})


def unbind(token: Token) -> None:
    _context.reset(token)


def current() -> dict[str, Any]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Copy the bound request/user/task ids onto each record (on the handler, so every logger gets them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class QuietExpectedRefusals(logging.Filter):
    """A 403 or 404 is the service working as designed: log the line, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in (400, 403, 404, 405) and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in _DROPPED and not key.startswith("_"):
                event[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info and record.exc_info[0] is not None:
            event["error_type"] = record.exc_info[0].__name__
            text = "".join(traceback.format_exception(*record.exc_info))
            event["traceback"] = text if len(text) <= _MAX_TRACEBACK else text[:2000] + "\n...\n" + text[-(
                _MAX_TRACEBACK - 2000):]
        elif record.stack_info:
            event["stack"] = record.stack_info
        return json.dumps(event, default=str, ensure_ascii=False)


def scrub_sentry_event(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's copy of an error keeps the traceback and ids, never what could identify a person: no
    request body, cookies, headers, query string, client address or user details beyond the id."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "headers", "query_string", "env"):
            request.pop(key, None)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    context = current()
    event.setdefault("tags", {}).update({key: str(value) for key, value in context.items()
                                         if key in ("request_id", "task_id", "task")})
    return event
