"""Service navigation as a registry: each app adds the links to its own pages in AppConfig.ready(),
naming the roles that may use them, so nobody is shown a link to a page that would refuse them and
the navigation needs no app's imports. `order` places the links; lower comes first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str] | None  # role values; None: every signed-in user
    order: int = 100
    superuser: bool = False  # also shown to the break-glass superuser, whatever their roles


_main: list[NavItem] = []
# Pages few people need day to day sit in the footer's support links (GOV.UK footer pattern), not
# in every role's main navigation: the API documentation is for the developers of machine clients.
_footer: list[NavItem] = []


def register(*items: NavItem, footer: bool = False) -> None:
    """Add links (idempotent: AppConfig.ready may run more than once in tests)."""
    target = _footer if footer else _main
    for item in items:
        if item not in target:
            target.append(item)
    target.sort(key=lambda item: item.order)


def _visible(user, items: Iterable[NavItem]) -> list[NavItem]:
    if not (user.is_authenticated and user.is_verified()):
        return []
    return [item for item in items if item.roles is None or user.has_role(*item.roles)
            or (item.superuser and user.is_superuser)]


def navigation_for(user, current_path: str) -> list[dict[str, object]]:
    links = []
    for item in _visible(user, _main):
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        links.append({"label": item.label, "url": url, "active": active})
    # Only the closest match is current: /cases/flow/ is "Case flow", not also "Cases".
    longest = max((len(link["url"]) for link in links if link["active"]), default=0)
    for link in links:
        link["active"] = link["active"] and len(link["url"]) == longest
    return links


def footer_links_for(user) -> list[dict[str, object]]:
    return [{"label": item.label, "url": reverse(item.url_name)} for item in _visible(user, _footer)]
