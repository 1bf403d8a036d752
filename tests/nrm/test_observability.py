"""Logs and signals: JSON logs in UTC with the request id, user id and task id; one event per
traceback and none for an expected 403/404; an access-log event per request; /metrics for an internal
scraper, scraped here; error reporting with personal data off."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db.models.signals import post_save
from django.test import Client
from django.utils import timezone

from core.logs import ContextFilter, JsonFormatter, QuietExpectedRefusals, scrub_sentry_event
from core.models import JobRun, JobStatus, OutboxTask
from nrm.celery import app
from referrals.models import Referral
from tests.conftest import sign_in
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_lines():
    """What the service's console handler would write, as parsed events."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(QuietExpectedRefusals())
    root = logging.getLogger()
    root.addHandler(handler)
    # Whatever an earlier test in this process did to logging (a Celery worker's set-up, a dictConfig, a
    # logging.disable), these tests read the service's own events: the access logger writes to this
    # handler directly, at INFO, exactly once.
    access = logging.getLogger("nrm.access")
    saved = (access.level, access.propagate, access.disabled, logging.root.manager.disable)
    logging.disable(logging.NOTSET)
    for name in ("core.middleware", "django.request"):
        logging.getLogger(name).disabled = False
    access.setLevel(logging.INFO)
    access.propagate, access.disabled = False, False
    access.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        access.removeHandler(handler)
        access.setLevel(saved[0])
        access.propagate, access.disabled = saved[1], saved[2]
        logging.disable(saved[3])
        root.removeHandler(handler)


def test_the_console_handler_writes_json_to_standard_output():
    handler = django_settings.LOGGING["handlers"]["console"]
    assert handler["stream"] == "ext://sys.stdout"
    assert django_settings.LOGGING["formatters"][handler["formatter"]] == {"()": "core.logs.JsonFormatter"}
    assert {"context", "quiet_refusals"} <= set(handler["filters"])


def test_an_access_event_has_utc_time_status_duration_request_and_user_ids_and_no_personal_data(
        first_responder, log_lines):
    client = sign_in(Client(), first_responder)
    response = client.get("/referrals/?q=Jane+Smith", HTTP_X_REQUEST_ID="req-0123456789")
    assert response["X-Request-ID"] == "req-0123456789"
    access = [event for event in log_lines() if event.get("event") == "access" and event["route"] == "/referrals/"]
    assert len(access) == 1
    event = access[0]
    assert event["time"].endswith("Z") and "T" in event["time"]
    assert (event["status"], event["method"], event["request_id"], event["user_id"]) == (
        200, "GET", "req-0123456789", first_responder.pk)
    assert isinstance(event["duration_ms"], float)
    everything = json.dumps(log_lines())
    assert first_responder.email not in everything and first_responder.full_name not in everything
    assert "Jane" not in everything, "no query string in the logs"


def test_an_expected_403_or_404_logs_one_line_without_a_traceback(first_responder, log_lines):
    client = sign_in(Client(), first_responder)
    assert client.get("/reminders/").status_code == 403  # the managers' desk, refused to a first responder
    assert client.get("/no-such-page/").status_code == 404
    refusals = [event for event in log_lines() if event["logger"] == "django.request"]
    assert [event["status_code"] for event in refusals] == [403, 404]
    assert not any("traceback" in event for event in log_lines())


@pytest.mark.django_db(transaction=True)
def test_a_failed_request_is_one_event_with_its_traceback(first_responder, competent_authorities,  # noqa: F811
                                                          log_lines):
    draft = completed_draft(first_responder)
    client = sign_in(Client(raise_request_exception=False), first_responder)

    def fail(sender, instance, **kwargs):
        raise RuntimeError("a bug halfway through")

    post_save.connect(fail, sender=Referral, weak=False)
    try:
        response = client.post(f"/referrals/{draft.pk}/check-answers/", HTTP_X_REQUEST_ID="req-failing-000001")
    finally:
        post_save.disconnect(fail, sender=Referral)
    assert response.status_code == 500
    events = [event for event in log_lines() if event.get("request_id") == "req-failing-000001"]
    with_traceback = [event for event in events if "traceback" in event]
    assert len(with_traceback) == 1, "one event per traceback"
    assert with_traceback[0]["level"] == "ERROR" and with_traceback[0]["error_type"] == "RuntimeError"
    assert "a bug halfway through" in with_traceback[0]["traceback"]
    assert [event["status"] for event in events if event.get("event") == "access"] == [500]


