"""The API (Django REST Framework under /api/v1/) and its OpenAPI schema (drf-spectacular)."""

from __future__ import annotations

from datetime import timedelta

from nrm.settings_environment import IS_PRODUCTION, TRUSTED_PROXY_COUNT, env

REST_FRAMEWORK = {
    # Domain errors (core.errors) answer 403/404/409/400 with their message and field errors.
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organisations.authentication.ExpiringTokenAuthentication",
        "organisations.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: one body format to validate and document (forms and multipart add nothing here).
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.paging.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_TOKEN_RATE", default="10/minute"),
        "token_account": env.str("API_TOKEN_ACCOUNT_RATE", default="10/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if IS_PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Without this DRF trusts any X-Forwarded-For, and a client could dodge the token throttle.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=8))
SPECTACULAR_SETTINGS = {
    "TITLE": "National Referral Mechanism case-management API",
    "DESCRIPTION": "Machine access to the NRM service. Obtain a token at /api/v1/auth/token/ "
    "and send it as `Authorization: Token <token>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar wheel: no CDN, nothing downloaded at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nrm.schema_hooks.add_error_responses",
        "nrm.schema_hooks.forbid_nul_characters",
    ],
    # Several models have a "status": name each set of choices after what it belongs to.
    "ENUM_NAME_OVERRIDES": {
        "ReferralStatusEnum": "referrals.models.ReferralStatus",
        "DecisionStatusEnum": "decisions.models.DecisionStatus",
        "DecisionOutcomeEnum": "decisions.models.Outcome",
        "ReferralKindEnum": "referrals.models.ReferralKind",
        "CareEntryKindEnum": "victim_care.models.EntryKind",
        "SupportStatusEnum": "victim_care.models.SupportStatus",
    },
}
