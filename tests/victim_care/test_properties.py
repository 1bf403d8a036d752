"""Property tests (hypothesis) for attack finding 8: over any statement period and any sequence of moves,
the answer is a statement, a move, or a clear Invalid that changed nothing; never a crash."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import Invalid
from organisations.models import OrgRole, Role
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixture
from victim_care.models import Allocation, SupportType, Tariff
from victim_care.services import allocation_move, support_case_open
from victim_care.statements import statement_lines

pytestmark = pytest.mark.django_db

PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def scene(first_responder, competent_authorities):  # noqa: F811
    from referrals.services import referral_submit
    manager = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                           first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    providers = [OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="") for _ in range(2)]
    for provider in providers:
        Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=2000,
                              valid_from=datetime.date(2000, 1, 1))
    return {"manager": manager, "providers": providers, "first_responder": first_responder,
            "submit": referral_submit}


@PROPERTY
@given(year=st.integers(min_value=0, max_value=9999), month=st.integers(min_value=-1, max_value=14))
def test_any_statement_period_gives_a_statement_or_a_clear_error(scene, year, month):
    try:
        lines = statement_lines(provider_id=scene["providers"][0].pk, year=year, month=month)
    except Invalid as invalid:
        assert set(invalid.fields) <= {"year", "month"} and invalid.fields
    else:
        assert year >= 2009 and 1 <= month <= 12 and isinstance(lines, list)


@PROPERTY
@given(moves=st.lists(st.tuples(st.integers(min_value=-30, max_value=30), st.integers(min_value=0, max_value=1)),
                      min_size=1, max_size=6))
def test_any_sequence_of_moves_keeps_one_open_allocation_and_refusals_change_nothing(scene, moves):
    with transaction.atomic():
        referral = scene["submit"](referral=completed_draft(scene["first_responder"]), by=scene["first_responder"])
        case = support_case_open(referral=referral)
        start = datetime.date(2026, 3, 1)
        for offset, which in moves:
            before = list(Allocation.objects.filter(support_case=case).values_list("pk", "start_on", "end_on"))
            on = start + datetime.timedelta(days=offset)
            try:
                allocation_move(support_case=case, provider=scene["providers"][which],
                                support_type=SupportType.OUTREACH, on=on, by=scene["manager"])
            except Invalid as invalid:
                assert list(invalid.fields) == ["start_on"]
                assert before and on <= max(row[1] for row in before)
                after = list(Allocation.objects.filter(support_case=case).values_list("pk", "start_on", "end_on"))
                assert after == before
            allocations = list(Allocation.objects.filter(support_case=case).order_by("start_on"))
            assert sum(1 for allocation in allocations if allocation.end_on is None) == 1
            for earlier, later in itertools.pairwise(allocations):
                assert earlier.end_on == later.start_on and earlier.start_on < earlier.end_on
        transaction.set_rollback(True)
