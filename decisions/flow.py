"""The flow dashboard of a competent authority's managers: where the queue is, how fast it moves, and who
waits longest. Every figure comes from three queries whatever the authority's size (the open cases grouped
once; the weekly flow and the waits, by grouping sets, in one statement; and a page of the cases ready for a
CG decision), so the page holds the 10-query target at national scale."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.http import QueryDict
from django.utils import timezone

from audit.services import record_list_access
from core import working_days
from core.paging import ListPage, page_of
from decisions import forecast
from decisions.models import CaseFile, Decision, DecisionStatus, Stage
from decisions.waiting import authority_cases, ready_for_cg, start_of_day
from organisations.models import User
from referrals.models import AWAITING_CG, AgeGroup, Gender, InformationRequest, Referral, ReferralStatus
from referrals.reference_data import NATIONALITY_LABELS

AGE_BANDS = (("0 to 30 days", 0, 30), ("31 to 90 days", 31, 90), ("91 to 180 days", 91, 180),
             ("181 to 365 days", 181, 365), ("Over 365 days", 366, None))
OPEN = (ReferralStatus.SUBMITTED, ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED,
        ReferralStatus.RG_AWAITING_REVIEW, ReferralStatus.RG_NEGATIVE, ReferralStatus.RG_RECONSIDERATION,
        ReferralStatus.RG_POSITIVE, ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW,
        ReferralStatus.CG_POSITIVE, ReferralStatus.CG_NEGATIVE, ReferralStatus.CG_RECONSIDERATION)
STAGES = ("Waiting for allocation", "Waiting for a Reasonable Grounds decision", "Negative Reasonable Grounds",
          "Reconsideration", "In the recovery period", "Waiting for information before a Conclusive Grounds decision",
          "Ready for a Conclusive Grounds decision", "Conclusive Grounds decision drafted or in review",
          "Decided, waiting for closure")
LONGER = 1.25  # a group waits "longer" when its median is more than a quarter above the overall median
MIN_GROUP = 5  # fewer CG decisions than this in a group: no median shown
WAIT_WEEKS = 52


def stage_of(status: str, recovery_over: bool, information_open: bool) -> str:
    if status == ReferralStatus.SUBMITTED:
        return STAGES[0]
    if status in (ReferralStatus.ALLOCATED, ReferralStatus.RG_DRAFTED, ReferralStatus.RG_AWAITING_REVIEW):
        return STAGES[1]
    if status == ReferralStatus.RG_NEGATIVE:
        return STAGES[2]
    if status in (ReferralStatus.RG_RECONSIDERATION, ReferralStatus.CG_RECONSIDERATION):
        return STAGES[3]
    if status == ReferralStatus.RG_POSITIVE:
        return STAGES[4] if not recovery_over else STAGES[5] if information_open else STAGES[6]
    if status in (ReferralStatus.CG_DRAFTED, ReferralStatus.CG_AWAITING_REVIEW):
        return STAGES[7]
    return STAGES[8]


@dataclass
class WaitGroup:
    dimension: str
    label: str
    decisions: int
    median_days: float | None
    longer: bool = False


@dataclass
class Flow:
    today: datetime.date
    weeks: list[datetime.date]  # the first day of each of the 12 weeks
    stage_rows: list[list]  # stage, then a count per age band, then the total
    intake: list[int]
    rg_decisions: list[int]
    cg_decisions: list[int]
    decision_makers: list[dict]  # name, open cases, decisions in 12 weeks, decisions per week
    ready_total: int
    cg_backlog: int
    throughput: forecast.Throughput
    backlog_clears_on: datetime.date | None
    overall_median: float | None
    waits: list[WaitGroup] = field(default_factory=list)
    worked_out_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def open_total(self) -> int:
        return sum(row[-1] for row in self.stage_rows)

    def as_json(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "worked_out_at": self.worked_out_at.isoformat(),
            "open_cases": {"age_bands": [band[0] for band in AGE_BANDS],
                           "stages": [{"stage": row[0], "by_age_band": row[1:-1], "total": row[-1]}
                                      for row in self.stage_rows],
                           "total": self.open_total},
            "weeks": [{"week_starting": week.isoformat(), "referrals_received": intake, "rg_decisions": rg,
                       "cg_decisions": cg} for week, intake, rg, cg in
                      zip(self.weeks, self.intake, self.rg_decisions, self.cg_decisions, strict=True)],
            "decision_makers": self.decision_makers,
            "ready_for_cg": self.ready_total,
            "cg_backlog": self.cg_backlog,
            "cg_decisions_per_week": round(self.throughput.mean, 1),
            "cg_backlog_clears_on": self.backlog_clears_on.isoformat() if self.backlog_clears_on else None,
            "median_days_referral_to_cg": self.overall_median,
            "waits": [{"by": g.dimension, "group": g.label, "cg_decisions": g.decisions, "median_days": g.median_days,
                       "waits_longer": g.longer} for g in self.waits],
        }


def _open_cases(authority_id: int, today: datetime.date) -> tuple[list[list], int, int, dict[int, dict]]:
    """One query: open cases grouped by status, readiness and decision maker, counted per age band."""
    bands = {}
    for number, (_, low, high) in enumerate(AGE_BANDS):
        condition = Q(case_file__received_at__lt=start_of_day(today - datetime.timedelta(days=low - 1)))
        if high is not None:
            condition &= Q(case_file__received_at__gte=start_of_day(today - datetime.timedelta(days=high)))
        bands[f"band{number}"] = Count("pk", filter=condition)
    rows = (authority_cases(authority_id).filter(status__in=OPEN, case_file__isnull=False)
            .annotate(recovery_over=Case(When(case_file__recovery_period_ends_on__lt=today, then=Value(True)),
                                         default=Value(False), output_field=BooleanField()),
                      information_open=Exists(InformationRequest.objects.filter(referral_id=OuterRef("pk"),
                                                                                answered_at=None)))
            .values("status", "recovery_over", "information_open", "case_file__allocated_to_id",
                    "case_file__allocated_to__full_name")
            .annotate(**bands).order_by())
    table = {stage: [0] * len(AGE_BANDS) for stage in STAGES}
    ready = backlog = 0
    people: dict[int, dict] = {}
    for row in rows:
        counts = [row[f"band{n}"] for n in range(len(AGE_BANDS))]
        stage = stage_of(row["status"], row["recovery_over"], row["information_open"])
        table[stage] = [a + b for a, b in zip(table[stage], counts, strict=True)]
        if row["status"] in AWAITING_CG:
            backlog += sum(counts)
            if row["recovery_over"] and not row["information_open"]:
                ready += sum(counts)
        if row["case_file__allocated_to_id"]:
            person = people.setdefault(row["case_file__allocated_to_id"], {
                "name": row["case_file__allocated_to__full_name"], "open_cases": 0, "decisions": 0})
            person["open_cases"] += sum(counts)
    stage_rows = [[stage, *counts, sum(counts)] for stage, counts in table.items()]
    return stage_rows, ready, backlog, people


FLOW_SQL = """
SELECT 'intake', ((cf.received_at AT TIME ZONE %(tz)s)::date - %(start)s) / 7, NULL::bigint, NULL, NULL, NULL, NULL,
       NULL::integer, count(*), NULL::float
  FROM {casefile} cf JOIN {referral} r ON r.id = cf.referral_id
 WHERE r.competent_authority_id = %(authority)s AND r.kind = 'nrm'
   AND cf.received_at >= %(from)s AND cf.received_at < %(to)s
 GROUP BY 2
