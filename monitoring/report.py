"""The quarterly Home Office / Ministry of Justice monitoring report (DOMAIN.md section 5).

One function builds it for any period; the page, the API, the command and the scheduled job all
call `build_report`. Every table is aggregated in the database (GROUP BY, FILTER, percentile_cont),
so the work grows with the number of groups, not with the number of referrals. Referrals count by
their referral date; Duty to Notify records only in their own tables. Tables below national level
are suppressed (monitoring/suppression.py); national referral and decision tables are exact."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from core import working_days
from core.db_router import reads_from_replica, replica_alias
from decisions.models import Decision, DecisionStatus, Outcome, QualityAudit, Reconsideration, Stage
from monitoring.periods import Period
from monitoring.suppression import Grid, apply_suppression
from organisations.models import FirstResponderType
from referrals.models import AgeGroup, ExploitationLocation, ExploitationType, Gender, Nation, Referral, ReferralKind
from referrals.reference_data import NATIONALITY_LABELS
from victim_care.statements import budget_position

AGE_ORDER = [AgeGroup.ADULT, AgeGroup.CHILD, AgeGroup.UNKNOWN]
AGE_COLUMNS = ["Adult (18 or over)", "Child (17 or under)", "Not specified or unknown", "Total"]
UNKNOWN = "Not specified or unknown"
EXPLOITATION_ORDER = [ExploitationType.SEXUAL, ExploitationType.LABOUR, ExploitationType.DOMESTIC,
                      ExploitationType.CRIMINAL, ExploitationType.ORGAN]
EXPLOITATION_LABELS = {ExploitationType.SEXUAL: "Sexual", ExploitationType.LABOUR: "Labour",
                       ExploitationType.DOMESTIC: "Domestic", ExploitationType.CRIMINAL: "Criminal",
                       ExploitationType.ORGAN: "Organ Harvesting"}
LOCATION_LABELS = {ExploitationLocation.UK: "UK", ExploitationLocation.OVERSEAS: "Overseas",
                   ExploitationLocation.BOTH: "UK and Overseas", ExploitationLocation.UNKNOWN: UNKNOWN}
NATION_LABELS = {**{value: label for value, label in Nation.choices}, "": UNKNOWN}
GENDER_LABELS = dict(Gender.choices)
TITLE = "Modern Slavery: National Referral Mechanism and Duty to Notify monitoring report"
NOTES = [
    "Referrals are counted by referral date; decisions by the date they were served.",
    "Duty to Notify records are anonymous and counted only in the Duty to Notify tables.",
    "A referral with several exploitation types is counted once, under the combined label.",
    "Money is in pounds; spend is for supported days in the period at the provider's rate on each day.",
]


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[object]]
    sheet: str  # a spreadsheet sheet name (31 characters at most)
    suppressed: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "columns": self.columns, "rows": self.rows}


@dataclass
class Report:
    period: Period
    generated_at: datetime.datetime
    tables: list[Table] = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        return next(table for table in self.tables if table.id == table_id)

    def as_dict(self) -> dict[str, object]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "tables": [table.as_dict() for table in self.tables],
        }


def suppression_rule() -> str:
    return (f"Tables below national level (by first responder, by nation, by provider) show counts from 1 to "
            f"{settings.NRM_REPORT_SUPPRESS_MAX} as [c], and a second cell in any row or column that would "
            "otherwise let a suppressed count be worked out from its total.")


def exploitation_label(types: Iterable[str]) -> str:
    """'Sexual', 'Sexual & Labour', 'Labour, Domestic & Criminal': in the Home Office's order."""
    chosen = [EXPLOITATION_LABELS[value] for value in EXPLOITATION_ORDER if value in set(types)]
    if not chosen:
        return UNKNOWN
    return chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " & " + chosen[-1]


def _exploitation_sort_key(label: str) -> tuple:
    if label == UNKNOWN:
        return (99,)
    parts = [part for chunk in label.split(", ") for part in chunk.split(" & ")]
    order = list(EXPLOITATION_LABELS.values())
    return (len(parts), [order.index(part) for part in parts])


def nationality_label(first: str, second: str) -> str:
    if not first:
        return UNKNOWN
    return " ".join(NATIONALITY_LABELS.get(code, code) for code in (first, second) if code)


def _referrals(period: Period, kind: str = ReferralKind.NRM) -> QuerySet[Referral]:
    start, end = period.bounds()
    return Referral.objects.filter(kind=kind, submitted_at__gte=start, submitted_at__lt=end)


