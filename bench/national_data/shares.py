"""The published shares the synthetic national data is drawn from: who was referred, by whom.

The Home Office's published Q4 2023 counts (open data, SHARES_CSV) are kept in the repository so a
clone alone runs. Each published row becomes a PersonProfile in this service's codes; the generator
draws profiles with probability proportional to their `people`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from organisations.models import FirstResponderType
from referrals.models import AgeGroup, ExploitationType, Gender
from referrals.reference_data import nationality_code_for_label

SHARES_CSV = Path(__file__).resolve().parent / "data" / "referrals-2023-q4-by-first-responder.csv"

RESPONDER_TYPES = {label.lower(): value for value, label in FirstResponderType.choices}
AGE_GROUPS = {label.lower(): value for value, label in AgeGroup.choices}
GENDERS = {label.lower(): value for value, label in Gender.choices}
EXPLOITATION_LABELS = {"labour": ExploitationType.LABOUR, "sexual": ExploitationType.SEXUAL,
                       "criminal": ExploitationType.CRIMINAL, "domestic": ExploitationType.DOMESTIC,
                       "organ harvesting": ExploitationType.ORGAN, "not specified or unknown": ExploitationType.UNKNOWN}
UNKNOWN_NATIONALITY_LABELS = {"unknown", "not specified or unknown"}


class GenerationError(Exception):
    """The generator cannot run: the shares file is missing, an organisation name is taken, or the
    models have changed in a way the generator does not know about."""


@dataclass(frozen=True)
class PersonProfile:
    """One published row: who was referred, by whom, and how many people it counts."""

    responder_type: str
    responder_name: str
    exploitation_types: tuple[str, ...]
    age_at_exploitation: str
    gender: str
    nationality: str
    second_nationality: str
    people: int



def exploitation_types_for_label(label: str) -> tuple[str, ...]:
    """'Labour, Domestic & Criminal' -> ('labour', 'criminal', 'domestic'), in the form's order."""
    parts = [part.strip().lower() for part in label.replace(" & ", ",").split(",") if part.strip()]
    try:
        chosen = {EXPLOITATION_LABELS[part] for part in parts}
    except KeyError as unknown:
        raise GenerationError(f"Unknown exploitation type {unknown.args[0]!r} in {label!r}") from None
    if len(chosen) > 1:
        chosen.discard(ExploitationType.UNKNOWN)
    return tuple(value for value in ExploitationType.values if value in chosen) or (ExploitationType.UNKNOWN,)


def nationality_codes_for_label(label: str) -> tuple[str, str]:
    """(nationality, second nationality) for a published label: 'Albanian' -> ('AL', ''), 'Albanian Greek' ->
    ('AL', 'GR'), 'Unknown UK' -> ('GB', ''). Unknown, and a label with no code, give ''."""
    words = label.split()
    splits = [(label, "")] + [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    for first, second in splits:
        codes = [_nationality_code(part) for part in (first, second) if part]
        if None not in codes:
            first_code, second_code, *_ = [*(code for code in codes if code), "", ""]
            return first_code, second_code
    return "", ""


def _nationality_code(label: str) -> str | None:
    """The code of one nationality; '' for unknown; None when the label is not a nationality."""
    if label.lower() in UNKNOWN_NATIONALITY_LABELS:
        return ""
    return nationality_code_for_label(label)


def load_person_profiles(path: Path = SHARES_CSV) -> list[PersonProfile]:
    """The published rows, mapped to this service's codes."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise GenerationError(f"Cannot read the published shares {path}: {error.strerror}") from None
    profiles = []
    for row in rows:
        nationality, second = nationality_codes_for_label(row["nationality"])
        profiles.append(PersonProfile(
            responder_type=RESPONDER_TYPES[row["first_responder_type"].lower()],
            responder_name=row["first_responder"].strip(),
            exploitation_types=exploitation_types_for_label(row["exploitation_type"]),
            age_at_exploitation=AGE_GROUPS[row["age_at_exploitation"].lower()],
            gender=GENDERS[row["gender"].lower()],
            nationality=nationality, second_nationality=second, people=int(row["people"]),
        ))
    return profiles


def cum_weights(weights: Iterable[float]) -> tuple[float, ...]:
    """Running totals, for bisect and random.choices(cum_weights=...)."""
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return tuple(cumulative)
