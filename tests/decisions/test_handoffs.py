"""A served decision reaches everyone it concerns: the referral page and API by role (and the refusals),
the letter as an accessible page and a tagged PDF, the dispatch task on the "Letters to send" list that
never uses an unsafe route, and no contact detail of the person in an email, a log line or a task."""

from __future__ import annotations

import datetime
import json
import logging

import pytest
import time_machine
from celery.signals import before_task_publish
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from core import working_days
from core.errors import Conflict
from core.outbox import flush
from decisions.dispatch import route_for
from decisions.models import DispatchChannel, LetterDispatch
from decisions.services.letters import letter_dispatch_record
from reminders.models import Reminder, ReminderRule
from reminders.services import reminders_dispatch
from tests.conftest import sign_in
from tests.handoffs import allocated, build_world, served
from tests.nrm.test_canary_journey import CANARIES, _leaks
from victim_care.models import SupportCase, SupportType
from victim_care.services import allocation_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def decisions_of(user, referral) -> list[dict]:
    response = api(user).get(f"/api/v1/referrals/{referral.pk}/")
    assert response.status_code == 200, response.status_code
    return response.json()["decisions"]


def test_the_referring_organisation_reads_a_negative_decision_in_full_and_the_provider_only_its_outcome(
        world, django_assert_max_num_queries):
    referral = allocated(world)
    support = SupportCase.objects.create(referral=referral)  # in support before the decision (say, a CG)
    allocation_move(support_case=support, provider=world.organisations["provider"], support_type=SupportType.OUTREACH,
                    on=timezone.localdate(), by=world.case_manager)
    decision = served(world, referral, outcome="negative", reasons="No indicators of control were found.")
    with django_assert_max_num_queries(30):
        full = decisions_of(world.responder, referral)
    [shown] = full
    assert shown["stage"] == "rg" and shown["outcome"] == "negative" and shown["full"] is True
    assert shown["served_on"] == working_days.local_date(decision.served_at).isoformat()
    assert shown["reasons"] == "No indicators of control were found."
    assert shown["reconsideration_due_by"] == (working_days.today() + datetime.timedelta(days=30)).isoformat()
    assert shown["reconsideration_url"] == reverse("decisions:reconsider", args=[referral.pk])
    assert shown["letter_url"] and shown["letter_pdf_url"] and shown["next_steps"]
    assert decisions_of(world.responder_colleague, referral) == full  # the organisation, not one person
    [outcome] = decisions_of(world.worker, referral)
    assert outcome["outcome"] == "negative" and outcome["full"] is False
    assert outcome["reconsideration_due_by"] == shown["reconsideration_due_by"]
    assert not {"reasons", "letter_url", "letter_pdf_url", "next_steps"} & set(outcome)
    logged = AccessEvent.objects.filter(record_type="decisions.decision", record_id=str(decision.pk),
                                        action=AccessAction.VIEW)
    assert {event.user_id for event in logged} == {world.responder.pk, world.responder_colleague.pk, world.worker.pk}


def test_a_childs_local_authority_sees_the_decision_in_full(world):
    referral = allocated(world, child=True)
    served(world, referral)
    [shown] = decisions_of(world.la_lead, referral)
    assert shown["full"] and shown["outcome"] == "positive" and shown["recovery_period_ends_on"]
    assert shown["reasons"] and shown["reconsideration_url"] == ""
    assert api(world.other_la_lead).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["other_responder", "monitor", "case_manager", "second_worker"])
def test_others_do_not_get_the_referral_or_its_decision(world, who):
    """Another organisation's first responder, a monitor, the prime contractor (its view is the support case)
    and an earlier provider: the referral does not exist for them, and the attempt is logged."""
    referral = allocated(world)
    served(world, referral)
    support = SupportCase.objects.get(referral=referral)
    today = timezone.localdate()
    allocation_move(support_case=support, provider=world.organisations["second"], support_type=SupportType.OUTREACH,
                    on=today - datetime.timedelta(days=3), by=world.case_manager)
    allocation_move(support_case=support, provider=world.organisations["provider"],
                    support_type=SupportType.OUTREACH, on=today, by=world.case_manager)  # second is earlier now
    user = getattr(world, who)
    response = api(user).get(f"/api/v1/referrals/{referral.pk}/")
    assert response.status_code == 404
    assert AccessEvent.objects.filter(user=user, action=AccessAction.DENIED, record_id=str(referral.pk)).exists()
    letter = reverse("decisions:letter", args=[referral.pk, referral.case_file.decisions.get().pk])
    assert sign_in(Client(), user).get(letter).status_code == 404


