"""Casework rules: the workflow table, allocation grants, independent second review, the clock,
reconsideration, withdrawal and closure, and the quality audit sample."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from core.errors import Conflict, Invalid
from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, QualityAudit, Stage
from decisions.permissions import ReviewerNotIndependent, may_decide
from decisions.services.case import case_allocate, case_close, case_transfer, case_withdraw, involvement_declare
from decisions.services.decision import (
    DecisionConflict,
    RecoveryPeriodNotOver,
    decision_draft,
    decision_return,
    decision_send_for_review,
    decision_sign_off,
)
from decisions.services.quality import quality_sample_draw, quarter_of
from decisions.services.reconsideration import ReconsiderationWindowClosed, reconsideration_request
from decisions.workflow import TRANSITIONS, TransitionNotAllowed, next_status
from organisations.models import Role
from referrals.models import Referral, ReferralStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def draft(case, decider, stage=Stage.RG, outcome=Outcome.POSITIVE) -> Decision:
    return decision_draft(referral=case, stage=stage, outcome=outcome, reasons="Indicators present.",
                          evidence_considered="Referral form and interview notes.", by=decider)


def serve(case, decider, reviewer, stage=Stage.RG, outcome=Outcome.POSITIVE) -> Decision:
    decision = decision_send_for_review(decision=draft(case, decider, stage, outcome), by=decider)
    return decision_sign_off(decision=decision, by=reviewer)


def status(referral) -> str:
    return Referral.objects.values_list("status", flat=True).get(pk=referral.pk)


def test_every_action_outside_its_states_is_refused():
    for action, (allowed_from, to) in TRANSITIONS.items():
        for state in ReferralStatus:
            if state in allowed_from:
                assert next_status(action, state) == to
            else:
                with pytest.raises(TransitionNotAllowed):
                    next_status(action, state)


def test_allocation_grants_the_case_to_one_decision_maker(case, decider, manager, ukhtc):
    assert status(case) == ReferralStatus.ALLOCATED
    assert may_decide(decider, case)
    colleague = UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER])
    assert not may_decide(colleague, case)
    case_allocate(referral=case, to=colleague, by=manager)
    assert may_decide(colleague, case) and not may_decide(decider, case)
    with pytest.raises(PermissionDenied):
        draft(case, decider)


def test_only_managers_allocate_and_only_to_their_own_decision_makers(case, decider, manager,
                                                                      competent_authorities):
    with pytest.raises(PermissionDenied):
        case_allocate(referral=case, to=decider, by=decider)
    allocated_before = CaseFile.objects.get(pk=case.pk).allocated_to_id
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER])
    with pytest.raises(Invalid, match="decision makers of the deciding competent authority"):
        case_allocate(referral=case, to=outsider, by=manager)
    assert CaseFile.objects.get(pk=case.pk).allocated_to_id == allocated_before != outsider.pk


def test_rg_positive_signed_off_starts_a_45_day_recovery_period(case, decider, reviewer):
    decision = serve(case, decider, reviewer)
    assert decision.status == DecisionStatus.SERVED and decision.reviewer == reviewer
    assert status(case) == ReferralStatus.RG_POSITIVE
    served_on = timezone.localtime(decision.served_at).date()
    assert case.case_file.__class__.objects.get(pk=case.pk).recovery_period_ends_on == served_on + timedelta(days=45)


def test_a_decision_takes_effect_only_when_signed_off(case, decider, reviewer):
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    assert status(case) == ReferralStatus.RG_AWAITING_REVIEW and decision.served_at is None
    returned = decision_return(decision=decision, by=reviewer, comments="Say which indicators.")
    assert returned.status == DecisionStatus.RETURNED and status(case) == ReferralStatus.RG_DRAFTED
    revised = draft(case, decider)
    assert revised.pk == decision.pk and revised.status == DecisionStatus.DRAFT
    assert decision_sign_off(decision=decision_send_for_review(decision=revised, by=decider),
                             by=reviewer).status == DecisionStatus.SERVED


def test_the_author_cannot_review_their_own_decision(case, decider, ukhtc):
    decider.groups.add(*UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]).groups.all())
    decider._roles_cache = None
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    with pytest.raises(ReviewerNotIndependent, match="You wrote this decision"):
        decision_sign_off(decision=decision, by=decider)
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.AWAITING_REVIEW


def test_a_reviewer_who_declared_involvement_cannot_review(case, decider, reviewer):
    involvement_declare(referral=case, details="I decided their asylum claim.", by=reviewer)
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    with pytest.raises(ReviewerNotIndependent, match="declared involvement"):
        decision_sign_off(decision=decision, by=reviewer)
    with pytest.raises(ReviewerNotIndependent):
        decision_return(decision=decision, by=reviewer, comments="No")


def test_a_reviewer_of_the_other_competent_authority_cannot_review(case, decider, competent_authorities):
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.SECOND_REVIEWER])
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    with pytest.raises(ReviewerNotIndependent, match="deciding competent authority"):
        decision_sign_off(decision=decision, by=outsider)


def test_review_policy_negative_only_serves_positive_decisions_at_once(case, decider, settings):
    settings.NRM_SECOND_REVIEW_POLICY = "negative"
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    assert decision.status == DecisionStatus.SERVED and decision.reviewer is None
    assert status(case) == ReferralStatus.RG_POSITIVE


def test_review_policy_negative_only_still_reviews_negative_decisions(case, decider, settings):
    settings.NRM_SECOND_REVIEW_POLICY = "negative"
    decision = decision_send_for_review(decision=draft(case, decider, outcome=Outcome.NEGATIVE), by=decider)
    assert decision.status == DecisionStatus.AWAITING_REVIEW


def test_cg_is_refused_inside_the_recovery_period(case, decider, reviewer):
    start = timezone.now()
    with time_machine.travel(start):
        serve(case, decider, reviewer)
    with time_machine.travel(start + timedelta(days=45)), pytest.raises(RecoveryPeriodNotOver):
        draft(case, decider, stage=Stage.CG)
    with time_machine.travel(start + timedelta(days=46)):
        assert draft(case, decider, stage=Stage.CG).stage == Stage.CG
        assert status(case) == ReferralStatus.CG_DRAFTED


def test_reconsideration_of_a_negative_rg_within_the_window(case, decider, reviewer, first_responder):
    start = timezone.now()
    with time_machine.travel(start):
        negative = serve(case, decider, reviewer, outcome=Outcome.NEGATIVE)
    with time_machine.travel(start + timedelta(days=30)):
        request = reconsideration_request(referral=case, reasons="GP letter arrived.", new_evidence="Letter",
                                          by=first_responder)
    assert request.decision == negative and status(case) == ReferralStatus.RG_RECONSIDERATION
    # The original decision stays; a new Reasonable Grounds decision is drafted (never a CG in its place).
    with time_machine.travel(start + timedelta(days=31)):
        with pytest.raises(Conflict, match="retaken as a new Reasonable Grounds decision"):
            draft(case, decider, stage=Stage.CG)
        redo = draft(case, decider, stage=Stage.RG)
    assert redo.is_reconsideration and Decision.objects.get(pk=negative.pk).status == DecisionStatus.SERVED


def test_reconsideration_window_closes_after_30_days(case, decider, reviewer, first_responder):
    start = timezone.now()
    with time_machine.travel(start):
        serve(case, decider, reviewer, outcome=Outcome.NEGATIVE)
    with time_machine.travel(start + timedelta(days=31)), pytest.raises(ReconsiderationWindowClosed):
        reconsideration_request(referral=case, reasons="Late", new_evidence="", by=first_responder)
    assert status(case) == ReferralStatus.RG_NEGATIVE


def test_positive_decisions_cannot_be_reconsidered(case, decider, reviewer, first_responder):
    serve(case, decider, reviewer)
    with pytest.raises(TransitionNotAllowed):
        reconsideration_request(referral=case, reasons="?", new_evidence="", by=first_responder)


def test_a_withdrawn_case_is_neither_decided_nor_closed_nor_reallocated(case, decider, manager):
    case_withdraw(referral=case, reason="Returned home and does not want to continue.", by=decider)
    assert status(case) == ReferralStatus.WITHDRAWN
    with pytest.raises(TransitionNotAllowed, match="not allowed while the case is 'Withdrawn'"):
        draft(case, decider)
    with pytest.raises(TransitionNotAllowed, match="'close' is not allowed while the case is 'Withdrawn'"):
        case_close(referral=case, reason="Duplicate", by=decider)
    with pytest.raises(TransitionNotAllowed, match="'allocate' is not allowed while the case is 'Withdrawn'"):
        case_allocate(referral=case, to=decider, by=manager)
    assert status(case) == ReferralStatus.WITHDRAWN and not Decision.objects.filter(case_id=case.pk).exists()


def test_closing_needs_a_served_decision_and_a_reason(case, decider, reviewer):
    with pytest.raises(TransitionNotAllowed):
        case_close(referral=case, reason="Duplicate", by=decider)
    start = timezone.now()
    with time_machine.travel(start):
        serve(case, decider, reviewer)
    with time_machine.travel(start + timedelta(days=50)):
        serve(case, decider, reviewer, stage=Stage.CG, outcome=Outcome.NEGATIVE)
        move_on = case.case_file.__class__.objects.get(pk=case.pk).move_on_at
        assert move_on - timezone.now() <= timedelta(hours=48)
        with pytest.raises(Invalid, match="Say why the case is being closed"):
            case_close(referral=case, reason=" ", by=decider)
        case_close(referral=case, reason="Person has left the UK.", by=decider)
    assert status(case) == ReferralStatus.CLOSED


def test_transfer_moves_the_case_and_takes_away_the_grant(case, decider, manager, competent_authorities):
    UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])  # someone to receive it
    case_transfer(referral=case, to_authority=competent_authorities["ukba"], reason="Asylum claim found.",
                  by=manager)
    case.refresh_from_db()
    assert case.competent_authority == competent_authorities["ukba"]
    assert status(case) == ReferralStatus.SUBMITTED
    assert not may_decide(decider, case)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_signing_off_at_once_leave_one_sign_off(case, decider, ukhtc):
    reviewers = [UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]) for _ in range(2)]
    decision = decision_send_for_review(decision=draft(case, decider), by=decider)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def sign(reviewer) -> None:
        try:
            barrier.wait()
            outcomes.append(decision_sign_off(decision=Decision.objects.get(pk=decision.pk), by=reviewer))
        except DecisionConflict as conflict:
            outcomes.append(conflict)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(reviewer,)) for reviewer in reviewers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(o, Decision) for o in outcomes) == 1
    assert sum(isinstance(o, DecisionConflict) for o in outcomes) == 1
    served = Decision.objects.get(pk=decision.pk)
    assert served.status == DecisionStatus.SERVED and served.reviewer in reviewers
    assert status(case) == ReferralStatus.RG_POSITIVE
    assert Decision.pgh_event_model.objects.filter(pgh_obj_id=decision.pk, status=DecisionStatus.SERVED).count() == 1


def _served_decisions(authors, per_author, reviewer, first_responder, manager):
    from decisions.services.case import case_file_open
    from referrals.services import referral_submit
    from tests.referrals.builders import completed_draft

    for author in authors:
        for _ in range(per_author):
            referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
            case_file_open(referral)
            case_allocate(referral=referral, to=author, by=manager)
            serve(referral, author, reviewer)


def test_quality_sample_is_ten_percent_rounded_up(ukhtc, reviewer, first_responder, manager):
    authors = [UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER])]
    _served_decisions(authors, 21, reviewer, first_responder, manager)
    quarter = quarter_of(timezone.localdate())
    sample = quality_sample_draw(quarter=quarter, rng=random.Random(7))
    assert len(sample) == 3  # 10% of 21, rounded up
    assert len(quality_sample_draw(quarter=quarter)) == 3  # drawing again adds nothing
    assert QualityAudit.objects.count() == 3


def test_quality_sample_takes_at_least_one_per_decision_maker(ukhtc, reviewer, first_responder, manager):
    authors = [UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER]) for _ in range(4)]
    _served_decisions(authors, 2, reviewer, first_responder, manager)
    sample = quality_sample_draw(quarter=quarter_of(timezone.localdate()), rng=random.Random(1))
    assert len(sample) == 4  # 10% of 8 is 1, but each of the 4 decision makers gets one
    sampled_authors = set(QualityAudit.objects.values_list("decision__author", flat=True))
    assert sampled_authors == {author.pk for author in authors}


def test_another_competent_authority_cannot_act_on_the_case(case, decider, competent_authorities):
    outsider_manager = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    outsider = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.DECISION_MAKER])
    with pytest.raises(PermissionDenied, match="Only the competent authority's managers allocate cases"):
        case_allocate(referral=case, to=outsider, by=outsider_manager)
    with pytest.raises(PermissionDenied):
        draft(case, outsider)
    # Nothing changed: still allocated to its own decision maker, with no decision drafted.
    case_file = CaseFile.objects.get(pk=case.pk)
    assert (status(case), case_file.allocated_to_id) == (ReferralStatus.ALLOCATED, decider.pk)
    assert not Decision.objects.filter(case_id=case.pk).exists()


def test_the_supporting_provider_can_ask_for_reconsideration(case, decider, reviewer):
    from guardian.shortcuts import assign_perm

    from organisations.models import OrgRole
    from referrals.selectors import referrals_visible_to
    from tests.factories import OrganisationFactory
    from victim_care.services import provider_group

    serve(case, decider, reviewer, outcome=Outcome.NEGATIVE)
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    worker = UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])
    other_provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    stranger = UserFactory(organisation=other_provider, roles=[Role.SUPPORT_WORKER])
    assert not referrals_visible_to(worker).filter(pk=case.pk).exists()
    # A grant to one person counts for nothing: it would outlive their leaving the provider.
    assign_perm("referrals.support_referral", stranger, case)
    assert not referrals_visible_to(stranger).filter(pk=case.pk).exists()
    assign_perm("referrals.support_referral", provider_group(provider), case)  # as allocation does
    assert referrals_visible_to(worker).filter(pk=case.pk).exists()
    assert not referrals_visible_to(stranger).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        reconsideration_request(referral=case, reasons="?", new_evidence="", by=stranger)
    request = reconsideration_request(referral=case, reasons="New medical evidence.", new_evidence="", by=worker)
    assert request.requested_by == worker and status(case) == ReferralStatus.RG_RECONSIDERATION
    assert request.requested_for == "support_provider"