UNION ALL
SELECT d.stage, ((d.served_at AT TIME ZONE %(tz)s)::date - %(start)s) / 7, d.author_id, u.full_name, NULL, NULL,
       NULL, NULL, count(*), NULL
  FROM {decision} d JOIN {referral} r ON r.id = d.case_id JOIN {user} u ON u.id = d.author_id
 WHERE r.competent_authority_id = %(authority)s AND d.status = %(served)s
   AND d.served_at >= %(from)s AND d.served_at < %(to)s
 GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'wait', NULL, NULL, NULL, r.gender, r.age_at_exploitation, r.nationality,
       GROUPING(r.gender, r.age_at_exploitation, r.nationality), count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (d.served_at AT TIME ZONE %(tz)s)::date
                                                   - (cf.received_at AT TIME ZONE %(tz)s)::date)
  FROM {decision} d JOIN {casefile} cf ON cf.referral_id = d.case_id JOIN {referral} r ON r.id = d.case_id
 WHERE r.competent_authority_id = %(authority)s AND d.stage = 'cg' AND d.status = %(served)s
   AND NOT d.is_reconsideration AND d.served_at >= %(waits_from)s AND d.served_at < %(to)s
 GROUP BY GROUPING SETS ((r.gender), (r.age_at_exploitation), (r.nationality), ())
