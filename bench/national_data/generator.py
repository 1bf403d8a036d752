"""Synthetic national-scale data (issue 9): N referrals at the published shares, with their case
files, decisions and victim care, loaded in bulk for load tests and report checks.

Who the people are (age, gender, nationality, exploitation type, first responder) is drawn from
the Home Office's published Q4 2023 counts (SHARES_CSV), each published row with probability
proportional to its `people`; what then happened to each case (routing, deadlines, decisions,
support) follows the workflow's rules with the timings in the constants below.

Fast: every row is made in Python and written with COPY, about 25,000 referrals at a time, in one
transaction that runs with `SET LOCAL session_replication_role = replica`. That switches off, for
this transaction only, the per-row triggers: the change history (django-pghistory), the care
record's append-only guard and the foreign-key checks. The rows are synthetic, so they get no
change history; every id written comes from rows this module has just read or created, and
check_database() verifies the links afterwards. Check, unique and exclusion constraints still
apply. Setting the role needs a superuser (or the right to set it), as the loading user is here.

Reproducible: one random.Random(seed) draws everything in a fixed order, so the same seed, the
same day and the same starting database give the same rows. Referral ids come from a second
generator seeded with the seed and the starting reference numbers, so they repeat on a repeat of
the same run but do not collide with an earlier run's rows in the same database.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import math
import random
import time
import zoneinfo
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from core import working_days
from decisions.models import DecisionStatus, Outcome, Stage
from organisations.models import FirstResponderType, Organisation, OrganisationKind, Role, User
from organisations.roles import group_for
from referrals.models import (
    AgeGroup,
    ExploitationLocation,
    ExploitationType,
    Gender,
    Nation,
    ReferralKind,
    ReferralStatus,
)
from referrals.reference_data import UK_POLICE_FORCES, nationality_code_for_label
from victim_care.models import EntryKind, ProviderProfile, Region, Service, SupportStatus, SupportType, Tariff
from victim_care.services import provider_group

# The Home Office's published Q4 2023 counts (open data), kept in the repository so a clone alone runs.
SHARES_CSV = Path(__file__).resolve().parent / "data" / "referrals-2023-q4-by-first-responder.csv"

YEARS = 5
CHUNK_REFERRALS = 25_000
DAY = 86_400
HOUR = 3_600

# Who is referred and by whom.
DUTY_TO_NOTIFY_SHARE = 0.15  # the rest are NRM referrals
POLICE_SHARE = 0.28  # police referrals are not in the published extract; their people are drawn from it
GROWTH_OVER_WINDOW = 0.8  # referrals a day grow by 80% over the five years, as they did from 2019 to 2024
NON_WORKING_DAY_WEIGHT = 0.3
SUBMISSION_HOUR_WEIGHTS = {7: 2, 8: 6, 9: 9, 10: 10, 11: 10, 12: 8, 13: 9, 14: 10, 15: 9, 16: 8, 17: 5, 18: 3,
                           19: 2, 20: 2, 21: 1}
UNKNOWN_AGE_HANDLED_AS_CHILD_SHARE = 0.5  # "not sure" whether under 18 now is handled as a child
WANTS_SUPPORT_SHARE = 0.8
IMMIGRATION_ROUTED_SHARE = 0.8  # non-UK nationals subject to immigration control or claiming asylum (2011 rule)
POLICE_FORCE_WEIGHTS = {"Metropolitan Police Service": 5.0, "Greater Manchester Police": 2.0,
                        "West Midlands Police": 2.0, "West Yorkshire Police": 2.0, "Police Scotland": 1.5}
FORCE_NATIONS = {"Police Scotland": Nation.SCOTLAND, "Police Service of Northern Ireland": Nation.NORTHERN_IRELAND,
                 "Dyfed-Powys Police": Nation.WALES, "Gwent Police": Nation.WALES, "North Wales Police": Nation.WALES,
                 "South Wales Police": Nation.WALES, "BAWSO": Nation.WALES}
NATION_WEIGHTS = {Nation.ENGLAND: 0.9, Nation.SCOTLAND: 0.045, Nation.WALES: 0.04, Nation.NORTHERN_IRELAND: 0.015}
UK_NATIONAL_LOCATION_WEIGHTS = {ExploitationLocation.UK: 0.93, ExploitationLocation.BOTH: 0.03,
                                ExploitationLocation.OVERSEAS: 0.01, ExploitationLocation.UNKNOWN: 0.03}
OTHER_LOCATION_WEIGHTS = {ExploitationLocation.UK: 0.45, ExploitationLocation.OVERSEAS: 0.30,
                          ExploitationLocation.BOTH: 0.17, ExploitationLocation.UNKNOWN: 0.08}

# What happens to a case.
RG_POSITIVE_SHARE = 0.86
CG_POSITIVE_SHARE = 0.9
CG_MEDIAN_DAYS_AFTER_RECOVERY = 240  # lognormal; Conclusive Grounds decisions take months
WITHDRAWAL_SHARE = 0.04  # adults with a positive RG who withdraw during the recovery period
CLOSURE_SHARE = 0.7  # CG decisions whose case is later closed
RECONSIDERATION_SHARE = 0.2  # negative RGs, served in the last 30 days, that are asked to be reconsidered
SECOND_ALLOCATION_SHARE = 0.3  # supported people who move provider once
CARE_PLAN_REVIEW_DAYS = 28

USERS_PER_ROLE = {Role.FIRST_RESPONDER: 3, Role.DECISION_MAKER: 12, Role.SECOND_REVIEWER: 4, Role.CA_MANAGER: 1,
                  Role.PC_CASE_MANAGER: 3, Role.SUPPORT_WORKER: 3}
PRIME_CONTRACTOR = "Modern Slavery Victim Care Contract"
PROVIDER_KINDS = (("Recovery Trust", SupportType.ACCOMMODATION), ("Outreach Network", SupportType.OUTREACH))
EMAIL_DOMAIN = "national-data.nrm.test"

# Fixed texts: the data is synthetic and holds nobody's story.
REASONS = "Synthetic national data: the indicators were weighed against the test for this stage."
EVIDENCE = "Synthetic national data: the referral form."
WITHDRAWAL_REASON = "Synthetic national data: the person withdrew from the NRM."
RECONSIDERATION_REASONS = "Synthetic national data: new evidence has arrived since the decision."
EXIT_AFTER_DECISION = "Moved on after the Conclusive Grounds decision"
EXIT_AFTER_WITHDRAWAL = "Withdrew from the NRM"
CARE_PLAN_TEXT = "Synthetic national data: care plan agreed with the person."
CONTACT_TEXT = "Synthetic national data: contact made; no new concerns."

RESPONDER_TYPES = {label.lower(): value for value, label in FirstResponderType.choices}
AGE_GROUPS = {label.lower(): value for value, label in AgeGroup.choices}
GENDERS = {label.lower(): value for value, label in Gender.choices}
EXPLOITATION_LABELS = {"labour": ExploitationType.LABOUR, "sexual": ExploitationType.SEXUAL,
                       "criminal": ExploitationType.CRIMINAL, "domestic": ExploitationType.DOMESTIC,
                       "organ harvesting": ExploitationType.ORGAN, "not specified or unknown": ExploitationType.UNKNOWN}
UNKNOWN_NATIONALITY_LABELS = {"unknown", "not specified or unknown"}
NULL = "\\N"


class GenerationError(Exception):
    """The generator cannot run: the shares file is missing or an organisation name is taken."""


@dataclass(frozen=True)
class PersonProfile:
    """One published row: who was referred, by whom, and how many people it counts."""

    responder_type: str
    responder_name: str
    exploitation_types: tuple[str, ...]
    age_at_exploitation: str
    gender: str
    nationality: str
    second_nationality: str
    people: int


@dataclass(frozen=True)
class Responder:
    organisation_id: str
    user_ids: tuple[str, ...]
    nation_cum_weights: tuple[tuple[str, ...], tuple[float, ...]]


@dataclass(frozen=True)
class Authority:
    organisation_id: str
    decision_maker_ids: tuple[str, ...]
    reviewer_ids: tuple[str, ...]


@dataclass(frozen=True)
class Provider:
    organisation_id: str
    group_id: str
    region: str
    support_type: str
    worker_ids: tuple[str, ...]


@dataclass(frozen=True)
class Cast:
    """The organisations and users the generated rows point at (ids as text, ready for COPY)."""

    responders: dict[str, Responder]
    police: tuple[Responder, ...]
    police_cum_weights: tuple[float, ...]
    default_authority: Authority
    immigration_authority: Authority
    case_manager_ids: tuple[str, ...]
    providers: tuple[Provider, ...]
    decide_permission_id: str
    support_permission_id: str


@dataclass
class GenerationResult:
    seed: int
    rows: dict[str, int]
    seconds: float


def exploitation_types_for_label(label: str) -> tuple[str, ...]:
    """'Labour, Domestic & Criminal' -> ('labour', 'criminal', 'domestic'), in the form's order."""
    parts = [part.strip().lower() for part in label.replace(" & ", ",").split(",") if part.strip()]
    try:
        chosen = {EXPLOITATION_LABELS[part] for part in parts}
    except KeyError as unknown:
        raise GenerationError(f"Unknown exploitation type {unknown.args[0]!r} in {label!r}") from None
    if len(chosen) > 1:
        chosen.discard(ExploitationType.UNKNOWN)
    return tuple(value for value in ExploitationType.values if value in chosen) or (ExploitationType.UNKNOWN,)