def _age_rows(groups: Iterable[dict], key: Callable[[dict], tuple], labels: list[tuple] | None = None,
              sort_key: Callable[[tuple], object] | None = None, total_labels: int = 1) -> list[list[object]]:
    """Rows of label(s) then Adult, Child, Unknown, Total from (group..., age, n) rows; then a Total row."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for labels_row in labels or []:
        counts[labels_row]
    for group in groups:
        counts[key(group)][AGE_ORDER.index(group["age"])] += group["n"]
    ordered = sorted(counts, key=sort_key) if sort_key else list(counts)
    rows = [[*label, *values, sum(values)] for label, values in ((label, counts[label]) for label in ordered)]
    totals = [sum(row[total_labels + index] for row in rows) for index in range(4)]
    return [*rows, ["Total", *([""] * (total_labels - 1)), *totals]]


def _grouped(queryset: QuerySet, *fields: str, **expressions) -> list[dict]:
    return list(queryset.values(*fields, **expressions).annotate(n=Count("pk")).order_by())


def referrals_by_exploitation_type(period: Period) -> Table:
    groups = _grouped(_referrals(period), "exploitation_types", age=F("age_at_exploitation"))
    rows = _age_rows(groups, lambda g: (exploitation_label(g["exploitation_types"]),),
                     sort_key=lambda label: _exploitation_sort_key(label[0]))
    return Table("referrals_by_exploitation_type_and_age", "Referrals by exploitation type and age at exploitation",
                 ["Exploitation type", *AGE_COLUMNS], rows, "Exploitation type")


def referrals_by_first_responder(period: Period) -> Table:
    groups = _grouped(_referrals(period), age=F("age_at_exploitation"),
                      responder_type=F("first_responder_organisation__first_responder_type"),
                      name=F("first_responder_organisation__name"))
    type_labels = dict(FirstResponderType.choices)
    rows = _age_rows(groups, lambda g: (type_labels.get(g["responder_type"], UNKNOWN), g["name"]),
                     sort_key=lambda labels: labels, total_labels=2)
    return _suppressed(Table("referrals_by_first_responder", "Referrals by first responder and age at exploitation",
                             ["First responder type", "First responder", *AGE_COLUMNS], rows, "First responder"),
                       label_columns=2)


def referrals_by_gender(period: Period) -> Table:
    groups = _grouped(_referrals(period), "gender", age=F("age_at_exploitation"))
    rows = _age_rows(groups, lambda g: (GENDER_LABELS[g["gender"]],),
                     labels=[(label,) for label in GENDER_LABELS.values()])
    return Table("referrals_by_gender_and_age", "Referrals by gender and age at exploitation",
                 ["Gender", *AGE_COLUMNS], rows, "Gender")


def referrals_by_nationality(period: Period) -> Table:
    groups = _grouped(_referrals(period), "nationality", "second_nationality", age=F("age_at_exploitation"))
    rows = _age_rows(groups, lambda g: (nationality_label(g["nationality"], g["second_nationality"]),),
                     sort_key=lambda label: (label[0] == UNKNOWN, label[0]))
    return Table("referrals_by_nationality_and_age", "Referrals by nationality and age at exploitation",
                 ["Nationality", *AGE_COLUMNS], rows, "Nationality")


def referrals_by_exploitation_location(period: Period) -> Table:
    groups = _grouped(_referrals(period), "exploitation_location", age=F("age_at_exploitation"))
    rows = _age_rows(groups, lambda g: (LOCATION_LABELS[g["exploitation_location"]],),
                     labels=[(label,) for label in LOCATION_LABELS.values()])
    return Table("referrals_by_exploitation_location_and_age", "Referrals by where the exploitation happened and age",
                 ["Exploitation location", *AGE_COLUMNS], rows, "Exploitation location")


def referrals_by_nation(period: Period) -> Table:
    groups = _grouped(_referrals(period), "nation", age=F("age_at_exploitation"))
    rows = _age_rows(groups, lambda g: (NATION_LABELS[g["nation"]],),
                     labels=[(label,) for label in NATION_LABELS.values()])
    return _suppressed(Table("referrals_by_nation_and_age", "Referrals by nation and age at exploitation",
                             ["Nation", *AGE_COLUMNS], rows, "Nation"), label_columns=1)


def _served(period: Period, stage: str) -> QuerySet[Decision]:
    start, end = period.bounds()
    return Decision.objects.filter(stage=stage, status=DecisionStatus.SERVED, served_at__gte=start,
                                   served_at__lt=end, case__referral__kind=ReferralKind.NRM)


def decisions_by_outcome(period: Period, stage: str) -> Table:
    groups = _grouped(_served(period, stage), "outcome", age=F("case__referral__age_at_exploitation"))
    outcome_labels = dict(Outcome.choices)
    rows = _age_rows(groups, lambda g: (outcome_labels[g["outcome"]],),
                     labels=[(label,) for label in outcome_labels.values()])
    name = "Reasonable Grounds" if stage == Stage.RG else "Conclusive Grounds"
    return Table(f"{stage}_decisions_by_outcome_and_age", f"{name} decisions served, by outcome and age",
                 ["Outcome", *AGE_COLUMNS], rows, f"{stage.upper()} decisions")


def _non_working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days, day = [], first
    while day <= last:
        if not working_days.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


_TIMELINESS_SQL = """
    WITH rg AS (
        SELECT (d.served_at AT TIME ZONE %(tz)s)::date AS served_on,
               (c.received_at AT TIME ZONE %(tz)s)::date AS received_on, c.rg_due_on
        FROM decisions_decision d
        JOIN decisions_casefile c ON c.referral_id = d.case_id
        JOIN referrals_referral r ON r.id = c.referral_id
        WHERE d.stage = 'rg' AND d.status = 'served' AND NOT d.is_reconsideration AND r.kind = 'nrm'
          AND d.served_at >= %(start)s AND d.served_at < %(end)s
    )
    SELECT count(*),
           count(*) FILTER (WHERE served_on <= rg_due_on),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY (served_on - received_on) - (
               SELECT count(*) FROM unnest(%(closed)s::date[]) AS closed(day)
               WHERE closed.day > received_on AND closed.day <= served_on)),
           min(received_on)
    FROM rg
