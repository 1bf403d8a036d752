"""Funding follows the victim: one provider a day (a database constraint), rates in force day by
day, integer pence, financial years from 1 April."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.errors import Invalid
from organisations.models import OrgRole
from referrals.services import referral_submit
from tests.factories import OrganisationFactory
from tests.referrals.builders import adult_answers, child_answers, completed_draft
from tests.referrals.conftest import competent_authorities, local_authority  # noqa: F401
from tests.victim_care.builders import prime_contractor_case_manager, provider_with_a_rate_rise
from victim_care.funding import budget_pence, financial_year_start, spend, total_pence
from victim_care.models import Allocation, BudgetYear, SupportType, Tariff
from victim_care.services import NotInContract, allocation_move, support_case_open, support_exit

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def manager(db):
    return prime_contractor_case_manager()


@pytest.fixture
def providers(db):
    medaille = provider_with_a_rate_rise()
    hestia = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER])
    Tariff.objects.create(provider=hestia, support_type=SupportType.OUTREACH, daily_rate_pence=2000,
                          valid_from=D(2025, 4, 1))
    return medaille, hestia


@pytest.fixture
def support_case(first_responder, competent_authorities):  # noqa: F811
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    return support_case_open(referral=referral)


def test_overlapping_allocations_are_refused_by_the_database(support_case, providers, manager):
    medaille, hestia = providers
    Allocation.objects.create(support_case=support_case, provider=medaille, support_type="accommodation",
                              start_on=D(2026, 1, 5), end_on=D(2026, 1, 20), created_by=manager)
    with pytest.raises(IntegrityError, match='exclusion constraint "no_overlapping_allocations_per_person"'), \
            transaction.atomic():
        Allocation.objects.create(support_case=support_case, provider=hestia, support_type="outreach",
                                  start_on=D(2026, 1, 19), created_by=manager)
    # Back to back is allowed: the move day belongs to the new provider only.
    Allocation.objects.create(support_case=support_case, provider=hestia, support_type="outreach",
                              start_on=D(2026, 1, 20), created_by=manager)


def test_funding_across_a_rate_change_and_a_move_in_pence(support_case, providers, manager):
    medaille, hestia = providers
    allocation_move(support_case=support_case, provider=medaille, support_type="accommodation", on=D(2026, 1, 5),
                    by=manager)
    allocation_move(support_case=support_case, provider=hestia, support_type="outreach", on=D(2026, 1, 15),
                    by=manager)
    lines = spend(start=D(2026, 1, 1), end=D(2026, 2, 1))
    by_provider = {(line.provider_id, line.support_type): (line.days, line.pence) for line in lines}
    # Medaille: 5-10 Jan at 5,000p (6 days) + 11-14 Jan at 5,500p (4 days) = 30,000 + 22,000
    assert by_provider[(medaille.pk, "accommodation")] == (10, 52_000)
    # Hestia: 15-31 Jan at 2,000p (17 days)
    assert by_provider[(hestia.pk, "outreach")] == (17, 34_000)
    assert total_pence(lines) == 86_000
    assert isinstance(total_pence(lines), int)


def test_spend_splits_at_the_financial_year(support_case, providers, manager):
    _, hestia = providers
    allocation_move(support_case=support_case, provider=hestia, support_type="outreach", on=D(2026, 3, 30),
                    by=manager)
    support_exit(support_case=support_case, on=D(2026, 4, 3), reason="Moved on", by=manager)
    assert financial_year_start(D(2026, 3, 31)) == D(2025, 4, 1)
    assert financial_year_start(D(2026, 4, 1)) == D(2026, 4, 1)
    old_year = total_pence(spend(start=D(2025, 4, 1), end=D(2026, 4, 1)))
    new_year = total_pence(spend(start=D(2026, 4, 1), end=D(2027, 4, 1)))
    assert (old_year, new_year) == (2 * 2000, 2 * 2000)  # 30-31 March, then 1-2 April


def test_budget_defaults_to_two_million_pounds_and_can_be_set_per_year():
    assert budget_pence(D(2026, 4, 1)) == 200_000_000
    BudgetYear.objects.create(starts_on=D(2027, 4, 1), amount_pence=250_000_000)
    assert budget_pence(D(2027, 4, 1)) == 250_000_000
    with pytest.raises(IntegrityError, match='check constraint "budget_year_starts_1_april"'), transaction.atomic():
        BudgetYear.objects.create(starts_on=D(2028, 1, 1), amount_pence=1)


def test_a_provider_without_a_rate_cannot_be_allocated(support_case, manager):
    unpriced = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    with pytest.raises(Invalid, match="has no outreach rate in force on 5 January 2026") as refused:
        allocation_move(support_case=support_case, provider=unpriced, support_type="outreach", on=D(2026, 1, 5),
                        by=manager)
    assert list(refused.value.fields) == ["provider"]
    assert not Allocation.objects.filter(support_case=support_case).exists()


def test_children_and_other_nations_never_enter_the_contract(first_responder, competent_authorities,  # noqa: F811
                                                              local_authority):  # noqa: F811
    child = referral_submit(referral=completed_draft(first_responder, child_answers(local_authority.pk)),
                            by=first_responder)
    with pytest.raises(NotInContract, match="local authority"):
        support_case_open(referral=child)
    scottish = referral_submit(referral=completed_draft(
        first_responder, adult_answers(first_responder={"nation": "scotland"})), by=first_responder)
    with pytest.raises(NotInContract, match="Scotland"):
        support_case_open(referral=scottish)


def test_only_the_prime_contractor_allocates(support_case, providers, first_responder):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        allocation_move(support_case=support_case, provider=providers[0], support_type="accommodation",
                        on=D(2026, 1, 5), by=first_responder)
