"""Monitors read reports and nothing else: every page and API route that takes a record's id
answers 404 to a monitor, and every list of personal records refuses them or shows nothing.
The routes are read from the URL configuration, so a new one is checked without being listed here."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from decisions.models import QualityAudit
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft
from organisations.models import OrgRole, Role
from referrals.services import information_request_create, referral_document_add, referral_submit
from reminders.models import Reminder, ReminderRule, ReminderStatus
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401 - shared fixtures
from victim_care.models import SupportType, Tariff
from victim_care.services import allocation_move, care_entry_add, support_case_open

pytestmark = pytest.mark.django_db

# Routes a monitor may use, or that hold no record: sign-in, their own notifications, the reports.
OPEN_TO_MONITORS = re.compile(r"^(home|sign-|healthz|metrics$|api-docs|api-schema|api-token|api-me|monitoring:"
                              r"|reminders:(notifications|open|mark-read|settings)|api-monitoring-report|api-report-run)")
# Provider pages and payment statements are refused by role (403): they are not one person's record.
NOT_PERSONAL = {"victim_care:provider", "victim_care:statement", "api-provider-detail", "api-provider-tariffs",
                "reminders:retry"}

# Pages that do not exist for anyone without their own credential: 404 to a monitor as to everyone else.
HIDDEN_WITHOUT_TOKEN = {"metrics"}


def _routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _routes(entry, prefix + str(entry.pattern),
                               f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            names = list(getattr(pattern, "converters", {}) or pattern.regex.groupindex)
            yield f"{namespace}{entry.name}", names


@pytest.fixture
def records(first_responder, competent_authorities, monitor):  # noqa: F811
    authority = competent_authorities["ukhtc"]
    manager = UserFactory(organisation=authority, roles=[Role.CA_MANAGER])
    decider = UserFactory(organisation=authority, roles=[Role.DECISION_MAKER])
    draft = completed_draft(first_responder)
    document = referral_document_add(referral=draft, by=first_responder,
                                     upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"))
    referral = referral_submit(referral=draft, by=first_responder)
    case_file_open(referral)
    case_allocate(referral=referral, to=decider, by=manager)
    information = information_request_create(referral=referral, question="When?", by=decider)
    decision = decision_draft(referral=referral, stage="rg", outcome="positive", reasons="r", evidence_considered="e",
                              by=decider)
    audit = QualityAudit.objects.create(decision=decision, quarter="2026-Q4")
    provider = OrganisationFactory(roles=[OrgRole.SUPPORT_PROVIDER], first_responder_type="")
    prime = UserFactory(organisation=OrganisationFactory(roles=[OrgRole.PRIME_CONTRACTOR],
                                                         first_responder_type=""), roles=[Role.PC_CASE_MANAGER])
    Tariff.objects.create(provider=provider, support_type=SupportType.OUTREACH, daily_rate_pence=100,
                          valid_from="2020-01-01")
    support_case = support_case_open(referral=referral)
    allocation_move(support_case=support_case, provider=provider, support_type=SupportType.OUTREACH,
                    on=support_case.opened_at.date(), by=prime)
    worker = UserFactory(organisation=provider, roles=[Role.SUPPORT_WORKER])
    care_entry_add(support_case=support_case, kind="contact", text="Met.", by=worker)

    def reminder(status: str, rule: str) -> Reminder:
        now = timezone.now()
        sent_at = now if status == ReminderStatus.SENT else None
        return Reminder.objects.create(rule=rule, referral_id=referral.pk, reference=referral.reference,
                                       link="/", competent_authority=authority, due_on=now.date(), recipient=decider,
                                       send_at=now, status=status, sent_at=sent_at)

    # Real rows for the reminder routes: a probe of an id that exists, so a 404 is a refusal, not a miss.
    return {"referral": referral, "document": document, "information": information, "decision": decision,
            "audit": audit, "support_case": support_case, "provider": provider, "manager": manager,
            "decider": decider, "notification": reminder(ReminderStatus.SENT, ReminderRule.RG_DUE),
            "failed_reminder": reminder(ReminderStatus.FAILED, ReminderRule.RG_OVERDUE)}


@pytest.fixture
def monitor(db):
    return UserFactory(organisation=OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type=""),
                       roles=[Role.MONITOR])


def _kwargs(name: str, names: list[str], records: dict) -> dict[str, object]:
    by_id = {"pk": records["support_case"].pk if name.startswith(("victim_care:", "api-support-case"))
             else records["decision"].pk if name.startswith("api-decision")
             else records["audit"].pk if name.startswith("api-quality-audit")
             else records["provider"].pk if name.startswith("api-provider")
             else records["notification"].pk if name == "reminders:open"
             else records["failed_reminder"].pk if name == "reminders:retry"
             else records["referral"].pk,
             "document_id": records["document"].pk, "decision_id": records["decision"].pk,
             "request_id": records["information"].pk, "audit_id": records["audit"].pk, "stage": "rg",
             "provider_id": records["provider"].pk, "year": "2026", "month": "11", "extension": "csv",
             "slug": "personal-details", "section": "personal-details"}
    return {key: by_id[key] for key in names}


def test_a_monitor_reaches_no_personal_record_by_page_or_api(records, monitor):
    web = sign_in(Client(), monitor)
    api = APIClient()
    api.force_authenticate(monitor)
    checked = []
    for name, names in _routes():
        if OPEN_TO_MONITORS.match(name):
            continue
        url = reverse(name, kwargs=_kwargs(name, names, records))
        client = api if url.startswith("/api/") else web
        response = client.get(url)
        status = response.status_code
        if status == 200 and client is api and not names:
            body = response.json()
            assert (body.get("results") if isinstance(body, dict) else body) == [], f"{name} listed records"
            checked.append((name, url, status))
            continue
        for method in ("post", "put"):  # a form's or an action's target: try what it accepts
            if status == 405:
                status = getattr(client, method)(url, {}, **({"format": "json"} if client is api else {})).status_code
        checked.append((name, url, status))
        # One person's record does not exist for a monitor (404); a list, a provider's page or a statement
        # is refused by role (403); the metrics page exists only for the scraper holding its token (404).
        expected = 404 if (names and name not in NOT_PERSONAL) or name in HIDDEN_WITHOUT_TOKEN else 403
        assert status == expected, f"{name} {url} answered {status}, not {expected}"
    assert len([c for c in checked if c[1].startswith("/api/")]) >= 10
    assert len([c for c in checked if not c[1].startswith("/api/")]) >= 25