def nationality_codes_for_label(label: str) -> tuple[str, str]:
    """(nationality, second nationality) for a published label: 'Albanian' -> ('AL', ''), 'Albanian Greek' ->
    ('AL', 'GR'), 'Unknown UK' -> ('GB', ''). Unknown, and the rare label with no code (Bermudian), give ''."""
    words = label.split()
    splits = [(label, "")] + [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    for first, second in splits:
        codes = [_nationality_code(part) for part in (first, second) if part]
        if None not in codes:
            first_code, second_code, *_ = [*(code for code in codes if code), "", ""]
            return first_code, second_code
    return "", ""


def _nationality_code(label: str) -> str | None:
    """The code of one nationality; '' for unknown; None when the label is not a nationality."""
    if label.lower() in UNKNOWN_NATIONALITY_LABELS:
        return ""
    return nationality_code_for_label(label)


def load_person_profiles(path: Path = SHARES_CSV) -> list[PersonProfile]:
    """The published rows, mapped to this service's codes."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise GenerationError(f"Cannot read the published shares {path}: {error.strerror}") from None
    profiles = []
    for row in rows:
        nationality, second = nationality_codes_for_label(row["nationality"])
        profiles.append(PersonProfile(
            responder_type=RESPONDER_TYPES[row["first_responder_type"].lower()],
            responder_name=row["first_responder"].strip(),
            exploitation_types=exploitation_types_for_label(row["exploitation_type"]),
            age_at_exploitation=AGE_GROUPS[row["age_at_exploitation"].lower()],
            gender=GENDERS[row["gender"].lower()],
            nationality=nationality, second_nationality=second, people=int(row["people"]),
        ))
    return profiles


# -- Organisations and users ------------------------------------------------------------------------------------------

def _organisation(name: str, kind: str, first_responder_type: str = "") -> Organisation:
    """The organisation of that name, made if missing. A first responder whose name another kind of
    organisation already holds (the demo's Medaille Trust is a support provider) gets a suffixed name."""
    taken = Organisation.objects.filter(name__iexact=name).exclude(kind=kind).first()
    if taken is not None:
        if kind != OrganisationKind.FIRST_RESPONDER:
            raise GenerationError(f"{name!r} already exists as a {taken.get_kind_display().lower()}.")
        name = f"{name} (first responder)"
    organisation, _ = Organisation.objects.get_or_create(
        name__iexact=name, kind=kind,
        defaults={"name": name, "first_responder_type": first_responder_type,
                  "inbox_email": f"{slugify(name)[:60]}@{EMAIL_DOMAIN}"})
    return organisation


def _users(wanted: list[tuple[Organisation, Role, int]]) -> dict[tuple[int, Role], list[User]]:
    """`count` users with each role in each organisation, made if missing, in a few queries. They have
    no usable password: nobody signs in as them."""
    specs = {}
    for organisation, role, count in wanted:
        for n in range(1, count + 1):
            email = f"{slugify(organisation.name)[:60]}.{role.value.replace('_', '-')}{n:02d}@{EMAIL_DOMAIN}"
            specs[email] = (organisation, role, n)
    existing = {user.email: user for user in User.objects.filter(email__in=specs)}
    missing = [User(email=email, full_name=f"{role.label} {n}", organisation=organisation,
                    password=make_password(None))
               for email, (organisation, role, n) in specs.items() if email not in existing]
    for user in User.objects.bulk_create(missing):
        existing[user.email] = user
    memberships = []
    by_role: dict[tuple[int, Role], list[User]] = {}
    for email, (organisation, role, _n) in specs.items():
        user = existing[email]
        by_role.setdefault((organisation.pk, role), []).append(user)
        memberships.append(User.groups.through(user_id=user.pk, group_id=group_for(role).pk))
        if role == Role.SUPPORT_WORKER:
            memberships.append(User.groups.through(user_id=user.pk, group_id=provider_group(organisation).pk))
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
    return by_role


def _cum(weights: Iterable[float]) -> tuple[float, ...]:
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return tuple(cumulative)


def _nation_weights(name: str) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if name in FORCE_NATIONS:
        return (FORCE_NATIONS[name],), (1.0,)
    if name in UK_POLICE_FORCES:
        return (Nation.ENGLAND,), (1.0,)
    return tuple(NATION_WEIGHTS), _cum(NATION_WEIGHTS.values())


def ensure_cast(profiles: list[PersonProfile], tariffs_from: datetime.date) -> Cast:
    """Organisations (first responders from the shares and police forces, both competent authorities,
    one prime contractor, twenty support providers with tariffs) and a handful of users in each."""
    responder_organisations = {}
    for profile in sorted({(p.responder_name, p.responder_type) for p in profiles}):
        responder_organisations[profile[0]] = _organisation(profile[0], OrganisationKind.FIRST_RESPONDER, profile[1])
    forces = {force: _organisation(force, OrganisationKind.FIRST_RESPONDER, FirstResponderType.POLICE)
              for force in UK_POLICE_FORCES}
    authorities = {name: _organisation(name, OrganisationKind.COMPETENT_AUTHORITY)
                   for name in (settings.NRM_DEFAULT_COMPETENT_AUTHORITY, settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY)}
    prime = _organisation(PRIME_CONTRACTOR, OrganisationKind.PRIME_CONTRACTOR)
    providers = []
    for index, (region, label) in enumerate(Region.choices):
        for offset, (suffix, support_type) in enumerate(PROVIDER_KINDS):
            provider = _organisation(f"{label} {suffix}", OrganisationKind.SUPPORT_PROVIDER)
            services = ([Service.ACCOMMODATION, Service.COUNSELLING, Service.INTERPRETING]
                        if support_type == SupportType.ACCOMMODATION else [Service.COUNSELLING, Service.LEGAL])
            ProviderProfile.objects.get_or_create(organisation=provider, defaults={
                "regions": [region], "services": services,
                "women_only_beds": 10 + index, "men_only_beds": 8 + index, "family_beds": 2})
            for rate_type, base in ((SupportType.ACCOMMODATION, 6_000), (SupportType.OUTREACH, 2_000)):
                Tariff.objects.get_or_create(provider=provider, support_type=rate_type, valid_from=tariffs_from,
                                             defaults={"daily_rate_pence": base + 50 * (2 * index + offset)})
            providers.append((provider, region, support_type))

    wanted = [(organisation, Role.FIRST_RESPONDER, USERS_PER_ROLE[Role.FIRST_RESPONDER])
              for organisation in [*responder_organisations.values(), *forces.values()]]
    for authority in authorities.values():
        wanted += [(authority, role, USERS_PER_ROLE[role])
                   for role in (Role.DECISION_MAKER, Role.SECOND_REVIEWER, Role.CA_MANAGER)]
    wanted.append((prime, Role.PC_CASE_MANAGER, USERS_PER_ROLE[Role.PC_CASE_MANAGER]))
    wanted += [(provider, Role.SUPPORT_WORKER, USERS_PER_ROLE[Role.SUPPORT_WORKER]) for provider, _, _ in providers]
    users = _users(wanted)

    def ids(organisation: Organisation, role: Role) -> tuple[str, ...]:
        return tuple(str(user.pk) for user in users[(organisation.pk, role)])

    def responder(name: str, organisation: Organisation) -> Responder:
        return Responder(str(organisation.pk), ids(organisation, Role.FIRST_RESPONDER), _nation_weights(name))

    def authority(name: str) -> Authority:
        organisation = authorities[name]
        return Authority(str(organisation.pk), ids(organisation, Role.DECISION_MAKER),
                         ids(organisation, Role.SECOND_REVIEWER))

    def permission(codename: str) -> str:
        return str(Permission.objects.get(content_type__app_label="referrals", codename=codename).pk)

    return Cast(
        responders={name: responder(name, organisation) for name, organisation in responder_organisations.items()},
        police=tuple(responder(name, organisation) for name, organisation in forces.items()),
        police_cum_weights=_cum(POLICE_FORCE_WEIGHTS.get(name, 1.0) for name in forces),
        default_authority=authority(settings.NRM_DEFAULT_COMPETENT_AUTHORITY),
        immigration_authority=authority(settings.NRM_IMMIGRATION_COMPETENT_AUTHORITY),
        case_manager_ids=ids(prime, Role.PC_CASE_MANAGER),
        providers=tuple(Provider(str(provider.pk), str(provider_group(provider).pk), region, support_type,
                                 ids(provider, Role.SUPPORT_WORKER)) for provider, region, support_type in providers),
        decide_permission_id=permission("decide_referral"),
        support_permission_id=permission("support_referral"),
    )


# -- Time -------------------------------------------------------------------------------------------------------------

class Clock:
    """Whole-second UTC epochs for moments and UK day numbers (days since 1970-01-01) for dates, with
    the text COPY wants cached: formatting is most of the cost of a row."""

    EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()

    def __init__(self, zone: zoneinfo.ZoneInfo, first_day: int, last_day: int) -> None:
        """Texts are cached for the days from `first_day` to `last_day`; others are made when asked for."""
        self.zone = zone
        self._offsets: dict[int, int] = {}
        self._day_starts: dict[int, int] = {}
        self._first_day = first_day
        self._day_texts = [self.date(day).isoformat() for day in range(first_day, last_day + 1)]
        self._times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    @classmethod
    def day_number(cls, day: datetime.date) -> int:
        return day.toordinal() - cls.EPOCH_ORDINAL

    @classmethod
    def date(cls, day: int) -> datetime.date:
        return datetime.date.fromordinal(day + cls.EPOCH_ORDINAL)

    def local_day(self, moment: int) -> int:
        """The UK day number of a moment."""
        hour = moment // HOUR
        offset = self._offsets.get(hour)
        if offset is None:
            offset = int(datetime.datetime.fromtimestamp(hour * HOUR, self.zone).utcoffset().total_seconds())
            self._offsets[hour] = offset
        return (moment + offset) // DAY

    def day_start(self, day: int) -> int:
        """The moment UK midnight begins that day."""
        start = self._day_starts.get(day)
        if start is None:
            start = int(datetime.datetime.combine(self.date(day), datetime.time(), self.zone).timestamp())
            self._day_starts[day] = start
        return start

    def day_text(self, day: int) -> str:
        index = day - self._first_day
        if 0 <= index < len(self._day_texts):
            return self._day_texts[index]
        return self.date(day).isoformat()

    def moment_text(self, moment: int) -> str:
        """A timestamp in UTC, as COPY reads it."""
        day, second = divmod(moment, DAY)
        index = day - self._first_day
        if 0 <= index < len(self._day_texts):
            return f"{self._day_texts[index]} {self._times[second]}+00"
        return f"{self.date(day).isoformat()} {self._times[second]}+00"


# -- References -------------------------------------------------------------------------------------------------------

def _reference_starts(cursor, years: list[int]) -> dict[int, int]:
    """The last reference number used each year, with the counters locked until commit so a live
    submission waits rather than takes a number this run is about to use."""
    cursor.execute("INSERT INTO referrals_referencecounter (year, last_number) SELECT year, 0 FROM unnest(%s::int[]) "
                   "AS year ON CONFLICT (year) DO NOTHING", [years])
    cursor.execute("SELECT year, last_number FROM referrals_referencecounter WHERE year = ANY(%s) FOR UPDATE", [years])
    starts = dict(cursor.fetchall())
    cursor.execute(r"SELECT split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::bigint) "
                   r"FROM referrals_referral WHERE reference ~ '^(NRM|DTN)-\d{4}-\d+$' GROUP BY 1")
    for year, used in cursor.fetchall():
        if year in starts:
            starts[year] = max(starts[year], used)
    return starts


def _bump_reference_counters(cursor, last_numbers: dict[int, int]) -> None:
    cursor.executemany("UPDATE referrals_referencecounter SET last_number = GREATEST(last_number, %s) WHERE year = %s",
                       [(number, year) for year, number in last_numbers.items()])


# -- Rows -------------------------------------------------------------------------------------------------------------

COLUMNS = {
    "referrals_referral": (
        "id", "reference", "kind", "status", "answers", "nation", "is_child", "age_at_exploitation", "gender",
        "nationality", "second_nationality", "exploitation_types", "exploitation_location", "name_for_matching",
        "home_office_reference", "wants_support", "created_at", "updated_at", "submitted_at",
        "competent_authority_id", "created_by_id", "first_responder_organisation_id"),
    "decisions_casefile": (
        "referral_id", "received_at", "rg_due_on", "allocated_at", "allocated_to_id", "recovery_period_ends_on",
        "reconsideration_due_by", "move_on_at", "withdrawn_at", "withdrawal_reason", "closed_at"),
    "decisions_decision": (
        "case_id", "stage", "outcome", "reasons", "evidence_considered", "status", "author_id", "drafted_at",
        "sent_for_review_at", "reviewer_id", "reviewed_at", "review_comments", "served_at", "letter",
        "is_reconsideration"),
    "referrals_referraluserobjectpermission": ("content_object_id", "permission_id", "user_id"),
    "victim_care_supportcase": ("id", "referral_id", "opened_at", "status", "needs", "risks", "exit_reason",
                                "exited_on"),
    "victim_care_allocation": ("support_case_id", "provider_id", "support_type", "start_on", "end_on",
                               "created_by_id"),
    "victim_care_carerecordentry": ("support_case_id", "provider_id", "author_id", "kind", "text", "review_due_on",
                                    "created_at"),
    "referrals_referralgroupobjectpermission": ("content_object_id", "group_id", "permission_id"),
}


@dataclass
class SupportPlan:
    """A support case waiting for its id: allocations are (provider, type, start day, end day or None)."""

    referral_id: str
    opened_at: int
    status: str
    exit_day: int | None
    exit_reason: str
    allocations: list[tuple[Provider, str, int, int | None]]


@dataclass
class Rows:
    """One chunk's COPY lines by table, and the support cases still to be numbered."""

    lines: dict[str, list[str]] = field(default_factory=lambda: {table: [] for table in COLUMNS})
    support: list[SupportPlan] = field(default_factory=list)
    reconsiderations: list[tuple[str, str, str]] = field(default_factory=list)


def _line(*values: str) -> str:
    return "\t".join(values) + "\n"


def _flag(value: bool | None) -> str:
    return NULL if value is None else ("t" if value else "f")


class Generator:
    """Turns a submission moment into a referral and everything that has happened to it by `as_of`."""

    def __init__(self, *, seed: int, cast: Cast, profiles: list[PersonProfile], clock: Clock, as_of: int,
                 rg_due: dict[int, str], reference_starts: dict[int, int], rng: random.Random) -> None:
        self.rng, self.cast, self.clock, self.as_of = rng, cast, clock, as_of
        # Ids depend on the starting reference numbers too, so a second run with the same seed adds new rows.
        self.id_rng = random.Random(f"{seed}:ids:{sorted(reference_starts.items())}")
        # Support rows are finished on the writer thread, which must not share the main generator.
        self.support_rng = random.Random(f"{seed}:support")
        self.as_of_day = clock.local_day(as_of)
        self.rg_due = rg_due
        self.last_numbers = dict(reference_starts)
        self.profiles = profiles
        self.profile_cum = _cum(p.people for p in profiles)
        self.adult_profiles = [p for p in profiles if p.age_at_exploitation == AgeGroup.ADULT]
        self.adult_cum = _cum(p.people for p in self.adult_profiles)
        self.review_everything = settings.NRM_SECOND_REVIEW_POLICY == "all"
        self.single_authority = settings.NRM_ROUTING_RULE == "single"
        self.recovery_days = settings.NRM_RECOVERY_PERIOD_DAYS
        self.reconsideration_days = settings.NRM_RECONSIDERATION_WINDOW_DAYS
        self.move_on_positive = settings.NRM_MOVE_ON_AFTER_POSITIVE_CG_DAYS * DAY
        self.move_on_negative = settings.NRM_MOVE_ON_AFTER_NEGATIVE_CG_HOURS * HOUR
        self.uk_locations = (tuple(UK_NATIONAL_LOCATION_WEIGHTS), _cum(UK_NATIONAL_LOCATION_WEIGHTS.values()))
        self.other_locations = (tuple(OTHER_LOCATION_WEIGHTS), _cum(OTHER_LOCATION_WEIGHTS.values()))
        self.providers_by_nation = {
            Nation.WALES: [p for p in cast.providers if p.region == Region.WALES],
            Nation.ENGLAND: [p for p in cast.providers if p.region != Region.WALES],
        }

    def _pick(self, options: tuple[str, ...] | list, cum_weights: tuple[float, ...]):
        return options[bisect.bisect_right(cum_weights, self.rng.random() * cum_weights[-1])]

    def _uuid(self) -> str:
        """A version 4 UUID from the id generator (uuid.UUID would be three times slower per row)."""
        value = self.id_rng.getrandbits(128)
        value = (value & ~(0xF000 << 64)) | (4 << 76)  # version 4
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def referral(self, submitted: int, rows: Rows) -> None:
        rng, clock = self.rng, self.clock
        duty_to_notify = rng.random() < DUTY_TO_NOTIFY_SHARE
        if duty_to_notify:
            profile = self._pick(self.adult_profiles, self.adult_cum)
        else:
            profile = self._pick(self.profiles, self.profile_cum)
        if rng.random() < POLICE_SHARE:
            responder = self._pick(self.cast.police, self.cast.police_cum_weights)
        else:
            responder = self.cast.responders[profile.responder_name]
        nation = self._pick(*responder.nation_cum_weights)
        author = rng.choice(responder.user_ids)
        day = clock.local_day(submitted)
        year = clock.date(day).year
        self.last_numbers[year] = number = self.last_numbers.get(year, 0) + 1
        referral_id = self._uuid()
        created = submitted - rng.randint(15 * 60, 5 * DAY)
        if duty_to_notify:
            rows.lines["referrals_referral"].append(_line(
                referral_id, f"DTN-{year}-{number:06d}", ReferralKind.DUTY_TO_NOTIFY, ReferralStatus.RECORDED, "{}",
                nation, "f", profile.age_at_exploitation, profile.gender, profile.nationality, "", "{}",
                ExploitationLocation.UNKNOWN, "", "", NULL, clock.moment_text(created),
                clock.moment_text(submitted), clock.moment_text(submitted), NULL, author, responder.organisation_id))
            return
        if profile.age_at_exploitation == AgeGroup.UNKNOWN:
            is_child = rng.random() < UNKNOWN_AGE_HANDLED_AS_CHILD_SHARE
        else:
            is_child = profile.age_at_exploitation == AgeGroup.CHILD
        wants_support = None if is_child else rng.random() < WANTS_SUPPORT_SHARE
        uk_national = profile.nationality == "GB"
        location = self._pick(*(self.uk_locations if uk_national else self.other_locations))
        if self.single_authority or uk_national or rng.random() >= IMMIGRATION_ROUTED_SHARE:
            authority = self.cast.default_authority
        else:
            authority = self.cast.immigration_authority
        status, updated = self._case(referral_id, submitted, day, authority, author, is_child, wants_support, nation,
                                     rows)
        rows.lines["referrals_referral"].append(_line(
            referral_id, f"NRM-{year}-{number:06d}", ReferralKind.NRM, status, "{}", nation, _flag(is_child),
            profile.age_at_exploitation, profile.gender, profile.nationality, profile.second_nationality,
            "{" + ",".join(profile.exploitation_types) + "}", location, "", "", _flag(wants_support),
            clock.moment_text(created), clock.moment_text(updated), clock.moment_text(submitted),
            authority.organisation_id, author, responder.organisation_id))

    def _decision(self, rows: Rows, case_id: str, stage: str, outcome: str, status: str, author: str, drafted: int,
                  sent: int | None, reviewer: str | None, served: int | None) -> None:
        text = self.clock.moment_text
        reviewed = served if reviewer is not None and served is not None else None
        rows.lines["decisions_decision"].append(_line(
            case_id, stage, outcome, REASONS, EVIDENCE, status, author, text(drafted),
            NULL if sent is None else text(sent), reviewer if reviewed is not None else NULL,
            NULL if reviewed is None else text(reviewed), "", NULL if served is None else text(served), "", "f"))

    def _stage(self, rows: Rows, case_id: str, stage: Stage, positive: bool, author: str, reviewer: str,
               drafted: int, served: int) -> tuple[str, int, bool]:
        """One decision as it stands at `as_of`, written if it has been started, with the second review the
        policy asks for. Returns (the case's status, or '' when not started; when that began; served?)."""
        reviewed = self.review_everything or not positive
        sent = drafted + int((served - drafted) * self.rng.uniform(0.1, 0.7)) if reviewed else None
        outcome = Outcome.POSITIVE if positive else Outcome.NEGATIVE
        if self.as_of <= drafted:
            return "", drafted, False
        if self.as_of <= served:
            if sent is not None and sent < self.as_of:
                self._decision(rows, case_id, stage, outcome, DecisionStatus.AWAITING_REVIEW, author, drafted, sent,
                               None, None)
                return f"{stage}_awaiting_review", sent, False
            self._decision(rows, case_id, stage, outcome, DecisionStatus.DRAFT, author, drafted, None, None, None)
            return f"{stage}_drafted", drafted, False
        self._decision(rows, case_id, stage, outcome, DecisionStatus.SERVED, author, drafted, sent,
                       reviewer if reviewed else None, served)
        return f"{stage}_{outcome}", served, True

    def _rg_delay(self) -> int:
        """Seconds from receipt to a served RG: most within a week, nearly all within 30 days."""
        rng = self.rng
        share = rng.random()
        days = rng.uniform(1, 7) if share < 0.55 else rng.uniform(7, 30) if share < 0.9 else rng.uniform(30, 120)
        return int(days * DAY)

    def _case(self, referral_id: str, submitted: int, day: int, authority: Authority, referrer: str,
              is_child: bool, wants_support: bool | None, nation: str, rows: Rows) -> tuple[str, int]:
        """The case file, decisions, grant and support of a routed referral. Returns (status, updated_at)."""
        rng, clock, as_of = self.rng, self.clock, self.as_of
        text = clock.moment_text
        rg_delay = self._rg_delay()
        rg_served = submitted + rg_delay
        allocated = submitted + 600 + min(int(rng.expovariate(1 / (1.5 * DAY))), rg_delay // 3)
        case = {"allocated_at": NULL, "allocated_to": NULL, "recovery": NULL, "reconsideration": NULL,
                "move_on": NULL, "withdrawn": NULL, "reason": "", "closed": NULL}

        def write_case() -> None:
            rows.lines["decisions_casefile"].append(_line(
                referral_id, text(submitted), self.rg_due[day], case["allocated_at"], case["allocated_to"],
                case["recovery"], case["reconsideration"], case["move_on"], case["withdrawn"], case["reason"],
                case["closed"]))

        if as_of <= allocated:
            write_case()
            return ReferralStatus.SUBMITTED, submitted
        decider, reviewer = rng.choice(authority.decision_maker_ids), rng.choice(authority.reviewer_ids)
        case["allocated_at"], case["allocated_to"] = text(allocated), decider
        rows.lines["referrals_referraluserobjectpermission"].append(
            _line(referral_id, self.cast.decide_permission_id, decider))
        rg_drafted = allocated + int((rg_served - allocated) * rng.uniform(0.2, 0.7))
        rg_positive = rng.random() < RG_POSITIVE_SHARE
        state, since, served = self._stage(rows, referral_id, Stage.RG, rg_positive, decider, reviewer, rg_drafted,
                                           rg_served)
        if not served:
            write_case()
            return (state, since) if state else (ReferralStatus.ALLOCATED, allocated)
        rg_day = clock.local_day(rg_served)
        if not rg_positive:
            case["reconsideration"] = clock.day_text(rg_day + self.reconsideration_days)
            write_case()
            served_ago = as_of - rg_served
            if 2 * HOUR < served_ago < self.reconsideration_days * DAY and rng.random() < RECONSIDERATION_SHARE:
                requested = rg_served + rng.randint(HOUR, served_ago - 1)
                rows.reconsiderations.append((referral_id, referrer, text(requested)))
                return ReferralStatus.RECONSIDERATION, requested
            return ReferralStatus.RG_NEGATIVE, rg_served

        case["recovery"] = clock.day_text(rg_day + self.recovery_days)
        recovery_over = clock.day_start(rg_day + self.recovery_days + 1) + 9 * HOUR
        cg_wait = min(max(rng.lognormvariate(math.log(CG_MEDIAN_DAYS_AFTER_RECOVERY), 0.7), 10), 1_100)
        cg_served = recovery_over + int(cg_wait * DAY)
        cg_drafted = max(recovery_over, cg_served - int(rng.uniform(3, 60) * DAY))
        withdrawn = None
        if is_child is False and rng.random() < WITHDRAWAL_SHARE:
            withdrawn = rg_served + rng.randint(DAY, cg_drafted - rg_served - DAY)
        supported = is_child is False and wants_support is not False and nation in (Nation.ENGLAND, Nation.WALES)
        if withdrawn is not None and withdrawn <= as_of:
            case["withdrawn"], case["reason"] = text(withdrawn), WITHDRAWAL_REASON
            write_case()
            if supported:
                self._support(rows, referral_id, rg_served, nation, withdrawn, EXIT_AFTER_WITHDRAWAL)
            return ReferralStatus.WITHDRAWN, withdrawn

        cg_positive = rng.random() < CG_POSITIVE_SHARE
        state, since, served = self._stage(rows, referral_id, Stage.CG, cg_positive, decider, reviewer, cg_drafted,
                                           cg_served)
        status, updated = (state, since) if state else (ReferralStatus.RG_POSITIVE, rg_served)
        move_on = None
        if served:
            move_on = cg_served + (self.move_on_positive if cg_positive else self.move_on_negative)
            case["move_on"] = text(move_on)
            if not cg_positive:
                case["reconsideration"] = clock.day_text(clock.local_day(cg_served) + self.reconsideration_days)
            if rng.random() < CLOSURE_SHARE:
                closed = cg_served + int(rng.uniform(7, 120) * DAY)
                if closed <= as_of:
                    case["closed"], status, updated = text(closed), ReferralStatus.CLOSED, closed
        write_case()
        if supported:
            self._support(rows, referral_id, rg_served, nation, move_on, EXIT_AFTER_DECISION)
        return status, updated

    def _support(self, rows: Rows, referral_id: str, opened: int, nation: str, leaves: int | None,
                 exit_reason: str) -> None:
        """The adult's support case: waiting, supported by one provider (or two after a move), or exited."""
        rng = self.rng
        start = self.clock.local_day(opened) + rng.randint(0, 3)
        exit_day = self.clock.local_day(leaves) if leaves is not None and leaves <= self.as_of else None
        if exit_day is not None and exit_day <= start:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.EXITED, exit_day, exit_reason, []))
            return
        if start >= self.as_of_day:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.AWAITING_ALLOCATION, None, "", []))
            return
        candidates = self.providers_by_nation[nation]
        first = rng.choice(candidates)
        allocations = [(first, first.support_type, start, exit_day)]
        span = (self.as_of_day if exit_day is None else exit_day) - start
        if span >= 2 and rng.random() < SECOND_ALLOCATION_SHARE:
            moved = start + rng.randint(1, span - 1)
            second = rng.choice([p for p in candidates if p is not first])
            allocations = [(first, first.support_type, start, moved), (second, second.support_type, moved, exit_day)]
        if exit_day is None:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.SUPPORTED, None, "", allocations))
        else:
            rows.support.append(SupportPlan(referral_id, opened, SupportStatus.EXITED, exit_day, exit_reason,
                                            allocations))

    def support_rows(self, rows: Rows, ids: list[int]) -> None:
        """COPY lines for the chunk's support cases, now that they have ids (on the writer thread)."""
        rng, clock = self.support_rng, self.clock
        lines = rows.lines
        manager_ids = self.cast.case_manager_ids
        for plan, number in zip(rows.support, ids, strict=True):
            case_id = str(number)
            lines["victim_care_supportcase"].append(_line(
                case_id, plan.referral_id, clock.moment_text(plan.opened_at), plan.status, "", "", plan.exit_reason,
                NULL if plan.exit_day is None else clock.day_text(plan.exit_day)))
            for provider, support_type, start, end in plan.allocations:
                lines["victim_care_allocation"].append(_line(
                    case_id, provider.organisation_id, support_type, clock.day_text(start),
                    NULL if end is None else clock.day_text(end), rng.choice(manager_ids)))
                last = (self.as_of_day if end is None else end) - 1
                entries = [(start, EntryKind.CARE_PLAN, CARE_PLAN_TEXT, clock.day_text(start + CARE_PLAN_REVIEW_DAYS))]
                entries += [(rng.randint(start, last), EntryKind.CONTACT, CONTACT_TEXT, NULL)
                            for _ in range(rng.randint(1, 3))]
                for day, kind, entry_text, review_due in entries:
                    lines["victim_care_carerecordentry"].append(_line(
                        case_id, provider.organisation_id, rng.choice(provider.worker_ids), kind, entry_text,
                        review_due, clock.moment_text(clock.day_start(day) + rng.randint(9 * HOUR, 17 * HOUR))))
            if plan.status == SupportStatus.SUPPORTED:
                current = plan.allocations[-1][0]
                lines["referrals_referralgroupobjectpermission"].append(
                    _line(plan.referral_id, current.group_id, self.cast.support_permission_id))


