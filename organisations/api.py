"""API sign-in for machine clients: exchange email, password and a TOTP code for a token."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from organisations import services, throttles
from organisations.models import ApiToken
from organisations.serializers import CurrentUserSerializer, TokenRequestSerializer, TokenResponseSerializer


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle, throttles.TokenAccountThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponseSerializer,
            400: OpenApiResponse(description="Missing or malformed fields, or credentials not accepted"),
            429: OpenApiResponse(description="Too many attempts"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if throttles.address_blocked(request._request):
            return Response({"detail": "Too many failed attempts. Try again later."}, status=429)
        try:
            token, raw = services.api_token_issue(request=request._request, **serializer.validated_data)
        except services.SignInFailed:
            if getattr(request._request, "axes_locked_out", False):
                return Response({"detail": "Too many failed attempts. Try again later."}, status=429)
            return Response({"non_field_errors": [services.SignInFailed.message]}, status=400)
        return Response({"token": raw, "expires_at": token.expires_at}, status=status.HTTP_201_CREATED)


class TokenRevokeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """Revoke the token this request was made with (sign out a machine client)."""
        if not isinstance(request.auth, ApiToken):
            return Response({"detail": "Only a token can be revoked here."}, status=400)
        services.api_token_revoke(token=request.auth, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrentUserView(APIView):
    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)
