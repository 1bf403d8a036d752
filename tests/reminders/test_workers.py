"""Exactly once across worker processes: two workers dispatching at once, and a worker killed with
SIGKILL in the middle of a batch. Each reminder goes to its own recipient, so counting the messages
per address shows any duplicate or loss."""

from __future__ import annotations

import datetime
import os
import signal
import uuid
from collections import Counter

import pytest
from django.utils import timezone

from organisations.models import OrgRole, User
from reminders.models import Reminder, ReminderRule, ReminderStatus
from tests.factories import OrganisationFactory
from tests.reminders.mailbox import delivered, holding

pytestmark = pytest.mark.django_db(transaction=True)


def _due_reminders(count: int) -> list[str]:
    """`count` due reminders, each to a different recipient; returns their addresses."""
    organisation = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER])
    users = User.objects.bulk_create(User(email=f"recipient{n}@example.test", full_name=f"Recipient {n}",
                                          organisation=organisation) for n in range(count))
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(rule=ReminderRule.DRAFT_DELETED, referral_id=uuid.uuid4(), link="/referrals/",
                 due_on=now.date(), recipient=user, send_at=now - datetime.timedelta(minutes=1))
        for user in users)
    return [user.email for user in users]


def _pending() -> int:
    return Reminder.objects.filter(status=ReminderStatus.PENDING).count()


def test_two_workers_dispatching_at_once_send_each_reminder_once(worker_processes):
    addresses = _due_reminders(150)
    worker_processes.start("one")
    worker_processes.start("two")
    worker_processes.wait_until_ready("one", "two")
    worker_processes.enqueue_dispatch()
    worker_processes.enqueue_dispatch()
    worker_processes.wait_until(lambda: _pending() == 0 and len(delivered(worker_processes.mail_folder)) >= 150)
    messages = delivered(worker_processes.mail_folder)
    assert Counter(to for _, to in messages) == Counter(addresses), "every reminder exactly once"
    assert len({pid for pid, _ in messages}) == 2, "both workers sent some: they really ran at once"
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 150


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(worker_processes):
    """Killed while sending its 31st reminder: the row it had claimed goes back to pending with its
    transaction, and the next run sends it and the rest. (The one window this cannot cover, between the
    mail server accepting a message and the commit, is the one reminders/services.py documents; killing
    at a poll's whim would sometimes land in it, so the worker is held at a known point instead.)"""
    addresses = _due_reminders(120)
    first = worker_processes.start("doomed", hold_after=30)
    worker_processes.enqueue_dispatch()
    worker_processes.wait_until(lambda: holding(worker_processes.mail_folder, first.pid))
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    assert len(delivered(worker_processes.mail_folder)) == 30, "killed in the middle of the batch"
    assert _pending() == 90, "the reminder being sent went back to pending with the other 89"
    worker_processes.start("restarted")
    worker_processes.enqueue_dispatch()  # the next five-minute run from beat
    worker_processes.wait_until(lambda: _pending() == 0)
    messages = delivered(worker_processes.mail_folder)
    assert Counter(to for _, to in messages) == Counter(addresses), "every reminder exactly once"
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 120
