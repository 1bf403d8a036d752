"""Jobs that never lose their work: a notice survives a mail server outage and is sent once
the server returns; a notice that cannot be sent ends FAILED on the managers' reminder desk, never
silently acknowledged; and a second Celery beat sends nothing while the first runs."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core.jobs import backoff_seconds
from core.models import JobRun, JobStatus, OutboxTask
from core.tasks import prune_job_runs
from monitoring.tasks import send_report_notice, store_previous_quarter_report
from nrm.beat import SingleBeatScheduler
from nrm.celery import app
from organisations.models import OrgRole, Role
from referrals.services import referral_submit
from referrals.tasks import send_submission_notice
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.nrm.outage import closed_port, mail_server
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

NOTICE = "referrals.tasks.send_submission_notice"


@pytest.fixture
def mail_down(settings):
    """SMTP to a local port where no mail server listens (yet); retries quick enough for a test."""
    port = closed_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 2
    settings.NRM_TASK_RETRY_BASE_SECONDS, settings.NRM_TASK_RETRY_MAX_SECONDS = 0.5, 1.0
    return port


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.django_db(transaction=True)
def test_a_notice_survives_a_mail_server_outage_and_is_sent_when_it_returns(
        first_responder, competent_authorities, mail_down, settings):  # noqa: F811
    settings.NRM_TASK_MAX_RETRIES = 30
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)  # outbox -> Redis
    with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10, pool="solo"):
        mine = JobRun.objects.filter(task=NOTICE, referral_id=referral.pk)
        _wait_for(lambda: mine.filter(attempts__gte=2, status=JobStatus.RETRYING).exists())
        run = mine.get()
        assert run.last_error == "ConnectionRefusedError" and str(run.referral_id) == str(referral.pk)
        with mail_server(mail_down) as received:  # the mail server is back
            _wait_for(lambda: mine.filter(status=JobStatus.SUCCEEDED).exists())
            _wait_for(lambda: received)
    run.refresh_from_db()
    assert run.attempts >= 3 and run.finished_at is not None
    assert len(received) == 1 and f"New NRM referral {referral.reference}" in received[0]


@pytest.mark.django_db(transaction=True)
def test_a_notice_that_cannot_be_sent_ends_failed_on_the_managers_desk(
        first_responder, competent_authorities, mail_down, settings):  # noqa: F811
    settings.NRM_TASK_MAX_RETRIES = 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    outcome = send_submission_notice.apply(args=[str(referral.pk)])  # eager: retries run at once
    assert outcome.failed()
    run = JobRun.objects.get(task=NOTICE, task_id=outcome.id)
    assert (run.status, run.attempts, run.last_error) == (JobStatus.FAILED, 3, "ConnectionRefusedError")

    manager = UserFactory(organisation=competent_authorities["ukhtc"], roles=[Role.CA_MANAGER])
    page = sign_in(Client(), manager).get("/reminders/").content.decode()
    assert "Notices and jobs that failed" in page and referral.reference in page
    assert "New referral notice to the authority&#x27;s inbox" in page and "3 attempts: ConnectionRefusedError" in page
    other = UserFactory(organisation=competent_authorities["ukba"], roles=[Role.CA_MANAGER])
    assert referral.reference not in sign_in(Client(), other).get("/reminders/").content.decode(), \
        "another authority's managers do not see it"


def _queued() -> int:
    return cache._cache.get_client().llen(app.conf.task_default_queue)


@pytest.mark.django_db(transaction=True)
def test_a_second_beat_sends_nothing_while_the_first_runs():
    client = cache._cache.get_client()
    client.delete(app.conf.task_default_queue)
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update(enabled=False)
    PeriodicTask.objects.create(name="test: every second", task="core.tasks.flush_outbox", interval=every_second,
                                last_run_at=None, start_time=None)
    first, second = SingleBeatScheduler(app=app), SingleBeatScheduler(app=app)
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            first.tick()
            time.sleep(0.2)
        sent_by_first = _queued()
        assert sent_by_first >= 1, "the first beat sends the schedule"

        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            assert second.tick() == SingleBeatScheduler.lock_retry_seconds
            time.sleep(0.2)
        assert _queued() == sent_by_first, "the second beat sent nothing"

        first.close()  # the first beat stops: the second takes over at its next tick
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline and _queued() == sent_by_first:
            second.tick()
            time.sleep(0.2)
        assert _queued() > sent_by_first, "the second beat took over"
    finally:
        first.close()
        second.close()
        client.delete(app.conf.task_default_queue)


def test_backoff_doubles_and_stays_below_the_visibility_timeout(settings):
    settings.NRM_TASK_RETRY_BASE_SECONDS, settings.NRM_TASK_RETRY_MAX_SECONDS = 30, 600
    waits = [backoff_seconds(n) for n in range(8)]
    assert 24 <= waits[0] <= 30 and 48 <= waits[1] <= 60 and 96 <= waits[2] <= 120
    assert max(waits) <= 600 < app.conf.broker_transport_options["visibility_timeout"]
    assert timedelta(seconds=sum(waits)) > timedelta(minutes=30), "a long outage is outlasted"


@pytest.mark.django_db(transaction=True)
def test_the_report_ready_notice_survives_a_mail_server_outage(mail_down):
    """The report is stored while the mail server is away; its notice waits for a job that retries it,
    instead of failing the report job (whose rerun would find the report stored and send nothing)."""
    monitor = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                          roles=[Role.MONITOR])
    stored = store_previous_quarter_report.apply()
    assert stored.successful() and stored.result["created"] is True
    waiting = OutboxTask.objects.get(task="monitoring.tasks.send_report_notice")
    assert waiting.args == [stored.result["run"]]
    cache._cache.get_client().delete(app.conf.task_default_queue)  # no worker here: run it ourselves
    with mail_server(mail_down) as received:  # the mail server is back
        sent = send_report_notice.apply(args=waiting.args)
    assert sent.successful()
    assert len(received) == 1 and "is ready" in received[0] and monitor.email in received[0]


@pytest.mark.django_db
def test_old_successful_runs_are_forgotten_and_failed_ones_kept():
    old = timezone.now() - timedelta(days=91)
    for task_id, status in (("old-done", JobStatus.SUCCEEDED), ("old-failed", JobStatus.FAILED),
                            ("new-done", JobStatus.SUCCEEDED)):
        JobRun.objects.create(task_id=task_id, task=NOTICE, status=status, started_at=old,
                              finished_at=old if task_id.startswith("old") else timezone.now())
    assert prune_job_runs() == 1
    assert set(JobRun.objects.values_list("task_id", flat=True)) == {"old-failed", "new-done"}
