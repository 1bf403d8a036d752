"""Command-line arguments the monitoring commands share."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError


def iso_date(text: str) -> datetime.date:
    """A date written YYYY-MM-DD, or a CommandError that says so."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date written YYYY-MM-DD") from None
