"""A small NRM world for the reminder rules, and real Celery workers (a thread, or processes)."""

from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection

from nrm.celery import app
from organisations.models import Organisation, OrgRole, Role, User
from reminders.tasks import dispatch_reminders
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.conftest import competent_authorities, local_authority  # noqa: F401 - shared fixtures
from tests.urls_for_processes import database_url
from victim_care.models import SupportType, Tariff

UK = ZoneInfo("Europe/London")
REPO = Path(__file__).resolve().parents[2]


def uk(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UK)


@dataclass
class World:
    ukhtc: Organisation
    ukba: Organisation
    referrer: User
    referrer_colleague: User
    manager: User
    other_authority_manager: User
    decider: User
    other_decider: User
    reviewer: User
    involved_reviewer: User
    other_authority_reviewer: User
    case_manager: User
    providers: list[Organisation]
    workers: list[User]

    def everyone(self) -> list[User]:
        return [value for value in vars(self).values() if isinstance(value, User)] + self.workers


@pytest.fixture
def world(competent_authorities) -> World:  # noqa: F811
    ukhtc, ukba = competent_authorities["ukhtc"], competent_authorities["ukba"]
    referrer_org = OrganisationFactory(roles=[OrgRole.FIRST_RESPONDER])
    prime = OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR], first_responder_type="")
    providers = [OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
                 for _ in range(2)]
    for provider in providers:
        Tariff.objects.create(provider=provider, support_type=SupportType.ACCOMMODATION, daily_rate_pence=4000,
                              valid_from=datetime.date(2020, 1, 1))
    return World(
        ukhtc=ukhtc, ukba=ukba,
        referrer=UserFactory(organisation=referrer_org, roles=[Role.FIRST_RESPONDER]),
        referrer_colleague=UserFactory(organisation=referrer_org, roles=[Role.FIRST_RESPONDER]),
        manager=UserFactory(organisation=ukhtc, roles=[Role.CA_MANAGER]),
        other_authority_manager=UserFactory(organisation=ukba, roles=[Role.CA_MANAGER]),
        decider=UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER]),
        other_decider=UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER]),
        reviewer=UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]),
        involved_reviewer=UserFactory(organisation=ukhtc, roles=[Role.SECOND_REVIEWER]),
        other_authority_reviewer=UserFactory(organisation=ukba, roles=[Role.SECOND_REVIEWER]),
        case_manager=UserFactory(organisation=prime, roles=[Role.PC_CASE_MANAGER]),
        providers=providers,
        workers=[UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER]) for provider in providers],
    )


@pytest.fixture
def celery_worker(transactional_db) -> Iterator[None]:
    """A real worker (a thread of this process) on the real Redis broker, on this test run's own queue
    (nrm/settings_test.py: one per run and pytest-xdist worker)."""
    assert not app.conf.task_always_eager
    assert app.conf.task_default_queue == django_settings.TEST_NAMESPACE
    with start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10, pool="solo"):
        yield


def dispatch_at(moment: datetime.datetime) -> dict[str, int]:
    """Travel to `moment` and have the worker run the five-minute dispatch, as beat would. The worker
    is a thread of this process, so its task_postrun signal says when the task is done (the service
    keeps no result backend)."""
    task_id, finished, outcome = str(uuid.uuid4()), threading.Event(), {}

    def on_finished(sender=None, task_id=None, retval=None, state=None, **kwargs) -> None:
        if task_id == expected:
            outcome.update(state=state, retval=retval)
            finished.set()

    expected = task_id
    task_postrun.connect(on_finished, weak=False)
    try:
        with time_machine.travel(moment, tick=False):
            dispatch_reminders.apply_async(task_id=task_id)
            assert finished.wait(timeout=60), "the worker did not run the dispatch"
    finally:
        task_postrun.disconnect(on_finished)
    assert outcome["state"] == "SUCCESS", outcome
    return outcome["retval"]


def reminder_mail(rule_label: str | None = None) -> list[tuple[str, str]]:
    """(recipient, subject) of each reminder email sent so far, optionally of one rule."""
    return [(message.to[0], message.subject) for message in mail.outbox if message.subject.startswith("NRM: ")
            and (rule_label is None or message.subject.startswith(f"NRM: {rule_label}"))]


def deadline_mail() -> list[tuple[str, str]]:
    """The reminder emails of deadline rules only, leaving out event notifications (reminders.events)."""
    from reminders.events import EVENT_RULES

    events = tuple(f"NRM: {rule.label}" for rule in EVENT_RULES)
    return [(to, subject) for to, subject in reminder_mail() if not subject.startswith(events)]


def recipients(rule_label: str) -> list[str]:
    return sorted(to for to, _ in reminder_mail(rule_label))


# --- Worker processes, for the tests that run two at once or kill one. ---

@dataclass
class WorkerProcesses:
    queue: str
    mail_folder: Path
    started: list[subprocess.Popen]

    def env(self) -> dict[str, str]:
        db = connection.settings_dict
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nrm.settings_test",
            "NRM_ENVIRONMENT": "test",
            "DATABASE_URL": database_url(db),
            "REDIS_URL": django_settings.REDIS_URL,
            "NRM_TEST_QUEUE": self.queue,  # nrm/settings_test.py: the queue this worker's own tasks go to
            "EMAIL_BACKEND": "tests.reminders.mailbox.SlowFileBackend",
            "EMAIL_FILE_PATH": str(self.mail_folder),
            "PYTHONPATH": str(REPO),
        }

    def start(self, name: str, *, hold_after: int | None = None) -> subprocess.Popen:
        """A worker process; with `hold_after`, it delivers that many messages and is then held in the
        middle of sending the next (tests/reminders/mailbox.py), to be killed there."""
        env = self.env() if hold_after is None else {**self.env(), "TEST_MAIL_HOLD_AFTER": str(hold_after)}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "nrm", "worker", "--pool=solo", "--loglevel=WARNING",
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{name}@%h", "-Q", self.queue],
            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.started.append(process)
        return process

    def wait_until_ready(self, *names: str, timeout: float = 60) -> None:
        """Until each named worker answers a ping: a worker still starting when the other has done all the
        work would make "both sent some" a matter of how loaded the machine is."""
        nodes = {f"{name}@{socket.gethostname()}" for name in names}
        self.wait_until(lambda: nodes <= {node for reply in app.control.ping(destination=sorted(nodes), timeout=0.5)
                                          for node in reply}, timeout)

    def enqueue_dispatch(self) -> None:
        dispatch_reminders.apply_async(queue=self.queue)

    def wait_until(self, condition, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("timed out waiting for the workers")
            time.sleep(0.1)


@pytest.fixture
def worker_processes(transactional_db, tmp_path) -> Iterator[WorkerProcesses]:
    # In this run's namespace (nrm/settings_test.py), so the end-of-run purge also covers it.
    queue = f"{app.conf.task_default_queue}-processes-{uuid.uuid4().hex[:8]}"
    processes = WorkerProcesses(queue=queue, mail_folder=tmp_path, started=[])
    yield processes
    for process in processes.started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(processes.queue)
