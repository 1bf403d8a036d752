"""The access policy as data: every cell of the matrix in docs/permissions.md is a request made here.

A row of the matrix names a route (its URL name), a method, the record its URL points at and whose record
that is; a column names a role. For each role the test signs in as that role's user (the API through a
token), makes every row's request and compares the answer with the cell. Every route in the URLconf must
have a row or a written reason in the document's "Not in the matrix" list, so a new page, API endpoint,
export or download cannot escape the policy. Each request runs in a savepoint that is rolled back, so an
action that succeeds changes nothing for the next cell."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessAction, AccessEvent
from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, DispatchChannel, LetterDispatch, Outcome, QualityAudit
from decisions.services.case import case_allocate, case_file_open
from decisions.services.decision import decision_draft
from monitoring.models import ReportFile, ReportRun
from monitoring.periods import Period
from organisations.models import ApiToken, FirstResponderType, Organisation, OrgRole, Role, User
from referrals.models import Referral, ReferralStatus
from referrals.sections import SECTIONS_BY_SLUG
from referrals.services import guardian_assign, information_request_create, referral_document_add, referral_submit
from reminders.models import Reminder, ReminderRule, ReminderStatus
from tests.conftest import sign_in
from tests.factories import OrganisationFactory, UserFactory
from tests.nrm.conftest import CELLS_CHECKED
from tests.referrals.builders import adult_answers, child_answers, completed_draft
from victim_care.models import SupportType, Tariff
from victim_care.services import allocation_move, care_entry_add, support_case_open

POLICY = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
PDF = b"%PDF-1.7\n%%EOF\n"

# The matrix's columns, in order: the demo roles (organisations/demo.py has one account of each; the guardian's
# where the era has guardians, which the world below enables).
ROLE_COLUMNS: dict[str, Role] = {
    "FR": Role.FIRST_RESPONDER, "DM": Role.DECISION_MAKER, "SR": Role.SECOND_REVIEWER, "CAM": Role.CA_MANAGER,
    "QA": Role.QUALITY_AUDITOR, "LA": Role.LA_SAFEGUARDING_LEAD, "ICTG": Role.CHILD_GUARDIAN,
    "PC": Role.PC_CASE_MANAGER,
    "SW": Role.SUPPORT_WORKER, "MON": Role.MONITOR, "ADM": Role.ADMINISTRATOR,
}
ANSWERS = frozenset({"allowed", "empty", "403", "404", "refused", "summary"})
NONE = "\N{EN DASH}"  # the matrix's "no record", as the prose tables write it
WHOSE = ("own", "allocated", "other", NONE)
METHODS = frozenset({"GET", "POST", "PUT", "DELETE"})
RECORDS = frozenset({NONE, "draft", "draft document", "referral", "child referral", "document", "information request",
                     "case",
                     "decision", "quality audit", "support case", "provider", "notification", "failed reminder",
                     "report run"})
HEADER = ["Route", "Method", "Record", "Whose", *ROLE_COLUMNS, "Log"]
# The access log each row's request must leave (the "Log" column): "view" (a GET that is answered must log
# a view, download or export of the row's record), "list" (a GET that shows people must log each of them as
# listed, viewed or exported), NONE (nothing personal is read: an action, a form, a page about no one).
# Whatever the column says, a 404 must be logged as a refused attempt, and every person whose reference a
# response shows must have an entry from that request.
LOGS = frozenset({"view", "list", NONE})
_CELL = re.compile(r"^(?P<policy>[\w]+)(?: \(today: (?P<today>[\w]+)\))?$")


# --- The document ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    route: str
    method: str
    record: str
    whose: str
    cells: dict[str, tuple[str, str | None]]  # role column: (policy answer, today's answer when it differs)
    log: str = NONE  # the access-log entry the request must leave (LOGS)

    @property
    def label(self) -> str:
        return f"{self.route} {self.method} {self.record} ({self.whose})"


@dataclass(frozen=True)
class Matrix:
    rows: list[Row]
    not_classified: list[str]  # URL names or "prefix:*" patterns, each with a reason in the document

    @property
    def cells(self) -> int:
        return len(self.rows) * len(ROLE_COLUMNS)

    def classifies(self, name: str) -> bool:
        return any(row.route == name for row in self.rows) or any(
            name == item or (item.endswith("*") and name.startswith(item[:-1])) for item in self.not_classified)


def _split(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_matrix(text: str) -> Matrix:
    """The '## The matrix' section: its tables' rows and the 'Not in the matrix' list. Anything malformed
    raises, so a typo in the document fails loudly instead of silently checking less."""
    start = text.index("\n## The matrix\n")
    following = text.find("\n## ", start + 1)
    section = text[start:following if following != -1 else len(text)]
    rows: list[Row] = []
    not_classified: list[str] = []
    in_exclusions = False
    header: list[str] | None = None
    for number, line in enumerate(section.splitlines(), 1):
        if line.startswith("#"):
            in_exclusions = line.strip() == "### Not in the matrix"
            header = None
            continue
        if in_exclusions and line.startswith("- `"):
            not_classified.append(line.split("`")[1])
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = _split(line)
        if cells[0] == "Route":
            assert cells == HEADER, f"matrix line {number}: columns must be {HEADER}, not {cells}"
            header = cells
            continue
        if header is None or set(cells[0]) <= {"-", ":"}:
            continue
        assert len(cells) == len(HEADER), f"matrix line {number}: {len(cells)} cells, expected {len(HEADER)}"
        route, method, record, whose, *answers, log = cells
        assert route.startswith("`") and route.endswith("`"), f"matrix line {number}: route in backticks"
        assert method in METHODS, f"matrix line {number}: method {method!r}"
        assert record in RECORDS, f"matrix line {number}: record {record!r}"
        assert whose in WHOSE, f"matrix line {number}: whose {whose!r}"
        assert log in LOGS, f"matrix line {number}: log {log!r} is not one of {sorted(LOGS)}"
        assert log == NONE or method == "GET", f"matrix line {number}: only a GET row can promise a read's log"
        parsed: dict[str, tuple[str, str | None]] = {}
        for column, answer in zip(ROLE_COLUMNS, answers, strict=True):
            match = _CELL.match(answer)
            policy, today = (match.group("policy"), match.group("today")) if match else (answer, None)
            assert policy in ANSWERS and (today is None or today in ANSWERS - {policy}), \
                f"matrix line {number}, {column}: {answer!r} is not one of {sorted(ANSWERS)}, or 'X (today: Y)'"
            parsed[column] = (policy, today)
        rows.append(Row(route.strip("`"), method, record, whose, parsed, log))
    keys = [(row.route, row.method, row.record, row.whose) for row in rows]
    assert len(keys) == len(set(keys)), "the matrix repeats a row"
    return Matrix(rows, not_classified)


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    """Every route in the URLconf, the admin's included, with the names of its URL arguments. An
    unnamed route gets a name no row can use, so it cannot be classified (name it, or list its prefix)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_names(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern):
            pattern = entry.pattern
            arguments = list(getattr(pattern, "converters", {}) or pattern.regex.groupindex)
            yield f"{namespace}{entry.name or '(unnamed) ' + entry.lookup_str}", arguments


