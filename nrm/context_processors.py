from django.conf import settings
from django.http import HttpRequest

from core.navigation import footer_links_for, navigation_for


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.PHASE,
        "service_navigation": navigation_for(request.user, request.path) if hasattr(request, "user") else [],
        "footer_links": footer_links_for(request.user) if hasattr(request, "user") else [],
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
