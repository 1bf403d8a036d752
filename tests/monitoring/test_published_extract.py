"""The Home Office's published Q4 2023 extract, reproduced: expanded to one row per person (3,146 people),
imported with import_referrals, and every published cell of the tables by first responder, by exploitation
type, by gender and by nationality (each by age) checked through reconcile_report, the JSON output and the
ODS export. A file with one unknown label or one bad row is still refused whole, naming the row."""

from __future__ import annotations

import csv
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from odf.text import P

from monitoring.periods import Period
from monitoring.reconcile import COMPARED_TABLES, differences, published_cells, read_published, report_cells
from monitoring.report import build_report
from referrals.models import Referral
from tests.monitoring.builders import csv_text

pytestmark = pytest.mark.django_db

# The shared extract (../shared/reference/nrm-statistics/ beside the repository), of which the repository keeps
# an unchanged copy for the national data generator; Open Government Licence v3.0.
EXTRACT = Path(__file__).resolve().parents[2] / "bench" / "national_data" / "data" / \
    "referrals-2023-q4-by-first-responder.csv"
SHARED = next((folder / "shared" / "reference" / "nrm-statistics" / EXTRACT.name
               for folder in Path(__file__).resolve().parents[3:]
               if (folder / "shared" / "reference" / "nrm-statistics").is_dir()), None)
QUARTER_START, QUARTER_DAYS = datetime.date(2023, 10, 1), 92
PEOPLE = 3146


