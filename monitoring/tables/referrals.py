"""The referral tables of the monitoring report (NRM referrals by exploitation type, first responder,
gender, nationality, location and nation, each by age at exploitation) and the Duty to Notify tables.
Referrals count by their referral date; Duty to Notify records only in their own tables."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F

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
    return Table("referrals_by_exploitation_type_and_age", "Referrals by exploitation type and age at exploitation",
                 ["Exploitation type", *AGE_COLUMNS], rows, "Exploitation type")


def referrals_by_first_responder(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), age=F("age_at_exploitation"),
                      responder_type=F("first_responder_organisation__first_responder_type"),
                      name=F("first_responder_organisation__name"))
    type_labels = dict(FirstResponderType.choices)
    rows = age_rows(groups, lambda g: (type_labels.get(g["responder_type"], UNKNOWN), g["name"]),
                     sort_key=lambda labels: labels, total_labels=2)
    return suppressed(Table("referrals_by_first_responder", "Referrals by first responder and age at exploitation",
                             ["First responder type", "First responder", *AGE_COLUMNS], rows, "First responder"),
                       label_columns=2)


def referrals_by_gender(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "gender", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (GENDER_LABELS[g["gender"]],),
                     labels=[(label,) for label in GENDER_LABELS.values()])
    return Table("referrals_by_gender_and_age", "Referrals by gender and age at exploitation",
                 ["Gender", *AGE_COLUMNS], rows, "Gender")


def referrals_by_nationality(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "nationality", "second_nationality", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (nationality_label(g["nationality"], g["second_nationality"]),),
                     sort_key=lambda label: (label[0] == UNKNOWN, label[0]))
    return Table("referrals_by_nationality_and_age", "Referrals by nationality and age at exploitation",
                 ["Nationality", *AGE_COLUMNS], rows, "Nationality")


def referrals_by_exploitation_location(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "exploitation_location", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (LOCATION_LABELS[g["exploitation_location"]],),
                     labels=[(label,) for label in LOCATION_LABELS.values()])
    return Table("referrals_by_exploitation_location_and_age", "Referrals by where the exploitation happened and age",
                 ["Exploitation location", *AGE_COLUMNS], rows, "Exploitation location")


def referrals_by_nation(period: Period) -> Table:
    groups = grouped(referrals_in_period(period), "nation", age=F("age_at_exploitation"))
    rows = age_rows(groups, lambda g: (NATION_LABELS[g["nation"]],),
                     labels=[(label,) for label in NATION_LABELS.values()])
    return suppressed(Table("referrals_by_nation_and_age", "Referrals by nation and age at exploitation",
                             ["Nation", *AGE_COLUMNS], rows, "Nation"), label_columns=1)


def _count_rows(groups: dict[str, int], labels: list[str]) -> list[list[object]]:
    rows = [[label, groups.get(label, 0)] for label in labels]
    return [*rows, ["Total", sum(count for _, count in rows)]]


def duty_to_notify_by_gender(period: Period) -> Table:
    records = referrals_in_period(period, ReferralKind.DUTY_TO_NOTIFY)
    counts = {GENDER_LABELS[g["gender"]]: g["n"] for g in grouped(records, "gender")}
    return Table("duty_to_notify_by_gender", "Duty to Notify records by gender", ["Gender", "Count"],
                 _count_rows(counts, list(GENDER_LABELS.values())), "Duty to Notify by gender")


def duty_to_notify_by_nationality(period: Period) -> Table:
    counts: dict[str, int] = defaultdict(int)
    for group in grouped(referrals_in_period(period, ReferralKind.DUTY_TO_NOTIFY), "nationality", "second_nationality"):
        counts[nationality_label(group["nationality"], group["second_nationality"])] += group["n"]
    labels = sorted(counts, key=lambda label: (label == UNKNOWN, label))
    return Table("duty_to_notify_by_nationality", "Duty to Notify records by nationality", ["Nationality", "Count"],
                 _count_rows(counts, labels), "Duty to Notify by nationality")

