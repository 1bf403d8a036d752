"""Two years of demo history behind the hand-made demo cases, so that a demonstration has something
to show: the default quarterly report (the last complete quarter) and its charts have figures, every
role's home page has work on it, and the quality auditor has a drawn sample with findings.

Who is referred is drawn at the shares the Home Office published for Q4 2023 (the same open data
bench/national_data uses; the few shares are copied here, as the service must not import bench):
first responder type, age at exploitation, gender, nationality and exploitation type. What then
happened follows the service's rules and settings (RG target in working days, recovery period,
reconsideration window, move-on) with published outcome shares (86% of RG decisions positive, 90% of
CG decisions). Fictional people throughout; every row is marked with the own reference
DEMO-HISTORY, which makes the seeding idempotent. Rows are written in bulk (a few seconds), except the
few steps whose service also grants access (allocating an open case, allocating a person to a
provider), which go through the services."""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.utils import timezone

from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, QualityAudit, Stage
from decisions.permissions import DECIDE
from decisions.services.case import case_allocate
from decisions.services.quality import quality_audit_record, quality_sample_draw, quarter_of
from organisations.models import Organisation, Role, User
from organisations.services import user_create
from referrals.models import (
    AgeGroup,
    ExploitationLocation,
    ExploitationType,
    Gender,
    Nation,
    Referral,
    ReferralKind,
    ReferralStatus,
    ReferralUserObjectPermission,
)
from referrals.references import reference_numbers_reserve, reference_text
from victim_care.models import Allocation, CareRecordEntry, EntryKind, SupportCase, SupportStatus, SupportType
from victim_care.services import allocation_move

MARKER = "DEMO-HISTORY"
DAYS = 730
REFERRALS_A_WEEK = 7
SEED = 2011

# Published shares, Q4 2023 (bench/national_data/data/referrals-2023-q4-by-first-responder.csv, summed).
RESPONDERS = {"Metropolitan Police Service": 60.6, "Hillingdon Council": 32.3, "Barnardo's": 7.0}
AGES = {AgeGroup.CHILD: 48.2, AgeGroup.ADULT: 46.2, AgeGroup.UNKNOWN: 5.6}
GENDERS = {Gender.MALE: 75.1, Gender.FEMALE: 24.7, Gender.OTHER: 0.2}
NATIONALITIES = {"AL": 21.7, "GB": 20.9, "SD": 6.9, "ER": 6.5, "VN": 5.1, "CN": 3.1, "AF": 2.2, "IR": 2.1,
                 "IQ": 1.9, "RO": 3.0, "IN": 3.0, "NG": 2.5, "PL": 2.0, "ET": 2.0, "PK": 1.5}
TYPES = {(ExploitationType.LABOUR,): 32.3, (ExploitationType.CRIMINAL,): 21.8, (ExploitationType.UNKNOWN,): 10.8,
         (ExploitationType.SEXUAL,): 10.7, (ExploitationType.LABOUR, ExploitationType.CRIMINAL): 9.4,
         (ExploitationType.LABOUR, ExploitationType.DOMESTIC): 4.6,
         (ExploitationType.SEXUAL, ExploitationType.LABOUR): 3.5, (ExploitationType.DOMESTIC,): 1.8,
         (ExploitationType.SEXUAL, ExploitationType.CRIMINAL): 1.6}
DUTY_TO_NOTIFY_SHARE = 0.15
IMMIGRATION_ROUTED_SHARE = 0.5
RG_POSITIVE_SHARE = 0.86
CG_POSITIVE_SHARE = 0.9
WANTS_SUPPORT_SHARE = 0.8
WITHDRAWAL_SHARE = 0.04
CLOSURE_SHARE = 0.7  # concluded cases closed within 60 days; the rest by 90

GIVEN = ["Adnan", "Besa", "Chinh", "Dawit", "Elona", "Faisal", "Gentian", "Hoa", "Idris", "Jonida", "Kiros",
         "Lan", "Mohammed", "Nora", "Omid", "Petra", "Qamar", "Rahel", "Samir", "Teuta", "Umar", "Vjosa"]