def published_rows() -> list[dict[str, str]]:
    with EXTRACT.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def one_row_per_person(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The extract as the historic import reads it: each published cell becomes `people` records, spread over
    the quarter, with the published labels as they are (dual nationalities and combined exploitation types)."""
    people = []
    for row in rows:
        for _ in range(int(row["people"])):
            number = len(people) + 1
            people.append({
                "reference": f"Q4-2023-{number:05d}",
                "referral_date": (QUARTER_START + datetime.timedelta(days=number % QUARTER_DAYS)).isoformat(),
                "first_responder_organisation": row["first_responder"],
                "first_responder_type": row["first_responder_type"],
                "age_at_exploitation": row["age_at_exploitation"], "gender": row["gender"],
                "nationality": row["nationality"], "exploitation_types": row["exploitation_type"]})
    return people


def _import(tmp_path: Path, rows: list[dict[str, str]]) -> str:
    path = tmp_path / "people.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    out = io.StringIO()
    call_command("import_referrals", str(path), stdout=out, stderr=out)
    return out.getvalue()


def _ods_tables(content: bytes, sheets: dict[str, str]) -> dict[str, tuple[list[str], list[list[object]]]]:
    """The compared tables read back from the ODS: numbers from their office:value, text from the cell."""
    document = load(io.BytesIO(content))
    found = {}
    for sheet in document.spreadsheet.getElementsByType(Table):
        table_id = sheets.get(sheet.getAttribute("name"))
        if table_id is None:
            continue
        values = []
        for row in sheet.getElementsByType(TableRow):
            cells = []
            for cell in row.getElementsByType(TableCell):
                if cell.getAttribute("valuetype") == "float":
                    cells.append(int(float(cell.getAttribute("value"))))
                else:
                    cells.append("".join(str(p) for p in cell.getElementsByType(P)))
            values.append(cells)
        found[table_id] = (values[1], values[2:])  # the title, the columns, then the rows
    return found


@pytest.fixture
def imported(tmp_path):
    rows = published_rows()
    assert len(rows) == 1050 and sum(int(row["people"]) for row in rows) == PEOPLE
    output = _import(tmp_path, one_row_per_person(rows))
    assert f"Imported {PEOPLE:,} records" in output or f"Imported {PEOPLE} records" in output
    return rows


def test_the_published_extract_is_reproduced_cell_for_cell(imported, tmp_path):
    assert Referral.objects.count() == PEOPLE
    published = published_cells(read_published(io.StringIO(EXTRACT.read_text(encoding="utf-8"))))
    assert published["referrals_by_gender_and_age"][("Total",)]["Total"] == PEOPLE

    # reconcile_report: every published cell agrees.
    out = io.StringIO()
    call_command("reconcile_report", "--published", str(EXTRACT), "--start", "2023-10-01", "--end", "2023-12-31",
                 stdout=out)
    assert "published cells agree with the report for 2023-Q4" in out.getvalue()

    # The JSON output, read as an analyst would.
    json_path = tmp_path / "report.json"
    call_command("monitoring_report", "--quarter", "2023-Q4", "--format", "json", "--output", str(json_path))
    report = json.loads(json_path.read_text(encoding="utf-8"))
    tables = {table["id"]: (table["columns"], table["rows"]) for table in report["tables"]}
    found, compared = differences(published, report_cells(tables))
    assert found == []
    assert compared >= 4 * sum(len(cells) for cells in published.values()), "every label: three ages and the total"
    totals = {table_id: tables[table_id][1][-1][-1] for table_id in COMPARED_TABLES}
    assert set(totals.values()) == {PEOPLE}
    first_responders = tables["referrals_by_first_responder"][1]
    assert "[c]" not in {value for row in first_responders for value in row}  # published in full
    assert next(row[:2] for row in first_responders if row[1] == "BAWSO") == ["NGO and third sector", "BAWSO"]

    # The ODS export, the same cells.
    ods_path = tmp_path / "report.ods"
    call_command("monitoring_report", "--quarter", "2023-Q4", "--format", "ods", "--output", str(ods_path))
    sheet_names = {table.sheet[:31]: table.id for table in build_report(Period.quarter("2023-Q4")).tables
                   if table.id in COMPARED_TABLES}
    ods = _ods_tables(ods_path.read_bytes(), sheet_names)
    assert set(ods) == set(COMPARED_TABLES)
    found, _ = differences(published, report_cells(ods))
    assert found == []


def test_the_copy_here_is_the_shared_extract():
    if SHARED is None:
        pytest.skip("the shared reference folder is not beside this checkout")
    assert EXTRACT.read_bytes() == SHARED.read_bytes()


def test_a_changed_published_cell_is_listed_and_fails_the_reconciliation(imported, tmp_path):
    rows = published_rows()
    changed = next(row for row in rows if row["nationality"] == "Congolese (Drc)")
    changed["people"] = str(int(changed["people"]) + 2)
    path = tmp_path / "published.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"of \d+ published cells differ from the report for 2023-Q4"):
        call_command("reconcile_report", "--published", str(path), "--start", "2023-10-01", "--end", "2023-12-31",
                     stdout=out)
    listing = out.getvalue()
    age = changed["age_at_exploitation"]
    assert "table | label | column | published | ours" in listing
    assert f"referrals_by_nationality_and_age | Congolese (Drc) | {age} |" in listing
    assert f"referrals_by_gender_and_age | Total | Total | {PEOPLE + 2} | {PEOPLE}" in listing


def test_one_unknown_label_or_one_bad_row_still_refuses_the_whole_file(tmp_path):
    people = one_row_per_person(published_rows()[:40])
    people[7]["nationality"] = "Martian"
    people[11]["age_at_exploitation"] = "Elderly"
    path = tmp_path / "people.csv"
    path.write_text(csv_text(people), encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_referrals", str(path), stdout=io.StringIO(), stderr=errors)
    listing = errors.getvalue()
    assert "Row 9, nationality: 'Martian' is not a nationality label" in listing  # line 9: the header is line 1
    assert "Row 13, age_at_exploitation: must be one of" in listing
    assert not Referral.objects.exists()


def test_published_labels_are_read_as_published(tmp_path):
    labels = ["Unknown", "Albanian Unknown", "Unknown UK", "Bermudian", "Congolese (Drc)", "UK Zimbabwean",
              "Citizen of the Dominican Republic", "South Sudanese Sudanese", "Congolese (Congo) Unknown"]
    rows = [{"reference": f"L-{index}", "referral_date": "2023-11-01", "first_responder_organisation": "BAWSO",
             "first_responder_type": "NGO and third sector", "nationality": label,
             "exploitation_types": "Labour, Domestic, Organ Harvesting"} for index, label in enumerate(labels)]
    _import(tmp_path, rows)
    report = build_report(Period.quarter("2023-Q4"))
    nationalities = {row[0] for row in report.table("referrals_by_nationality_and_age").rows}
    assert set(labels) <= nationalities
    exploitation = {row[0] for row in report.table("referrals_by_exploitation_type_and_age").rows}
    assert "Labour, Domestic, Organ Harvesting" in exploitation
