"""The one identity that sign-in, lockout and throttles count by: the e-mail address, trimmed and
case-folded. Sign-in matches addresses without regard to case, so anything that counted the address as
typed could be dodged by changing a capital (`MOJ.monitor@...` is the same account as `moj.monitor@...`)."""

from __future__ import annotations

import unicodedata

from django.http import HttpRequest


def normalised_email(value: object) -> str:
    """Trim, NFKC-normalise and case-fold an address; anything that is not a string counts as empty."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFKC", value).strip().casefold()


def sign_in_identity(request: HttpRequest | None, credentials: dict | None) -> str:
    """django-axes' AXES_USERNAME_CALLABLE: the normalised address from the credentials, or the posted form
    (or JSON body, for the API token endpoint)."""
    if credentials and "email" in credentials:
        return normalised_email(credentials.get("email"))
    data = getattr(request, "data", None)
    if data is None and request is not None:
        data = request.POST
    try:
        return normalised_email((data or {}).get("email"))
    except AttributeError:
        return ""
