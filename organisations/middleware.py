"""Sign-in rules applied to every request: the second factor, and idle and absolute timeouts."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from organisations.public import is_public_path

SESSION_SIGNED_IN_AT = "nrm_signed_in_at"
SESSION_LAST_SEEN_AT = "nrm_last_seen_at"


class SessionTimeoutMiddleware:
    """End a session after 30 minutes without a request, and 12 hours after sign-in however
    active it is. The session cookie's age says the same, but the server decides: a copied
    cookie or a session store that keeps data longer must not extend a session.

    The last request is recorded at most once a minute (SESSION_ACTIVITY_RECORD_SECONDS): a
    session stored in PostgreSQL would otherwise turn every page read into a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            signed_in_at = request.session.get(SESSION_SIGNED_IN_AT)
            last_seen_at = request.session.get(SESSION_LAST_SEEN_AT, signed_in_at)
            too_old = signed_in_at is None or (
                now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
                or now - last_seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            )
            if too_old:
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Your session has ended. Sign in again."}, status=401)
                return redirect(f"{reverse('sign-in')}?timeout=1")
            if now - last_seen_at >= settings.SESSION_ACTIVITY_RECORD_SECONDS:
                # Saving the session renews its stored expiry too; between saves it is not written.
                request.session[SESSION_LAST_SEEN_AT] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """No page but the public ones without a verified second factor.

    The API is left to DRF, whose authentication classes demand a token (issued only after
    TOTP) or a verified session, and whose default permission is IsAuthenticated.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if is_public_path(path) or path.startswith("/api/"):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('sign-in')}")
        if not user.is_verified():
            if path.startswith(reverse("sign-in")) or path == reverse("sign-out"):
                return self.get_response(request)  # the second-factor and set-up pages
            has_device = user.totpdevice_set.filter(confirmed=True).exists()
            return redirect("sign-in-verify" if has_device else "sign-in-set-up")
        return self.get_response(request)