# -- Loading ----------------------------------------------------------------------------------------------------------

def submission_moments(rng: random.Random, clock: Clock, count: int, first_day: int, last_day: int) -> list[int]:
    """`count` submission moments, in order: more on working days and in office hours, and more each
    year (GROWTH_OVER_WINDOW)."""
    days = list(range(first_day, last_day + 1))
    span = max(len(days) - 1, 1)
    weights = [(1 + GROWTH_OVER_WINDOW * (day - first_day) / span)
               * (1.0 if working_days.is_working_day(clock.date(day)) else NON_WORKING_DAY_WEIGHT) for day in days]
    chosen_days = rng.choices(days, cum_weights=_cum(weights), k=count)
    hours = rng.choices(list(SUBMISSION_HOUR_WEIGHTS), weights=list(SUBMISSION_HOUR_WEIGHTS.values()), k=count)
    return sorted(clock.day_start(day) + hour * HOUR + rng.randrange(HOUR) for day, hour in zip(chosen_days, hours,
                                                                                                  strict=True))


def _copy(raw_cursor, table: str, lines: list[str]) -> None:
    """COPY the lines into the table (table and columns are this module's constants)."""
    if not lines:
        return
    statement = f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN"
    if hasattr(raw_cursor, "copy_expert"):  # psycopg2
        raw_cursor.copy_expert(statement, io.StringIO("".join(lines)), size=1 << 20)
    else:  # psycopg 3
        with raw_cursor.copy(statement) as copy:
            copy.write("".join(lines))


