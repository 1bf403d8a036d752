"""Formula-injection defences for every file a spreadsheet may open (report exports, payment statements):
CSV text starting with = + - @ (or a tab or carriage return) is prefixed with an apostrophe, and XLSX
cells that hold text are typed as text, so no cell can run as a formula whatever a record holds."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """A CSV cell: text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_typed_row(sheet, row_values: list[object]) -> None:
    """Append a row to an openpyxl sheet with every text cell typed as text (even "=...")."""
    sheet.append([None] * len(row_values))
    for column, value in enumerate(row_values, start=1):
        cell = sheet.cell(row=sheet.max_row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