def unclassified(names: list[str], matrix: Matrix) -> list[str]:
    """Routes the matrix neither has a row for nor lists as not classified."""
    return sorted({name for name in names if not matrix.classifies(name)})


def stale(names: list[str], matrix: Matrix) -> list[str]:
    """Rows and exclusions naming no route: left behind when a route was renamed or removed."""
    known = set(names)
    return sorted({row.route for row in matrix.rows if row.route not in known}
                  | {item for item in matrix.not_classified
                     if not any(n == item or (item.endswith("*") and n.startswith(item[:-1])) for n in known)})


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    return parse_matrix(POLICY.read_text(encoding="utf-8"))


# --- The world the requests are made in -----------------------------------------------------------------

@dataclass
class Person:
    """One person's records: the referral, its evidence, an open information request, the case with an
    RG decision drafted by the decision maker it is allocated to, and (adults only) a quality audit of
    that decision and a support case."""

    referral: Referral
    document: Any
    information: Any
    decision: Decision
    audit: QualityAudit | None = None
    support_case: Any = None


@dataclass
class Subject:
    """'own', 'allocated' or 'other' in the matrix: a draft, an adult's records and a child's; and a
    child's draft naming the side's local authority (what the local authority's column is shown)."""

    draft: Referral
    draft_document: Any
    adult: Person
    child: Person
    child_draft: Referral
    child_draft_document: Any


