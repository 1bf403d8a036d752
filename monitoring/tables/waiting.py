"""Waiting-time tables of the monitoring report, beside the days to decisions by competent
authority and by gender (monitoring/tables/decisions.py): the same by age group, and how many people were
still waiting for a decision at the period's end, by how long they had waited. Days are calendar days
between UK dates. Each table is one statement, grouped in the database, so its cost grows with the
groups, not the referrals."""

from __future__ import annotations

from django.conf import settings
from django.db import connections

from core.db_router import replica_alias
from decisions.models import CaseFile, Decision
from monitoring.periods import Period
from monitoring.tables.base import UNKNOWN, Table
from monitoring.tables.decisions import _days_table
from referrals.models import AgeGroup, Referral

AGE_LABELS = {AgeGroup.ADULT: "Adult (18 or over)", AgeGroup.CHILD: "Child (17 or under)", AgeGroup.UNKNOWN: UNKNOWN}
WAITED_BANDS = (("0 to 30 days", 0, 30), ("31 to 90 days", 31, 90), ("91 to 180 days", 91, 180),
                ("181 to 365 days", 181, 365), ("1 to 2 years", 366, 730), ("Over 2 years", 731, None))

_WAITING_SQL = """
    WITH decided AS (
        SELECT case_id, bool_or(stage = 'rg') AS rg, bool_or(stage = 'rg' AND outcome = 'positive') AS rg_positive,
               bool_or(stage = 'cg') AS cg
        FROM {decision} WHERE status = 'served' AND served_at < %(end)s GROUP BY case_id
    ), open AS (
        SELECT %(last_day)s::date - (c.received_at AT TIME ZONE %(tz)s)::date AS waited,
               CASE WHEN coalesce(decided.rg, false) = false THEN 'rg'
                    WHEN decided.rg_positive AND coalesce(decided.cg, false) = false THEN 'cg' END AS stage
        FROM {casefile} c
        JOIN {referral} r ON r.id = c.referral_id
        LEFT JOIN decided ON decided.case_id = c.referral_id
        WHERE r.kind = 'nrm' AND r.status <> 'historic' AND c.received_at < %(end)s
          AND (c.withdrawn_at IS NULL OR c.withdrawn_at >= %(end)s) AND (c.closed_at IS NULL OR c.closed_at >= %(end)s)
    )
    SELECT stage, waited, count(*) FROM open WHERE stage IS NOT NULL GROUP BY stage, waited
"""


def _tables() -> dict[str, str]:
    return {"decision": Decision._meta.db_table, "casefile": CaseFile._meta.db_table,
            "referral": Referral._meta.db_table}


def decision_days_by_age_group(period: Period) -> Table:
    """Median and mean days from referral to RG and CG served, by age group: beside the tables by competent
    authority and by gender (monitoring/tables/decisions.py), in the same shape."""
    return _days_table(period, group_sql="r.age_at_exploitation", labels=AGE_LABELS,
                       table_id="decision_days_by_age_group",
                       title="Days from referral to decisions served, by age group", first_column="Age group",
                       sheet="Days by age group",
                       counterpart="Median and mean days to RG and CG decisions, and RG decisions within 5 working "
                                   "days, by age group")


def waiting_at_period_end(period: Period) -> Table:
    """People waiting for a decision at the period's end (by the dates recorded, so a past quarter reads
    as it stood then), by the days since referral. Imported historic records are left out: whether they
    were withdrawn or closed was not recorded."""
    _, end = period.bounds()
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_WAITING_SQL.format(**_tables()), {"tz": settings.TIME_ZONE, "end": end,
                                                          "last_day": period.end})
        found = cursor.fetchall()
    counts = {label: {"rg": 0, "cg": 0} for label, _, _ in WAITED_BANDS}
    for stage, waited, count in found:
        label = next(label for label, low, high in WAITED_BANDS if waited >= low and (high is None or waited <= high)) \
            if waited >= 0 else WAITED_BANDS[0][0]
        counts[label][stage] += count
    rows = [[label, values["rg"], values["cg"], values["rg"] + values["cg"]] for label, values in counts.items()]
    rows.append(["Total", *(sum(row[index] for row in rows) for index in (1, 2, 3))])
    return Table("waiting_at_period_end", f"People waiting for a decision on {period.end:%-d %B %Y}, by time since "
                 "referral", ["Time waited since referral", "Waiting for a Reasonable Grounds decision",
                              "Waiting for a Conclusive Grounds decision", "Total"], rows, "Waiting at period end",
                 counterpart="People waiting for a decision at the end of the quarter, by time waited")
