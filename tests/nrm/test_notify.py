"""The GOV.UK Notify email backend, against a local stand-in for Notify's API."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.mail import send_mail
from django.utils import timezone

from core.notify import NotifyError, notify_token
from organisations.models import OrgRole
from reminders.models import Reminder, ReminderRule, ReminderStatus
from reminders.services import reminders_dispatch
from tests.factories import OrganisationFactory

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"nrm_test-{SERVICE_ID}-{SECRET}"


class _FakeNotify(BaseHTTPRequestHandler):
    received: list[dict] = []
    answer = 201

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"path": self.path, "auth": self.headers["Authorization"], "body": body})
        self.send_response(type(self).answer)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def notify(settings):
    server = HTTPServer(("127.0.0.1", 0), _FakeNotify)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _FakeNotify.received, _FakeNotify.answer = [], 201
    settings.EMAIL_BACKEND = "core.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_EMAIL_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield _FakeNotify
    server.shutdown()


def _verify(token: str) -> dict:
    header, claims, signature = token.split(".")
    expected = hmac.new(SECRET.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    return json.loads(base64.urlsafe_b64decode(claims + "=="))


def test_each_message_is_posted_to_notify_with_a_signed_token(notify):
    assert send_mail("NRM: RG due (NRM-2026-000001)", "Body with a link.", None, ["a@example.test"]) == 1
    [request] = notify.received
    assert request["path"] == "/v2/notifications/email"
    assert request["body"] == {"email_address": "a@example.test", "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
                               "personalisation": {"subject": "NRM: RG due (NRM-2026-000001)",
                                                   "body": "Body with a link."}}
    assert _verify(request["auth"].removeprefix("Bearer "))["iss"] == SERVICE_ID


@pytest.mark.django_db
def test_a_refusal_raises_so_the_reminder_is_retried(notify, first_responder, settings):
    notify.answer = 400
    with pytest.raises(NotifyError, match="Notify answered 400"):
        send_mail("Subject", "Body", None, ["a@example.test"])
    # Through the reminder dispatch: the refusal keeps the reminder pending for a later attempt ...
    authority = OrganisationFactory(roles=[OrgRole.COMPETENT_AUTHORITY], first_responder_type="")
    now = timezone.now()
    reminder = Reminder.objects.create(
        rule=ReminderRule.DRAFT_DELETED, referral_id=uuid.uuid4(), reference="NRM-2026-000042", link="/referrals/",
        competent_authority=authority, due_on=now.date(), recipient=first_responder,
        send_at=now - datetime.timedelta(minutes=1))
    assert reminders_dispatch(now=now).retrying == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts, reminder.last_error) == (ReminderStatus.PENDING, 1, "NotifyError")
    assert reminder.send_at == now + datetime.timedelta(minutes=settings.NRM_REMINDER_RETRY_MINUTES)
    # ... and the next dispatch after that time sends it, once Notify accepts.
    notify.answer = 201
    assert reminders_dispatch(now=reminder.send_at).sent == 1
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 2)
    assert [request["body"]["email_address"] for request in notify.received] == [
        "a@example.test", first_responder.email, first_responder.email]


def test_the_token_is_deterministic_for_a_given_time():
    assert notify_token(API_KEY, issued_at=1) == notify_token(API_KEY, issued_at=1)
    assert _verify(notify_token(API_KEY, issued_at=1))["iat"] == 1