@dataclass
class World:
    users: dict[str, User]  # by role column
    web: dict[str, Client] = field(default_factory=dict)
    api: dict[str, APIClient] = field(default_factory=dict)
    subjects: dict[str, Subject] = field(default_factory=dict)
    provider: Organisation | None = None
    deciders: list[User] = field(default_factory=list)  # every decision maker: whom a case may be given to
    notifications: dict[str, Reminder] = field(default_factory=dict)  # by role column, and "other"
    failed: dict[str, Reminder] = field(default_factory=dict)  # by whose
    run: ReportRun | None = None
    spare_guardian_service: Organisation | None = None  # assigned to no child: what a guardian POST assigns

    def people(self) -> dict[str, set[tuple[str, str]]]:
        """Each submitted referral's reference, with the access-log keys (record type, id) that count as
        logging a look at that person: their referral, decision, quality audit or support case."""
        people: dict[str, set[tuple[str, str]]] = {}
        for subject in self.subjects.values():
            for person in (subject.adult, subject.child):
                keys = {("referrals.referral", str(person.referral.pk)),
                        ("decisions.decision", str(person.decision.pk))}
                if person.audit is not None:
                    keys.add(("decisions.qualityaudit", str(person.audit.pk)))
                if person.support_case is not None:
                    keys.add(("victim_care.supportcase", str(person.support_case.pk)))
                # A notification names the case by its reference: listing it is a logged look at it.
                keys |= {("reminders.reminder", str(pk)) for pk in
                         Reminder.objects.filter(referral_id=person.referral.pk).values_list("pk", flat=True)}
                people[person.referral.reference] = keys
        return people


def _organisation(*roles: OrgRole, **extra: Any) -> Organisation:
    defaults = {"first_responder_type": FirstResponderType.POLICE if OrgRole.FIRST_RESPONDER in roles else ""}
    return OrganisationFactory(roles=list(roles), **(defaults | extra))


def _person(*, responder: User, answers: dict, authority: Organisation, manager: User, decider: User,
            adult: bool) -> Person:
    draft = completed_draft(responder, answers)
    document = referral_document_add(referral=draft, by=responder, upload=SimpleUploadedFile("a.pdf", PDF))
    referral = referral_submit(referral=draft, by=responder)
    if referral.competent_authority_id != authority.pk:  # the routing rule sends adults and children alike
        Referral.objects.filter(pk=referral.pk).update(competent_authority=authority)
        referral.refresh_from_db()
    case_file_open(referral)
    case_allocate(referral=referral, to=decider, by=manager)
    information = information_request_create(referral=referral, question="When did this start?", by=decider)
    decision = decision_draft(referral=referral, stage="rg", outcome=Outcome.POSITIVE, reasons="Credible.",
                              evidence_considered="The referral.", by=decider)
    person = Person(referral, document, information, decision)
    if adult:
        person.audit = QualityAudit.objects.create(decision=decision, quarter="2026-Q4")
        person.support_case = support_case_open(referral=referral)
    return person