"""

_RG_TO_CG_SQL = """
    SELECT count(*),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY (cg.served_at AT TIME ZONE %(tz)s)::date - (
               SELECT max(rg.served_at AT TIME ZONE %(tz)s)::date FROM decisions_decision rg
               WHERE rg.case_id = cg.case_id AND rg.stage = 'rg' AND rg.status = 'served'
                 AND rg.outcome = 'positive' AND rg.served_at <= cg.served_at))
    FROM decisions_decision cg
    JOIN referrals_referral r ON r.id = cg.case_id
    WHERE cg.stage = 'cg' AND cg.status = 'served' AND NOT cg.is_reconsideration AND r.kind = 'nrm'
      AND cg.served_at >= %(start)s AND cg.served_at < %(end)s
"""


def _earliest_receipt(start: datetime.datetime, end: datetime.datetime) -> datetime.date | None:
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute("""SELECT min((c.received_at AT TIME ZONE %s)::date) FROM decisions_decision d
                          JOIN decisions_casefile c ON c.referral_id = d.case_id
                          WHERE d.stage = 'rg' AND d.status = 'served' AND d.served_at >= %s AND d.served_at < %s""",
                       [settings.TIME_ZONE, start, end])
        return cursor.fetchone()[0]


def rg_timeliness(period: Period) -> dict[str, object]:
    """RG decisions served in the period: how many, how many within target, median working days."""
    start, end = period.bounds()
    earliest = _earliest_receipt(start, end) or period.start
    params = {"tz": settings.TIME_ZONE, "start": start, "end": end,
              "closed": _non_working_days(earliest, period.end + datetime.timedelta(days=1))}
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_TIMELINESS_SQL, params)
        decided, within, median_working_days, _ = cursor.fetchone()
        cursor.execute(_RG_TO_CG_SQL, params)
        cg_decided, median_rg_to_cg = cursor.fetchone()
    return {"decided": decided, "within": within,
            "percent": round(100 * within / decided, 1) if decided else None,
            "median_working_days": median_working_days, "cg_decided": cg_decided, "median_rg_to_cg": median_rg_to_cg}


def decision_timeliness(period: Period) -> Table:
    figures = rg_timeliness(period)
    target = settings.NRM_RG_TARGET_WORKING_DAYS
    rows = [
        ["Reasonable Grounds decisions served", figures["decided"]],
        [f"Reasonable Grounds decisions within {target} working days", figures["within"]],
        [f"Reasonable Grounds decisions within {target} working days (%)", _or_dash(figures["percent"])],
        ["Median working days from referral to Reasonable Grounds decision", _or_dash(figures["median_working_days"])],
        ["Conclusive Grounds decisions served", figures["cg_decided"]],
        ["Median days from Reasonable Grounds to Conclusive Grounds decision", _or_dash(figures["median_rg_to_cg"])],
    ]
    return Table("decision_timeliness", "Timeliness of decisions served in the period", ["Measure", "Value"], rows,
                 "Timeliness")


def _or_dash(value: object) -> object:
    """No decisions, no median: shown as the statistics convention's [x] (not available)."""
    if value is None:
        return "[x]"
    return round(value, 1) if isinstance(value, float) else value


