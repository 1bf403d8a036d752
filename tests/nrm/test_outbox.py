"""Faults: Redis down when a referral is submitted. The referral is saved, the submission notice
waits in the outbox, and it reaches the competent authority once Redis is back."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.test import Client

from core.models import OutboxTask
from core.outbox import flush
from nrm.celery import app
from referrals.models import Referral
from tests.conftest import sign_in
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused


@pytest.fixture
def redis_down():
    working = app.conf.broker_url
    app.conf.broker_url = DEAD_BROKER
    try:
        yield
    finally:
        app.conf.broker_url = working


@pytest.mark.django_db(transaction=True)
def test_a_referral_submitted_while_redis_is_down_is_saved_and_notified_when_it_returns(
        first_responder, competent_authorities, redis_down, settings):  # noqa: F811
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    draft = completed_draft(first_responder)
    client = sign_in(Client(), first_responder)
    response = client.post(f"/referrals/{draft.pk}/check-answers/")
    assert response.status_code == 302, "the person referring sees their confirmation, not an error"
    referral = Referral.objects.get(pk=draft.pk)
    assert referral.reference and referral.status == "submitted"
    notice = OutboxTask.objects.get(task="referrals.tasks.send_submission_notice", args=[str(referral.pk)])
    assert notice.published_at is None and notice.attempts == 1 and notice.last_error
    assert flush() == 0, "still down: still waiting"

    app.conf.broker_url = settings.CELERY_BROKER_URL  # Redis is back
    assert flush() == 1
    assert flush() == 0, "published once"
    with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10, pool="solo"):
        deadline = time.monotonic() + 30
        while not any(referral.reference in message.subject for message in mail.outbox):
            assert time.monotonic() < deadline, "the notice never arrived"
            time.sleep(0.1)
    assert [message.to for message in mail.outbox if referral.reference in message.subject] == [["ukhtc@example.test"]]