def _build_world() -> World:
    ukhtc = _organisation(OrgRole.COMPETENT_AUTHORITY, name=settings.NRM_DEFAULT_COMPETENT_AUTHORITY)
    ukba = _organisation(OrgRole.COMPETENT_AUTHORITY, name=settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY)
    # Organisations hold several roles, and each role keeps its own scope: the first responder (FR) and the
    # support worker (SW) work for one charity that refers people and supports them (as Medaille Trust does);
    # the prime contractor's case manager (PC) for one that also refers (as the Salvation Army does); the
    # local authority's lead (LA) for a council whose other teams refer. Every cell is then what it would be
    # in separate organisations: a role never sees what the organisation's other roles see.
    refers_and_supports = _organisation(OrgRole.FIRST_RESPONDER, OrgRole.SUPPORT_PROVIDER,
                                        first_responder_type=FirstResponderType.NGO)
    charity = _organisation(OrgRole.FIRST_RESPONDER, first_responder_type=FirstResponderType.NGO)
    council = _organisation(OrgRole.LOCAL_AUTHORITY, OrgRole.FIRST_RESPONDER,
                            first_responder_type=FirstResponderType.LOCAL_AUTHORITY)
    elsewhere = _organisation(OrgRole.LOCAL_AUTHORITY)
    # Independent Child Trafficking Guardians (the world enables them): the ICTG user's service is assigned to
    # the 'own' and 'allocated' children (naming the ICTG user on the latter); another service to 'other'.
    guardians, other_guardians, spare_guardians = (_organisation(OrgRole.CHILD_GUARDIAN) for _ in range(3))
    provider, other_provider = refers_and_supports, _organisation(OrgRole.SUPPORT_PROVIDER)
    home_office = _organisation(OrgRole.MONITOR)
    for supporter in (provider, other_provider):
        Tariff.objects.create(provider=supporter, support_type=SupportType.OUTREACH, daily_rate_pence=6500,
                              valid_from=datetime.date(2020, 1, 1))
    prime = _organisation(OrgRole.PRIME_CONTRACTOR, OrgRole.FIRST_RESPONDER,
                          first_responder_type=FirstResponderType.NGO)
    homes = {"FR": refers_and_supports, "DM": ukhtc, "SR": ukhtc, "CAM": ukhtc, "QA": ukhtc, "LA": council,
             "ICTG": guardians, "PC": prime, "SW": provider, "MON": home_office,
             "ADM": home_office}
    users = {column: UserFactory(organisation=homes[column], roles=[role]) for column, role in ROLE_COLUMNS.items()}
    colleague = UserFactory(organisation=ukhtc, roles=[Role.DECISION_MAKER])
    ukba_manager = UserFactory(organisation=ukba, roles=[Role.CA_MANAGER])
    ukba_decider, ukba_colleague = (UserFactory(organisation=ukba, roles=[Role.DECISION_MAKER]) for _ in range(2))
    other_responder = UserFactory(organisation=charity, roles=[Role.FIRST_RESPONDER])
    other_worker = UserFactory(organisation=other_provider, roles=[Role.SUPPORT_WORKER])
    world = World(users=users, provider=provider, deciders=[users["DM"], colleague, ukba_decider, ukba_colleague],
                  spare_guardian_service=spare_guardians)

    today = working_days.today()
    sides = {  # whose: (first responder, local authority, authority, its manager, the case's decision maker)
        "own": (users["FR"], council, ukhtc, users["CAM"], colleague),
        "allocated": (users["FR"], council, ukhtc, users["CAM"], users["DM"]),
        "other": (other_responder, elsewhere, ukba, ukba_manager, ukba_decider),
    }
    for whose, (responder, local_authority, authority, manager, decider) in sides.items():
        name = {"given_names": "Test", "family_name": f"Person-{whose}"}
        draft = completed_draft(responder, adult_answers(personal_details=name))
        draft_document = referral_document_add(referral=draft, by=responder,
                                               upload=SimpleUploadedFile("draft.pdf", PDF))
        adult = _person(responder=responder, answers=adult_answers(personal_details=name), authority=authority,
                        manager=manager, decider=decider, adult=True)
        child_answer = child_answers(local_authority.pk)
        child_answer["personal-details"]["family_name"] = f"Child-{whose}"
        child = _person(responder=responder, answers=child_answer, authority=authority, manager=manager,
                        decider=decider, adult=False)
        child_draft = completed_draft(responder, child_answer)
        assert child_draft.is_draft and child_draft.local_authority_id == local_authority.pk
        child_draft_document = referral_document_add(referral=child_draft, by=responder,
                                                     upload=SimpleUploadedFile("child-draft.pdf", PDF))
        world.subjects[whose] = Subject(draft, draft_document, adult, child, child_draft, child_draft_document)
        guardian_assign(referral=child.referral, guardian_service=guardians if whose != "other" else other_guardians,
                        guardian=users["ICTG"] if whose == "allocated" else None,
                        by=users["LA"] if whose != "other" else manager)
        # Support: 'allocated' is with the support worker's provider now; 'own' was with it before (its
        # entries stay its own) and has moved on; 'other' was never with it.
        support = adult.support_case
        first = provider if whose != "other" else other_provider
        allocation_move(support_case=support, provider=first, support_type=SupportType.OUTREACH,
                        on=today - datetime.timedelta(days=10), by=users["PC"])
        care_entry_add(support_case=support, kind="contact", text="Met.",
                       by=users["SW"] if first == provider else other_worker)
        if whose == "own":
            allocation_move(support_case=support, provider=other_provider, support_type=SupportType.OUTREACH,
                            on=today - datetime.timedelta(days=5), by=users["PC"])

    now = timezone.now()
    subject = world.subjects["own"].adult.referral

    def reminder(recipient: User, status: str, authority: Organisation, rule: str) -> Reminder:
        return Reminder.objects.create(rule=rule, referral_id=subject.pk, reference=subject.reference, link="/",
                                       competent_authority=authority, due_on=today, recipient=recipient,
                                       send_at=now, status=status, sent_at=now if status == "sent" else None)

    for column, user in [*users.items(), ("other", colleague)]:
        world.notifications[column] = reminder(user, ReminderStatus.SENT, ukhtc, ReminderRule.RG_DUE)
    world.failed = {"own": reminder(colleague, ReminderStatus.FAILED, ukhtc, ReminderRule.RG_OVERDUE),
                    "other": reminder(ukba_decider, ReminderStatus.FAILED, ukba, ReminderRule.RG_OVERDUE)}

    period = Period.previous_quarter()
    world.run = ReportRun.objects.create(period_start=period.start, period_end=period.end, generated_at=now,
                                         data={})
    content = b"table,count\n"
    ReportFile.objects.create(run=world.run, export_format="csv", size=len(content),
                              sha256=hashlib.sha256(content).hexdigest(), file=ContentFile(content, name="r.zip"))

    for column, user in users.items():
        world.web[column] = sign_in(Client(), user)
        raw = ApiToken.new_raw_token()
        ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), prefix=raw[:8],
                                expires_at=now + datetime.timedelta(days=1))
        world.api[column] = APIClient()
        world.api[column].credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module in a transaction rolled back at its end: the eleven signed-in users and
    the records their cells point at (a few seconds, where building them per cell would take many minutes)."""
    media = tmp_path_factory.mktemp("access-matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, NRM_CHILD_GUARDIANS_ENABLED=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder() -> None:
    """The shared fixture of this name points each test at a folder of its own; here the documents
    live in the module's folder (set by `world`), so this one does nothing."""


