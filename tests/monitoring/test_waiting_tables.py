"""Waiting-time statistics in the quarterly report: days from referral to decisions served by age group
(beside the tables by competent authority and gender) and the people still waiting at the quarter's end,
in every format."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from monitoring import exports
from monitoring.periods import Period
from monitoring.report import build_report
from monitoring.tables.waiting import decision_days_by_age_group, waiting_at_period_end
from referrals.models import ReferralStatus
from tests.decisions.history import at, case
from tests.referrals.conftest import competent_authorities  # noqa: F401

pytestmark = pytest.mark.django_db
Q3_2026 = Period.quarter("2026-Q3")
D = datetime.date


@pytest.fixture
def history(competent_authorities, first_responder):  # noqa: F811
    ukhtc, ukba = competent_authorities["ukhtc"], competent_authorities["ukba"]
    made = {
        # RG after 5 days, CG after 89, both in the quarter
        "a": case(authority=ukhtc, responder=first_responder, status=ReferralStatus.CG_POSITIVE, received=D(2026, 7, 1),
                  rg_served=D(2026, 7, 6), cg_served=D(2026, 9, 28), recovery_ends=D(2026, 8, 20)),
        # a child's case: RG before the quarter, CG after 90 days in it
        "b": case(authority=ukba, responder=first_responder, status=ReferralStatus.CG_POSITIVE, received=D(2026, 6, 1),
                  rg_served=D(2026, 6, 5), cg_served=D(2026, 8, 30), recovery_ends=D(2026, 7, 20), gender="male",
                  is_child=True),
        # RG after 10 days; waiting for CG on 30 September, 60 days after referral
        "c": case(authority=ukhtc, responder=first_responder, status=ReferralStatus.RG_POSITIVE, received=D(2026, 8, 1),
                  rg_served=D(2026, 8, 11), recovery_ends=D(2026, 9, 25)),
        # waiting for RG, 5 days
        "d": case(authority=ukhtc, responder=first_responder, status=ReferralStatus.SUBMITTED,
                  received=D(2026, 9, 25)),
        # waiting for CG at the quarter's end, 628 days (decided after it)
        "e": case(authority=ukhtc, responder=first_responder, status=ReferralStatus.CG_POSITIVE,
                  received=D(2025, 1, 10), rg_served=D(2025, 1, 15), cg_served=D(2026, 10, 15),
                  recovery_ends=D(2025, 3, 1)),
        # withdrawn in the quarter: not waiting
        "f": case(authority=ukhtc, responder=first_responder, status=ReferralStatus.WITHDRAWN,
                  received=D(2026, 7, 5)),
    }
    made["f"].case_file.withdrawn_at = at(D(2026, 8, 1))
    made["f"].case_file.save(update_fields=["withdrawn_at"])
    return made


def test_days_to_decision_by_age_group(history):
    """Adults: RG after 5 days (within target) and 10 (not), CG after 89; the child's CG after 90 (its RG
    was served before the quarter)."""
    rows = {row[0]: row[1:] for row in decision_days_by_age_group(Q3_2026).rows}
    assert rows["Adult (18 or over)"] == [2, 7.5, 7.5, 50.0, 1, 89.0, 89.0]
    assert rows["Child (17 or under)"] == [0, "[x]", "[x]", "[x]", 1, 90.0, 90.0]
    assert rows["Not specified or unknown"] == [0, "[x]", "[x]", "[x]", 0, "[x]", "[x]"]
    assert rows["Total"] == [2, 7.5, 7.5, 50.0, 2, 89.5, 89.5]


def test_people_waiting_at_the_quarter_end_by_time_waited(history):
    rows = {row[0]: row[1:] for row in waiting_at_period_end(Q3_2026).rows}
    assert rows["0 to 30 days"] == [1, 0, 1]  # d
    assert rows["31 to 90 days"] == [0, 1, 1]  # c
    assert rows["1 to 2 years"] == [0, 1, 1]  # e, decided after the quarter
    assert rows["Total"] == [1, 2, 3]  # a and b decided, f withdrawn


def test_the_waiting_tables_are_in_every_export_format(history):
    report = build_report(Q3_2026)
    tables = {table["id"]: table for table in json.loads(exports.render(report, "json"))["tables"]}
    assert tables["decision_days_by_age_group"]["rows"][-1] == ["Total", 2, 7.5, 7.5, 50.0, 2, 89.5, 89.5]
    assert tables["waiting_at_period_end"]["rows"][-1] == ["Total", 1, 2, 3]
    names = zipfile.ZipFile(io.BytesIO(exports.render(report, "csv"))).namelist()
    assert any("decision_days_by_age_group" in name for name in names)
    assert any("waiting_at_period_end" in name for name in names)
    workbook = load_workbook(io.BytesIO(exports.render(report, "xlsx")))
    assert {"Days by age group", "Waiting at period end"} <= set(workbook.sheetnames)
    assert b"Waiting at period end" in zipfile.ZipFile(io.BytesIO(exports.render(report, "ods"))).read("content.xml")
