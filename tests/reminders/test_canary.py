"""A canary referral with unusual name and date of birth: nothing the reminders produce (emails,
notification text, Celery task messages, log lines) contains them."""

from __future__ import annotations

import datetime
import json
import logging

import time_machine
from celery.signals import before_task_publish
from django.core import mail

from core.email import render_email
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft, decision_send_for_review
from referrals.services import referral_submit
from reminders.messages import reminder_email_context, reminder_text
from reminders.models import Reminder, ReminderStatus
from tests.referrals.builders import completed_draft
from tests.reminders.conftest import dispatch_at, uk
from tests.reminders.test_rules import answers_before

CANARY_GIVEN, CANARY_FAMILY = "Zyxwquorvant", "Plimmeroothby"
CANARY_BIRTH = datetime.date(1911, 2, 3)
CANARIES = (CANARY_GIVEN, CANARY_FAMILY, "1911-02-03", "3 February 1911", "03/02/1911", "1911")


def test_no_reminder_output_carries_the_persons_name_or_date_of_birth(world, celery_worker, caplog):
    published: list[str] = []

    def capture(sender=None, body=None, headers=None, **kwargs):
        published.append(json.dumps([sender, body, headers], default=str))

    before_task_publish.connect(capture, weak=False)
    caplog.set_level(logging.DEBUG)
    try:
        answers = answers_before(datetime.date(2026, 4, 1))
        answers["personal-details"].update(given_names=CANARY_GIVEN, family_name=CANARY_FAMILY,
                                           date_of_birth=CANARY_BIRTH.isoformat())
        with time_machine.travel(uk(2026, 4, 1, 10), tick=False):
            referral = referral_submit(referral=completed_draft(world.referrer, answers), by=world.referrer)
            case_file_open(referral)
            case_allocate(referral=referral, to=world.decider, by=world.manager)
        with time_machine.travel(uk(2026, 4, 2, 12), tick=False):
            decision = decision_draft(referral=referral, stage="rg", outcome="positive", reasons=CANARY_FAMILY,
                                      evidence_considered=CANARY_GIVEN, by=world.decider)
            decision_send_for_review(decision=decision, by=world.decider)
        for moment in (uk(2026, 4, 9, 8, 5), uk(2026, 4, 10, 8, 5), uk(2026, 4, 13, 8, 5)):
            dispatch_at(moment)
    finally:
        before_task_publish.disconnect(capture)

    sent = list(Reminder.objects.filter(status=ReminderStatus.SENT))
    assert {reminder.rule for reminder in sent} >= {"rg_due", "rg_overdue", "review_waiting"}
    assert any(referral.reference in message.body for message in mail.outbox), "the canary really was reminded"
    outputs = {
        "email": [message.subject + message.body + " ".join(message.to) for message in mail.outbox],
        "notification": [reminder_text(reminder) for reminder in sent],
        "email as rendered": ["".join(render_email("reminder", reminder_email_context(reminder))) for reminder in sent],
        "task message": published,
        "log line": [record.getMessage() for record in caplog.records],
    }
    assert published, "the dispatch really went through the broker"
    for kind, texts in outputs.items():
        for text in texts:
            for canary in CANARIES:
                assert canary not in text, f"{kind} contains {canary!r}"
