"""Service navigation: each item names the roles that may use it, so nobody is shown a
link to a page that would refuse them. Apps add their items here as they arrive."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from organisations.models import COMPETENT_AUTHORITY_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[Role] | None  # None: every signed-in user


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "home", None),
    NavItem("Referrals", "referrals:list", frozenset({Role.FIRST_RESPONDER, Role.LA_SAFEGUARDING_LEAD})),
    NavItem("Cases", "decisions:queue", frozenset(COMPETENT_AUTHORITY_ROLES)),
    NavItem("Quality audits", "decisions:audits", frozenset({Role.QUALITY_AUDITOR})),
    NavItem("Reminders", "reminders:manage", frozenset({Role.CA_MANAGER})),
    NavItem("Victim care", "victim_care:home", frozenset({Role.PC_CASE_MANAGER, Role.SUPPORT_WORKER})),
    NavItem("Reports", "monitoring:report", frozenset({Role.MONITOR, Role.CA_MANAGER})),
    NavItem("Notifications", "reminders:notifications", None),
    NavItem("Administration", "admin:index", frozenset({Role.ADMINISTRATOR})),
]


# Pages few people need day to day sit in the footer's support links (GOV.UK footer pattern), not
# in every role's main navigation: the API documentation is for the developers of machine clients.
FOOTER_ITEMS: list[NavItem] = [
    NavItem("API documentation", "api-docs", None),
]


def footer_links_for(user) -> list[dict[str, object]]:
    if not (user.is_authenticated and user.is_verified()):
        return []
    return [{"label": item.label, "url": reverse(item.url_name)} for item in FOOTER_ITEMS
            if item.roles is None or user.has_role(*item.roles)]


def navigation_for(user, current_path: str) -> list[dict[str, object]]:
    if not (user.is_authenticated and user.is_verified()):
        return []
    items = []
    for item in NAV_ITEMS:
        if item.roles is None or user.has_role(*item.roles) or (user.is_superuser and item.url_name == "admin:index"):
            url = reverse(item.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return items