def test_the_referral_page_shows_the_decision_and_the_letter_downloads(world):
    referral = allocated(world)
    decision = served(world, referral)
    client = sign_in(Client(), world.responder)
    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    for expected in ("Positive Reasonable Grounds decision", "Date served", "Minimum recovery period",
                     "The account is consistent and the indicators are present.", "What happens next",
                     "Read the letter", "Download the letter (PDF)"):
        assert expected in page, expected
    letter = client.get(reverse("decisions:letter", args=[referral.pk, decision.pk])).content.decode()
    assert "Dear Arben Testperson," in letter and "suspect but cannot prove" in letter
    assert 'lang="en-GB"' in letter and "<h1" in letter
    pdf = client.get(reverse("decisions:letter-pdf", args=[referral.pk, decision.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == f'attachment; filename="decision-{referral.reference}-rg-{decision.pk}.pdf"'
    body = pdf.content
    assert body.startswith(b"%PDF-")
    for tagged in (b"/StructTreeRoot", b"/MarkInfo", b"/Lang", b"/H1", b"/P", b"/DisplayDocTitle"):
        assert tagged in body, tagged
    assert AccessEvent.objects.filter(user=world.responder, action=AccessAction.DOWNLOAD,
                                      record_id=str(decision.pk)).count() == 2
    worker_page = sign_in(Client(), world.worker)
    allocation_move(support_case=SupportCase.objects.get(referral=referral), provider=world.organisations["provider"],
                    support_type=SupportType.OUTREACH, on=timezone.localdate(), by=world.case_manager)
    assert worker_page.get(reverse("decisions:letter", args=[referral.pk, decision.pk])).status_code == 403
    shown = worker_page.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "Positive Reasonable Grounds decision" in shown and "The account is consistent" not in shown


def test_the_letter_follows_the_configured_threshold_words_and_names_the_interpreter_language(world, settings):
    settings.NRM_RG_THRESHOLD_TEXT = "reasonable grounds to believe, short of conclusive proof"
    referral = allocated(world, personal_details={"needs_interpreter": "yes", "interpreter_language": "Albanian"})
    decision = served(world, referral, outcome="negative")
    assert "reasonable grounds to believe, short of conclusive proof" in decision.letter
    assert "suspect but cannot prove" not in decision.letter
    assert "interpreter for Albanian" in decision.letter
    assert f"They must ask by {referral.case_file.reconsideration_due_by:%-d %B %Y}" in decision.letter
    assert "No indicators" not in decision.letter and "The account is consistent" in decision.letter


# Where each method sends the letter, as the referral's answers name it.
WHERE = {"email": ("delivery_email", "someone@example.test"), "post": ("delivery_address", "1 High St")}


@pytest.mark.parametrize(("send_to", "method", "safe_to_send", "channel"), [
    ("person", "email", "yes", DispatchChannel.EMAIL),
    ("person", "post", "yes", DispatchChannel.POST),
    ("legal_representative", "post", "yes", DispatchChannel.LEGAL_REPRESENTATIVE),
    ("first_responder", "email", "yes", DispatchChannel.FIRST_RESPONDER),
    ("person", "email", "no", DispatchChannel.COLLECT_IN_PERSON),
    ("person", "post", "no", DispatchChannel.COLLECT_IN_PERSON),
    ("legal_representative", "email", "no", DispatchChannel.COLLECT_IN_PERSON),
])
def test_the_dispatch_follows_the_referral_and_never_an_unsafe_route(world, send_to, method, safe_to_send, channel):
    field, address = WHERE[method]
    delivery = {"send_to": send_to, "method": method, field: address, "safe_to_send": safe_to_send}
    referral = allocated(world, decision_delivery=delivery)
    referral.answers["decision-delivery"] = delivery  # exactly these answers, nothing left from the builder
    referral.save(update_fields=["answers"])
    decision = served(world, referral)
    dispatch = LetterDispatch.objects.get(decision=decision)
    assert dispatch.channel == channel == route_for(referral).channel
    assert dispatch.competent_authority == world.organisations["ukhtc"]
    assert dispatch.due_by == working_days.add_working_days(working_days.local_date(decision.served_at), 2)
    if delivery["safe_to_send"] == "no":
        page = sign_in(Client(), world.manager).get(reverse("decisions:letter-sent", args=[decision.pk]))
        text = page.content.decode()
        assert "Collect in person through the first responder" in text
        assert delivery.get("delivery_email", "@@") not in text and delivery.get("delivery_address", "@@") not in text


def test_a_childs_letter_goes_through_the_first_responder(world):
    decision = served(world, allocated(world, child=True))
    assert decision.dispatch.channel == DispatchChannel.FIRST_RESPONDER


def test_staff_record_the_letter_sent_and_an_unsent_letter_reminds_the_managers_after_two_working_days(world):
    start = timezone.make_aware(datetime.datetime(2026, 11, 9, 10))  # a Monday
    with time_machine.travel(start, tick=False):
        referral = allocated(world)
        sent_one = served(world, referral)
        other = served(world, allocated(world))
    letters = sign_in(Client(), world.decider).get(reverse("decisions:letters"))
    assert letters.status_code == 200 and referral.reference in letters.content.decode()
    assert sign_in(Client(), world.reviewer).get(reverse("decisions:letters")).status_code == 403
    with time_machine.travel(start + datetime.timedelta(days=1), tick=False):
        recorded = letter_dispatch_record(dispatch=sent_one.dispatch, sent_on=datetime.date(2026, 11, 10),
                                          sent_how="email", by=world.decider)
    assert (recorded.sent_on, recorded.sent_by, recorded.sent_how) == (datetime.date(2026, 11, 10), world.decider,
                                                                       "email")
    with pytest.raises(Conflict, match="already been recorded as sent"):
        letter_dispatch_record(dispatch=sent_one.dispatch, sent_on=datetime.date(2026, 11, 10), sent_how="post",
                               by=world.decider)
    for day in (10, 11):  # Wednesday 11 November is the second working day: not yet late
        with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 11, day, 9)), tick=False):
            reminders_dispatch()
    assert not Reminder.objects.filter(rule=ReminderRule.LETTER_UNSENT, status="sent").exists()  # planned, not due
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 11, 12, 9)), tick=False):
        reminders_dispatch()
    late = Reminder.objects.filter(rule=ReminderRule.LETTER_UNSENT)
    assert {(row.referral_id, row.recipient_id, row.status) for row in late} == {
        (other.case_id, world.manager.pk, "sent"), (other.case_id, world.manager_two.pk, "sent")}


