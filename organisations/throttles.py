"""Limits on guessing, counted in the Django cache (so they hold across processes and servers):

- per client address: failed sign-ins (wrong password or wrong code, on the pages or the token endpoint)
  from one address, whichever accounts they name, so spraying one password over many accounts stops;
- per account on the token endpoint, by the same normalised identity that django-axes locks by.

Lockout per account is django-axes (settings.AXES_*); these sit beside it."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from audit.context import client_ip
from organisations.identity import normalised_email

_ADDRESS_KEY = "sign-in:failures:address:{}"


def _address_key(request: HttpRequest) -> str | None:
    address = client_ip(request)
    return _ADDRESS_KEY.format(address) if address else None


def address_failure_count(request: HttpRequest) -> None:
    """Count one failed sign-in from the request's client address (connected to user_login_failed)."""
    key = _address_key(request)
    if key is None:
        return
    timeout = int(settings.SIGN_IN_ADDRESS_WINDOW.total_seconds())
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: start again
        cache.set(key, 1, timeout=timeout)


def address_blocked(request: HttpRequest) -> bool:
    """True once this address has failed SIGN_IN_ADDRESS_FAILURE_LIMIT times within the window."""
    key = _address_key(request)
    return key is not None and (cache.get(key) or 0) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


def on_login_failed(sender, credentials=None, request=None, **kwargs) -> None:
    if request is not None:
        address_failure_count(request)


class TokenAccountThrottle(SimpleRateThrottle):
    """Token requests per account (the normalised e-mail), whatever address they come from."""

    scope = "token_account"

    def get_cache_key(self, request, view) -> str | None:
        try:
            identity = normalised_email(request.data.get("email"))
        except AttributeError:
            return None
        if not identity:
            return None
        # A digest, so no address is kept in the cache's keys.
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(identity.encode()).hexdigest()}