# --- Making one cell's request --------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """The ids a row's URL and input are built from."""

    referral: Any
    document: Any = None
    information: Any = None
    decision: Any = None
    audit: Any = None
    support_case: Any = None
    reminder: Any = None


def target_for(world: World, column: str, row: Row) -> Target:
    """What 'Whose' and 'Record' mean for this role: the local authority's lead and the child's guardian are
    shown the child's referral and the child's draft naming its local authority (only children's referrals are
    shared with a local authority or a guardian, so an adult's draft would be hidden from them whatever the
    draft rule); everyone else the adult's. A "child referral" is the child's for every role."""
    whose = row.whose if row.whose != NONE else "own"
    subject = world.subjects[whose]
    children_only = column in CHILDREN_ONLY
    if row.record in ("draft", "draft document"):
        if children_only:
            return Target(referral=subject.child_draft.pk, document=subject.child_draft_document.pk)
        return Target(referral=subject.draft.pk, document=subject.draft_document.pk)
    person = subject.child if row.record == "child referral" or (
        children_only and row.record not in ("quality audit", "support case")) else subject.adult
    reminder = (world.notifications[column if whose != "other" else "other"] if row.record == "notification"
                else world.failed[whose] if row.record == "failed reminder" else None)
    adult = subject.adult
    return Target(referral=person.referral.pk, document=person.document.pk, information=person.information.pk,
                  decision=person.decision.pk, audit=adult.audit.pk, support_case=adult.support_case.pk,
                  reminder=reminder.pk if reminder else None)


CHILDREN_ONLY = frozenset({"LA", "ICTG"})  # the columns shown only children's referrals


def _url(world: World, route: str, arguments: list[str], target: Target) -> str:
    pk = (target.support_case if route.startswith(("victim_care:", "api-support-case"))
          else target.decision if route.startswith("api-decision")
          else target.audit if route.startswith("api-quality-audit")
          else target.reminder if route.startswith("reminders:")
          else target.referral)
    today = working_days.today()
    values = {"pk": pk, "document_id": target.document, "request_id": target.information,
              "decision_id": target.decision, "audit_id": target.audit, "provider_id": world.provider.pk,
              "run_id": world.run.pk, "export_format": "csv", "stage": "rg", "slug": "first-responder",
              "section": "first-responder", "year": f"{today.year:04d}", "month": f"{today.month:02d}",
              "extension": "csv"}
    url = reverse(route, kwargs={name: values[name] for name in arguments})
    query = QUERIES.get(route)
    return f"{url}?{urlencode(query(world))}" if query else url


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _previous_quarter(world: World) -> dict[str, str]:
    return {"quarter": Period.previous_quarter().label}


QUERIES: dict[str, Callable[[World], dict[str, str]]] = {
    "monitoring:download": _previous_quarter,
    "api-monitoring-report": _previous_quarter,
    "api-statements": lambda world: {"provider": str(world.provider.pk),
                                     "month": working_days.today().strftime("%Y-%m")},
}

