"""Template filters for figures as published: `{{ pence|pounds }}` (£2,000,000.00),
`{{ pence|whole_pounds }}` (£2,000,000), `{{ value|figure }}` (3,146; 87.5; a Money as £…; symbols as they are)."""

from __future__ import annotations

from django import template

from core.figures import Money, count
from core.figures import pounds as _pounds

register = template.Library()


@register.filter
def pounds(pence: int | Money) -> str:
    return str(pence) if isinstance(pence, Money) else _pounds(int(pence))


@register.filter
def whole_pounds(pence: int | Money) -> str:
    return _pounds(pence.pence if isinstance(pence, Money) else int(pence), whole=True)


@register.filter
def figure(value: object) -> str:
    return str(value) if isinstance(value, Money) else count(value)