def reconsiderations(period: Period) -> Table:
    start, end = period.bounds()
    requested = Reconsideration.objects.filter(requested_at__gte=start, requested_at__lt=end).count()
    decided = Decision.objects.filter(is_reconsideration=True, status=DecisionStatus.SERVED, served_at__gte=start,
                                      served_at__lt=end).aggregate(
        positive=Count("pk", filter=Q(outcome=Outcome.POSITIVE)),
        negative=Count("pk", filter=Q(outcome=Outcome.NEGATIVE)))
    return Table("reconsiderations", "Reconsiderations", ["Measure", "Count"], [
        ["Reconsiderations requested", requested],
        ["Decisions on reconsideration served: positive", decided["positive"]],
        ["Decisions on reconsideration served: negative", decided["negative"]],
    ], "Reconsiderations")


def _count_rows(groups: dict[str, int], labels: list[str]) -> list[list[object]]:
    rows = [[label, groups.get(label, 0)] for label in labels]
    return [*rows, ["Total", sum(count for _, count in rows)]]


def duty_to_notify_by_gender(period: Period) -> Table:
    counts = {GENDER_LABELS[g["gender"]]: g["n"] for g in _grouped(_referrals(period, ReferralKind.DUTY_TO_NOTIFY),
                                                                     "gender")}
    return Table("duty_to_notify_by_gender", "Duty to Notify records by gender", ["Gender", "Count"],
                 _count_rows(counts, list(GENDER_LABELS.values())), "Duty to Notify by gender")


def duty_to_notify_by_nationality(period: Period) -> Table:
    counts: dict[str, int] = defaultdict(int)
    for group in _grouped(_referrals(period, ReferralKind.DUTY_TO_NOTIFY), "nationality", "second_nationality"):
        counts[nationality_label(group["nationality"], group["second_nationality"])] += group["n"]
    labels = sorted(counts, key=lambda label: (label == UNKNOWN, label))
    return Table("duty_to_notify_by_nationality", "Duty to Notify records by nationality", ["Nationality", "Count"],
                 _count_rows(counts, labels), "Duty to Notify by nationality")


_PROVIDER_SQL = """
    WITH rates AS (
        SELECT provider_id, support_type, daily_rate_pence, valid_from,
               coalesce(lead(valid_from) OVER (PARTITION BY provider_id, support_type ORDER BY valid_from),
                        'infinity'::date) AS valid_to
        FROM victim_care_tariff
    ), spans AS (
        SELECT a.*, greatest(a.start_on, %(start)s::date) AS span_start,
               least(coalesce(a.end_on, 'infinity'::date), %(after)s::date, %(tomorrow)s::date) AS span_end
        FROM victim_care_allocation a
        WHERE a.start_on < least(%(after)s::date, %(tomorrow)s::date)
          AND coalesce(a.end_on, 'infinity'::date) > %(start)s
    ), spend AS (
        SELECT s.provider_id, sum(greatest(0, least(s.span_end, r.valid_to) - greatest(s.span_start, r.valid_from))
                                  * r.daily_rate_pence) AS pence
        FROM spans s JOIN rates r ON r.provider_id = s.provider_id AND r.support_type = s.support_type
        GROUP BY s.provider_id
    ), entries AS (
        SELECT a.provider_id, count(*) AS n FROM victim_care_allocation a
        WHERE a.start_on >= %(start)s AND a.start_on < %(after)s AND NOT EXISTS (
            SELECT 1 FROM victim_care_allocation earlier
            WHERE earlier.support_case_id = a.support_case_id AND earlier.start_on < a.start_on)
        GROUP BY a.provider_id
    ), exits AS (
        SELECT a.provider_id, count(*) AS n FROM victim_care_allocation a
        JOIN victim_care_supportcase sc ON sc.id = a.support_case_id
        WHERE sc.status = 'exited' AND sc.exited_on >= %(start)s AND sc.exited_on < %(after)s
          AND a.end_on = sc.exited_on
        GROUP BY a.provider_id
    ), supported AS (
        SELECT provider_id, count(DISTINCT support_case_id) AS people, sum(span_end - span_start) AS days
        FROM spans GROUP BY provider_id
    )
    SELECT o.name, supported.people, coalesce(entries.n, 0), coalesce(exits.n, 0), supported.days,
           coalesce(spend.pence, 0)
    FROM supported
    JOIN organisations_organisation o ON o.id = supported.provider_id
    LEFT JOIN entries ON entries.provider_id = supported.provider_id
    LEFT JOIN exits ON exits.provider_id = supported.provider_id
    LEFT JOIN spend ON spend.provider_id = supported.provider_id
    ORDER BY lower(o.name)
"""


