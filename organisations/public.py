"""The only paths anyone may reach without signing in. The URLconf walk test holds every
other route to denying anonymous users, so a new page cannot forget to be protected."""

from __future__ import annotations

from django.conf import settings

PUBLIC_URL_NAMES = frozenset({"sign-in", "healthz", "healthz-live", "healthz-ready", "metrics", "api-token"})

_PUBLIC_PREFIXES = ("/healthz", "/metrics", settings.STATIC_URL, "/favicon.ico", "/robots.txt")
_PUBLIC_EXACT = frozenset({"/sign-in/"})


def is_public_path(path: str) -> bool:
    return path in _PUBLIC_EXACT or path.startswith(_PUBLIC_PREFIXES)
