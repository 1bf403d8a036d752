"""Every format holds the same numbers as the JSON; no cell can run as a formula; the quarterly
job stores one immutable run however often it runs, and tells the monitors."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, transaction
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow
from openpyxl import load_workbook

from core.figures import count
from monitoring import exports
from monitoring.models import ReportFile, ReportRun
from monitoring.periods import Period
from monitoring.report import build_report
from monitoring.tasks import store_previous_quarter_report
from organisations.models import OrgRole, Role
from tests.factories import OrganisationFactory, UserFactory
from tests.monitoring.builders import published_2011_rows
from tests.monitoring.conftest import row

pytestmark = pytest.mark.django_db
Q4_2023 = Period.quarter("2023-Q4")
NASTY = "=HYPERLINK(\"http://evil.example\",\"click\")"


@pytest.fixture
def report(load, settings):
    settings.NRM_REPORT_SUPPRESS_MAX = 0
    load([row("A", "2023-10-02", nationality="Albanian", age_at_exploitation="Adult"),
          row("B", "2023-11-02", first_responder_organisation=NASTY, first_responder_type="NGO and third sector",
              age_at_exploitation="Child"),
          row("C", "2023-12-02", first_responder_organisation="+44 Helpline",
              first_responder_type="NGO and third sector")])
    return build_report(Q4_2023)


def _json_tables(report) -> dict[str, list]:
    data = json.loads(exports.to_json(report))
    assert set(data) == {"period", "generated_at", "provisional", "notes", "symbols", "tables"}
    assert data["period"] == {"start": "2023-10-01", "end": "2023-12-31"}
    return {table["id"]: [table["columns"], *table["rows"]] for table in data["tables"]}


def test_xlsx_holds_the_json_numbers_with_a_cover_sheet(report):
    expected = _json_tables(report)
    workbook = load_workbook(io.BytesIO(exports.to_xlsx(report)))
    assert workbook.sheetnames[0] == "Cover" and len(workbook.sheetnames) == 1 + len(report.tables)
    cover = [[cell for cell in r if cell is not None] for r in workbook["Cover"].iter_rows(values_only=True)]
    assert ["Period", "1 October 2023 to 31 December 2023"] in cover
    assert any(r and r[0] == "Suppression" for r in cover)
    assert ["Symbol [x]", "not available: there is nothing to take the figure from, such as a median with no "
            "decisions"] in cover
    for table in report.tables:
        sheet = [list(r) for r in workbook[table.sheet].iter_rows(values_only=True)]
        assert sheet[0][0] == table.title
        assert [[("" if v is None else v) for v in r[:len(table.columns)]] for r in sheet[1:]] == [
            [_pounds_as_number(v) for v in r] for r in expected[table.id]]
    budget = workbook["Budget"]
    assert budget["B3"].value == 2000000
    assert budget["B3"].number_format == '"£"#,##0.00', "money shown as published, and still a number"
    assert workbook["Exploitation type"]["E3"].number_format == "#,##0"
    responders = workbook["First responder"]
    nasty = next(c for r in responders.iter_rows() for c in r if c.value == NASTY)
    assert nasty.data_type == "s", "text, not a formula"


def _pounds_as_number(value: object) -> object:
    """JSON gives money as published ("£2,000,000.00"); a spreadsheet holds the number of pounds."""
    if isinstance(value, str) and value.startswith("£"):
        return float(Decimal(value[1:].replace(",", "")))
    return value


def _ods_sheets(content: bytes) -> dict[str, list[list[str]]]:
    document = load_ods(io.BytesIO(content))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(Table):
        sheets[sheet.getAttribute("name")] = [
            [teletype.extractText(cell) for cell in r.getElementsByType(TableCell)]
            for r in sheet.getElementsByType(TableRow)]
    return sheets


def test_ods_holds_the_json_numbers(report):
    expected = _json_tables(report)
    sheets = _ods_sheets(exports.to_ods(report))
    assert next(iter(sheets)) == "Cover" and len(sheets) == 1 + len(report.tables)
    for table in report.tables:
        assert sheets[table.sheet][0] == [table.title]
        assert sheets[table.sheet][1:] == [[v if isinstance(v, str) else count(v) for v in r]
                                           for r in expected[table.id]]
    assert ["Budget for the financial year April 2023 to March 2024", "£2,000,000.00"] in sheets["Budget"]


def test_csv_is_a_zip_of_one_file_per_table_with_formulas_escaped(report):
    archive = zipfile.ZipFile(io.BytesIO(exports.to_csv_zip(report)))
    assert sorted(archive.namelist()) == sorted(f"{table.id}.csv" for table in report.tables)
    responders = archive.read("referrals_by_first_responder.csv").decode()
    assert "'=HYPERLINK" in responders and "\n=HYPERLINK" not in responders and ",=HYPERLINK" not in responders
    assert "'+44 Helpline" in responders
    assert archive.read("referrals_by_gender_and_age.csv").decode().splitlines()[0] == \
        "Gender,Adult (18 or over),Child (17 or under),Not specified or unknown,Total"


def test_the_command_writes_every_format(load, tmp_path):
    """Each file opened and read back: the same Total row of the same table in every format."""
    load(published_2011_rows())
    for export_format in ("json", "csv", "xlsx", "ods"):
        target = tmp_path / f"report.{export_format}"
        call_command("monitoring_report", "--start", "2009-04-01", "--end", "2010-12-31", "--format", export_format,
                     "--output", str(target), stdout=io.StringIO())
    total = ["Total", 932, 322, 0, 1254]
    data = json.loads((tmp_path / "report.json").read_text())
    table = next(t for t in data["tables"] if t["id"] == "referrals_by_exploitation_type_and_age")
    assert table["rows"][-1] == total
    sheet = next(t.sheet for t in build_report(Period(datetime.date(2009, 4, 1), datetime.date(2010, 12, 31))).tables
                 if t.id == table["id"])
    archive = zipfile.ZipFile(tmp_path / "report.csv")
    lines = archive.read(f"{table['id']}.csv").decode().splitlines()
    assert lines[0].split(",") == table["columns"] and lines[-1].split(",") == [str(v) for v in total]
    workbook = load_workbook(tmp_path / "report.xlsx")
    rows = [list(r[:len(total)]) for r in workbook[sheet].iter_rows(values_only=True)]
    assert rows[1] == table["columns"] and rows[-1] == total
    ods = _ods_sheets((tmp_path / "report.ods").read_bytes())[sheet]
    assert ods[1][:len(total)] == table["columns"] and ods[-1][:len(total)] == ["Total", "932", "322", "0", "1,254"]
    out = io.StringIO()
    call_command("monitoring_report", "--quarter", "2010-Q2", "--output", "-", stdout=out)
    assert json.loads(out.getvalue())["period"] == {"start": "2010-04-01", "end": "2010-06-30"}


def test_the_quarterly_job_stores_one_immutable_run_and_tells_the_monitors(load, django_capture_on_commit_callbacks):
    monitors = OrganisationFactory(roles=[OrgRole.MONITOR], first_responder_type="")
    monitor = UserFactory(organisation=monitors, roles=[Role.MONITOR])
    load([row("A", "2023-10-02"), row("B", "2024-01-02")])
    with time_machine.travel("2024-01-01 03:00 +00:00", tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        first = store_previous_quarter_report()
        second = store_previous_quarter_report()
    assert first["created"] is True and second == {"run": first["run"], "created": False}
    run = ReportRun.objects.get()
    assert (run.period_start.isoformat(), run.period_end.isoformat()) == ("2023-10-01", "2023-12-31")
    assert sorted(run.files.values_list("export_format", flat=True)) == ["csv", "json", "ods", "xlsx"]
    stored = json.loads(run.files.get(export_format="json").file.read())
    assert stored["tables"] == run.data["tables"]
    assert next(t for t in stored["tables"] if t["id"] == "referrals_by_gender_and_age")["rows"][-1][-1] == 1
    with pytest.raises(DatabaseError, match=r"(?s)Cannot update or delete rows from monitoring_reportrun table"
                                            r".*pgtrigger_report_run_immutable_"), transaction.atomic():
        ReportRun.objects.filter(pk=run.pk).update(data={})
    with pytest.raises(DatabaseError, match=r"(?s)Cannot update or delete rows from monitoring_reportfile table"
                                            r".*pgtrigger_report_file_immutable_"), transaction.atomic():
        ReportFile.objects.filter(run=run).delete()
    assert [message.to for message in mail.outbox] == [[monitor.email]]
    assert "2023-Q4" in mail.outbox[0].subject and "/reports/?kind=quarter&quarter=2023-Q4" in mail.outbox[0].body