def test_a_task_log_record_carries_the_task_id(log_lines):
    @app.task(name="tests.nrm.log_inside_a_task")
    def log_inside_a_task() -> None:
        logging.getLogger("tests").warning("inside a task")

    outcome = log_inside_a_task.apply()
    events = [event for event in log_lines() if event["message"] == "inside a task"]
    assert len(events) == 1
    assert events[0]["task_id"] == outcome.id and events[0]["task"] == "tests.nrm.log_inside_a_task"


def test_metrics_are_scraped_with_the_token_and_hidden_without_it(first_responder, settings):
    settings.METRICS_TOKEN = "scraper-token-" + "x" * 20
    OutboxTask.objects.create(task="core.tasks.flush_outbox", args=[])
    OutboxTask.objects.filter(published_at__isnull=True).update(created_at=timezone.now() - timedelta(minutes=5))
    now = timezone.now()
    JobRun.objects.create(task_id="report-1", task="monitoring.tasks.store_previous_quarter_report",
                          status=JobStatus.SUCCEEDED, started_at=now, finished_at=now, duration_ms=1234)
    JobRun.objects.create(task_id="notice-1", task="referrals.tasks.send_submission_notice",
                          status=JobStatus.FAILED, started_at=now, finished_at=now, attempts=9)
    sign_in(Client(), first_responder).get("/referrals/")

    assert Client().get("/metrics").status_code == 404
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}",
                            HTTP_HOST="10.0.0.7:8000")  # scraped by pod address
    assert response.status_code == 200
    text = response.content.decode()
    assert 'nrm_http_requests_total{method="GET",route="/referrals/",status="200"}' in text
    assert 'nrm_http_request_duration_seconds_bucket{le="0.5",method="GET",route="/referrals/"}' in text
    age = next(float(line.split()[-1]) for line in text.splitlines()
               if line.startswith("nrm_outbox_oldest_age_seconds"))
    assert age >= 300
    assert 'nrm_reminders{status="failed"} 0.0' in text and 'nrm_reminders{status="pending"}' in text
    assert 'nrm_jobs_failed{task="referrals.tasks.send_submission_notice"} 1.0' in text
    assert "nrm_report_build_seconds 1.234" in text
    assert f'nrm_queue_depth{{queue="{settings.CELERY_TASK_DEFAULT_QUEUE}"}}' in text
    assert 'nrm_dependency_up{dependency="database"} 1.0' in text


def test_error_reports_carry_no_personal_data():
    event = {"request": {"url": "/referrals/x/", "data": {"full_name": "Jane"}, "cookies": {"sessionid": "s"},
                         "headers": {"Cookie": "s"}, "query_string": "q=Jane"},
             "user": {"id": 7, "email": "jane@example.test", "ip_address": "10.0.0.1"}}
    scrubbed = scrub_sentry_event(event, {})
    assert scrubbed["request"] == {"url": "/referrals/x/"}
    assert scrubbed["user"] == {"id": 7}


def test_sentry_is_set_up_with_personal_data_off_when_a_dsn_is_given():
    code = ("import django, sentry_sdk; django.setup(); options = sentry_sdk.get_client().options; "
            "print(options['send_default_pii'], options['include_local_variables'], options['max_request_body_size'])")
    environment = {**os.environ, "SENTRY_DSN": "https://public@127.0.0.1:9/1", "DJANGO_SETTINGS_MODULE": "nrm.settings"}
    answer = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True,
                            timeout=60, check=True)
    assert answer.stdout.split() == ["False", "False", "never"]
