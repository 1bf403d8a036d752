"""The decision tables of the monitoring report: RG and CG decisions served by outcome and age, the
timeliness of decisions (working days, in the database), reconsiderations and the quality audit.
Decisions count by the date they were served."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connections
from django.db.models import Count, F, Q, QuerySet

from core import working_days
from core.db_router import replica_alias
from decisions.models import Decision, DecisionStatus, Outcome, QualityAudit, Reconsideration, Stage
from monitoring.periods import Period
from monitoring.tables.base import (
    AGE_COLUMNS,
    GENDER_LABELS,
    UNKNOWN,
    Table,
    age_rows,
    exploitation_label,
    exploitation_sort_key,
    grouped,
)
from referrals.models import ReferralKind


def _served(period: Period, stage: str) -> QuerySet[Decision]:
    start, end = period.bounds()
    return Decision.objects.filter(stage=stage, status=DecisionStatus.SERVED, served_at__gte=start,
                                   served_at__lt=end, case__referral__kind=ReferralKind.NRM)


def decisions_by_outcome(period: Period, stage: str) -> Table:
    groups = grouped(_served(period, stage), "outcome", age=F("case__referral__age_at_exploitation"))
    outcome_labels = dict(Outcome.choices)
    rows = age_rows(groups, lambda g: (outcome_labels[g["outcome"]],),
                     labels=[(label,) for label in outcome_labels.values()])
    name = "Reasonable Grounds" if stage == Stage.RG else "Conclusive Grounds"
    return Table(f"{stage}_decisions_by_outcome_and_age", f"{name} decisions served, by outcome and age",
                 ["Outcome", *AGE_COLUMNS], rows, f"{stage.upper()} decisions",
                 counterpart=f"{name} decisions issued by outcome and age at exploitation")


def decisions_by_outcome_and_exploitation_type(period: Period, stage: str) -> Table:
    groups = grouped(_served(period, stage), "outcome", types=F("case__referral__exploitation_types"),
                     age=F("case__referral__age_at_exploitation"))
    outcome_labels = dict(Outcome.choices)
    outcome_order = list(outcome_labels.values())
    rows = age_rows(groups, lambda g: (exploitation_label(g["types"]), outcome_labels[g["outcome"]]),
                    sort_key=lambda labels: (exploitation_sort_key(labels[0]), outcome_order.index(labels[1])),
                    total_labels=2)
    name = "Reasonable Grounds" if stage == Stage.RG else "Conclusive Grounds"
    return Table(f"{stage}_decisions_by_outcome_exploitation_type_and_age",
                 f"{name} decisions served, by exploitation type, outcome and age",
                 ["Exploitation type", "Outcome", *AGE_COLUMNS], rows, f"{stage.upper()} by exploitation type",
                 counterpart=f"{name} decisions issued by outcome, exploitation type and age at exploitation")


_DAYS_SQL = """
    WITH served AS (
        SELECT d.stage, {group} AS label,
               (d.served_at AT TIME ZONE %(tz)s)::date - (c.received_at AT TIME ZONE %(tz)s)::date AS days,
               (d.served_at AT TIME ZONE %(tz)s)::date <= c.rg_due_on AS within
        FROM decisions_decision d
        JOIN decisions_casefile c ON c.referral_id = d.case_id
        JOIN referrals_referral r ON r.id = c.referral_id
        LEFT JOIN organisations_organisation o ON o.id = r.competent_authority_id
        WHERE d.status = 'served' AND NOT d.is_reconsideration AND r.kind = 'nrm'
          AND d.served_at >= %(start)s AND d.served_at < %(end)s
    )
    SELECT label, grouping(label) AS is_total,
           count(*) FILTER (WHERE stage = 'rg'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE stage = 'rg'),
           avg(days) FILTER (WHERE stage = 'rg'),
           count(*) FILTER (WHERE stage = 'rg' AND within),
           count(*) FILTER (WHERE stage = 'cg'),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE stage = 'cg'),
           avg(days) FILTER (WHERE stage = 'cg')
    FROM served GROUP BY ROLLUP (label)