def _reserve_ids(raw_cursor, table: str, count: int) -> list[int]:
    """`count` ids from the table's own sequence, so live inserts never collide with them."""
    if count == 0:
        return []
    raw_cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [table, count])
    return [row[0] for row in raw_cursor.fetchall()]


def _write_chunk(raw_cursor, generator: Generator, rows: Rows, counts: dict[str, int]) -> None:
    """Number the chunk's support cases and COPY every table (on the writer thread)."""
    generator.support_rows(rows, _reserve_ids(raw_cursor, "victim_care_supportcase", len(rows.support)))
    for table, lines in rows.lines.items():
        _copy(raw_cursor, table, lines)
        counts[table] += len(lines)


def _load(raw_cursor, generator: Generator, moments: list[int], counts: dict[str, int],
          progress: Callable[[int, int], None] | None) -> list[tuple[str, str, str]]:
    """Make each chunk while the writer thread COPYs the one before: libpq waits without holding the
    GIL, so the two cores work at once. Only the writer touches the connection while this runs."""
    reconsiderations: list[tuple[str, str, str]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="national-data-writer") as writer:
        pending: Future | None = None
        for chunk_start in range(0, len(moments), CHUNK_REFERRALS):
            rows = Rows()
            for moment in moments[chunk_start:chunk_start + CHUNK_REFERRALS]:
                generator.referral(moment, rows)
            reconsiderations += rows.reconsiderations
            if pending is not None:
                pending.result()
                if progress is not None:
                    progress(chunk_start, len(moments))
            pending = writer.submit(_write_chunk, raw_cursor, generator, rows, counts)
        if pending is not None:
            pending.result()
    if progress is not None and moments:
        progress(len(moments), len(moments))
    return reconsiderations