# Valid input for every form and API body, so that 'allowed' means done and a refusal is the service's.
FIRST_RESPONDER_SECTION = {"nation": "england", "own_reference": "OP-2"}
INPUTS: dict[tuple[str, str], Callable[[World, Target], dict[str, Any]]] = {
    ("referrals:section", "POST"): lambda w, t: SECTIONS_BY_SLUG["first-responder"].form_class.data_from_answers(
        FIRST_RESPONDER_SECTION),
    ("referrals:documents", "POST"): lambda w, t: {"documents": SimpleUploadedFile("b.pdf", PDF)},
    ("referrals:list", "POST"): lambda w, t: {"q": "NRM"},  # the search box (core.search)
    ("decisions:queue", "POST"): lambda w, t: {"q": "NRM"},
    ("referrals:answer-request", "POST"): lambda w, t: {"answer": "In March."},
    ("decisions:audit-finding", "POST"): lambda w, t: {"finding": QualityAudit.Finding.AGREE, "feedback": "Sound."},
    ("decisions:allocate", "POST"): lambda w, t: {"decision_maker": _reallocation(w, t).pk},
    ("decisions:transfer", "POST"): lambda w, t: {"reason": "Immigration case.",
                                                  "to_authority": _other_authority(t).pk},
    ("decisions:decision", "POST"): lambda w, t: {"outcome": Outcome.POSITIVE, "reasons": "Credible.",
                                                  "evidence_considered": "The referral."},
    ("decisions:review", "POST"): lambda w, t: {"review": "sign_off", "comments": ""},
    ("decisions:note", "POST"): lambda w, t: {"text": "Called the first responder."},
    ("decisions:declare", "POST"): lambda w, t: {"details": "I decided their asylum claim."},
    ("decisions:request-information", "POST"): lambda w, t: {"question": "Where?"},
    ("decisions:withdraw", "POST"): lambda w, t: {"reason": "The person asked to withdraw."},
    ("decisions:close", "POST"): lambda w, t: {"reason": "Move-on complete."},
    ("decisions:reconsider", "POST"): lambda w, t: {"reasons": "New evidence.", "new_evidence": "A GP letter."},
    ("decisions:letter-sent", "POST"): lambda w, t: {"sent_how": "post", **_date("sent_on", working_days.today())},
    ("reminders:settings", "POST"): lambda w, t: {"emails": "no"},
    ("referrals:guardian", "POST"): lambda w, t: {"guardian_service": w.spare_guardian_service.pk},
    ("referrals:guardian-end", "POST"): lambda w, t: {"end-reason": "Moved to an area the service does not cover."},
    ("victim_care:case", "POST"): lambda w, t: {"kind": "contact", "text": "Phoned.", "needs": "Housing.",
                                                "risks": "None known."},
    ("victim_care:provider", "POST"): lambda w, t: {"form": "tariff", "support_type": SupportType.OUTREACH,
                                                    "daily_rate_pence": "7000",
                                                    **_date("valid_from", working_days.today())},
    ("victim_care:allocate", "POST"): lambda w, t: {"provider": w.provider.pk, "support_type": SupportType.OUTREACH,
                                                    **_date("start_on", working_days.today())},
    ("victim_care:exit", "POST"): lambda w, t: {"reason": "move_on", **_date("last_day", working_days.today())},
    ("api-referral-section", "PUT"): lambda w, t: FIRST_RESPONDER_SECTION,
    ("api-case-allocate", "POST"): lambda w, t: {"decision_maker": _reallocation(w, t).email},
    ("api-case-decision", "PUT"): lambda w, t: {"outcome": Outcome.POSITIVE, "reasons": "Credible.",
                                                "evidence_considered": "The referral."},
    ("api-case-reconsideration", "POST"): lambda w, t: {"reasons": "New evidence."},
    ("api-decision-send-back", "POST"): lambda w, t: {"comments": "Say more about the evidence."},
    ("api-decision-sign-off", "POST"): lambda w, t: {"comments": ""},
    ("api-quality-audit-finding", "POST"): lambda w, t: {"finding": QualityAudit.Finding.AGREE, "feedback": "Sound."},
    ("api-support-case-allocations", "POST"): lambda w, t: {"provider": w.provider.pk,
                                                            "support_type": SupportType.OUTREACH,
                                                            "start_on": working_days.today().isoformat()},
    ("api-support-case-care-entries", "POST"): lambda w, t: {"kind": "contact", "text": "Phoned."},
}


def _other_authority(target: Target) -> Organisation:
    """The competent authority the case is not with (both have casework staff in this world)."""
    referral = Referral.objects.get(pk=target.referral)
    return (Organisation.objects.holding(OrgRole.COMPETENT_AUTHORITY)
            .exclude(pk=referral.competent_authority_id).get())


def _reallocation(world: World, target: Target) -> User:
    """A decision maker of the case's own authority other than the one it is allocated to."""
    referral = Referral.objects.select_related("case_file").get(pk=target.referral)
    for candidate in world.deciders:
        if candidate.organisation_id == referral.competent_authority_id \
                and candidate.pk != referral.case_file.allocated_to_id:
            return candidate
    raise AssertionError("no decision maker to reallocate to")


def _awaiting_review(target: Target) -> None:
    Decision.objects.filter(pk=target.decision).update(status=DecisionStatus.AWAITING_REVIEW,
                                                       sent_for_review_at=timezone.now())
    Referral.objects.filter(pk=target.referral).update(status=ReferralStatus.RG_AWAITING_REVIEW)


def _negative_served(target: Target) -> None:
    Decision.objects.filter(pk=target.decision).update(status=DecisionStatus.SERVED, outcome=Outcome.NEGATIVE,
                                                       served_at=timezone.now())
    Referral.objects.filter(pk=target.referral).update(status=ReferralStatus.RG_NEGATIVE)
    CaseFile.objects.filter(referral_id=target.referral).update(
        reconsideration_due_by=working_days.today() + datetime.timedelta(days=20))