def test_no_contact_detail_of_the_person_reaches_an_email_a_log_line_or_a_task(world, caplog, settings,
                                                                                django_capture_on_commit_callbacks):
    """The canary strings (tests/nrm/test_canary_journey.py) as the person's name, email and address: served,
    dispatched, reminded about, notified and recorded sent, they appear in no email, log record or message."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    published: list[str] = []

    def capture(sender=None, body=None, headers=None, **kwargs) -> None:
        published.append(json.dumps([sender, body, headers], default=str))

    before_task_publish.connect(capture, weak=False)
    address = "7 Plorvaxen Row, Snibbleford"
    delivery = {"send_to": "person", "method": "post", "delivery_address": address, "safe_to_send": "yes"}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            referral = allocated(world, decision_delivery=delivery, personal_details={
                "given_names": CANARIES["given_names"], "family_name": CANARIES["family_name"]})
            unsafe = allocated(world, decision_delivery={**delivery, "method": "email",
                                                         "delivery_email": CANARIES["delivery_email"],
                                                         "safe_to_send": "no"})
            decisions = [served(world, referral), served(world, unsafe, outcome="negative")]
        reminders_dispatch()
        later = timezone.now() + datetime.timedelta(days=6)
        with time_machine.travel(later, tick=False):
            reminders_dispatch()
        with django_capture_on_commit_callbacks(execute=True):
            letter_dispatch_record(dispatch=decisions[0].dispatch, sent_on=timezone.localdate(), sent_how="post",
                                   by=world.manager)
        flush()
    finally:
        before_task_publish.disconnect(capture)
    assert decisions[1].dispatch.channel == DispatchChannel.COLLECT_IN_PERSON
    assert mail.outbox and published and Reminder.objects.filter(rule=ReminderRule.LETTER_UNSENT).exists()
    texts = {"email": [m.subject + m.body + " ".join(m.to) for m in mail.outbox],
             "log record": [record.getMessage() + str(record.args) for record in caplog.records],
             "task message": published}
    for kind, found in texts.items():
        for text in found:
            assert not _leaks(text), f"a {kind} holds {_leaks(text)}"
            assert address.lower() not in text.lower() and "Plorvaxen" not in text, kind