"""


def one_place(value: object) -> object:
    """A median, mean or share to one decimal place, rounded half up exactly (no float artefacts); [x] (not
    available) when there is none."""
    if value is None or value == "[x]":
        return "[x]"
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _days_table(period: Period, *, group_sql: str, labels: dict[str, str], table_id: str, title: str,
                first_column: str, sheet: str, counterpart: str) -> Table:
    """RG and CG decisions served in the period by group: how many, the median and mean days from referral to
    the decision being served, and the share of RG decisions within the target; one query (ROLLUP gives the
    total row)."""
    start, end = period.bounds()
    target = settings.NRM_RG_TARGET_WORKING_DAYS
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_DAYS_SQL.format(group=group_sql), {"tz": settings.TIME_ZONE, "start": start, "end": end})
        results = cursor.fetchall()
    by_label: dict[str, list[object]] = {}
    total: list[object] | None = None
    for label, is_total, rg, rg_median, rg_mean, within, cg, cg_median, cg_mean in results:
        row = [rg, one_place(rg_median), one_place(rg_mean), one_place(100 * within / rg if rg else None),
               cg, one_place(cg_median), one_place(cg_mean)]
        if is_total:
            total = row
        else:
            by_label[labels.get(label, label or UNKNOWN)] = row
    empty = [0, "[x]", "[x]", "[x]", 0, "[x]", "[x]"]
    ordered = [*labels.values(), *sorted(set(by_label) - set(labels.values()))]
    rows = [[label, *by_label.get(label, empty)] for label in ordered]
    rows.append(["Total", *(total or empty)])
    columns = [first_column, "RG decisions served", "Median days from referral to RG",
               "Mean days from referral to RG", f"RG decisions within {target} working days (%)",
               "CG decisions served", "Median days from referral to CG", "Mean days from referral to CG"]
    return Table(table_id, title, columns, rows, sheet, counterpart=counterpart)


def decision_days_by_competent_authority(period: Period) -> Table:
    return _days_table(period, group_sql="coalesce(o.name, '')", labels={},
                       table_id="decision_days_by_competent_authority",
                       title="Days from referral to decisions served, by competent authority",
                       first_column="Competent authority", sheet="Days by competent authority",
                       counterpart="Median and mean days to RG and CG decisions, and RG decisions within 5 working "
                                   "days, by competent authority")


def decision_days_by_gender(period: Period) -> Table:
    return _days_table(period, group_sql="r.gender", labels=GENDER_LABELS, table_id="decision_days_by_gender",
                       title="Days from referral to decisions served, by gender", first_column="Gender",
                       sheet="Days by gender",
                       counterpart="Median and mean days to RG and CG decisions, and RG decisions within 5 working "
                                   "days, by gender")


def _non_working_days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    days, day = [], first
    while day <= last:
        if not working_days.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# Status and kind values reach the SQL as parameters taken from the enums, never as literals.
_STATUS_PARAMETERS = {"rg": Stage.RG.value, "cg": Stage.CG.value, "served": DecisionStatus.SERVED.value,
                      "positive": Outcome.POSITIVE.value, "nrm": ReferralKind.NRM.value}

_TIMELINESS_SQL = """
    WITH rg AS (
        SELECT (d.served_at AT TIME ZONE %(tz)s)::date AS served_on,
               (c.received_at AT TIME ZONE %(tz)s)::date AS received_on, c.rg_due_on
        FROM decisions_decision d
        JOIN decisions_casefile c ON c.referral_id = d.case_id
        JOIN referrals_referral r ON r.id = c.referral_id
        WHERE d.stage = %(rg)s AND d.status = %(served)s AND NOT d.is_reconsideration AND r.kind = %(nrm)s
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
               WHERE rg.case_id = cg.case_id AND rg.stage = %(rg)s AND rg.status = %(served)s
                 AND rg.outcome = %(positive)s AND rg.served_at <= cg.served_at))
    FROM decisions_decision cg
    JOIN referrals_referral r ON r.id = cg.case_id
    WHERE cg.stage = %(cg)s AND cg.status = %(served)s AND NOT cg.is_reconsideration AND r.kind = %(nrm)s
      AND cg.served_at >= %(start)s AND cg.served_at < %(end)s
"""


def _earliest_receipt(start: datetime.datetime, end: datetime.datetime) -> datetime.date | None:
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute("""SELECT min((c.received_at AT TIME ZONE %s)::date) FROM decisions_decision d
                          JOIN decisions_casefile c ON c.referral_id = d.case_id
                          WHERE d.stage = %s AND d.status = %s AND d.served_at >= %s AND d.served_at < %s""",
                       [settings.TIME_ZONE, Stage.RG.value, DecisionStatus.SERVED.value, start, end])
        return cursor.fetchone()[0]


def rg_timeliness(period: Period) -> dict[str, object]:
    """RG decisions served in the period: how many, how many within target, median working days."""
    start, end = period.bounds()
    earliest = _earliest_receipt(start, end) or period.start
    params = {"tz": settings.TIME_ZONE, "start": start, "end": end, **_STATUS_PARAMETERS,
              "closed": _non_working_days(earliest, period.end + datetime.timedelta(days=1))}
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_TIMELINESS_SQL, params)
        decided, within, median_working_days, _ = cursor.fetchone()
        cursor.execute(_RG_TO_CG_SQL, params)
        cg_decided, median_rg_to_cg = cursor.fetchone()
    return {"decided": decided, "within": within,
            "percent": one_place(100 * within / decided) if decided else None,
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
    if value is None or value == "[x]":
        return "[x]"
    return one_place(value) if isinstance(value, float | Decimal) else value


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

