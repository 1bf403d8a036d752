"""Charts for the report page, drawn on the server as SVG: no script, nothing fetched, and the same
figures given as a table beside each chart for anyone who cannot see it. Colours are GOV.UK's;
SVG presentation attributes (not style attributes) keep the page within its Content Security Policy, and
every element is built with format_html, so no label can break out of the markup."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate, TruncQuarter
from django.utils.safestring import SafeString

from core.charts import (
    BOTTOM,
    HEIGHT,
    LEFT,
    TOP,
    WIDTH,
    coordinate,
    figure,
    legend,
    svg_document,
    svg_rect,
    svg_text,
    value_axis,
)
from core.db_router import reads_from_replica
from decisions.models import Decision, DecisionStatus, Stage
from monitoring.periods import Period
from monitoring.report import Report
from monitoring.tables.base import AGE_COLUMNS, AGE_ORDER, referrals_in_period
from referrals.models import ReferralKind

COLOURS = ["#1d70b8", "#f47738", "#505a5f", "#00703c", "#d4351c"]  # the flow dashboard's order differs


@dataclass
class Chart:
    id: str
    title: str
    summary: str
    svg: SafeString
    columns: list[str]
    rows: list[list[object]]


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def column_chart(categories: list[str], series: list[tuple[str, list[float]]], *, stacked: bool,
                 unit: str = "", top: float | None = None) -> SafeString:
    """Columns per category, stacked or side by side, with a value axis and a legend. Every text is
    escaped by format_html."""
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP - 24
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))] if stacked else \
        [max((values[i] for _, values in series), default=0) for i in range(len(categories))]
    top = top or _nice_top(max(totals, default=0))
    band = plot_width / max(len(categories), 1)
    parts = value_axis(top, plot_height, unit)
    for index, category in enumerate(categories):
        x0, usable, base = LEFT + band * index + band * 0.15, band * 0.7, 0.0
        for number, (_, values) in enumerate(series):
            value = values[index]
            height = plot_height * value / top if top else 0
            colour = COLOURS[number % len(COLOURS)]
            if stacked:
                parts.append(svg_rect(x0, TOP + plot_height - plot_height * (base + value) / top, usable, height,
                                      colour))
                base += value
            else:
                width = usable / len(series)
                parts.append(svg_rect(x0 + width * number, TOP + plot_height - height, width, height, colour))
        parts.append(svg_text(x0 + usable / 2, TOP + plot_height + 16, category, "middle"))
    parts += legend([name for name, _ in series], COLOURS)
    return svg_document(coordinate(HEIGHT), parts)


def bar_chart(labels: list[str], values: list[float], *, unit: str = "", prefix: str = "") -> SafeString:
    """Horizontal bars, one per label: long labels (exploitation type combinations) stay readable."""
    row_height, label_width = 26, 230
    top = _nice_top(max(values, default=0))
    plot_width = WIDTH - label_width - 70
    parts: list[SafeString] = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + row_height * index
        width = plot_width * value / top if top else 0
        parts.append(svg_text(label_width - 6, y + 16, label[:40], "end"))
        parts.append(svg_rect(label_width, y + 4, width, row_height - 8, COLOURS[0]))
        parts.append(svg_text(label_width + width + 6, y + 16, f"{prefix}{figure(value)}{unit}"))
    return svg_document(coordinate(TOP + row_height * max(len(labels), 1) + 8), parts)


def referrals_by_quarter(period: Period) -> Chart:
    quarters = period.quarters_back(8)
    window = Period(quarters[0].start, quarters[-1].end)
    counts = {(row["quarter"].date() if isinstance(row["quarter"], datetime.datetime) else row["quarter"], row["age"]):
              row["n"] for row in referrals_in_period(window).annotate(quarter=TruncQuarter("submitted_at"))
              .values("quarter", age=F("age_at_exploitation")).annotate(n=Count("pk")).order_by()}
    series = [(AGE_COLUMNS[i], [counts.get((q.start, age), 0) for q in quarters]) for i, age in enumerate(AGE_ORDER)]
    labels = [q.label for q in quarters]
    rows = [[label, *[values[i] for _, values in series], sum(values[i] for _, values in series)]
            for i, label in enumerate(labels)]
    return Chart("chart-referrals-by-quarter", "Referrals per quarter by age group",
                 f"Referrals in the 8 quarters to {labels[-1]}, stacked by age at exploitation.",
                 column_chart(labels, series, stacked=True), ["Quarter", *AGE_COLUMNS], rows)


def exploitation_types(report: Report) -> Chart:
    table = report.table("referrals_by_exploitation_type_and_age")
    rows = [[r[0], r[-1]] for r in table.rows if r[0] != "Total"]
    return Chart("chart-exploitation-types", "Referrals by exploitation type",
                 f"Referrals in {report.period.label} by exploitation type.",
                 bar_chart([r[0] for r in rows], [r[1] for r in rows]), ["Exploitation type", "Referrals"], rows)


def rg_timeliness(period: Period) -> Chart:
    quarters = period.quarters_back(8)
    start, end = Period(quarters[0].start, quarters[-1].end).bounds()
    decisions = (Decision.objects.filter(stage=Stage.RG, status=DecisionStatus.SERVED, is_reconsideration=False,
                                         served_at__gte=start, served_at__lt=end,
                                         case__referral__kind=ReferralKind.NRM)
                 .annotate(quarter=TruncQuarter("served_at"), served_on=TruncDate("served_at"))
                 .values("quarter").annotate(decided=Count("pk"),
                                             within=Count("pk", filter=Q(served_on__lte=F("case__rg_due_on"))))
                 .order_by())
    by_quarter = {(row["quarter"].date() if isinstance(row["quarter"], datetime.datetime) else row["quarter"]): row
                  for row in decisions}
    rows = []
    for quarter in quarters:
        row = by_quarter.get(quarter.start)
        percent = round(100 * row["within"] / row["decided"], 1) if row and row["decided"] else 0
        rows.append([quarter.label, row["decided"] if row else 0, row["within"] if row else 0, percent])
    return Chart("chart-rg-timeliness", "Reasonable Grounds decisions within 5 working days",
                 "Share of Reasonable Grounds decisions served within the target, per quarter.",
                 column_chart([r[0] for r in rows], [("Within target (%)", [r[3] for r in rows])], stacked=False,
                              unit="%", top=100),
                 ["Quarter", "Decisions served", "Within target", "Within target (%)"], rows)


def spend_against_budget(report: Report) -> Chart:
    rows = [r for r in report.table("victim_care_budget").rows if not r[0].startswith("Spent in this period")]
    labels = ["Budget", "Spent", "Committed", "Forecast"]
    return Chart("chart-spend", "Victim care spend against budget",
                 "The financial year's budget beside spend to date, commitments and the forecast, in pounds.",
                 bar_chart(labels, [round(float(r[1])) for r in rows], prefix="£"), ["Measure", "Amount (£)"],
                 [[label, r[1]] for label, r in zip(labels, rows, strict=True)])


def decisions_by_outcome(report: Report) -> Chart:
    """RG and CG decisions served, positive and negative, beside the tables by outcome."""
    stages = [("Reasonable Grounds", "rg_decisions_by_outcome_and_age"),
              ("Conclusive Grounds", "cg_decisions_by_outcome_and_age")]
    totals = {stage: {r[0]: r[-1] for r in report.table(table_id).rows} for stage, table_id in stages}
    outcomes = ["Positive", "Negative"]
    rows = [[stage, *[totals[stage].get(outcome, 0) for outcome in outcomes], totals[stage].get("Total", 0)]
            for stage, _ in stages]
    return Chart("chart-decisions-by-outcome", "Decisions served by outcome",
                 f"Reasonable Grounds and Conclusive Grounds decisions served in {report.period.label}, "
                 "positive and negative.",
                 column_chart([r[0] for r in rows], [(outcome, [r[1 + i] for r in rows])
                                                     for i, outcome in enumerate(outcomes)], stacked=True),
                 ["Stage", *outcomes, "Total"], rows)


def days_to_decision(report: Report) -> Chart:
    """Median days from referral to RG and to CG served, by competent authority, beside that table."""
    table = report.table("decision_days_by_competent_authority")
    rows = [[r[0], r[2], r[6]] for r in table.rows if r[0] != "Total"]
    numbers = [[value if isinstance(value, int | float) else 0 for value in r[1:]] for r in rows]
    return Chart("chart-days-to-decision", "Median days from referral to decision, by competent authority",
                 f"Median days from referral to Reasonable Grounds and to Conclusive Grounds decisions served in "
                 f"{report.period.label}; [x] where none were served.",
                 column_chart([r[0] for r in rows], [("Reasonable Grounds", [n[0] for n in numbers]),
                                                     ("Conclusive Grounds", [n[1] for n in numbers])], stacked=False),
                 ["Competent authority", "Median days to RG", "Median days to CG"], rows)


def charts_for(report: Report) -> list[Chart]:
    with reads_from_replica():
        return [referrals_by_quarter(report.period), exploitation_types(report), decisions_by_outcome(report),
                rg_timeliness(report.period), days_to_decision(report), spend_against_budget(report)]
