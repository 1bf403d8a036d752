"""Reference lists for the referral form, the historic import and the quarterly statistics.

The lists themselves are data files in referrals/data/, read once at import, so that a list can be
replaced or extended without touching code:

- nationalities.csv (code, label): labels follow the Home Office NRM statistics, which call British
  nationals "UK";
- countries.csv (code, name);
- uk_police_forces.csv (name).

Codes are ISO 3166-1 alpha-2 (plus XK for Kosovo, and XX / ZZ for stateless and unknown). Each file
keeps its order: it is the order the form's lists show.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def _read(name: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The rows of a data file, as tuples of the named columns in file order."""
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return tuple(tuple(row[column] for column in columns) for row in csv.DictReader(handle))


NATIONALITIES: tuple[tuple[str, str], ...] = _read("nationalities.csv", ("code", "label"))
COUNTRIES: tuple[tuple[str, str], ...] = _read("countries.csv", ("code", "name"))
UK_POLICE_FORCES: tuple[str, ...] = tuple(name for (name,) in _read("uk_police_forces.csv", ("name",)))

NATIONALITY_LABELS: dict[str, str] = dict(NATIONALITIES)
COUNTRY_NAMES: dict[str, str] = dict(COUNTRIES)

_ALIASES = {"british": "GB", "uk": "GB", "united kingdom": "GB", "great britain": "GB", "english": "GB",
            "welsh": "GB", "scottish": "GB", "northern irish": "GB", "viet nam": "VN", "cote d'ivoire": "CI",
            "drc": "CD", "burma": "MM", "czech republic": "CZ", "usa": "US", "palestine": "PS"}
_LOOKUP: dict[str, str] = {
    **{label.lower(): code for code, label in NATIONALITIES},
    **{name.lower(): code for code, name in COUNTRIES},
    **{name.lower().removeprefix("the "): code for code, name in COUNTRIES},
    **{code.lower(): code for code, _ in NATIONALITIES},
    **_ALIASES,
}


def nationality_code_for_label(label: str) -> str | None:
    """The code for a nationality given as a label ("Albanian"), country name ("Albania") or code ("AL")."""
    return _LOOKUP.get(" ".join(label.split()).lower())