def _pounds(pence: int) -> float:
    return round(pence / 100, 2)


def provider_activity(period: Period) -> list[tuple[str, int, int, int, int, int]]:
    """(provider, people supported, entries, exits, support days, spend in pence) for supported days in
    the period up to today: one query, the rate in force on each day from the tariffs' validity."""
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_PROVIDER_SQL, {"start": period.start, "after": period.end + datetime.timedelta(days=1),
                                       "tomorrow": timezone.localdate() + datetime.timedelta(days=1)})
        return [tuple(row) for row in cursor.fetchall()]


def victim_care_by_provider(period: Period, activity: list[tuple] | None = None) -> Table:
    activity = provider_activity(period) if activity is None else activity
    rows = [[name, people, entries, exits, days, _pounds(pence)]
            for name, people, entries, exits, days, pence in activity]
    totals = [sum(row[index] for row in rows) for index in range(1, 5)]
    rows.append(["Total", *totals, _pounds(sum(row[5] for row in activity))])
    table = Table("victim_care_by_provider", "Victim care by support provider",
                  ["Provider", "People supported", "Entries", "Exits", "Support days", "Spend (£)"], rows,
                  "Victim care by provider")
    return _suppressed(table, label_columns=1, count_columns=[1, 2, 3], total_column=None)


def victim_care_budget(period: Period, activity: list[tuple] | None = None) -> Table:
    activity = provider_activity(period) if activity is None else activity
    position = budget_position(today=min(period.end, timezone.localdate()))
    year = position.year_start.year
    return Table("victim_care_budget", "Adult victim care budget", ["Measure", "Amount (£)"], [
        [f"Budget for the financial year April {year} to March {year + 1}", _pounds(position.budget_pence)],
        [f"Spent in the financial year up to {min(period.end, timezone.localdate()):%-d %B %Y}",
         _pounds(position.spent_pence)],
        ["Committed to people in support", _pounds(position.committed_pence)],
        ["Forecast for the financial year", _pounds(position.forecast_pence)],
        ["Spent in this period", _pounds(sum(row[5] for row in activity))],
    ], "Budget")


def decision_quality_audit(period: Period) -> Table:
    start, end = period.bounds()
    audits = QualityAudit.objects.aggregate(
        agree=Count("pk", filter=Q(completed_at__gte=start, completed_at__lt=end, finding=QualityAudit.Finding.AGREE)),
        disagree=Count("pk", filter=Q(completed_at__gte=start, completed_at__lt=end,
                                      finding=QualityAudit.Finding.DISAGREE)),
        waiting=Count("pk", filter=Q(sampled_at__gte=start, sampled_at__lt=end, completed_at__isnull=True)),
    )
    rows = [["Auditor agreed with the decision", audits["agree"]],
            ["Auditor disagreed with the decision", audits["disagree"]],
            ["Sampled in the period, not yet audited", audits["waiting"]]]
    return Table("decision_quality_audit", "Decision quality audit", ["Finding", "Count"],
                 [*rows, ["Total", sum(row[1] for row in rows)]], "Quality audit")


def _suppressed(table: Table, *, label_columns: int, count_columns: list[int] | None = None,
                total_column: int | None = -1) -> Table:
    count_columns = count_columns or list(range(label_columns, len(table.columns)))
    total_column = count_columns[-1] if total_column == -1 else total_column
    grid = Grid(count_columns=count_columns, total_column=total_column, total_row=len(table.rows) - 1)
    table.rows = apply_suppression(table.rows, grid, settings.NRM_REPORT_SUPPRESS_MAX)
    table.suppressed = True
    return table


def build_report(period: Period) -> Report:
    """Every table for the period; its reads go to the read replica when one is configured."""
    with reads_from_replica():
        return _build(period)


def _build(period: Period) -> Report:
    activity = provider_activity(period)
    return Report(period=period, generated_at=timezone.now(), tables=[
        referrals_by_exploitation_type(period),
        referrals_by_first_responder(period),
        referrals_by_gender(period),
        referrals_by_nationality(period),
        referrals_by_exploitation_location(period),
        referrals_by_nation(period),
        decisions_by_outcome(period, Stage.RG),
        decisions_by_outcome(period, Stage.CG),
        decision_timeliness(period),
        reconsiderations(period),
        duty_to_notify_by_gender(period),
        duty_to_notify_by_nationality(period),
        victim_care_by_provider(period, activity),
        victim_care_budget(period, activity),
        decision_quality_audit(period),
    ])
