"""Reference lists for the referral form, the historic import and the quarterly statistics.

The lists themselves are data files in referrals/data/, read once at import, so that a list can be
replaced or extended without touching code:

- nationalities.csv (code, label): the whole GOV.UK list of nationalities (the names GOV.UK services
  offer, British overseas territories and the "Citizen of ..." names included), spelt as the Home
  Office's "Modern Slavery: National Referral Mechanism and Duty to Notify statistics" publish them:
  British nationals are "UK" (the list's British, English, Scottish, Welsh, Northern Irish, Cymraes,
  Cymro and Prydeinig all mean UK), an unknown nationality is "Unknown", and the Democratic Republic
  of the Congo's is "Congolese (Drc)"; then Stateless and Unknown. A dual nationality is published as
  the two labels side by side ("Albanian Greek", "Albanian Unknown"): split_nationality_label reads
  one back. docs/monitoring.md lists the source of every list;
- countries.csv (code, name);
- uk_police_forces.csv (name).

Codes are ISO 3166-1 alpha-2 (plus XK for Kosovo, TA for Tristan da Cunha, and XX / ZZ for stateless
and unknown). Each file
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

# The GOV.UK list's names for British nationals, which the Home Office publishes as "UK".
BRITISH_NAMES: tuple[str, ...] = ("British", "English", "Scottish", "Welsh", "Northern Irish", "Cymraes", "Cymro",
                                  "Prydeinig")
UNKNOWN_NATIONALITY = "Unknown"

_ALIASES = {**{name.lower(): "GB" for name in BRITISH_NAMES},
            "uk": "GB", "united kingdom": "GB", "great britain": "GB", "viet nam": "VN", "cote d'ivoire": "CI",
            "drc": "CD", "congolese (drc)": "CD", "burma": "MM", "czech republic": "CZ", "usa": "US",
            "palestine": "PS", "not specified or unknown": "ZZ"}
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


def split_nationality_label(label: str) -> tuple[str, str] | None:
    """The codes of a published nationality label, one nationality or two side by side ("Albanian Greek",
    "Congolese (Congo) Unknown", "UK Zimbabwean"); None when it is not made of published labels."""
    words = label.split()
    single = nationality_code_for_label(label)
    if single is not None:
        return single, ""
    for cut in range(1, len(words)):
        first, second = (nationality_code_for_label(" ".join(part)) for part in (words[:cut], words[cut:]))
        if first is not None and second is not None:
            return first, second
    return None
