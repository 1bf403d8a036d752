"""Authentication: the signed-in person loaded with their organisation, and for the API expiring,
revocable tokens for machine clients and browser sessions only once their second factor has been
verified."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone
from rest_framework import authentication, exceptions

from organisations.models import ApiToken, User


class UserWithOrganisationBackend(ModelBackend):
    """Django's password backend, loading the session's user together with their organisation.

    Every page asks the user's organisation (scope, navigation, the header), so reading it in the same
    query as the user saves a query on every signed-in request."""

    def get_user(self, user_id: int) -> User | None:
        try:
            user = User.objects.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        token = (
            ApiToken.objects.usable().select_related("user", "user__organisation")
            .filter(digest=ApiToken.digest_of(key)).first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            # At most one write a minute per token, so busy clients do not turn reads into writes.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        # A token was issued only after password and TOTP, so its user counts as verified
        # (what django-otp's middleware would say of a session that passed both).
        token.user.is_verified = lambda: True
        return token.user, token


class VerifiedSessionAuthentication(authentication.SessionAuthentication):
    """The browsable API and same-origin scripts: a session counts only after its second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        underlying = request._request.user
        if not (hasattr(underlying, "is_verified") and underlying.is_verified()):
            return None
        return user, auth
