"""Comparing the report with a file the Home Office publishes: every cell of the tables by first responder,
by exploitation type, by gender and by nationality (each by age at exploitation), for analysts checking a
quarter before publication (`manage.py reconcile_report`).

The published file has one row per published cell with at least one person, in the shape of the shared
extract (docs/monitoring.md): first_responder_type, first_responder, exploitation_type,
age_at_exploitation, gender, nationality, people. A cell the file does not list is a published zero."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from monitoring.report import Report
from monitoring.tables.base import AGE_COLUMNS

PUBLISHED_COLUMNS = ("first_responder_type", "first_responder", "exploitation_type", "age_at_exploitation",
                     "gender", "nationality", "people")
# Each compared table: its id in the report, its label columns, and the published columns they come from.
COMPARED_TABLES: dict[str, tuple[str, ...]] = {
    "referrals_by_first_responder": ("first_responder_type", "first_responder"),
    "referrals_by_exploitation_type_and_age": ("exploitation_type",),
    "referrals_by_gender_and_age": ("gender",),
    "referrals_by_nationality_and_age": ("nationality",),
}
AGES = AGE_COLUMNS[:-1]

Cells = dict[tuple[str, ...], dict[str, int]]


class PublishedFileError(ValueError):
    """The published file cannot be read; `errors` names each row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Difference:
    table: str
    label: str
    column: str
    published: object
    ours: object

    def __str__(self) -> str:
        return f"{self.table} | {self.label} | {self.column} | published {self.published} | ours {self.ours}"


def read_published(lines: Iterable[str]) -> list[dict[str, str]]:
    reader = csv.DictReader(lines)
    missing = [column for column in PUBLISHED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise PublishedFileError([f"Missing column: {column}" for column in missing])
    rows, errors = [], []
    for row in reader:
        line = reader.line_num
        if row["age_at_exploitation"] not in AGES:
            errors.append(f"Row {line}, age_at_exploitation: '{row['age_at_exploitation']}' is not one of "
                          f"{', '.join(AGES)}")
        if not (row["people"] or "").isdigit():
            errors.append(f"Row {line}, people: '{row['people']}' is not a whole number")
        rows.append(row)
    if errors:
        raise PublishedFileError(errors)
    return rows


def published_cells(rows: list[dict[str, str]]) -> dict[str, Cells]:
    """Each compared table's cells from the published rows: by label, each age and the total, and a Total row."""
    tables: dict[str, Cells] = {}
    for table_id, label_columns in COMPARED_TABLES.items():
        cells: Cells = defaultdict(lambda: defaultdict(int))
        total_label = ("Total", *[""] * (len(label_columns) - 1))
        for row in rows:
            people = int(row["people"])
            for label in (tuple(row[column] for column in label_columns), total_label):
                cells[label][row["age_at_exploitation"]] += people
                cells[label]["Total"] += people
        tables[table_id] = cells
    return tables


def report_cells(tables: dict[str, tuple[list[str], list[list[object]]]]) -> dict[str, Cells]:
    """The same cells from the report's tables, given as {table id: (columns, rows)}."""
    found: dict[str, Cells] = {}
    for table_id, label_columns in COMPARED_TABLES.items():
        columns, rows = tables[table_id]
        width = len(label_columns)
        found[table_id] = {tuple(str(value) for value in row[:width]):
                           dict(zip(columns[width:], row[width:], strict=True)) for row in rows}
    return found


def differences(published: dict[str, Cells], ours: dict[str, Cells]) -> tuple[list[Difference], int]:
    """Every cell that differs (a cell missing on either side counts as 0), and how many cells were compared."""
    found: list[Difference] = []
    compared = 0
    for table_id in COMPARED_TABLES:
        theirs, mine = published[table_id], ours[table_id]
        for label in sorted(set(theirs) | set(mine), key=lambda label: (label[0] == "Total", label)):
            for column in AGE_COLUMNS:
                expected = theirs.get(label, {}).get(column, 0)
                actual = mine.get(label, {}).get(column, 0)
                compared += 1
                if expected != actual:
                    found.append(Difference(table_id, " / ".join(part for part in label if part), column,
                                            expected, actual))
    return found, compared


def reconcile(report: Report, lines: Iterable[str]) -> tuple[list[Difference], int]:
    tables = {table.id: (table.columns, table.rows) for table in report.tables if table.id in COMPARED_TABLES}
    return differences(published_cells(read_published(lines)), report_cells(tables))
