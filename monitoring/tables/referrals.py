"""The referral tables of the monitoring report (NRM referrals by exploitation type, first responder,
gender, nationality, location, nation, competent authority, police force area and local authority, each by
age at exploitation) and the Duty to Notify tables.
Referrals count by their referral date; Duty to Notify records only in their own tables."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F
from django.db.models.expressions import Combinable
from django.db.models.fields.json import KT

from monitoring.periods import Period
from monitoring.tables.base import (
    AGE_COLUMNS,
    GENDER_LABELS,
    LOCATION_LABELS,
    NATION_LABELS,
    UNKNOWN,
    Table,
    age_rows,
    exploitation_label,
    exploitation_sort_key,
    grouped,
    nationality_label,
    referrals_in_period,
    suppressed,
)
from organisations.models import FirstResponderType
from referrals.models import ReferralKind


def referrals_by_exploitation_type(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "exploitation_types", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (exploitation_label(g["exploitation_types"]),),
                     sort_key=lambda label: exploitation_sort_key(label[0]))
    return Table.by_age(
        "referrals_by_exploitation_type_and_age", "Referrals by exploitation type and age at exploitation",
        "Exploitation type", rows,
        counterpart="NRM referrals by exploitation type and age at exploitation")


def referrals_by_first_responder(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), age=F("age_at_exploitation"),
                      responder_type=F("first_responder_organisation__first_responder_type"),
                      name=F("first_responder_organisation__name"))
    type_labels = dict(FirstResponderType.choices)
    rows = age_rows(groups, lambda g: (type_labels.get(g["responder_type"], UNKNOWN), g["name"]),
                     sort_key=lambda labels: labels, total_labels=2)
    # Published in full by the Home Office, small counts included: not suppressed.
    return Table("referrals_by_first_responder", "Referrals by first responder and age at exploitation",
                 ["First responder type", "First responder", *AGE_COLUMNS], rows, "First responder",
                 counterpart="NRM referrals by first responder organisation and age at exploitation")


def referrals_by_gender(period: Period) -> Table:
    return Table.by_age(
        "referrals_by_gender_and_age", "Referrals by gender and age at exploitation",
        "Gender", _choice_rows(period, "gender", GENDER_LABELS),
        counterpart="NRM referrals by gender and age at exploitation")


def referrals_by_nationality(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "nationality", "second_nationality", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (nationality_label(g["nationality"], g["second_nationality"]),),
                     sort_key=lambda label: (label[0] == UNKNOWN, label[0]))
    return Table.by_age(
        "referrals_by_nationality_and_age", "Referrals by nationality and age at exploitation",
        "Nationality", rows,
        counterpart="NRM referrals by nationality and age at exploitation")


def referrals_by_exploitation_location(period: Period) -> Table:
    rows = _choice_rows(period, "exploitation_location", LOCATION_LABELS)
    return Table.by_age(
        "referrals_by_exploitation_location_and_age", "Referrals by where the exploitation happened and age",
        "Exploitation location", rows,
        counterpart="NRM referrals by location of exploitation and age")


def referrals_by_nation(period: Period) -> Table:
    # The UK's four nations are national figures, published in full.
    return Table.by_age(
        "referrals_by_nation_and_age", "Referrals by nation and age at exploitation",
        "Nation", _choice_rows(period, "nation", NATION_LABELS),
        counterpart="NRM referrals by UK nation where the exploitation took place and age")


def referrals_by_competent_authority(period: Period) -> Table:
    rows = _named_rows(period, F("competent_authority__name"))
    return Table.by_age(
        "referrals_by_competent_authority_and_age", "Referrals by competent authority and age at exploitation",
        "Competent authority", rows,
        counterpart="NRM referrals by competent authority (SCA, IECA) and age at exploitation")


def referrals_by_police_force_area(period: Period) -> Table:
    """Where the exploitation was reported to the police (the referral's police force answer)."""
    rows = _named_rows(period, KT("answers__risk__police_force"))
    table = Table.by_age(
        "referrals_by_police_force_area_and_age",
        "Referrals by police force area where the exploitation was reported, and age", "Police force area", rows,
        counterpart="NRM referrals by police force area where exploitation was reported")
    return suppressed(table, label_columns=1)


def referrals_by_local_authority(period: Period) -> Table:
    """The local authority a child's referral is shared with (adults: not specified)."""
    rows = _named_rows(period, F("local_authority__name"))
    table = Table.by_age(
        "referrals_by_local_authority_and_age",
        "Referrals by local authority where the exploitation was reported, and age", "Local authority", rows,
        counterpart="NRM referrals by local authority where exploitation was reported")
    return suppressed(table, label_columns=1)


def _choice_rows(period: Period, field: str, labels: dict[str, str]) -> list[list[object]]:
    """Rows by one of the referral's choices and age: every choice in its own order, none left out for being 0."""
    groups = grouped(referrals_in_period(period), field, age=F("age_at_exploitation"))
    return age_rows(groups, lambda g: (labels[g[field]],), labels=[(label,) for label in labels.values()])


def _named_rows(period: Period, name: Combinable) -> list[list[object]]:
    """Rows by a name (an organisation's, a police force's) and age, in name order with "not known" last."""
    groups = grouped(referrals_in_period(period), age=F("age_at_exploitation"), name=name)
    return age_rows(groups, lambda g: (g["name"] or UNKNOWN,), sort_key=lambda label: (label[0] == UNKNOWN, label))


def _count_rows(groups: dict[str, int], labels: list[str]) -> list[list[object]]:
    rows = [[label, groups.get(label, 0)] for label in labels]
    return [*rows, ["Total", sum(count for _, count in rows)]]


def duty_to_notify_by_gender(period: Period) -> Table:
    records = referrals_in_period(period, ReferralKind.DUTY_TO_NOTIFY)
    counts = {GENDER_LABELS[g["gender"]]: g["n"] for g in grouped(records, "gender")}
    return Table("duty_to_notify_by_gender", "Duty to Notify records by gender", ["Gender", "Count"],
                 _count_rows(counts, list(GENDER_LABELS.values())), "Duty to Notify by gender")


def duty_to_notify_by_exploitation_type(period: Period) -> Table:
    counts: dict[str, int] = defaultdict(int)
    for group in grouped(referrals_in_period(period, ReferralKind.DUTY_TO_NOTIFY), "exploitation_types"):
        counts[exploitation_label(group["exploitation_types"])] += group["n"]
    labels = sorted(counts, key=exploitation_sort_key)
    return Table("duty_to_notify_by_exploitation_type", "Duty to Notify records by exploitation type",
                 ["Exploitation type", "Count"], _count_rows(counts, labels), "Duty to Notify by exploitation",
                 counterpart="Duty to Notify reports by exploitation type")


def duty_to_notify_by_nationality(period: Period) -> Table:
    counts: dict[str, int] = defaultdict(int)
    for group in grouped(referrals_in_period(period, ReferralKind.DUTY_TO_NOTIFY), "nationality", "second_nationality"):
        counts[nationality_label(group["nationality"], group["second_nationality"])] += group["n"]
    labels = sorted(counts, key=lambda label: (label == UNKNOWN, label))
    return Table("duty_to_notify_by_nationality", "Duty to Notify records by nationality", ["Nationality", "Count"],
                 _count_rows(counts, labels), "Duty to Notify by nationality")

