"""Delivery without a worker: retries and failure, the managers' reminder desk, each user's
notifications, and a record change cancelling what it made stale."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AccessAction, AccessEvent
from referrals.services import referral_section_save, referral_start
from reminders.models import Reminder, ReminderRule, ReminderStatus
from reminders.services import reminders_dispatch
from tests.conftest import sign_in
from tests.reminders.conftest import uk

pytestmark = pytest.mark.django_db


class BrokenMailServer:
    """An email backend whose server refuses every message."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("mail server at 10.0.0.1 refused user@example.test")


def _due(world, *, authority=None, recipient=None, rule=ReminderRule.RG_OVERDUE, **fields) -> Reminder:
    """A reminder row due now about a case that still calls for it (a draft-deleted notice: always does)."""
    return Reminder.objects.create(
        rule=rule, referral_id=fields.pop("referral_id", uuid.uuid4()),
        reference=fields.pop("reference", "NRM-2026-000042"),
        link="/referrals/", competent_authority=authority or world.ukhtc, due_on=datetime.date(2026, 4, 14),
        recipient=recipient or world.manager, send_at=timezone.now() - datetime.timedelta(minutes=1), **fields)


def test_a_refused_email_is_retried_then_listed_as_failed_and_a_manager_can_retry_it(world, settings, client):
    reminder = _due(world, rule=ReminderRule.DRAFT_DELETED, recipient=world.referrer)
    settings.EMAIL_BACKEND = "tests.reminders.test_delivery.BrokenMailServer"
    now = timezone.now()
    for attempt in range(1, 4):
        with time_machine.travel(now + datetime.timedelta(minutes=16 * attempt * attempt), tick=False):
            reminders_dispatch()
        reminder.refresh_from_db()
        assert reminder.attempts == attempt
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.last_error == "ConnectionRefusedError", "the type only: the message may hold an address"

    sign_in(client, world.manager)
    page = client.get("/reminders/?status=failed")
    assert page.status_code == 200 and b"NRM-2026-000042" in page.content and b"ConnectionRefusedError" in page.content
    response = client.post(f"/reminders/{reminder.pk}/retry/")
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.retried_by) == (ReminderStatus.PENDING, 0, world.manager)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_dispatch()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert [message.to for message in mail.outbox] == [[world.referrer.email]]


def test_the_reminder_desk_shows_only_the_managers_own_authority(world):
    ours = _due(world, rule=ReminderRule.DRAFT_DELETED, reference="NRM-2026-000001", status=ReminderStatus.FAILED)
    theirs = _due(world, authority=world.ukba, recipient=world.other_authority_manager, reference="NRM-2026-000002",
                  rule=ReminderRule.DRAFT_DELETED, status=ReminderStatus.FAILED)
    client = sign_in(Client(), world.manager)
    page = client.get("/reminders/?status=failed")
    assert b"NRM-2026-000001" in page.content and b"NRM-2026-000002" not in page.content
    assert client.post(f"/reminders/{theirs.pk}/retry/").status_code == 404
    assert AccessEvent.objects.filter(user=world.manager, action=AccessAction.DENIED,
                                      record_type="reminders.reminder", record_id=str(theirs.pk)).exists()
    theirs.refresh_from_db()
    assert theirs.status == ReminderStatus.FAILED
    assert ours.status == ReminderStatus.FAILED


@pytest.mark.parametrize("role_holder", ["decider", "reviewer", "referrer", "case_manager"])
def test_only_competent_authority_managers_reach_the_reminder_desk(world, role_holder):
    failed = _due(world, rule=ReminderRule.DRAFT_DELETED, status=ReminderStatus.FAILED)
    client = sign_in(Client(), getattr(world, role_holder))
    assert client.get("/reminders/").status_code == 403
    assert client.post(f"/reminders/{failed.pk}/retry/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.FAILED
    assert b'href="/reminders/"' not in client.get("/").content


def test_notifications_on_the_home_page_with_the_unread_count(world):
    reminders_for_manager = [_due(world, rule=ReminderRule.DRAFT_DELETED, referral_id=uuid.uuid4()) for _ in range(2)]
    other = _due(world, rule=ReminderRule.DRAFT_DELETED, recipient=world.decider)
    reminders_dispatch()
    client = sign_in(Client(), world.manager)
    home = client.get("/").content.decode()
    assert "Notifications (2 unread)" in home
    # Attack finding 9: following a GET (a link, an image elsewhere) changes nothing ...
    looked = client.get(f"/notifications/{reminders_for_manager[0].pk}/")
    assert looked.status_code == 302 and looked.url == "/referrals/"
    assert "Notifications (2 unread)" in client.get("/").content.decode()
    # ... the list's Open button (a POST, behind CSRF protection) marks it read.
    opened = client.post(f"/notifications/{reminders_for_manager[0].pk}/")
    assert opened.status_code == 302 and opened.url == "/referrals/"
    assert "Notifications (1 unread)" in client.get("/").content.decode()
    assert client.get(f"/notifications/{other.pk}/").status_code == 404, "someone else's notification"
    assert client.post(f"/notifications/{other.pk}/").status_code == 404, "someone else's notification"
    other.refresh_from_db()
    assert other.read_at is None
    client.post("/notifications/read/")
    assert "unread" not in client.get("/").content.decode().split("Notifications", 1)[1].split("</h2>", 1)[0]
    assert client.get("/notifications/").status_code == 200


def test_saving_a_draft_after_its_warning_was_planned_cancels_that_warning(world):
    start = uk(2026, 4, 1, 10)
    with time_machine.travel(start, tick=False):
        draft = referral_start(by=world.referrer)
    with time_machine.travel(start + datetime.timedelta(days=21, hours=-2), tick=False):
        reminders_dispatch()  # plans the warning due in two hours
    warning = Reminder.objects.get(rule=ReminderRule.DRAFT_EXPIRING)
    assert warning.status == ReminderStatus.PENDING and not mail.outbox
    with time_machine.travel(start + datetime.timedelta(days=21, hours=-1), tick=False):
        referral_section_save(referral=draft, section_slug="first-responder",
                              data={"nation": "england", "own_reference": ""}, by=world.referrer)
    warning.refresh_from_db()
    assert warning.status == ReminderStatus.CANCELLED
    with time_machine.travel(start + datetime.timedelta(days=21, hours=1), tick=False):
        reminders_dispatch()
    assert not mail.outbox


def test_each_dispatch_costs_the_same_few_queries_per_reminder(world, django_assert_max_num_queries):
    for _ in range(30):
        _due(world, rule=ReminderRule.DRAFT_DELETED, referral_id=uuid.uuid4())
    # Planning (one query per rule and the audience), then per reminder: claim and mark sent, plus the
    # savepoint and its release that the test's own transaction turns each reminder's transaction into.
    with django_assert_max_num_queries(20 + 4 * 30):
        result = reminders_dispatch()
    assert result.sent == 30
