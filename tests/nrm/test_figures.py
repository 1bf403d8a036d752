"""Figures as the Home Office publishes them (core.figures): pounds with separators to the penny in tables
and in whole pounds on dashboards, counts with separators, no float artefacts; bars drawn to one scale."""

from __future__ import annotations

import datetime

from django.template import Context, Template

from core.figures import Money, bar_width, count, pounds
from victim_care.statements import BudgetPosition


def test_money_is_shown_as_published():
    assert pounds(200_000_000) == "£2,000,000.00" and pounds(200_000_000, whole=True) == "£2,000,000"
    assert pounds(0) == "£0.00" and pounds(0, whole=True) == "£0"
    assert pounds(12_345_678) == "£123,456.78" and pounds(12_345_650, whole=True) == "£123,457"
    assert pounds(-1_050) == "-£10.50"
    assert str(sum([Money(10), Money(20)])) == "£0.30", "whole pence: no 0.30000000000000004"
    assert float(Money(123_456)) == 1234.56 and Money(5).decimal * 100 == 5


def test_counts_have_separators_and_one_decimal_place_at_most():
    assert count(3146) == "3,146" and count(0) == "0" and count(1_000_000) == "1,000,000"
    assert count(66.7) == "66.7" and count(5.0) == "5" and count("[c]") == "[c]"


def test_template_filters():
    rendered = Template("{% load figures %}{{ p|pounds }} {{ p|whole_pounds }} {{ n|figure }} {{ m|figure }}").render(
        Context({"p": 200_000_000, "n": 3146, "m": Money(250)}))
    assert rendered == "£2,000,000.00 £2,000,000 3,146 £2.50"


def test_the_budget_bars_are_drawn_to_one_scale_with_their_figures():
    position = BudgetPosition(year_start=datetime.date(2026, 4, 1), budget_pence=200_000_000,
                              spent_pence=150_000_000, committed_pence=100_000_000)
    bars = {bar["label"]: bar for bar in position.bars(width=150)}
    assert bars["Forecast"]["width"] == 150, "the largest figure, over budget, is the longest bar"
    assert bars["Budget"]["width"] == 120 and bars["Spent"]["width"] == 90 and bars["Committed"]["width"] == 60
    assert bars["Budget"]["figure"] == "£2,000,000" and bars["Forecast"]["figure"] == "£2,500,000"
    assert bar_width(0, 10, 150) == 0 and bar_width(1, 1_000_000, 150) == 1, "a small figure still shows"