FAMILY = ["Demo", "Example", "Sample", "Specimen", "Placeholder", "Fictional"]

# Colleagues of the demo decision makers, so that allocation has names and caseloads to choose between.
COLLEAGUES = [("ca.decider2@demo.nrm.test", "Ben Carter", "UK Human Trafficking Centre", 0),
              ("ca.decider3@demo.nrm.test", "Leila Haddad", "UK Human Trafficking Centre", 6),
              ("ukba.decider2@demo.nrm.test", "Rosa Martins", "UK Border Agency", 0)]


def _cumulative(weights: dict) -> tuple[list, list[float]]:
    options = list(weights)
    return options, list(itertools.accumulate(weights.values()))


class _Draw:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tables = {name: _cumulative(table) for name, table in (
            ("responder", RESPONDERS), ("age", AGES), ("gender", GENDERS), ("nationality", NATIONALITIES),
            ("types", TYPES))}

    def __call__(self, name: str):
        options, cumulative = self.tables[name]
        return options[bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])]


@contextmanager
def _times_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """bulk_create sets auto_now(_add) fields to now; history needs the times it is given."""
    fields = [field for model in model_classes for field in model._meta.fields
              if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _colleagues() -> None:
    for email, name, organisation, away_days in COLLEAGUES:
        if User.objects.filter(email__iexact=email).exists():
            continue
        user = user_create(email=email, full_name=name, organisation=Organisation.objects.get(name=organisation),
                           roles=[Role.DECISION_MAKER], password=settings.DEMO_PASSWORD,
                           totp_secret_base32=settings.DEMO_TOTP_SECRET)
        if away_days:
            user.away_until = timezone.localdate() + datetime.timedelta(days=away_days)
            user.save(update_fields=["away_until"])


def seed_history() -> int:
    """Create the history once; return how many referrals it added (0 when it is already there)."""
    if Referral.objects.filter(**{"answers__first-responder__own_reference": MARKER}).exists():
        return 0
    with transaction.atomic():
        _colleagues()
        return _History().build()


class _History:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible, not secret
        self.draw = _Draw(self.rng)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.responders = {name: Organisation.objects.get(name=name) for name in RESPONDERS}
        self.authors = {name: User.objects.filter(organisation=organisation, is_active=True).order_by("pk").first()
                        for name, organisation in self.responders.items()}
        self.authorities = {key: Organisation.objects.get(name=name) for key, name in (
            ("ca", "UK Human Trafficking Centre"), ("ukba", "UK Border Agency"))}
        self.deciders = {key: list(User.objects.filter(organisation=authority, groups__name=Role.DECISION_MAKER.label)
                                   .order_by("pk")) for key, authority in self.authorities.items()}
        self.reviewers = {key: User.objects.get(email=f"{key}.reviewer@demo.nrm.test") for key in self.authorities}
        self.managers = {key: User.objects.get(email=f"{key}.manager@demo.nrm.test") for key in self.authorities}
        self.providers = [Organisation.objects.get(name="Medaille Trust"), Organisation.objects.get(name="Hestia")]
        self.workers = {p.pk: User.objects.filter(organisation=p).order_by("pk").first() for p in self.providers}
        self.sa_manager = User.objects.get(email="sa.manager@demo.nrm.test")

    def _moment(self, day: datetime.date, earliest_hour: int = 8) -> datetime.datetime:
        naive = datetime.datetime.combine(day, datetime.time(self.rng.randint(earliest_hour, 17),
                                                             self.rng.randint(0, 59)))
        return min(timezone.make_aware(naive), self.now - datetime.timedelta(minutes=5))

    def _after(self, moment: datetime.datetime, days: float) -> datetime.datetime:
        return moment + datetime.timedelta(days=days, minutes=self.rng.randint(0, 600))

    def build(self) -> int:
        start = self.today - datetime.timedelta(days=DAYS)
        days = [start + datetime.timedelta(days=n) for n in range(DAYS)]
        submitted_days = [day for day in days for _ in range(self._count_on(day))]
        per_year: dict[int, int] = {}
        for day in submitted_days:
            per_year[day.year] = per_year.get(day.year, 0) + 1
        numbers = {year: iter(reference_numbers_reserve(year, count)) for year, count in per_year.items()}
        self.referrals, self.cases, self.decisions, self.support, self.grants = [], [], [], [], []
        self.open_rg: list[tuple[Referral, str, datetime.datetime]] = []
        for day in submitted_days:
            self._referral(day, next(numbers[day.year]))
        with _times_as_given(Referral, Decision, SupportCase, CareRecordEntry):
            Referral.objects.bulk_create(self.referrals, batch_size=500)
            CaseFile.objects.bulk_create(self.cases, batch_size=500)
            Decision.objects.bulk_create(self.decisions, batch_size=500)
            ReferralUserObjectPermission.objects.bulk_create(self.grants, batch_size=500)
            self._support()
        self._allocate_open_cases()
        self._quality_audit()
        return len(self.referrals)

    def _count_on(self, day: datetime.date) -> int:
        """About REFERRALS_A_WEEK, fewer at weekends and on bank holidays, growing a little over the window."""
        growth = 0.8 + 0.4 * (DAYS - (self.today - day).days) / DAYS
        rate = REFERRALS_A_WEEK / 5 * growth * (1 if working_days.is_working_day(day) else 0.2)
        whole = int(rate)
        return whole + (1 if self.rng.random() < rate - whole else 0)

    def _referral(self, day: datetime.date, number: int) -> None:
        rng, draw = self.rng, self.draw
        responder = draw("responder")
        author = self.authors[responder]
        submitted = self._moment(day)
        age, gender, nationality = draw("age"), draw("gender"), draw("nationality")
        types = list(draw("types"))
        duty_to_notify = age == AgeGroup.ADULT and rng.random() < DUTY_TO_NOTIFY_SHARE
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        born = day - datetime.timedelta(days=rng.randint(14 * 365, 17 * 365) if age == AgeGroup.CHILD
                                        else rng.randint(19 * 365, 55 * 365))
        answers = {"first-responder": {"nation": "england", "own_reference": MARKER}}
        referral = Referral(
            kind=ReferralKind.DUTY_TO_NOTIFY if duty_to_notify else ReferralKind.NRM,
            reference=reference_text("DTN" if duty_to_notify else "NRM", day.year, number),
            status=ReferralStatus.RECORDED if duty_to_notify else ReferralStatus.SUBMITTED,
            first_responder_organisation=self.responders[responder], created_by=author, answers=answers,
            nation=Nation.ENGLAND, age_at_exploitation=age, gender=gender, nationality=nationality,
            exploitation_types=types, submitted_at=submitted, created_at=submitted - datetime.timedelta(hours=2),
            updated_at=submitted,
            exploitation_location=ExploitationLocation.UK if nationality == "GB" else ExploitationLocation.BOTH)
        self.referrals.append(referral)
        if duty_to_notify:
            answers["consent"] = {"consents": "no", "dtn_gender": gender, "dtn_nationality": nationality}
            referral.is_child = False
            return
        referral.is_child = age == AgeGroup.CHILD or (age == AgeGroup.UNKNOWN and rng.random() < 0.5)
        referral.wants_support = None if referral.is_child else rng.random() < WANTS_SUPPORT_SHARE
        referral.date_of_birth = born
        referral.name_for_matching = f"{given} {family}".lower()
        answers["personal-details"] = {"given_names": given, "family_name": family,
                                       "date_of_birth": born.isoformat(), "gender": gender,
                                       "nationality": nationality}
        answers["exploitation-types"] = {"exploitation_types": types}
        key = "ca" if nationality == "GB" or rng.random() >= IMMIGRATION_ROUTED_SHARE else "ukba"
        referral.competent_authority = self.authorities[key]
        self._case(referral, key, submitted)

    def _case(self, referral: Referral, key: str, received: datetime.datetime) -> None:
        rng = self.rng
        case = CaseFile(referral=referral, received_at=received, rg_due_on=working_days.rg_target(received))
        self.cases.append(case)
        decider = rng.choice(self.deciders[key])
        reviewer = self.reviewers[key]
        share = rng.random()
        rg_days = rng.uniform(1, 7) if share < 0.55 else rng.uniform(7, 30) if share < 0.9 else rng.uniform(30, 90)
        rg_served = self._after(received, rg_days)
        if rg_served >= self.now:
            self.open_rg.append((referral, key, received))  # allocated through the service, with its grant
            return
        case.allocated_to, case.allocated_at = decider, self._after(received, rng.uniform(0.05, 1))
        positive = rng.random() < RG_POSITIVE_SHARE
        self._decision(case, Stage.RG, positive, decider, reviewer, rg_served, rng_days=rg_days)
        if not positive:
            referral.status = ReferralStatus.RG_NEGATIVE
            case.reconsideration_due_by = working_days.reconsideration_deadline(rg_served)
            closed = self._after(rg_served, rng.uniform(35, 60))
            if closed < self.now:  # the reconsideration window has passed: the case is closed
                referral.status, case.closed_at = ReferralStatus.CLOSED, closed
            return
        referral.status = ReferralStatus.RG_POSITIVE
        case.recovery_period_ends_on = working_days.recovery_period_end(rg_served)
        if referral.wants_support:
            self.support.append((referral, rg_served))
        if not referral.is_child and rng.random() < WITHDRAWAL_SHARE:
            withdrawn = self._after(rg_served, rng.uniform(5, 40))
            if withdrawn < self.now:
                referral.status, case.withdrawn_at = ReferralStatus.WITHDRAWN, withdrawn
                case.withdrawal_reason = "Demo history: the person withdrew from the NRM."
                return
        cg_served = self._after(rg_served, max(46.0, rng.lognormvariate(5.2, 0.45)))
        if cg_served >= self.now:
            self.grants.append(ReferralUserObjectPermission(user=decider, permission=self.decide_permission,
                                                            content_object=referral))
            return
        cg_positive = rng.random() < CG_POSITIVE_SHARE
        self._decision(case, Stage.CG, cg_positive, decider, reviewer, cg_served, rng_days=30)
        referral.status = ReferralStatus.CG_POSITIVE if cg_positive else ReferralStatus.CG_NEGATIVE
        case.move_on_at = working_days.move_on_date(cg_served, positive=cg_positive)
        closed = self._after(cg_served, rng.uniform(10, 60) if rng.random() < CLOSURE_SHARE else 90)
        if closed < self.now:
            referral.status, case.closed_at = ReferralStatus.CLOSED, closed

    @property
    def decide_permission(self) -> Permission:
        if not hasattr(self, "_decide_permission"):
            self._decide_permission = Permission.objects.get(codename=DECIDE, content_type__app_label="referrals")
        return self._decide_permission

    def _decision(self, case: CaseFile, stage: Stage, positive: bool, author: User, reviewer: User,
                  served: datetime.datetime, *, rng_days: float) -> None:
        drafted = served - datetime.timedelta(days=min(rng_days, 3) * self.rng.uniform(0.3, 0.9))
        sent = drafted + (served - drafted) / 2
        self.decisions.append(Decision(
            case=case, stage=stage, outcome=Outcome.POSITIVE if positive else Outcome.NEGATIVE,
            reasons="Demo history: the indicators were weighed against the test for this stage.",
            evidence_considered="The referral form and the first responder's answers.",
            status=DecisionStatus.SERVED, author=author, drafted_at=drafted, sent_for_review_at=sent,
            reviewer=reviewer, reviewed_at=served, served_at=served))

    def _support(self) -> None:
        """Adults with a positive RG who want support: allocated a few days after the decision; those whose
        support has ended (withdrawal, move-on after the CG decision) are written in bulk, those supported
        now go through allocation_move (which grants the provider the person's file)."""
        cases = {case.referral_id: case for case in self.cases}
        ended, current, waiting = [], [], []
        for referral, rg_served in self.support:
            if referral.is_child:
                continue
            case = cases[referral.pk]
            start = working_days.local_date(rg_served) + datetime.timedelta(days=self.rng.randint(1, 6))
            end = None
            if case.withdrawn_at:
                end = working_days.local_date(case.withdrawn_at)
            elif case.move_on_at and case.move_on_at < self.now:
                end = working_days.local_date(case.move_on_at)
            if start >= self.today - datetime.timedelta(days=1):
                waiting.append(SupportCase(referral=referral, opened_at=rg_served))
            elif end is not None and end > start:
                ended.append((SupportCase(referral=referral, opened_at=rg_served, status=SupportStatus.EXITED,
                                          exited_on=end, exit_reason="Demo history: moved on"), start, end))
            elif end is None:
                current.append((SupportCase(referral=referral, opened_at=rg_served), start))
        SupportCase.objects.bulk_create([case for case, _, _ in ended] + [case for case, _ in current] + waiting,
                                        batch_size=500)
        allocations, entries = [], []
        for case, start, end in ended:
            provider = self.rng.choice(self.providers)
            allocations.append(Allocation(support_case=case, provider=provider, support_type=self._support_type(),
                                          start_on=start, end_on=end, created_by=self.sa_manager))
        Allocation.objects.bulk_create(allocations, batch_size=500)
        for case, start in current:
            provider = self.rng.choice(self.providers)
            allocation_move(support_case=case, provider=provider, support_type=self._support_type(), on=start,
                            by=self.sa_manager)
            last_contact = min(self.now, timezone.make_aware(datetime.datetime.combine(
                start, datetime.time(11))) + datetime.timedelta(days=self.rng.randint(0, 120)))
            if (self.now - last_contact).days > 30:
                last_contact = self.now - datetime.timedelta(days=self.rng.choice([1, 2, 3, 5, 12]))
            entries.append(CareRecordEntry(support_case=case, provider=provider, author=self.workers[provider.pk],
                                           kind=EntryKind.CONTACT, created_at=last_contact,
                                           text="Demo history: weekly contact; no new concerns."))
        CareRecordEntry.objects.bulk_create(entries, batch_size=500)

    def _support_type(self) -> str:
        return SupportType.ACCOMMODATION if self.rng.random() < 0.4 else SupportType.OUTREACH

    def _allocate_open_cases(self) -> None:
        """Cases still waiting for an RG decision: the last day's are left for the manager to allocate; the
        rest are allocated through the service, which grants the decision maker the case."""
        for referral, key, received in self.open_rg:
            if self.now - received < datetime.timedelta(days=1):
                continue
            case_allocate(referral=referral, to=self.rng.choice(self.deciders[key]), by=self.managers[key])

    def _quality_audit(self) -> None:
        """The last complete quarter's sample, with a finding recorded on two of the auditor's authority's."""
        first_of_quarter = self.today.replace(month=3 * ((self.today.month - 1) // 3) + 1, day=1)
        quarter = quarter_of(first_of_quarter - datetime.timedelta(days=1))
        quality_sample_draw(quarter=quarter, rng=random.Random(SEED))  # noqa: S311
        auditor = User.objects.get(email="qa.auditor@demo.nrm.test")
        own = list(QualityAudit.objects.filter(
            quarter=quarter, completed_at=None,
            decision__case__referral__competent_authority_id=auditor.organisation_id).order_by("pk")[:2])
        findings = [(QualityAudit.Finding.AGREE, "Demo history: the reasons address each indicator."),
                    (QualityAudit.Finding.DISAGREE, "Demo history: the reasons do not weigh the late disclosure.")]
        for audit, (finding, feedback) in zip(own, findings, strict=False):
            quality_audit_record(audit=audit, finding=finding, feedback=feedback, by=auditor)
