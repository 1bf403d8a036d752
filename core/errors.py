"""The one model of domain errors: services raise these, and one DRF handler and one view helper turn
them into answers, so a refusal means the same thing on a page and in the API.

A programming error (ValueError, KeyError, ...) is none of these: it is never caught as a domain error,
so a bug shows as a 500 and is reported, never as a form message a user is asked to correct."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """A rule of the service refused the request. `str()` is the message shown to the user."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_message = "This cannot be done."

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}


class NotAllowed(DomainError, PermissionDenied):
    """403: the user may see the record but not do this (also a PermissionDenied, so Django answers 403)."""

    status_code = status.HTTP_403_FORBIDDEN
    default_message = "You do not have permission to do this."


class NotFound(DomainError, Http404):
    """404: nothing the user may see has this identity (hidden records answer the same)."""

    status_code = status.HTTP_404_NOT_FOUND
    default_message = "Not found."


class Conflict(DomainError):
    """409: the record is not in a state that allows this (already answered, left support, window closed)."""

    status_code = status.HTTP_409_CONFLICT
    default_message = "This cannot be done now."


class Invalid(DomainError):
    """400: the input breaks a rule; `fields` names the fields at fault (empty for the whole request)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_message = "Check the answers and try again."


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus domain errors: {"detail": message} and, for Invalid, the field errors."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = dict(exc.fields) if exc.fields else {}
        body["detail"] = exc.message
        return Response(body, status=exc.status_code)
    return drf_exception_handler(exc, context)


def attempt(form, call: Callable[[], Any]) -> bool:
    """Run a service for a web form. A domain refusal becomes form errors (shown in the GOV.UK error
    summary, each field's own beside it) and False. NotFound is not caught: a record the user may not
    see answers 404 like any other. Anything else (a bug) is not caught either."""
    try:
        call()
    except NotFound:
        raise
    except DomainError as refusal:
        for field, errors in refusal.fields.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        if not refusal.fields:
            form.add_error(None, refusal.message)
        return False
    return True


def attempt_or_message(request: HttpRequest, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service for a one-button action: a domain refusal becomes an error message on the next
    page (a GOV.UK notification banner) and (False, None); success is (True, the service's result)."""
    try:
        return True, call()
    except NotFound:
        raise
    except DomainError as refusal:
        messages.error(request, refusal.message)
        return False, None
