"""The report as files: JSON, a zip of CSV files (one per table), XLSX and ODS (a cover sheet, then
one sheet per table). Spreadsheet cells that hold text are written as text, and CSV text starting
with = + - or @ is prefixed with an apostrophe, so no cell can run as a formula."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

from odf.number import CurrencyStyle, CurrencySymbol, Number, NumberStyle
from odf.opendocument import OpenDocumentSpreadsheet
from odf.style import Style
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from core.figures import Money, count
from core.spreadsheets import safe_text  # the one rule, shared with payment statements
from monitoring.report import SYMBOLS, TITLE, Report, suppression_rule

FORMATS = {
    "json": "application/json",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
EXTENSIONS = {"json": "json", "csv": "zip", "xlsx": "xlsx", "ods": "ods"}


def filename(report: Report, export_format: str) -> str:
    return f"nrm-monitoring-{report.period.slug}.{EXTENSIONS[export_format]}"


def title(report: Report) -> str:
    return f"{TITLE} (provisional)" if report.provisional else TITLE


def cover_rows(report: Report) -> list[list[str]]:
    return [
        [title(report)],
        ["Period", f"{report.period.start:%-d %B %Y} to {report.period.end:%-d %B %Y}"
                   + (" (provisional)" if report.provisional else "")],
        ["Generated", f"{report.generated_at:%-d %B %Y %H:%M} UTC"],
        ["Suppression", suppression_rule()],
        *[["Note", note] for note in report.notes],
        *[["Symbol " + symbol, meaning] for symbol, meaning in SYMBOLS.items()],
        ["Tables", ""],
        *[[table.sheet, table.title] for table in report.tables],
    ]


def _csv_value(value: object) -> object:
    return str(value) if isinstance(value, Money) else safe_text(value)


def to_json(report: Report) -> bytes:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False).encode()


def to_csv_zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in report.tables:
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow([safe_text(column) for column in table.columns])
            writer.writerows([[_csv_value(value) for value in row] for row in table.rows])
            archive.writestr(f"{table.id}.csv", text.getvalue())
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"

    def write(sheet, row_values: list[object], bold: bool = False) -> None:
        sheet.append([None] * len(row_values))
        for column, value in enumerate(row_values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(value, Money):  # a number in pounds, shown as published: £2,000,000.00
                cell.value = value.decimal
                cell.number_format = '"£"#,##0.00'
            else:
                cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=..."
            elif isinstance(value, int) and not isinstance(value, bool):
                cell.number_format = "#,##0"
            elif isinstance(value, float | Decimal):
                cell.number_format = "#,##0.0"
            if bold:
                cell.font = Font(bold=True)

    for index, row in enumerate(cover_rows(report)):
        write(cover, row, bold=index == 0)
    for table in report.tables:
        sheet = workbook.create_sheet(table.sheet[:31])
        write(sheet, [table.title], bold=True)
        write(sheet, table.columns, bold=True)
        for row in table.rows:
            write(sheet, row, bold=row[0] == "Total")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(report: Report) -> bytes:
    document = OpenDocumentSpreadsheet()
    # Counts with thousands separators, money as pounds to the penny: the published forms.
    whole = NumberStyle(name="whole")
    whole.addElement(Number(decimalplaces=0, minintegerdigits=1, grouping="true"))
    one_place = NumberStyle(name="one-place")
    one_place.addElement(Number(decimalplaces=1, minintegerdigits=1, grouping="true"))
    sterling = CurrencyStyle(name="sterling")
    sterling.addElement(CurrencySymbol(language="en", country="GB", text="£"))
    sterling.addElement(Number(decimalplaces=2, minintegerdigits=1, grouping="true"))
    styles = {}
    for data_style in (whole, one_place, sterling):
        document.styles.addElement(data_style)
        styles[data_style.getAttribute("name")] = Style(name=f"cell-{data_style.getAttribute('name')}",
                                                        family="table-cell", datastylename=data_style)
        document.automaticstyles.addElement(styles[data_style.getAttribute("name")])

    def add_sheet(name: str, rows: list[list[object]]) -> None:
        sheet = Table(name=name)
        for row_values in rows:
            row = TableRow()
            for value in row_values:
                if isinstance(value, Money):
                    cell = TableCell(valuetype="currency", currency="GBP", value=str(value.decimal),
                                     stylename=styles["sterling"])
                    cell.addElement(P(text=str(value)))
                elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text="" if value is None else str(value)))
                else:
                    style = styles["whole"] if isinstance(value, int) else styles["one-place"]
                    cell = TableCell(valuetype="float", value=value, stylename=style)
                    cell.addElement(P(text=count(value)))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)

    add_sheet("Cover", cover_rows(report))
    for table in report.tables:
        add_sheet(table.sheet[:31], [[table.title], table.columns, *table.rows])
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def render(report: Report, export_format: str) -> bytes:
    return {"json": to_json, "csv": to_csv_zip, "xlsx": to_xlsx, "ods": to_ods}[export_format](report)


__all__ = ["FORMATS", "filename", "render"]
