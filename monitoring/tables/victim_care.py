"""The victim care tables of the monitoring report: each support provider's people, entries, exits,
support days and spend (one query, the rate in force on each day from the tariffs' validity), and the
adult victim care budget."""

from __future__ import annotations

import datetime

from django.db import connections
from django.utils import timezone

from core.db_router import replica_alias
from core.figures import Money
from monitoring.periods import Period
from monitoring.tables.base import Table, suppressed
from victim_care.models import SupportStatus
from victim_care.statements import budget_position

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
        WHERE sc.status = %(exited)s AND sc.exited_on >= %(start)s AND sc.exited_on < %(after)s
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


def _pounds(pence: int) -> Money:
    return Money(int(pence))


def provider_activity(period: Period) -> list[tuple[str, int, int, int, int, int]]:
    """(provider, people supported, entries, exits, support days, spend in pence) for supported days in
    the period up to today: one query, the rate in force on each day from the tariffs' validity."""
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(_PROVIDER_SQL, {"start": period.start, "after": period.end + datetime.timedelta(days=1),
                                       "exited": SupportStatus.EXITED.value,
                                       "tomorrow": timezone.localdate() + datetime.timedelta(days=1)})
        return [tuple(row) for row in cursor.fetchall()]


def victim_care_by_provider(period: Period, activity: list[tuple] | None = None) -> Table:
    activity = provider_activity(period) if activity is None else activity
    rows = [[name, people, entries, exits, days, _pounds(pence)]
            for name, people, entries, exits, days, pence in activity]
    totals = [sum(row[index] for row in rows) for index in range(1, 5)]
    rows.append(["Total", *totals, _pounds(sum(row[5] for row in activity))])
    # Below national level by provider: counts of people suppressed; days and money are not counts of people.
    table = Table("victim_care_by_provider", "Victim care by support provider",
                  ["Provider", "People supported", "Entries", "Exits", "Support days", "Spend (£)"], rows,
                  "Victim care by provider")
    return suppressed(table, label_columns=1, count_columns=[1, 2, 3], total_column=None)


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

