"""When a decision on a referral is expected, shown on the referral's page and in its API answer without
referrals importing the casework app: decisions registers a reader in its AppConfig.ready() (see
decisions/waiting.py), which decides whether the user may see it. The reader returns an object with
`summary`, `method`, `kind`, `ready` and `as_json()` (decisions.forecast.Forecast), or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from organisations.models import User
from referrals.models import Referral

_readers: list[Callable[[User, Referral], Any]] = []


def register_forecast_reader(reader: Callable[[User, Referral], Any]) -> None:
    if reader not in _readers:
        _readers.append(reader)


def forecast_for(user: User, referral: Referral) -> Any:
    for reader in _readers:
        found = reader(user, referral)
        if found is not None:
            return found
    return None