"""
# GROUPING(gender, age, nationality) is a bit mask of the columns left out of the row's grouping set.
ALL_GROUPS, BY_GENDER, BY_AGE = 0b111, 0b011, 0b101


def _flow_rows(authority_id: int, start: datetime.date, today: datetime.date) -> list[tuple]:
    """One statement: referrals received and RG and CG decisions served (by author) per week over the
    last 12 weeks, and the median days from referral to CG served over the last 52 weeks, overall and by
    gender, age group and nationality."""
    sql = FLOW_SQL.format(casefile=CaseFile._meta.db_table, referral=Referral._meta.db_table,
                          decision=Decision._meta.db_table, user=User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tz": settings.TIME_ZONE, "start": start, "authority": authority_id,
                             "from": start_of_day(start), "to": start_of_day(today), "served": DecisionStatus.SERVED,
                             "waits_from": start_of_day(today - datetime.timedelta(weeks=WAIT_WEEKS))})
        return cursor.fetchall()


def _weekly(rows: list[tuple], weeks: int, people: dict[int, dict]) -> tuple[list[int], list[int], list[int]]:
    intake, rg, cg = [0] * weeks, [0] * weeks, [0] * weeks
    for kind, week, author_id, name, *_, count, _median in rows:
        if kind == "wait":
            continue
        week = min(max(int(week), 0), weeks - 1)
        if kind == "intake":
            intake[week] += count
            continue
        (rg if kind == Stage.RG else cg)[week] += count
        person = people.setdefault(author_id, {"name": name, "open_cases": 0, "decisions": 0})
        person["decisions"] += count
    return intake, rg, cg


def _waits(rows: list[tuple]) -> tuple[float | None, list[WaitGroup]]:
    """Median waits by group, each flagged when more than a quarter above the overall median; nationality
    limited to the ten with most decisions."""
    overall, groups = None, {"Gender": [], "Age group": [], "Nationality": []}
    genders, ages = dict(Gender.choices), dict(AgeGroup.choices)
    for kind, _, _, _, gender, age, nationality, grouping, count, median in rows:
        if kind != "wait":
            continue
        if grouping == ALL_GROUPS:
            overall = round(median, 1) if median is not None else None
        elif grouping == BY_GENDER:
            groups["Gender"].append(WaitGroup("Gender", genders.get(gender, "Not known"), count, median))
        elif grouping == BY_AGE:
            groups["Age group"].append(WaitGroup("Age group", ages.get(age, "Not known"), count, median))
        else:
            groups["Nationality"].append(WaitGroup("Nationality", NATIONALITY_LABELS.get(nationality, "Unknown"),
                                                   count, median))
    shown = []
    for dimension in ("Gender", "Age group", "Nationality"):
        ordered = sorted(groups[dimension], key=lambda g: (-g.decisions, g.label))
        for group in ordered[:10] if dimension == "Nationality" else ordered:
            if group.decisions < MIN_GROUP:
                group.median_days = None
            elif group.median_days is not None:
                group.median_days = round(group.median_days, 1)
                group.longer = overall is not None and group.median_days > LONGER * overall
            shown.append(group)
    return overall, shown


def flow_for(authority_id: int, *, today: datetime.date | None = None) -> Flow:
    """The dashboard's figures for one competent authority (two queries)."""
    today = today or working_days.today()
    start = today - datetime.timedelta(weeks=forecast.WEEKS)
    stage_rows, ready, backlog, people = _open_cases(authority_id, today)
    rows = _flow_rows(authority_id, start, today)
    intake, rg, cg = _weekly(rows, forecast.WEEKS, people)
    throughput = forecast.Throughput(tuple(cg))
    overall, waits = _waits(rows)
    makers = sorted(({"name": p["name"], "open_cases": p["open_cases"], "decisions_12_weeks": p["decisions"],
                      "decisions_per_week": round(p["decisions"] / forecast.WEEKS, 1)} for p in people.values()),
                    key=lambda p: (p["name"] or ""))
    return Flow(today=today, weeks=[start + datetime.timedelta(weeks=n) for n in range(forecast.WEEKS)],
                stage_rows=stage_rows, intake=intake, rg_decisions=rg, cg_decisions=cg, decision_makers=makers,
                ready_total=ready, cg_backlog=backlog, throughput=throughput,
                backlog_clears_on=forecast.backlog_clears_on(today=today, backlog=backlog, throughput=throughput),
                overall_median=overall, waits=waits)


FLOW_CACHE_SECONDS = 10 * 60


def cached_flow_for(authority_id: int) -> Flow:
    """flow_for, kept for 10 minutes per authority: the figures group every open case and a year of
    decisions, which at national scale takes longer than a page should, and a management overview does
    not need to be to the minute (the page says when the figures were worked out)."""
    key = f"flow:authority:{authority_id}"
    figures = cache.get(key)
    if figures is None or figures.today != working_days.today():
        figures = flow_for(authority_id)
        cache.set(key, figures, timeout=FLOW_CACHE_SECONDS)
    return figures


def ready_cases(user, authority_id: int, *, total: int, page: int = 1, query: QueryDict | None = None) -> ListPage:
    """One page of the cases ready for a CG decision, oldest referral first (one query: the total is
    known from flow_for), logged as listed."""
    today = working_days.today()
    # In submission order, which is the order received (decisions.waiting): the queue's index serves it.
    queryset = (authority_cases(authority_id).filter(ready_for_cg(today)).select_related("case_file")
                .order_by("submitted_at", "pk"))
    listed = page_of(queryset, number=page, query=query, total=total, parameter="page", ids_first=True)
    for referral in listed.items:
        referral.days_waiting = (today - referral.case_file.recovery_period_ends_on).days - 1
        referral.days_since_referral = (today - working_days.local_date(referral.case_file.received_at)).days
    record_list_access(user=user, records=listed.items, model=Referral)
    return listed
