"""Event notifications: each hand-off notifies exactly the people the issue names and nobody else, once, in
the service (the notifications page and its unread count) and by email with a reference and a link only; a
user may turn the emails off for themselves but keeps the notice in the service."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from decisions.services.case import case_allocate, involvement_declare
from decisions.services.decision import decision_draft, decision_return, decision_send_for_review, decision_sign_off
from decisions.services.reconsideration import reconsideration_request
from organisations.models import OrgRole, Role
from referrals.services import (
    guardian_assign,
    guardian_assignment_end,
    information_request_answer,
    information_request_create,
)
from reminders.events import EVENT_RULES
from reminders.models import Reminder, ReminderRule, ReminderStatus
from reminders.selectors import unread_count
from reminders.services import notification_emails_set, reminders_deliver_events, reminders_dispatch
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.handoffs import allocated, build_world, served, submitted
from victim_care.models import SupportCase, SupportType
from victim_care.services import allocation_move

pytestmark = pytest.mark.django_db
R = ReminderRule


@pytest.fixture
def world(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_world()


def told(rule: ReminderRule) -> set[str]:
    """Who has been notified of this event so far (by the world's keys' emails)."""
    return {row.recipient.email for row in Reminder.objects.filter(rule=rule).select_related("recipient")}


def emails(world, *keys: str) -> set[str]:
    return {getattr(world, key).email for key in keys}


def deliver() -> None:
    reminders_deliver_events(rules_=EVENT_RULES)


def test_each_event_reaches_exactly_its_people(world):
    referral = submitted(world)
    case_allocate(referral=referral, to=world.decider, by=world.manager)
    assert told(R.CASE_ALLOCATED) == emails(world, "decider")
    case_allocate(referral=referral, to=world.decider_two, by=world.manager)  # reallocated
    assert told(R.CASE_ALLOCATED) == emails(world, "decider", "decider_two")
    case_allocate(referral=referral, to=world.decider, by=world.manager)

    request = information_request_create(referral=referral, question="When did it start?", by=world.decider)
    assert told(R.INFORMATION_REQUESTED) == emails(world, "responder", "responder_colleague")
    information_request_answer(request=request, answer="In March.", by=world.responder_colleague)
    assert told(R.INFORMATION_ANSWERED) == emails(world, "decider")

    involvement_declare(referral=referral, details="I decided their asylum claim.", by=world.involved_reviewer)
    decision = decision_send_for_review(decision=decision_draft(
        referral=referral, stage="rg", outcome="negative", reasons="r", evidence_considered="e", by=world.decider),
        by=world.decider)
    assert told(R.DECISION_AWAITING_REVIEW) == emails(world, "reviewer", "reviewer_two")  # not the involved one
    decision_return(decision=decision, by=world.reviewer, comments="Say more.")
    assert told(R.DECISION_RETURNED) == emails(world, "decider")
    decision = decision_send_for_review(decision=decision_draft(
        referral=referral, stage="rg", outcome="negative", reasons="More.", evidence_considered="e",
        by=world.decider), by=world.decider)
    decision_sign_off(decision=decision, by=world.reviewer_two)
    assert told(R.DECISION_SERVED) == emails(world, "responder", "responder_colleague")  # adult, not in support

    reconsideration_request(referral=referral, reasons="A GP letter.", new_evidence="", by=world.responder)
    assert told(R.RECONSIDERATION_REQUESTED) == emails(world, "manager", "manager_two", "decider")

    nobody_else = {user.email for user in world.everyone()} - emails(
        world, "decider", "decider_two", "responder", "responder_colleague", "reviewer", "reviewer_two",
        "manager", "manager_two")
    assert not nobody_else & {row.recipient.email for row in Reminder.objects.select_related("recipient")}


def test_a_served_decision_reaches_the_childs_local_authority(world):
    referral = allocated(world, child=True)
    served(world, referral)
    assert told(R.DECISION_SERVED) == emails(world, "responder", "responder_colleague", "la_lead")
    assert told(R.SUPPORT_CASE_OPENED) == set()  # a child is supported by the local authority


def test_a_served_decision_reaches_the_childs_guardian_named_or_the_whole_service_and_no_one_after(world, settings):
    settings.NRM_CHILD_GUARDIANS_ENABLED = True
    service = OrganisationFactory(roles=[OrgRole.CHILD_GUARDIAN], first_responder_type="")
    named, colleague = (UserFactory(organisation=service, roles=[Role.CHILD_GUARDIAN]) for _ in range(2))
    other_service = OrganisationFactory(roles=[OrgRole.CHILD_GUARDIAN], first_responder_type="")
    UserFactory(organisation=other_service, roles=[Role.CHILD_GUARDIAN])
    referral = allocated(world, child=True)
    guardian_assign(referral=referral, guardian_service=service, by=world.la_lead)
    served(world, referral)
    base = emails(world, "responder", "responder_colleague", "la_lead")

    def told_about(child) -> set[str]:
        return {row.recipient.email for row in Reminder.objects.filter(rule=R.DECISION_SERVED, referral_id=child.pk)
                .select_related("recipient")}

    assert told_about(referral) == base | {named.email, colleague.email}  # nobody named: the service's guardians
    named_child = allocated(world, child=True)
    guardian_assign(referral=named_child, guardian_service=service, guardian=named, by=world.la_lead)
    served(world, named_child)
    assert told_about(named_child) == base | {named.email}
    ended = allocated(world, child=True)
    guardian_assign(referral=ended, guardian_service=service, by=world.la_lead)
    guardian_assignment_end(referral=ended, reason="Turned 18.", by=world.la_lead)
    served(world, ended)
    assert told_about(ended) == base


def test_support_hand_offs_reach_the_prime_contractor_and_the_providers(world):
    referral = allocated(world)
    served(world, referral)  # positive RG: the support case opens
    support = SupportCase.objects.get(referral=referral)
    assert told(R.SUPPORT_CASE_OPENED) == emails(world, "case_manager", "case_manager_two")
    assert told(R.DECISION_SERVED) == emails(world, "responder", "responder_colleague")  # not in support yet
    today = timezone.localdate()
    allocation_move(support_case=support, provider=world.organisations["second"], support_type=SupportType.OUTREACH,
                    on=today - datetime.timedelta(days=2), by=world.case_manager)
    assert told(R.SUPPORT_ALLOCATED) == emails(world, "second_worker")
    allocation_move(support_case=support, provider=world.organisations["provider"],
                    support_type=SupportType.OUTREACH, on=today, by=world.case_manager)
    assert told(R.SUPPORT_ALLOCATED) == emails(world, "second_worker", "worker", "worker_two")
    assert told(R.SUPPORT_MOVED_AWAY) == emails(world, "second_worker")
    Reminder.objects.filter(rule=R.DECISION_SERVED).delete()  # the RG's; now the CG, with the person in support
    referral.case_file.recovery_period_ends_on = today - datetime.timedelta(days=1)
    referral.case_file.save(update_fields=["recovery_period_ends_on"])
    served(world, referral, stage="cg")
    assert told(R.DECISION_SERVED) == emails(world, "responder", "responder_colleague", "case_manager",
                                             "case_manager_two", "worker", "worker_two")


def test_each_notification_is_sent_once_in_the_service_and_by_email_with_reference_and_link_only(world):
    referral = submitted(world)
    case_allocate(referral=referral, to=world.decider, by=world.manager)
    case_allocate(referral=referral, to=world.decider, by=world.manager)  # the same hand-off again: no new row
    deliver()
    deliver()
    reminders_dispatch()
    [row] = Reminder.objects.filter(rule=R.CASE_ALLOCATED)
    assert row.status == ReminderStatus.SENT and row.link == reverse("decisions:case", args=[referral.pk])
    [message] = [m for m in mail.outbox if m.to == [world.decider.email]]
    assert referral.reference in message.subject and row.link in message.body
    assert "Arben" not in message.body and "Testperson" not in message.body
    assert unread_count(world.decider) == 1
    page = sign_in(Client(), world.decider).get(reverse("reminders:notifications")).content.decode()
    assert f"{referral.reference} has been allocated to you." in page


def test_a_user_can_turn_their_emails_off_but_keeps_the_notice_in_the_service(world):
    notification_emails_set(user=world.responder_colleague, emails=False)
    referral = allocated(world)
    information_request_create(referral=referral, question="Where?", by=world.decider)
    deliver()
    to = [message.to[0] for message in mail.outbox]
    assert world.responder.email in to and world.responder_colleague.email not in to
    assert unread_count(world.responder_colleague) == 1 and unread_count(world.responder) == 1


def test_the_settings_page_turns_emails_off_for_the_signed_in_user_only(world):
    client = sign_in(Client(), world.responder)
    page = client.get(reverse("reminders:settings"))
    assert page.status_code == 200 and "Email me" in page.content.decode()
    response = client.post(reverse("reminders:settings"), {"emails": "no"})
    assert response.status_code == 302
    world.responder.refresh_from_db()
    from reminders.services import emails_wanted

    assert not emails_wanted(world.responder) and emails_wanted(world.responder_colleague)
