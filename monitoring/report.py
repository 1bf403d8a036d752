"""The quarterly Home Office / Ministry of Justice monitoring report.

One function builds it for any period; the page, the API, the command and the scheduled job all
call `build_report`. Every table is aggregated in the database (GROUP BY, FILTER, percentile_cont),
so the work grows with the number of groups, not with the number of referrals. Referrals count by
their referral date; Duty to Notify records only in their own tables. As the Home Office publishes:
national tables and the table by first responder in full, tables below national level by geography or
provider suppressed (monitoring/suppression.py). The latest quarters are marked provisional.

The tables are built in monitoring/tables/ (referrals.py, decisions.py, victim_care.py, on what
base.py shares); this module puts them together in the report's order."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from core.db_router import reads_from_replica
from decisions.models import Stage
from monitoring.periods import Period
from monitoring.tables.base import Table
from monitoring.tables.decisions import (
    decision_days_by_competent_authority,
    decision_days_by_gender,
    decision_quality_audit,
    decision_timeliness,
    decisions_by_outcome,
    decisions_by_outcome_and_exploitation_type,
    reconsiderations,
)
from monitoring.tables.referrals import (
    duty_to_notify_by_exploitation_type,
    duty_to_notify_by_gender,
    duty_to_notify_by_nationality,
    referrals_by_competent_authority,
    referrals_by_exploitation_location,
    referrals_by_exploitation_type,
    referrals_by_first_responder,
    referrals_by_gender,
    referrals_by_local_authority,
    referrals_by_nation,
    referrals_by_nationality,
    referrals_by_police_force_area,
)
from monitoring.tables.victim_care import provider_activity, victim_care_budget, victim_care_by_provider
from monitoring.tables.waiting import decision_days_by_age_group, waiting_at_period_end

TITLE = "Modern Slavery: National Referral Mechanism and Duty to Notify monitoring report"
NOTES = [
    "Referrals are counted by referral date; decisions by the date they were served.",
    "Duty to Notify records are anonymous and counted only in the Duty to Notify tables.",
    "A referral with several exploitation types is counted once, under the combined label.",
    "Labels follow the Home Office's published National Referral Mechanism statistics: its exploitation types, "
    "first responder types, nationalities and police force areas, in its spelling.",
    "Quality audits are counted by the date the finding was recorded; those not yet audited by the date the "
    "sample was drawn, which is after the quarter its decisions were served in.",
    "Money is in pounds; spend is for supported days in the period at the provider's rate on each day.",
]
# The symbols used in the tables, explained in the ONS way.
SYMBOLS = {
    "[c]": "confidential: a count hidden to protect the people in it (see the suppression rule)",
    "[x]": "not available: there is nothing to take the figure from, such as a median with no decisions",
    "[z]": "not applicable: the measure does not apply to this row or column",
}
PROVISIONAL_NOTE = ("Figures for the latest quarter are provisional: records are still being added and corrected, "
                    "and they are revised in the next report.")


@dataclass
class Report:
    period: Period
    generated_at: datetime.datetime
    tables: list[Table] = field(default_factory=list)

    def table(self, table_id: str) -> Table:
        return next(table for table in self.tables if table.id == table_id)

    @property
    def provisional(self) -> bool:
        """The current or the last quarter is provisional: the Home Office revises it in the next release."""
        return is_provisional(self.period)

    @property
    def notes(self) -> list[str]:
        return [*NOTES, *([PROVISIONAL_NOTE] if self.provisional else [])]

    def as_dict(self) -> dict[str, object]:
        return {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "provisional": self.provisional,
            "notes": [*self.notes, suppression_rule()],
            "symbols": SYMBOLS,
            "tables": [table.as_dict() for table in self.tables],
        }


def is_provisional(period: Period, today: datetime.date | None = None) -> bool:
    """Whether the period reaches into the last complete quarter or the current one."""
    return period.end >= Period.previous_quarter(today).start


def suppression_rule() -> str:
    return ("National tables and the table by first responder are published in full, as the Home Office publishes "
            "them. Tables below national level by geography or provider (police force area, local authority, "
            f"provider) show counts from 1 to {settings.NRM_REPORT_SUPPRESS_MAX} as [c], and a second cell in any "
            "row or column that would otherwise let a suppressed count be worked out from its total.")


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
        referrals_by_competent_authority(period),
        referrals_by_police_force_area(period),
        referrals_by_local_authority(period),
        decisions_by_outcome(period, Stage.RG),
        decisions_by_outcome(period, Stage.CG),
        decisions_by_outcome_and_exploitation_type(period, Stage.RG),
        decisions_by_outcome_and_exploitation_type(period, Stage.CG),
        decision_timeliness(period),
        decision_days_by_competent_authority(period),
        decision_days_by_gender(period),
        decision_days_by_age_group(period),
        waiting_at_period_end(period),
        reconsiderations(period),
        duty_to_notify_by_exploitation_type(period),
        duty_to_notify_by_gender(period),
        duty_to_notify_by_nationality(period),
        victim_care_by_provider(period, activity),
        victim_care_budget(period, activity),
        decision_quality_audit(period),
    ])
