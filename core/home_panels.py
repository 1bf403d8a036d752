"""Panels on a user's home page, contributed by the apps (each registers in AppConfig.ready), so
the home page in `organisations` shows casework and referral summaries without importing them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PanelItem:
    text: str
    url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Panel:
    heading: str
    items: list[PanelItem] = field(default_factory=list)
    empty_text: str = ""


_providers: list[Callable[[object], list[Panel]]] = []


def register(provider: Callable[[object], list[Panel]], *, first: bool = False) -> None:
    if provider not in _providers:
        _providers.insert(0, provider) if first else _providers.append(provider)


def panels_for(user) -> list[Panel]:
    return [panel for provider in _providers for panel in provider(user)]