def _insert_reconsiderations(cursor, requests: list[tuple[str, str, str]]) -> int:
    """Reconsideration requests point at the negative RG decision they question, numbered by COPY."""
    if not requests:
        return 0
    case_ids, requester_ids, requested_at = (list(column) for column in zip(*requests, strict=True))
    cursor.execute(
        "INSERT INTO decisions_reconsideration (case_id, decision_id, reasons, new_evidence, requested_by_id, "
        "requested_at) SELECT d.case_id, d.id, %s, '', request.requester_id, request.requested_at "
        "FROM unnest(%s::uuid[], %s::bigint[], %s::timestamptz[]) AS request(case_id, requester_id, requested_at) "
        "JOIN decisions_decision d ON d.case_id = request.case_id AND d.stage = 'rg' AND d.outcome = 'negative' "
        "AND d.status = 'served'",
        [RECONSIDERATION_REASONS, case_ids, [int(r) for r in requester_ids], requested_at])
    return cursor.rowcount


def _rg_due_dates(clock: Clock, first_day: int, last_day: int) -> dict[int, str]:
    """Every submission day's RG due date (core.working_days's working days), worked out once per day."""
    return {day: working_days.add_working_days(clock.date(day), settings.NRM_RG_TARGET_WORKING_DAYS).isoformat()
            for day in range(first_day, last_day + 1)}


