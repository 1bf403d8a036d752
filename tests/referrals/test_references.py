"""One gapless counter a year numbers both NRM referrals and Duty to Notify records, whoever numbers them:
submission, the demo history or the historic import."""

from __future__ import annotations

import pytest
from django.db import transaction

from referrals.models import ReferenceCounter
from referrals.references import reference_counters_move_past, reference_numbers_reserve, reference_text

pytestmark = pytest.mark.django_db


def test_reserved_numbers_follow_on_without_a_gap():
    with transaction.atomic():
        assert reference_numbers_reserve(2026) == range(1, 2)
        assert reference_numbers_reserve(2026, 3) == range(2, 5)
        assert reference_numbers_reserve(2025) == range(1, 2)
    assert ReferenceCounter.objects.get(year=2026).last_number == 4
    assert reference_text("NRM", 2026, 4) == "NRM-2026-000004"


def test_imported_references_move_the_counter_past_them_and_never_back():
    ReferenceCounter.objects.create(year=2024, last_number=50)
    with transaction.atomic():
        reference_counters_move_past(["nrm-2024-000040", "DTN-2023-000007", "NRM-2023-000003", "HO-123"])
    assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == {2024: 50, 2023: 7}
    with transaction.atomic():
        assert reference_numbers_reserve(2023) == range(8, 9)