def _served_with_letter(target: Target) -> None:
    """The decision signed off and served, with its letter on the authority's "Letters to send" list."""
    Decision.objects.filter(pk=target.decision).update(status=DecisionStatus.SERVED, served_at=timezone.now())
    Referral.objects.filter(pk=target.referral).update(status=ReferralStatus.RG_POSITIVE)
    decision = Decision.objects.select_related("case__referral").get(pk=target.decision)
    LetterDispatch.objects.create(decision=decision, channel=DispatchChannel.POST, method="post",
                                  competent_authority_id=decision.case.referral.competent_authority_id,
                                  due_by=working_days.today())


# The state each action needs, set inside the cell's savepoint: the answer is then about who asks.
SETUPS: dict[str, Callable[[Target], Any]] = {
    "decisions:transfer": lambda t: Referral.objects.filter(pk=t.referral).update(status=ReferralStatus.ALLOCATED),
    "decisions:close": lambda t: Referral.objects.filter(pk=t.referral).update(status=ReferralStatus.CG_POSITIVE),
    "decisions:review": _awaiting_review,
    "api-decision-sign-off": _awaiting_review,
    "api-decision-send-back": _awaiting_review,
    "decisions:reconsider": _negative_served,
    "decisions:letter": _served_with_letter,
    "decisions:letter-pdf": _served_with_letter,
    "decisions:letter-sent": _served_with_letter,
    "api-case-reconsideration": _negative_served,
}


def _lists_nothing(response: HttpResponse) -> bool:
    """An API list (a JSON array, or a page of `results`) with no records in it."""
    if not response.get("Content-Type", "").startswith("application/json") or response.status_code != 200:
        return False
    body = response.json()
    return body == [] or (isinstance(body, dict) and body.get("results") == [])


def classify(response: HttpResponse, route: str, target: Target) -> str:
    """The response as one of the matrix's answers (or its status code, which no cell holds)."""
    status = response.status_code
    if status in (403, 404):
        return str(status)
    if status in (200, 201, 204):
        return "empty" if _lists_nothing(response) else "allowed"
    if status in (400, 409):
        return "refused"
    if status in (301, 302, 303):
        request = getattr(response, "wsgi_request", None)
        queued = list(getattr(getattr(request, "_messages", None), "_queued_messages", []))
        location = urlparse(response["Location"]).path
        if location.startswith(reverse("sign-in")) and route != "sign-out":
            return "sign-in"
        if any(message.level >= message_levels.ERROR for message in queued):
            return "refused"
        if not queued and target.referral and location == reverse("referrals:detail", args=[target.referral]):
            return "summary"
        return "allowed"
    return str(status)


@dataclass(frozen=True)
class Observed:
    answer: str
    body: bytes
    logged: frozenset[tuple[str, str, str]]  # (action, record type, record id) the request wrote


def observe(world: World, column: str, row: Row, arguments: list[str]) -> str:
    return observe_with_log(world, column, row, arguments).answer


def observe_with_log(world: World, column: str, row: Row, arguments: list[str]) -> Observed:
    """Make the row's request as the column's user, in a savepoint rolled back afterwards, and read the
    access-log entries it wrote before the rollback."""
    target = target_for(world, column, row)
    url = _url(world, row.route, arguments, target)
    api = url.startswith("/api/")
    client = world.api[column] if api else world.web[column]
    data = INPUTS.get((row.route, row.method), lambda w, t: {})(world, target)
    with transaction.atomic():
        last = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        setup = SETUPS.get(row.route)
        if setup:
            setup(target)
        send = getattr(client, row.method.lower())
        response = send(url, data, format="json") if api and row.method != "GET" else send(url, data)
        if response.status_code == 302 and urlparse(response["Location"]).path == reverse("admin:login"):
            response = client.get(response["Location"])  # the admin sends non-staff to its sign-in page
        logged = frozenset(AccessEvent.objects.filter(pk__gt=last, user=world.users[column])
                           .values_list("action", "record_type", "record_id"))
        transaction.set_rollback(True)
    body = b"" if getattr(response, "streaming", False) else response.content
    return Observed(classify(response, row.route, target), body, logged)


READS = {AccessAction.VIEW, AccessAction.DOWNLOAD, AccessAction.EXPORT}


