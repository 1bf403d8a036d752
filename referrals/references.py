"""References: NRM-YYYY-NNNNNN for a referral and DTN-YYYY-NNNNNN for a Duty to Notify record.

Both kinds take their numbers from one gapless counter a year (`ReferenceCounter`), row-locked for the
rest of the transaction, so two submissions can never share a number. Submission, the demo history and
the historic import all number through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from referrals.models import ReferenceCounter

LIVE_REFERENCE = re.compile(r"^(NRM|DTN)-(\d{4})-(\d{6})$")


def reference_text(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def _locked_counter(year: int) -> ReferenceCounter:
    """The year's counter, row-locked until the caller's transaction ends."""
    counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    return counter


def reference_numbers_reserve(year: int, count: int = 1) -> range:
    """Take the next `count` numbers of the year's counter; call inside a transaction."""
    counter = _locked_counter(year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return range(first, first + count)


def reference_next(prefix: str, year: int) -> str:
    """The next reference of the year, for one submission."""
    return reference_text(prefix, year, reference_numbers_reserve(year)[0])


def reference_counters_move_past(references: Iterable[str]) -> None:
    """Records brought in with references of their own: move each year's counter past the highest of them,
    so no later submission is given a number already held."""
    highest: dict[int, int] = {}
    for reference in references:
        match = LIVE_REFERENCE.match(reference.upper())
        if match:
            year, number = int(match.group(2)), int(match.group(3))
            highest[year] = max(highest.get(year, 0), number)
    for year, number in highest.items():
        counter = _locked_counter(year)
        if counter.last_number < number:
            counter.last_number = number
            counter.save(update_fields=["last_number"])
