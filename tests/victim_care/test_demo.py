"""The demo shows victim care working: people supported by Medaille Trust and by Hestia, one moved."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from victim_care.models import Allocation, SupportCase, Tariff

pytestmark = pytest.mark.django_db


def test_demo_supports_people_at_both_providers(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    current = Allocation.objects.filter(end_on__isnull=True).values_list("provider__name", flat=True)
    assert sorted(current) == ["Hestia", "Medaille Trust"]
    moved = [case for case in SupportCase.objects.all() if case.allocations.count() == 2]
    assert len(moved) == 1
    assert Tariff.objects.filter(provider__name="Hestia").count() == 2
    assert SupportCase.objects.filter(status="awaiting_allocation").exists()
    call_command("seed_demo", "--without-history")
    assert Allocation.objects.count() == 3  # a second run changes nothing
