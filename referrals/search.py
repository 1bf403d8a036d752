"""One search box over a list of referrals: by reference, by the person's name or by date of birth.

The term decides which: a date ("17/5/1990", "17 5 1990", "1990-05-17", "17 May 1990") matches the
date of birth (indexed); something shaped like a reference ("NRM-2026-000123", "2026-000123",
"000123") matches references; anything else matches names, every word of it, as the duplicate check
normalises them. The filter goes on a queryset already scoped to who asks, so search never widens
what a list shows."""

from __future__ import annotations

import datetime
import re

from django.db.models import Q

from core.forms import MONTH_NUMBERS

_REFERENCE = re.compile(r"^(nrm-?)?\d[\d-]*$", re.IGNORECASE)
_DATE_SPLIT = re.compile(r"[\s/.-]+")


def as_date(term: str) -> datetime.date | None:
    parts = [part for part in _DATE_SPLIT.split(term.strip()) if part]
    if len(parts) != 3:
        return None
    if len(parts[0]) == 4 and parts[0].isdigit():
        parts = [parts[2], parts[1], parts[0]]
    day, month, year = parts
    month = str(MONTH_NUMBERS.get(month.lower(), month))
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def normalise_words(term: str) -> list[str]:
    return re.sub(r"[^a-z ]", "", term.lower()).split()


def referral_search(term: str) -> Q:
    """The condition for a search term; an empty term matches everything."""
    term = term.strip()
    if not term:
        return Q()
    date = as_date(term)
    if date is not None:
        return Q(date_of_birth=date)
    if _REFERENCE.match(term):
        return Q(reference__icontains=term.upper())
    words = normalise_words(term)
    if not words:
        return Q(pk__in=[])
    condition = Q()
    for word in words:
        condition &= Q(name_for_matching__contains=word)
    return condition