def _tariffs_from(first_day: datetime.date) -> datetime.date:
    """1 April before the data starts: the tariffs are in force for every allocation."""
    return datetime.date(first_day.year - 1 if first_day.month < 4 else first_day.year, 4, 1)


def generate_national_data(*, referrals: int, seed: int, as_of: datetime.datetime | None = None,
                           shares_csv: Path = SHARES_CSV,
                           progress: Callable[[int, int], None] | None = None) -> GenerationResult:
    """Create `referrals` synthetic referrals submitted over the YEARS years before `as_of` (default:
    UK midnight today), with everything that has happened to them by then. All or nothing."""
    started = time.monotonic()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    as_of = as_of or datetime.datetime.combine(timezone.localdate(), datetime.time(), zone)
    as_of_moment = int(as_of.timestamp())
    today = as_of.astimezone(zone).date()
    try:
        first_date = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        first_date = today.replace(year=today.year - YEARS, day=28)
    clock = Clock(zone, Clock.day_number(first_date) - 1, Clock.day_number(today) + 4 * 365)
    first_day, last_day = Clock.day_number(first_date), Clock.day_number(today) - 1
    profiles = load_person_profiles(shares_csv)
    rng = random.Random(seed)
    moments = submission_moments(rng, clock, referrals, first_day, last_day)
    years = sorted({clock.date(clock.local_day(moment)).year for moment in moments})
    counts = dict.fromkeys([*COLUMNS, "decisions_reconsideration"], 0)
    with transaction.atomic(), connection.cursor() as cursor:
        cast = ensure_cast(profiles, _tariffs_from(first_date))
        reference_starts = _reference_starts(cursor, years)
        cursor.execute("SHOW session_replication_role")
        (previous_role,) = cursor.fetchone()
        cursor.execute("SET LOCAL session_replication_role = replica")
        generator = Generator(
            seed=seed, rng=rng, cast=cast, profiles=profiles, clock=clock, as_of=as_of_moment,
            rg_due=_rg_due_dates(clock, first_day, last_day), reference_starts=reference_starts)
        reconsiderations = _load(cursor.cursor, generator, moments, counts, progress)
        counts["decisions_reconsideration"] = _insert_reconsiderations(cursor, reconsiderations)
        _bump_reference_counters(cursor, {year: number for year, number in generator.last_numbers.items()
                                          if number > reference_starts.get(year, 0)})
        # What the grant trigger does row by row (it is off here), for the grants just loaded, in one statement.
        cursor.execute("UPDATE referrals_referralgroupobjectpermission AS grant_row "
                       "SET referral_submitted_at = r.submitted_at FROM referrals_referral AS r "
                       "WHERE r.id = grant_row.content_object_id AND grant_row.referral_submitted_at IS NULL")
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous_role])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral, decisions_casefile, decisions_decision, decisions_reconsideration, "
                       "victim_care_supportcase, victim_care_allocation, victim_care_carerecordentry, "
                       "referrals_referraluserobjectpermission, referrals_referralgroupobjectpermission")
    return GenerationResult(seed=seed, rows=counts, seconds=time.monotonic() - started)


