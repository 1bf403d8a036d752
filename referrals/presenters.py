"""Stored answers turned into what a person reads: labels and display values for summary lists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.formats import date_format

from organisations.models import Organisation
from referrals.models import Referral
from referrals.reference_data import COUNTRY_NAMES
from referrals.sections import Section, section_is_complete, sections_for

_LIST_FIELDS_AS_COUNTRIES = {"overseas_countries"}


@dataclass(frozen=True)
class SummaryRow:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class SectionSummary:
    section: Section
    rows: list[SummaryRow]
    complete: bool
    started: bool


def _display(name: str, field: forms.Field, value: Any) -> str:
    if isinstance(field, forms.ModelChoiceField):
        organisation = Organisation.objects.filter(pk=value).only("name").first()
        return organisation.name if organisation else ""
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(value, str) and isinstance(field, forms.Field) and field.__class__.__name__ == "GovukDateField":
        return date_format(datetime.date.fromisoformat(value), "j F Y")
    if isinstance(field, forms.ChoiceField):
        labels = dict(field.choices)
        if isinstance(value, list):
            return ", ".join(str(labels.get(item, item)) for item in value)
        return str(labels.get(value, value))
    if isinstance(value, list):
        if name in _LIST_FIELDS_AS_COUNTRIES:
            value = [COUNTRY_NAMES.get(code, code) for code in value]
        return ", ".join(value)
    return str(value)


def summarise_section(referral: Referral, section: Section) -> SectionSummary:
    answers = referral.answers.get(section.slug, {})
    rows = [
        SummaryRow(key=name, label=field.label, value=_display(name, field, answers[name]))
        for name, field in section.form_class.base_fields.items()
        if name in answers
    ]
    return SectionSummary(section=section, rows=rows, complete=section_is_complete(referral, section),
                          started=section.slug in referral.answers)


def summarise(referral: Referral) -> list[SectionSummary]:
    return [summarise_section(referral, section) for section in sections_for(referral)]
