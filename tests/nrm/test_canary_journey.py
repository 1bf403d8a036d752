"""The canary: a referral whose personal fields hold unique strings goes through the whole journey
(submission, decisions, support and care, reminders, the report in every format, and errors raised on
purpose). None of the strings appears in a log line, an email, a notification, a Celery message, a URL,
an error page or a report file."""

from __future__ import annotations

import copy
import datetime
import io
import json
import logging
import zipfile

import pytest
import time_machine
from celery.signals import before_task_publish
from django.core import mail
from django.test import Client
from django.utils import timezone

from core.email import render_email
from core.outbox import flush
from monitoring import exports
from monitoring.periods import Period
from monitoring.report import build_report
from organisations.models import OrgRole, Role
from reminders.messages import reminder_email_context, reminder_text
from reminders.models import Reminder
from reminders.services import reminders_dispatch
from tests.cases import allocated_case, decision_served
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import ADULT
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures
from victim_care.models import SupportCase, SupportType, Tariff
from victim_care.services import allocation_move, care_entry_add

pytestmark = pytest.mark.django_db

CANARIES = {"given_names": "Qwyllothane", "family_name": "Vexbramwick", "birthplace": "Zorrinthal",
            "situations": "Plorvaxen quarry shift", "current_location": "Snibbleford",
            "delivery_email": "glimmerquoll@example.test", "own_reference": "OP-KRAXENWULF"}
BIRTH = "1933-02-27"


def _answers(today: datetime.date) -> dict:
    answers = copy.deepcopy(ADULT)
    answers["personal-details"].update(given_names=CANARIES["given_names"], family_name=CANARIES["family_name"],
                                       date_of_birth=BIRTH)
    answers["background"]["birthplace"] = CANARIES["birthplace"]
    answers["exploitation"].update(situations=CANARIES["situations"],
                                   last_contact_on=(today - datetime.timedelta(days=40)).isoformat())
    answers["location"]["current_location"] = CANARIES["current_location"]
    answers["decision-delivery"]["delivery_email"] = CANARIES["delivery_email"]
    answers["first-responder"]["own_reference"] = CANARIES["own_reference"]
    return answers


def _leaks(text: str) -> list[str]:
    needles = [*CANARIES.values(), BIRTH, "27 February 1933", "27/02/1933"]
    return [needle for needle in needles if needle.lower() in text.lower()]


def test_no_personal_string_leaves_the_record(first_responder, competent_authorities, caplog,  # noqa: F811
                                              django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NRM_REPORT_SUPPRESS_MAX = 0
    caplog.set_level(logging.DEBUG)
    published: list[str] = []

    def capture(sender=None, body=None, headers=None, **kwargs) -> None:
        published.append(json.dumps([sender, body, headers], default=str))

    before_task_publish.connect(capture, weak=False)
    authority = competent_authorities["ukhtc"]
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER])
    reviewer = UserFactory(organisation=authority, roles=[Role.SECOND_REVIEWER])
    prime = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                         first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=100,
                          valid_from=datetime.date(2000, 1, 1))
    worker = UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])
    monitor = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                          roles=[Role.MONITOR])
    start = timezone.now() - datetime.timedelta(days=60)
    visited: list[str] = []
    pages: list[str] = []
    try:
        with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
            referral = allocated_case(first_responder, decider=decider, manager=manager,
                                      answers=_answers(start.date()))
        for day in range(1, 10):
            with time_machine.travel(start + datetime.timedelta(days=day, hours=1), tick=False):
                reminders_dispatch()
        with time_machine.travel(start + datetime.timedelta(days=10), tick=False), \
                django_capture_on_commit_callbacks(execute=True):
            decision_served(referral, decider=decider, reviewer=reviewer, reasons=CANARIES["situations"],
                            evidence_considered=CANARIES["birthplace"])
            support = SupportCase.objects.get(referral=referral)
            allocation_move(support_case=support, provider=provider, support_type=SupportType.OUTREACH,
                            on=timezone.localdate(), by=prime)
            care_entry_add(support_case=support, kind="contact", text=CANARIES["situations"], by=worker)
        for day in (25, 40, 55):
            with time_machine.travel(start + datetime.timedelta(days=day, hours=1), tick=False):
                reminders_dispatch()
        flush()
        web = sign_in(Client(raise_request_exception=False), first_responder)
        for url, expected in ((f"/referrals/{referral.pk}/", 200), (f"/cases/{referral.pk}/", 404),
                              ("/referrals/00000000-0000-0000-0000-000000000000/", 404),
                              (f"/referrals/{referral.pk}/sections/personal-details/", 302)):
            response = web.get(url)
            assert response.status_code == expected, url
            visited.append(url)
            if expected == 404:
                pages.append(response.content.decode())
            elif expected == 302:
                visited.append(response.url)
        api = Client(raise_request_exception=False)
        bad = api.post("/api/v1/auth/token/", {"email": CANARIES["delivery_email"], "password": "x"},
                       content_type="application/json")
        pages.append(bad.content.decode())
        report = build_report(Period.between(start.date(), timezone.localdate()))
        files = {fmt: exports.render(report, fmt) for fmt in exports.FORMATS}
        monitor_web = sign_in(Client(), monitor)
        page = monitor_web.get("/reports/", {"kind": "dates", "start_day": start.day, "start_month": start.month,
                                             "start_year": start.year, "end_day": timezone.localdate().day,
                                             "end_month": timezone.localdate().month,
                                             "end_year": timezone.localdate().year})
        assert page.status_code == 200
        pages.append(page.content.decode())
    finally:
        before_task_publish.disconnect(capture)

    sent = list(Reminder.objects.filter(referral_id=referral.pk, status="sent"))
    assert sent and mail.outbox and published, "the journey really sent reminders, emails and tasks"
    outputs = {
        "log line": [record.getMessage() for record in caplog.records],
        "email": [m.subject + m.body + " ".join(m.to) for m in mail.outbox],
        "notification": [reminder_text(r) + "".join(render_email("reminder", reminder_email_context(r))) for r in sent],
        "Celery message": published,
        "URL": visited + [r.link for r in sent],
        "error page": pages,
        "report file": [files["json"].decode(), files["csv"].decode("latin-1"),
                        *[zipfile.ZipFile(io.BytesIO(files["csv"])).read(name).decode()
                          for name in zipfile.ZipFile(io.BytesIO(files["csv"])).namelist()]],
    }
    for kind, texts in outputs.items():
        for text in texts:
            assert not _leaks(text), f"a {kind} holds {_leaks(text)}"
    from openpyxl import load_workbook

    cells = " ".join(str(cell) for sheet in load_workbook(io.BytesIO(files["xlsx"])).worksheets
                     for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    assert not _leaks(cells), "the XLSX file"
