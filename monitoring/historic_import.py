"""Loading past NRM records from CSV so the quarterly report covers the years before the service.

All or nothing: every row is checked first and any error rejects the whole file, with each problem
listed by row (the file's line number) and column. Imported records have the status "historic":
they never enter a queue, a workflow or a reminder, but they count in the monitoring report, with
their Reasonable Grounds and Conclusive Grounds outcomes as served decisions. The import lives in
`nrm/` because it writes referrals and decisions together; its history events carry the command
as their context."""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core import working_days
from decisions.models import CaseFile, Decision, DecisionStatus, Outcome, Stage
from organisations.models import FirstResponderType, Organisation, OrgRole, User
from referrals.models import (
    AgeGroup,
    ExploitationLocation,
    ExploitationType,
    Gender,
    Nation,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from referrals.reference_data import split_nationality_label
from referrals.references import reference_counters_move_past

REQUIRED_COLUMNS = ("reference", "referral_date", "first_responder_organisation")
OPTIONAL_COLUMNS = ("referral_type", "first_responder_type", "competent_authority", "nation", "age_at_exploitation",
                    "gender", "nationality", "second_nationality", "exploitation_types", "exploitation_location",
                    "rg_outcome", "rg_date", "cg_outcome", "cg_date")
UNKNOWN = "not specified or unknown"

REFERRAL_TYPES = {"nrm": ReferralKind.NRM, "dtn": ReferralKind.DUTY_TO_NOTIFY}
FIRST_RESPONDER_TYPES = {label.lower(): value for value, label in FirstResponderType.choices}
NATIONS = {label.lower(): value for value, label in Nation.choices} | {UNKNOWN: ""}
AGES = {"adult": AgeGroup.ADULT, "adult (18 or over)": AgeGroup.ADULT, "child": AgeGroup.CHILD,
        "child (17 or under)": AgeGroup.CHILD, UNKNOWN: AgeGroup.UNKNOWN}
GENDERS = {label.lower(): value for value, label in Gender.choices}
EXPLOITATION_TYPES = {"sexual": ExploitationType.SEXUAL, "labour": ExploitationType.LABOUR,
                      "domestic": ExploitationType.DOMESTIC, "criminal": ExploitationType.CRIMINAL,
                      "organ harvesting": ExploitationType.ORGAN, UNKNOWN: ExploitationType.UNKNOWN}
# The order the Home Office lists exploitation types in, also used to store them.
EXPLOITATION_ORDER = [ExploitationType.SEXUAL, ExploitationType.LABOUR, ExploitationType.DOMESTIC,
                      ExploitationType.CRIMINAL, ExploitationType.ORGAN, ExploitationType.UNKNOWN]
LOCATIONS = {"uk": ExploitationLocation.UK, "overseas": ExploitationLocation.OVERSEAS,
             "uk and overseas": ExploitationLocation.BOTH, UNKNOWN: ExploitationLocation.UNKNOWN}
OUTCOMES = {"positive": Outcome.POSITIVE, "negative": Outcome.NEGATIVE}


class ImportRejected(Exception):
    """The file was refused; `errors` lists every problem, nothing was saved."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found; nothing was imported.")
        self.errors = errors


@dataclass
class ParsedRow:
    line: int
    reference: str
    referral_date: datetime.date
    kind: str
    organisation: str
    organisation_type: str
    competent_authority: str
    values: dict[str, object] = field(default_factory=dict)
    rg: tuple[str, datetime.date] | None = None
    cg: tuple[str, datetime.date] | None = None


@dataclass
class ImportResult:
    imported: int
    skipped: int
    organisations_created: list[str]


def _date(text: str) -> datetime.date:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError("must be a real date written YYYY-MM-DD") from None


def _choice(options: dict[str, str], allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        try:
            return options[" ".join(text.split()).lower()]
        except KeyError:
            raise ValueError(f"must be one of: {allowed}") from None
    return parse


def _nationalities(text: str) -> tuple[str, str]:
    """One nationality, or two as the Home Office publishes a dual nationality ("Albanian Greek",
    "Albanian Unknown"); labels, country names or codes."""
    if not text.strip():
        return "", ""
    codes = split_nationality_label(text)
    if codes is None:
        raise ValueError(f"'{text}' is not a nationality label such as Albanian, UK, Unknown or Albanian Greek")
    return codes


def _nationality(text: str) -> str:
    first, second = _nationalities(text)
    if second:
        raise ValueError(f"'{text}' is two nationalities; give one here")
    return first


def _exploitation_types(text: str) -> list[str]:
    """Types separated by semicolons, or a combined label as published ("Labour & Criminal",
    "Sexual, Labour & Domestic")."""
    parse = _choice(EXPLOITATION_TYPES, "Sexual, Labour, Domestic, Criminal, Organ Harvesting, "
                                        "Not specified or unknown, separated by semicolons")
    chosen = {parse(part) for part in re.split(r"[;,&]", text) if part.strip()}
    if len(chosen) > 1:
        chosen.discard(ExploitationType.UNKNOWN)
    return [value for value in EXPLOITATION_ORDER if value in chosen] or [ExploitationType.UNKNOWN]


FIELD_PARSERS: dict[str, tuple[str, Callable[[str], object], object]] = {
    # column: (Referral field, parser, value when the cell is empty)
    "nation": ("nation", _choice(NATIONS, "England, Wales, Scotland, Northern Ireland"), ""),
    "age_at_exploitation": ("age_at_exploitation", _choice(AGES, "Adult, Child, Not specified or unknown"),
                            AgeGroup.UNKNOWN),
    "gender": ("gender", _choice(GENDERS, "Female, Male, Other, Not specified or unknown"), Gender.UNKNOWN),
    "nationality": ("nationality", _nationalities, ("", "")),
    "second_nationality": ("second_nationality", _nationality, ""),
    "exploitation_types": ("exploitation_types", _exploitation_types, [ExploitationType.UNKNOWN]),
    "exploitation_location": ("exploitation_location",
                              _choice(LOCATIONS, "UK, Overseas, UK and Overseas, Not specified or unknown"),
                              ExploitationLocation.UNKNOWN),
}


def _outcome(row: dict[str, str], stage: str, errors: list[str], line: int,
             after: datetime.date) -> tuple[str, datetime.date] | None:
    outcome_text, date_text = row.get(f"{stage}_outcome", "").strip(), row.get(f"{stage}_date", "").strip()
    if not outcome_text and not date_text:
        return None
    if not outcome_text or not date_text:
        missing = f"{stage}_outcome" if not outcome_text else f"{stage}_date"
        errors.append(f"Row {line}, {missing}: give both {stage}_outcome and {stage}_date, or neither")
        return None
    try:
        outcome = _choice(OUTCOMES, "Positive, Negative")(outcome_text)
        day = _date(date_text)
    except ValueError as error:
        column = f"{stage}_outcome" if outcome_text.lower() not in OUTCOMES else f"{stage}_date"
        errors.append(f"Row {line}, {column}: {error}")
        return None
    if day < after:
        errors.append(f"Row {line}, {stage}_date: must not be before the {'referral' if stage == 'rg' else 'RG'} date")
        return None
    return outcome, day


def parse_rows(lines: Iterable[str]) -> list[ParsedRow]:
    """Check every row; raise ImportRejected with all problems, or return the rows ready to save."""
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    errors = [f"Missing column: {name}" for name in REQUIRED_COLUMNS if name not in header]
    errors += [f"Unknown column: {name}" for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if errors:
        raise ImportRejected(errors)
    reader.fieldnames = header
    parsed: list[ParsedRow] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        row = {key: (value or "").strip() for key, value in row.items() if key is not None}
        row_errors: list[str] = []
        reference = row.get("reference", "")
        if not reference:
            row_errors.append(f"Row {line}, reference: is required")
        elif len(reference) > 20:
            row_errors.append(f"Row {line}, reference: must be 20 characters or fewer")
        elif reference.upper() in seen:
            row_errors.append(f"Row {line}, reference: {reference} is also on row {seen[reference.upper()]}")
        else:
            seen[reference.upper()] = line
        referral_date = None
        try:
            referral_date = _date(row.get("referral_date", ""))
            if referral_date > timezone.localdate():
                row_errors.append(f"Row {line}, referral_date: must not be in the future")
        except ValueError as error:
            row_errors.append(f"Row {line}, referral_date: {error}")
        try:
            kind = _choice(REFERRAL_TYPES, "NRM, DtN")(row.get("referral_type") or "NRM")
        except ValueError as error:
            row_errors.append(f"Row {line}, referral_type: {error}")
            kind = ReferralKind.NRM
        organisation = row.get("first_responder_organisation", "")
        if not organisation:
            row_errors.append(f"Row {line}, first_responder_organisation: is required")
        organisation_type = ""
        if row.get("first_responder_type"):
            try:
                organisation_type = _choice(FIRST_RESPONDER_TYPES, "Government agency, Police, Local authority, "
                                                                   "NGO and third sector")(row["first_responder_type"])
            except ValueError as error:
                row_errors.append(f"Row {line}, first_responder_type: {error}")
        values: dict[str, object] = {}
        for column, (field_name, parse, default) in FIELD_PARSERS.items():
            text = row.get(column, "")
            try:
                values[field_name] = parse(text) if text else default
            except ValueError as error:
                row_errors.append(f"Row {line}, {column}: {error}")
        if isinstance(values.get("nationality"), tuple):
            values["nationality"], dual = values["nationality"]
            if dual and values.get("second_nationality"):
                row_errors.append(f"Row {line}, second_nationality: the nationality already names two")
            elif dual:
                values["second_nationality"] = dual
        rg = cg = None
        if referral_date is not None:
            rg = _outcome(row, "rg", row_errors, line, referral_date)
            cg = _outcome(row, "cg", row_errors, line, rg[1] if rg else referral_date)
            if cg and (not rg or rg[0] != Outcome.POSITIVE):
                row_errors.append(f"Row {line}, cg_outcome: a Conclusive Grounds decision follows a positive "
                                  "Reasonable Grounds decision")
        if kind == ReferralKind.DUTY_TO_NOTIFY and (row.get("competent_authority") or rg or cg):
            row_errors.append(f"Row {line}, referral_type: a Duty to Notify record has no competent authority "
                              "and no decisions")
        errors += row_errors
        if not row_errors:
            parsed.append(ParsedRow(line=line, reference=reference, referral_date=referral_date, kind=kind,
                                    organisation=organisation, organisation_type=organisation_type,
                                    competent_authority=row.get("competent_authority", ""), values=values,
                                    rg=rg, cg=cg))
    if errors:
        raise ImportRejected(errors)
    return parsed


def _import_user(organisation: Organisation) -> User:
    """A closed account that stands for whoever recorded the historic rows of this organisation."""
    user, created = User.objects.get_or_create(
        email=f"historic-import+{organisation.pk}@nrm.invalid",
        defaults={"organisation": organisation, "full_name": "Historic import", "is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _organisations(rows: list[ParsedRow], created: list[str]) -> tuple[dict[str, Organisation], list[str]]:
    """Find the named organisations (names compared without regard to case). New first responder
    organisations are created, and an organisation already known in another role also becomes a first
    responder when the file says so (the Salvation Army both refers people and runs the victim care
    contract). A competent authority is never created nor made from another organisation: it must exist."""
    errors: list[str] = []
    wanted: dict[str, tuple[str, set[str], int]] = {}
    for row in rows:
        wanted.setdefault(row.organisation.lower(), (row.organisation, set(), row.line))[1].add(OrgRole.FIRST_RESPONDER)
        authority = row.competent_authority or (settings.NRM_DEFAULT_COMPETENT_AUTHORITY if row.rg else "")
        if authority:
            wanted.setdefault(authority.lower(), (authority, set(), row.line))[1].add(OrgRole.COMPETENT_AUTHORITY)
    existing = {org.name.lower(): org for org in Organisation.objects.annotate(lower=Lower("name"))
                .filter(lower__in=list(wanted))}
    types = {row.organisation.lower(): row.organisation_type for row in rows if row.organisation_type}
    found: dict[str, Organisation] = {}
    for key, (name, org_roles, line) in wanted.items():
        organisation = existing.get(key)
        missing = org_roles - set(organisation.roles if organisation is not None else ())
        if OrgRole.FIRST_RESPONDER in missing and key not in types:
            errors.append(f"Row {line}, first_responder_type: needed to add the new organisation {name}"
                          if organisation is None else
                          f"Row {line}, first_responder_type: needed to record {name} as a first responder")
            continue
        if OrgRole.COMPETENT_AUTHORITY in missing:
            # Never from free text: a made-up authority has no staff, so a case transferred to it would
            # vanish from every real queue. Authorities are set up by an administrator.
            errors.append(f"Row {line}, competent_authority: {name} is not a competent authority of the service")
            continue
        first_responder_type = types.get(key, "") if OrgRole.FIRST_RESPONDER in missing else None
        if organisation is None:
            organisation = Organisation.objects.create(name=name, roles=sorted(org_roles),
                                                       first_responder_type=first_responder_type or "")
            created.append(name)
        elif missing:
            organisation.roles = sorted(set(organisation.roles) | missing)
            if first_responder_type is not None:
                organisation.first_responder_type = first_responder_type
            organisation.save(update_fields=["roles", "first_responder_type"])
        found[key] = organisation
    return found, errors


def _noon(day: datetime.date) -> datetime.datetime:
    """Records carry a date only: noon UK time keeps that date in every time zone conversion."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def import_referrals(lines: Iterable[str], *, skip_existing: bool = False,
                     progress: Callable[[int, int], None] | None = None) -> ImportResult:
    rows = parse_rows(lines)
    existing = set(Referral.objects.filter(reference__in=[row.reference for row in rows])
                   .values_list("reference", flat=True))
    if existing and not skip_existing:
        raise ImportRejected([f"Row {row.line}, reference: {row.reference} is already held (use --skip-existing "
                              "to leave it as it is)" for row in rows if row.reference in existing])
    rows = [row for row in rows if row.reference not in existing]
    created: list[str] = []
    with transaction.atomic(), pghistory.context(command="import_referrals"):
        organisations, errors = _organisations(rows, created)
        if errors:
            raise ImportRejected(errors)
        users = {key: _import_user(org) for key, org in organisations.items()}
        referrals, case_files, decisions = [], [], []
        for done, row in enumerate(rows, start=1):
            received = _noon(row.referral_date)
            authority_key = (row.competent_authority or (settings.NRM_DEFAULT_COMPETENT_AUTHORITY
                                                         if row.rg else "")).lower()
            referral = Referral(
                reference=row.reference, kind=row.kind, status=ReferralStatus.HISTORIC,
                first_responder_organisation=organisations[row.organisation.lower()],
                created_by=users[row.organisation.lower()],
                competent_authority=organisations.get(authority_key) if row.kind == ReferralKind.NRM else None,
                is_child={AgeGroup.ADULT: False, AgeGroup.CHILD: True}.get(row.values["age_at_exploitation"]),
                submitted_at=received, **row.values)
            referrals.append(referral)
            if row.rg:
                case = CaseFile(referral=referral, received_at=received, rg_due_on=working_days.rg_target(received))
                case_files.append(case)
                author = users[authority_key]
                for stage, decided in ((Stage.RG, row.rg), (Stage.CG, row.cg)):
                    if decided:
                        outcome, day = decided
                        decisions.append(Decision(
                            case=case, stage=stage, outcome=outcome, author=author, status=DecisionStatus.SERVED,
                            served_at=_noon(day), reasons="Imported historic record.",
                            evidence_considered="Imported historic record."))
            if progress and (done % 500 == 0 or done == len(rows)):
                progress(done, len(rows))
        Referral.objects.bulk_create(referrals, batch_size=1000)
        CaseFile.objects.bulk_create(case_files, batch_size=1000)
        Decision.objects.bulk_create(decisions, batch_size=1000)
        reference_counters_move_past(row.reference for row in rows)
    return ImportResult(imported=len(rows), skipped=len(existing), organisations_created=created)
