"""What every table of the monitoring report shares: the Table itself, the Home Office's labels and
orders, the referrals of a period, rows by age at exploitation, and suppression below national level."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet

from core.figures import Money
from monitoring.periods import Period
from monitoring.suppression import Grid, apply_suppression
from referrals.models import AgeGroup, ExploitationLocation, ExploitationType, Gender, Nation, Referral, ReferralKind
from referrals.reference_data import NATIONALITY_LABELS, UNKNOWN_NATIONALITY

AGE_ORDER = [AgeGroup.ADULT, AgeGroup.CHILD, AgeGroup.UNKNOWN]
AGE_COLUMNS = ["Adult (18 or over)", "Child (17 or under)", "Not specified or unknown", "Total"]
UNKNOWN = "Not specified or unknown"
EXPLOITATION_ORDER = [ExploitationType.SEXUAL, ExploitationType.LABOUR, ExploitationType.DOMESTIC,
                      ExploitationType.CRIMINAL, ExploitationType.ORGAN]
EXPLOITATION_LABELS = {ExploitationType.SEXUAL: "Sexual", ExploitationType.LABOUR: "Labour",
                       ExploitationType.DOMESTIC: "Domestic", ExploitationType.CRIMINAL: "Criminal",
                       ExploitationType.ORGAN: "Organ Harvesting"}
LOCATION_LABELS = {ExploitationLocation.UK: "UK", ExploitationLocation.OVERSEAS: "Overseas",
                   ExploitationLocation.BOTH: "UK and Overseas", ExploitationLocation.UNKNOWN: UNKNOWN}
# Combined labels the Home Office publishes in a spelling of their own (the Q4 2023 tables): followed as published.
PUBLISHED_COMBINED_LABELS = {
    frozenset({ExploitationType.LABOUR, ExploitationType.DOMESTIC, ExploitationType.ORGAN}):
        "Labour, Domestic, Organ Harvesting",
}
NATION_LABELS = {**{value: label for value, label in Nation.choices}, "": UNKNOWN}
GENDER_LABELS = dict(Gender.choices)


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[object]]
    sheet: str  # a spreadsheet sheet name (31 characters at most)
    suppressed: bool = False
    counterpart: str = ""  # the Home Office's published table it stands beside (docs/monitoring.md)

    @classmethod
    def by_age(cls, table_id: str, title: str, characteristic: str, rows: list[list[object]], *,
               counterpart: str) -> Table:
        """The report's usual shape: counts by one characteristic (its column and sheet name) and age at
        exploitation."""
        return cls(table_id, title, [characteristic, *AGE_COLUMNS], rows, characteristic, counterpart=counterpart)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "columns": self.columns,
                "rows": [[_jsonable(value) for value in row] for row in self.rows]}


def _jsonable(value: object) -> object:
    """Money as it is published in tables (£2,000,000.00); everything else as it is."""
    return str(value) if isinstance(value, Money) else value



def exploitation_label(types: Iterable[str]) -> str:
    """'Sexual', 'Sexual & Labour', 'Labour, Domestic & Criminal': in the Home Office's order and spelling."""
    chosen_types = [value for value in EXPLOITATION_ORDER if value in set(types)]
    if frozenset(chosen_types) in PUBLISHED_COMBINED_LABELS:
        return PUBLISHED_COMBINED_LABELS[frozenset(chosen_types)]
    chosen = [EXPLOITATION_LABELS[value] for value in chosen_types]
    if not chosen:
        return UNKNOWN
    return chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " & " + chosen[-1]


def exploitation_sort_key(label: str) -> tuple:
    if label == UNKNOWN:
        return (99,)
    parts = [part for chunk in label.split(", ") for part in chunk.split(" & ")]
    order = list(EXPLOITATION_LABELS.values())
    return (len(parts), [order.index(part) for part in parts])


def nationality_label(first: str, second: str) -> str:
    """The published label: "Albanian", "Albanian Greek", "Unknown", "Unknown UK"."""
    first_label = NATIONALITY_LABELS.get(first, first) if first else UNKNOWN_NATIONALITY
    return " ".join([first_label, *([NATIONALITY_LABELS.get(second, second)] if second else [])])


def referrals_in_period(period: Period, kind: str = ReferralKind.NRM) -> QuerySet[Referral]:
    start, end = period.bounds()
    return Referral.objects.filter(kind=kind, submitted_at__gte=start, submitted_at__lt=end)


def age_rows(groups: Iterable[dict], key: Callable[[dict], tuple], labels: list[tuple] | None = None,
              sort_key: Callable[[tuple], object] | None = None, total_labels: int = 1) -> list[list[object]]:
    """Rows of label(s) then Adult, Child, Unknown, Total from (group..., age, n) rows; then a Total row."""
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for labels_row in labels or []:
        counts[labels_row]
    for group in groups:
        counts[key(group)][AGE_ORDER.index(group["age"])] += group["n"]
    ordered = sorted(counts, key=sort_key) if sort_key else list(counts)
    rows = [[*label, *values, sum(values)] for label, values in ((label, counts[label]) for label in ordered)]
    totals = [sum(row[total_labels + index] for row in rows) for index in range(4)]
    return [*rows, ["Total", *([""] * (total_labels - 1)), *totals]]


def grouped(queryset: QuerySet, *fields: str, **expressions) -> list[dict]:
    return list(queryset.values(*fields, **expressions).annotate(n=Count("pk")).order_by())


def suppressed(table: Table, *, label_columns: int, count_columns: list[int] | None = None,
                total_column: int | None = -1) -> Table:
    count_columns = count_columns or list(range(label_columns, len(table.columns)))
    total_column = count_columns[-1] if total_column == -1 else total_column
    grid = Grid(count_columns=count_columns, total_column=total_column, total_row=len(table.rows) - 1)
    table.rows = apply_suppression(table.rows, grid, settings.NRM_REPORT_SUPPRESS_MAX)
    table.suppressed = True
    return table