def log_gaps(world: World, column: str, row: Row, observed: Observed) -> list[str]:
    """What the request should have written to the access log and did not."""
    gaps = []
    actions = {action for action, _, _ in observed.logged}
    if observed.answer == "404" and AccessAction.DENIED not in actions:
        gaps.append("answered 404 but logged no refused attempt")
    if observed.answer != "allowed" or row.method != "GET":
        return gaps
    if row.log == "view" and not actions & READS:
        gaps.append(f"showed the {row.record} but logged no view")
    keys = {(record_type, record_id) for _, record_type, record_id in observed.logged}
    exported = AccessAction.EXPORT in actions
    for reference, person in world.people().items():
        if reference and reference.encode() in observed.body and not (keys & person or exported):
            gaps.append(f"showed {reference} but logged no look at that person")
    if row.log == "list" and not observed.logged and any(
            reference.encode() in observed.body for reference in world.people() if reference):
        gaps.append("listed people but logged nothing")
    return gaps


# --- The tests ------------------------------------------------------------------------------------------

MINIMUM_CELLS = 2800  # about 260 rows x 11 roles when written: fewer means rows were lost


def test_the_document_has_the_matrix_with_every_role_and_enough_cells(matrix: Matrix) -> None:
    assert matrix.cells >= MINIMUM_CELLS, f"only {matrix.cells} cells in docs/permissions.md's matrix"
    for row in matrix.rows:
        assert set(row.cells) == set(ROLE_COLUMNS), row.label
    assert {row.whose for row in matrix.rows} == set(WHOSE)


def test_every_route_has_a_row_or_a_reason(matrix: Matrix) -> None:
    names = [name for name, _ in url_names()]
    assert unclassified(names, matrix) == [], "routes the matrix in docs/permissions.md does not classify"
    assert stale(names, matrix) == [], "matrix rows or exclusions naming no route"


def _new_page(request: Any) -> HttpResponse:
    return HttpResponse("unclassified")


def test_a_route_the_matrix_does_not_classify_fails_the_check(matrix: Matrix) -> None:
    """The rule that makes the matrix complete, itself tested: a URLconf with one route more than the
    service's (the service's own, plus a page nobody wrote a row for) is reported."""
    from django.urls import include, path
    from django.urls.resolvers import RegexPattern

    grown = URLResolver(RegexPattern(r"^/"), [path("", include("nrm.urls")),
                                              path("new-page/", _new_page, name="new-page")])
    names = [name for name, _ in url_names(grown)]
    assert unclassified(names, matrix) == ["new-page"]
    unnamed = URLResolver(RegexPattern(r"^/"), [path("unnamed/", _new_page)])
    assert unclassified([name for name, _ in url_names(unnamed)], matrix) == [
        f"(unnamed) {__name__}._new_page"]


def test_a_malformed_cell_fails_the_parse() -> None:
    """A typo must fail loudly: a cell that parsed as nothing would silently check less."""
    text = POLICY.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `home` |"))
    with pytest.raises(AssertionError, match="not one of"):
        parse_matrix(text.replace(row, row.replace("allowed", "alowed", 1)))


@pytest.mark.django_db
@pytest.mark.parametrize("column", list(ROLE_COLUMNS))
def test_every_cell_answers_as_the_matrix_says(world: World, matrix: Matrix, column: str,
                                               request: pytest.FixtureRequest) -> None:
    """One role's column: every row's request made as that role, every mismatch collected."""
    arguments = dict(url_names())
    missing = unclassified(list(arguments), matrix)
    mismatches: list[str] = []
    unlogged: list[str] = []  # reads the access log missed (the "Log" column and the references shown)
    known = 0
    for row in sorted(matrix.rows, key=lambda row: row.route == "sign-out"):  # signing out ends the session
        policy, today = row.cells[column]
        seen = observe_with_log(world, column, row, arguments[row.route])
        observed = seen.answer
        unlogged.extend(f"{row.label}: {gap}" for gap in log_gaps(world, column, row, seen))
        known += today is not None
        if today is not None and observed == policy:
            mismatches.append(f"{row.label}: now answers {policy}, as the policy says: remove '(today: {today})'")
        elif observed != (today or policy):
            mismatches.append(f"{row.label}: the matrix says {today or policy}, the service answered {observed}")
    checked = len(matrix.rows)
    request.config.stash.setdefault(CELLS_CHECKED, []).append(checked)
    print(f"access matrix, {column}: {checked} cells checked, {known} known deviations")
    assert not missing and not mismatches and not unlogged, (
        f"{column}: {len(mismatches)} of {checked} cells differ from docs/permissions.md"
        + "".join(f"\n  {line}" for line in mismatches)
        + f"\n  {len(unlogged)} reads missing from the access log:"
        + "".join(f"\n  {line}" for line in unlogged)
        + (f"\n  routes with no row: {missing}" if missing else ""))
