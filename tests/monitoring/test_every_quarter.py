"""The monitoring report runs for every quarter the NRM has existed, on the demo data: committed spend
never prices an allocation before it starts (where no rate was in force), and a past period's budget
figures are worked out as at that period's end."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db


def quarters_since(year: int, number: int):
    today = timezone.localdate()
    last = (today.year, (today.month - 1) // 3 + 1)
    while (year, number) <= last:
        yield f"{year}-Q{number}"
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)


def pounds(figure) -> float:
    return float(str(figure).replace("£", "").replace(",", ""))


def test_monitoring_report_runs_for_every_quarter_from_2009_q2_to_now_on_the_demo_data(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo")
    quarters = list(quarters_since(2009, 2))
    assert quarters[0] == "2009-Q2" and "2023-Q4" in quarters and len(quarters) >= 70
    budgets = {}
    for quarter in quarters:
        output = tmp_path / f"{quarter}.json"
        call_command("monitoring_report", quarter=quarter, output=str(output))
        tables = {table["id"]: table for table in json.loads(output.read_text())["tables"]}
        budgets[quarter] = dict(tables["victim_care_budget"]["rows"])
    # 2023-Q4 is long past: nothing of today's demo support was known at its end, spent or committed.
    assert pounds(budgets["2023-Q4"]["Spent in the financial year up to 31 December 2023"]) == 0
    assert pounds(budgets["2023-Q4"]["Committed to people in support"]) == 0
    # The current quarter counts today's people in support.
    assert pounds(budgets[quarters[-1]]["Committed to people in support"]) > 0
    assert datetime.date.today().year >= 2026
