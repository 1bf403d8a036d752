"""Statistical disclosure control for tables below national level.

Primary: counts from 1 to NRM_REPORT_SUPPRESS_MAX (default 4) are shown as [c].
Secondary: a table whose rows or columns add up to a shown total would let a reader work out a
lone suppressed cell by subtraction, so every row and column (with its total) that has exactly one
suppressed cell has a second one suppressed: the smallest other count, a total only when nothing
else is left. This repeats until no row or column has exactly one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESSED = "[c]"

Cell = tuple[int, int]


@dataclass(frozen=True)
class Grid:
    """Which cells of a table are counts, and which of them add up to which totals."""

    count_columns: Sequence[int]
    total_column: int | None  # the row total (e.g. "Total"), itself one of count_columns
    total_row: int | None  # the index of the "Total" row, or None

    def constraint_sets(self, row_count: int) -> list[list[Cell]]:
        sets: list[list[Cell]] = []
        if self.total_column is not None:
            sets += [[(row, column) for column in self.count_columns] for row in range(row_count)]
        if self.total_row is not None:
            sets += [[(row, column) for row in range(row_count)] for column in self.count_columns]
        return sets


def suppressed_cells(rows: Sequence[Sequence[object]], grid: Grid, threshold: int) -> set[Cell]:
    values = {(r, c): rows[r][c] for r in range(len(rows)) for c in grid.count_columns}
    hidden = {cell for cell, value in values.items() if isinstance(value, int) and 1 <= value <= threshold}
    totals = {cell for cell in values if cell[0] == grid.total_row or cell[1] == grid.total_column}
    sets = grid.constraint_sets(len(rows))
    changed = bool(hidden)
    while changed:
        changed = False
        for cells in sets:
            if sum(cell in hidden for cell in cells) != 1:
                continue
            candidates = [cell for cell in cells if cell not in hidden]
            if not candidates:
                continue
            # Prefer a non-total, then a non-zero count, then the smallest.
            candidates.sort(key=lambda cell: (cell in totals, values[cell] == 0, values[cell], cell))
            hidden.add(candidates[0])
            changed = True
    return hidden


def apply_suppression(rows: list[list[object]], grid: Grid, threshold: int) -> list[list[object]]:
    hidden = suppressed_cells(rows, grid, threshold)
    return [[SUPPRESSED if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(rows)]
