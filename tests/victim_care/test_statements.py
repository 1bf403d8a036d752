"""Payment statements add up exactly to the spend report; the budget position for the year."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from referrals.services import referral_submit
from tests.referrals.builders import completed_draft
from tests.referrals.conftest import competent_authorities  # noqa: F401
from tests.victim_care.builders import prime_contractor_case_manager, provider_with_a_rate_rise
from victim_care.funding import spend, total_pence
from victim_care.models import SupportType, Tariff
from victim_care.services import allocation_move, support_case_open
from victim_care.statements import budget_position, statement_csv, statement_lines, statement_xlsx

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def supported(first_responder, competent_authorities):  # noqa: F811
    manager = prime_contractor_case_manager()
    medaille = provider_with_a_rate_rise()
    Tariff.objects.create(provider=medaille, support_type=SupportType.OUTREACH, daily_rate_pence=1500,
                          valid_from=D(2026, 1, 1))
    cases = []
    for start in (D(2026, 1, 5), D(2026, 1, 20)):
        referral = referral_submit(referral=completed_draft(first_responder), by=first_responder)
        case = support_case_open(referral=referral)
        allocation_move(support_case=case, provider=medaille, support_type="accommodation", on=start, by=manager)
        cases.append(case)
    allocation_move(support_case=cases[0], provider=medaille, support_type="outreach", on=D(2026, 1, 25),
                    by=manager)
    return medaille, cases


def test_statement_lines_sum_to_the_spend_report(supported):
    medaille, _ = supported
    lines = statement_lines(provider_id=medaille.pk, year=2026, month=1)
    report = total_pence(spend(start=D(2026, 1, 1), end=D(2026, 2, 1), provider_id=medaille.pk))
    assert sum(line.amount_pence for line in lines) == report
    # First person: 5-10 Jan at 5,000p, 11-24 Jan at 5,500p, then outreach 25-31 Jan at 1,500p;
    # second person: 20-31 Jan at 5,500p.
    assert report == 6 * 5000 + 14 * 5500 + 7 * 1500 + 12 * 5500


def test_csv_and_xlsx_statements_carry_the_same_total(supported):
    medaille, _ = supported
    lines = statement_lines(provider_id=medaille.pk, year=2026, month=1)
    rows = list(csv.reader(io.StringIO(statement_csv(lines))))
    assert rows[0][0] == "Reference" and rows[-1][0] == "Total"
    assert int(rows[-1][-1]) == sum(line.amount_pence for line in lines)
    sheet = load_workbook(io.BytesIO(statement_xlsx(lines))).active
    assert sheet.cell(sheet.max_row, 7).value == int(rows[-1][-1])
    assert all(row[0].startswith("NRM-") for row in rows[1:-1])  # references, never names


def test_budget_position_counts_spend_and_commitment(supported):
    position = budget_position(today=D(2026, 1, 31))
    assert position.year_start == D(2025, 4, 1)
    assert position.budget_pence == 200_000_000
    assert position.spent_pence == total_pence(spend(start=D(2025, 4, 1), end=D(2026, 2, 1)))
    # No CG served anywhere: each person's CG is expected NRM_EXPECTED_CG_DAYS after support opened, beyond
    # 31 March, so commitment runs to the year's end.
    assert position.committed_pence == 59 * 1500 + 59 * 5500
    assert position.forecast_pence == position.spent_pence + position.committed_pence


def test_a_reference_that_looks_like_a_formula_is_escaped_in_both_formats(supported):
    """Attack finding 9: statements lacked the formula escaping of the report exports. A historic import can
    bring any reference in, so one shaped like a formula must stay text."""
    from referrals.models import Referral
    medaille, cases = supported
    formula = "=cmd|' /C calc'!A0"  # references hold at most 20 characters
    Referral.objects.filter(pk=cases[0].referral_id).update(reference=formula)
    lines = statement_lines(provider_id=medaille.pk, year=2026, month=1)
    rows = list(csv.reader(io.StringIO(statement_csv(lines))))
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "'" + formula in [row[0] for row in rows]
    sheet = load_workbook(io.BytesIO(statement_xlsx(lines))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == formula]
    assert cells and all(cell.data_type == "s" for cell in cells)
