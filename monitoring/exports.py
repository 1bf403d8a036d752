"""The report as files: JSON, a zip of CSV files (one per table), XLSX and ODS (a cover sheet, then
one sheet per table). Spreadsheet cells that hold text are written as text, and CSV text starting
with = + - or @ is prefixed with an apostrophe, so no cell can run as a formula."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from monitoring.report import NOTES, TITLE, Report, suppression_rule

FORMATS = {
    "json": "application/json",
    "csv": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
EXTENSIONS = {"json": "json", "csv": "zip", "xlsx": "xlsx", "ods": "ods"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def filename(report: Report, export_format: str) -> str:
    return f"nrm-monitoring-{report.period.slug}.{EXTENSIONS[export_format]}"


def safe_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cover_rows(report: Report) -> list[list[str]]:
    return [
        [TITLE],
        ["Period", f"{report.period.start:%-d %B %Y} to {report.period.end:%-d %B %Y}"],
        ["Generated", f"{report.generated_at:%-d %B %Y %H:%M} UTC"],
        ["Suppression", suppression_rule()],
        *[["Note", note] for note in NOTES],
        ["Tables", ""],
        *[[table.sheet, table.title] for table in report.tables],
    ]


def to_json(report: Report) -> bytes:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False).encode()


def to_csv_zip(report: Report) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in report.tables:
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow([safe_text(column) for column in table.columns])
            writer.writerows([[safe_text(value) for value in row] for row in table.rows])
            archive.writestr(f"{table.id}.csv", text.getvalue())
    return buffer.getvalue()


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"

    def write(sheet, row_values: list[object], bold: bool = False) -> None:
        sheet.append([None] * len(row_values))
        for column, value in enumerate(row_values, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=..."
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
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()

    def add_sheet(name: str, rows: list[list[object]]) -> None:
        sheet = Table(name=name)
        for row_values in rows:
            row = TableRow()
            for value in row_values:
                if isinstance(value, bool) or not isinstance(value, int | float):
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text="" if value is None else str(value)))
                else:
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
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
