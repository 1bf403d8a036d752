"""Faults: Redis down when a referral is submitted. The referral is saved, the submission notice
waits in the outbox, and it reaches the competent authority once Redis is back."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.test import Client

from core.models import OutboxTask
from core.outbox import flush, publish_on_commit
from nrm.celery import app
from referrals.models import Referral
from tests.conftest import purge_test_namespace, sign_in
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


def _waiting(count: int) -> list[int]:
    """`count` tasks written to the outbox in transactions of their own, each tried at its commit."""
    ids = []
    for _ in range(count):
        with transaction.atomic():
            ids.append(publish_on_commit("core.tasks.flush_outbox").pk)
    return ids


def _attempts(ids: list[int]) -> list[int]:
    rows = OutboxTask.objects.in_bulk(ids)
    assert all(row.published_at is None for row in rows.values())
    return [rows[row_id].attempts for row_id in ids]


@pytest.mark.django_db(transaction=True)
def test_after_one_failed_publish_the_process_leaves_the_broker_alone_for_a_while(redis_down):
    """A hung broker costs a timeout per try: the second and third commits do not try it again."""
    assert _attempts(_waiting(3)) == [1, 0, 0]


@pytest.mark.django_db(transaction=True)
def test_the_broker_is_tried_again_once_the_wait_is_over(redis_down, settings):
    settings.NRM_OUTBOX_RETRY_AFTER_SECONDS = 0
    assert _attempts(_waiting(3)) == [1, 1, 1]


@pytest.mark.django_db(transaction=True)
def test_the_outbox_job_stops_at_the_first_refusal_and_sends_the_rest_when_the_broker_is_back(redis_down, settings):
    app.conf.broker_url = settings.CELERY_BROKER_URL
    with transaction.atomic():  # written in one transaction, published by nobody yet
        ids = [OutboxTask.objects.create(task="core.tasks.flush_outbox", args=[]).pk for _ in range(3)]
    app.conf.broker_url = DEAD_BROKER
    assert flush() == 0
    assert _attempts(ids) == [1, 0, 0], "one refusal, not one a row"

    app.conf.broker_url = settings.CELERY_BROKER_URL  # back: the job tries although the breaker is open
    assert flush() == 3
    assert not OutboxTask.objects.filter(pk__in=ids, published_at__isnull=True).exists()
    purge_test_namespace(settings.TEST_NAMESPACE)  # no worker of a later test is to run them