# -- Checking ---------------------------------------------------------------------------------------------------------

DATABASE_CHECKS: tuple[tuple[str, str], ...] = (
    ("referrals whose first responder organisation, author or competent authority does not exist", """
        SELECT count(*) FROM referrals_referral r
        LEFT JOIN organisations_organisation fr ON fr.id = r.first_responder_organisation_id
        LEFT JOIN organisations_user author ON author.id = r.created_by_id
        LEFT JOIN organisations_organisation ca ON ca.id = r.competent_authority_id
        WHERE fr.id IS NULL OR author.id IS NULL OR (r.competent_authority_id IS NOT NULL AND ca.id IS NULL)"""),
    ("case files of a missing referral or of a Duty to Notify, or allocated to a missing user", """
        SELECT count(*) FROM decisions_casefile c LEFT JOIN referrals_referral r ON r.id = c.referral_id
        LEFT JOIN organisations_user u ON u.id = c.allocated_to_id
        WHERE r.id IS NULL OR r.kind = 'dtn' OR (c.allocated_to_id IS NOT NULL AND u.id IS NULL)"""),
    ("routed NRM referrals without a case file", """
        SELECT count(*) FROM referrals_referral r LEFT JOIN decisions_casefile c ON c.referral_id = r.id
        WHERE r.kind = 'nrm' AND r.status NOT IN ('draft', 'historic') AND c.referral_id IS NULL"""),
    ("decisions whose case, author or reviewer does not exist, or reviewed by their author", """
        SELECT count(*) FROM decisions_decision d LEFT JOIN decisions_casefile c ON c.referral_id = d.case_id
        LEFT JOIN organisations_user author ON author.id = d.author_id
        LEFT JOIN organisations_user reviewer ON reviewer.id = d.reviewer_id
        WHERE c.referral_id IS NULL OR author.id IS NULL OR (d.reviewer_id IS NOT NULL AND reviewer.id IS NULL)
           OR d.reviewer_id = d.author_id"""),
    ("decisions served before their case was received", """
        SELECT count(*) FROM decisions_decision d JOIN decisions_casefile c ON c.referral_id = d.case_id
        WHERE d.served_at < c.received_at OR d.drafted_at < c.received_at"""),
    ("cases past a positive Reasonable Grounds decision without one served (and no reconsideration)", """
        SELECT count(*) FROM referrals_referral r WHERE r.status IN ('rg_positive', 'cg_drafted', 'cg_awaiting_review',
            'cg_positive', 'cg_negative', 'closed')
        AND NOT EXISTS (SELECT 1 FROM decisions_decision d WHERE d.case_id = r.id AND d.stage = 'rg'
                        AND d.outcome = 'positive' AND d.status = 'served')
        AND NOT EXISTS (SELECT 1 FROM decisions_reconsideration x WHERE x.case_id = r.id)"""),
    ("cases whose status needs a served Conclusive Grounds decision they do not have", """
        SELECT count(*) FROM referrals_referral r WHERE r.status IN ('cg_positive', 'cg_negative', 'closed')
        AND NOT EXISTS (SELECT 1 FROM decisions_decision d WHERE d.case_id = r.id AND d.stage = 'cg'
                        AND d.status = 'served' AND (r.status = 'closed' OR r.status = 'cg_' || d.outcome))"""),
    ("negative Reasonable Grounds cases without their served negative decision", """
        SELECT count(*) FROM referrals_referral r WHERE r.status = 'rg_negative'
        AND NOT EXISTS (SELECT 1 FROM decisions_decision d WHERE d.case_id = r.id AND d.stage = 'rg'
                        AND d.outcome = 'negative' AND d.status = 'served')"""),
    ("submitted or allocated cases that already have a served decision", """
        SELECT count(*) FROM referrals_referral r WHERE r.status IN ('submitted', 'allocated')
        AND EXISTS (SELECT 1 FROM decisions_decision d WHERE d.case_id = r.id AND d.status = 'served')"""),
    ("allocated cases whose decision maker has no grant to decide them", """
        SELECT count(*) FROM decisions_casefile c
        JOIN auth_permission p ON p.codename = 'decide_referral'
        JOIN django_content_type t ON t.id = p.content_type_id AND t.app_label = 'referrals'
        WHERE c.allocated_to_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM referrals_referraluserobjectpermission g
            WHERE g.content_object_id = c.referral_id AND g.user_id = c.allocated_to_id AND g.permission_id = p.id)"""),
    ("support cases without a served positive Reasonable Grounds decision, or of a child", """
        SELECT count(*) FROM victim_care_supportcase s LEFT JOIN referrals_referral r ON r.id = s.referral_id
        WHERE r.id IS NULL OR r.is_child IS TRUE OR NOT EXISTS (
            SELECT 1 FROM decisions_decision d WHERE d.case_id = r.id AND d.stage = 'rg' AND d.outcome = 'positive'
            AND d.status = 'served')"""),
    ("allocations to a missing support case or to an organisation that is not a support provider", """
        SELECT count(*) FROM victim_care_allocation a LEFT JOIN victim_care_supportcase s ON s.id = a.support_case_id
        LEFT JOIN organisations_organisation p ON p.id = a.provider_id
        LEFT JOIN organisations_user u ON u.id = a.created_by_id
        WHERE s.id IS NULL OR u.id IS NULL OR p.kind IS DISTINCT FROM 'support_provider'"""),
    ("allocations overlapping another allocation of the same person", """
        SELECT count(*) FROM victim_care_allocation a
        JOIN victim_care_allocation b ON b.support_case_id = a.support_case_id AND b.id < a.id
        WHERE daterange(b.start_on, b.end_on, '[)') && daterange(a.start_on, a.end_on, '[)')"""),
    ("care record entries by a provider that never supported the person, or by a missing author", """
        SELECT count(*) FROM victim_care_carerecordentry e LEFT JOIN organisations_user u ON u.id = e.author_id
        WHERE u.id IS NULL OR NOT EXISTS (
            SELECT 1 FROM victim_care_allocation a
            WHERE a.support_case_id = e.support_case_id AND a.provider_id = e.provider_id)"""),
    ("years whose reference counter is behind the references already used", r"""
        SELECT count(*) FROM (
            SELECT split_part(reference, '-', 2)::int AS year, max(split_part(reference, '-', 3)::bigint) AS used
            FROM referrals_referral WHERE reference ~ '^(NRM|DTN)-\d{4}-\d+$' GROUP BY 1) references_used
        LEFT JOIN referrals_referencecounter counter ON counter.year = references_used.year
        WHERE counter.last_number IS NULL OR counter.last_number < references_used.used"""),
    ("support grants whose copy of the referral's submission time is wrong", """
        SELECT count(*) FROM referrals_referralgroupobjectpermission g
        JOIN referrals_referral r ON r.id = g.content_object_id
        WHERE g.referral_submitted_at IS DISTINCT FROM r.submitted_at"""),
)


def check_database() -> list[str]:
    """What is wrong with the links and states of all rows (foreign keys are not checked while loading):
    one line per kind of problem, empty when all is well."""
    problems = []
    with connection.cursor() as cursor:
        for description, sql in DATABASE_CHECKS:
            cursor.execute(sql)
            (count,) = cursor.fetchone()
            if count:
                problems.append(f"{count} {description}")
    return problems
