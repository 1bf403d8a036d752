"""OpenAPI descriptions of the service's own authentication classes (drf-spectacular)."""

from drf_spectacular.authentication import SessionScheme, TokenScheme


class ExpiringTokenScheme(TokenScheme):
    target_class = "organisations.authentication.ExpiringTokenAuthentication"


class VerifiedSessionScheme(SessionScheme):
    target_class = "organisations.authentication.VerifiedSessionAuthentication"
