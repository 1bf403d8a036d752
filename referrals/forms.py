"""The referral's sections as forms: one form per task-list section, shared by the web pages
and the API, so both validate the same way. This module holds what every section's form shares
(the base form and the GOV.UK field builders); the forms themselves are in referrals/section_forms/,
in the journey's order: start.py, exploitation.py, person.py.

A question that depends on an earlier answer is declared in `conditional_fields`; it is shown
(GOV.UK conditional reveal) and required only when that answer is given, and its value is
dropped when it is not, so nothing hidden is ever stored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms

from core.forms import GovukDateField
from organisations.models import Organisation

FREE_TEXT_MAX = 15000
MAX_PLACES = 10
EARLIEST_DATE = datetime.date(1900, 1, 1)
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NOT_SURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]


def free_text(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=FREE_TEXT_MAX, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:].rstrip('?')}",
                        "max_length": f"{label.rstrip('?')} must be {FREE_TEXT_MAX:,} characters or fewer"},
    )


def short_text(label: str, *, required: bool = False, help_text: str = "", max_length: int = 200,
               width: str = "", autocomplete: str = "") -> forms.CharField:
    attrs = {}
    if width:
        attrs["data-width"] = width
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=label, required=required, max_length=max_length, help_text=help_text,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}",
                        "max_length": f"{label} must be {max_length} characters or fewer"},
    )


def choice(label: str, choices: Iterable[tuple[str, str]], *, required: bool = True, help_text: str = "",
           inline: bool = False, error: str = "") -> forms.ChoiceField:
    attrs = {"data-inline": "true"} if inline else {}
    return forms.ChoiceField(
        label=label, choices=list(choices), required=required, help_text=help_text,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"required": error or f"Select {label[0].lower()}{label[1:].rstrip('?')}",
                        "invalid_choice": error or f"Select {label[0].lower()}{label[1:].rstrip('?')}"},
    )


def phone(label: str, *, required: bool = False) -> forms.CharField:
    field = short_text(label, required=required, max_length=25, width="20", autocomplete="tel")
    field.widget.input_type = "tel"
    return field


def email(label: str, *, required: bool = False) -> forms.EmailField:
    return forms.EmailField(
        label=label, required=required, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": f"Enter {label[0].lower()}{label[1:]}",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )


class ReferralSectionForm(forms.Form):
    """Base of every section: conditional questions, and conversion to and from stored answers."""

    title: ClassVar[str] = ""
    # {parent field: {answer: [fields shown and required when that answer is given]}}
    conditional_fields: ClassVar[dict[str, dict[str, list[str]]]] = {}
    # Conditional fields that are shown but may still be left blank.
    optional_when_shown: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.setdefault("required", f"Enter {field.label.lower()}")

    def _dependants(self) -> dict[str, list[tuple[str, str]]]:
        """field -> [(parent, answer)] that reveal it."""
        revealed_by: dict[str, list[tuple[str, str]]] = {}
        for parent, by_answer in self.conditional_fields.items():
            for answer, dependants in by_answer.items():
                for name in dependants:
                    revealed_by.setdefault(name, []).append((parent, answer))
        return revealed_by

    def _answered(self, parent: str, answer: str) -> bool:
        value = self.cleaned_data.get(parent)
        if isinstance(value, list | tuple | set):
            return answer in value
        return value == answer

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, parents in self._dependants().items():
            shown = any(self._answered(parent, answer) for parent, answer in parents)
            if not shown:
                self.errors.pop(name, None)  # a hidden question cannot be wrong
                cleaned[name] = [] if isinstance(self.fields[name], forms.MultipleChoiceField) else None
            elif name not in self.optional_when_shown and name not in self.errors and cleaned.get(name) in (
                None, "", [],
            ):
                self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned

    def to_answers(self) -> dict[str, Any]:
        """JSON-ready answers: dates as ISO strings, empty answers left out."""
        answers: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", []):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, Organisation):
                value = value.pk
            answers[name] = value
        return answers

    @classmethod
    def initial_for_new_answers(cls, *, user, earlier: dict[str, Any]) -> dict[str, Any]:
        """What the service already knows for a section not yet answered: nothing, unless a section says
        (`earlier` is the same section's answers on the user's latest other referral, or {})."""
        return {}

    @classmethod
    def initial_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        initial = dict(answers)
        for name, field in cls.base_fields.items():
            if isinstance(field, GovukDateField) and isinstance(initial.get(name), str):
                initial[name] = datetime.date.fromisoformat(initial[name])
        return initial

    @classmethod
    def data_from_answers(cls, answers: dict[str, Any]) -> dict[str, Any]:
        """Answers as submitted form data (dates split into day, month, year): used to
        re-validate saved answers before submission and to accept JSON through the API."""
        data: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if name not in answers:
                continue
            value = answers[name]
            if isinstance(field, GovukDateField):
                day = month = year = ""
                if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    year, month, day = value.split("-")
                elif isinstance(value, dict):
                    day, month, year = (str(value.get(k, "")) for k in ("day", "month", "year"))
                data[f"{name}_day"], data[f"{name}_month"], data[f"{name}_year"] = day, month, year
            else:
                data[name] = value
        return data


def validate_phone(value: str) -> str:
    if value and (not _PHONE.match(value) or not 10 <= len(re.sub(r"\D", "", value)) <= 15):
        raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    return value


class InformationAnswerForm(forms.Form):
    answer = free_text("Your answer", required=True, rows=8)


class GuardianServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class NamedGuardianChoiceField(forms.ModelChoiceField):
    """Guardians are named by name and service, never by e-mail address."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.organisation.name})"


class GuardianAssignForm(forms.Form):
    """Parses the guardian page's choice; referrals.services.guardian_assign checks it."""

    guardian_service = GuardianServiceChoiceField(
        label="Which guardian service is assigned to the child?", queryset=None, empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a guardian service", "invalid_choice": "Select a guardian service"},
    )
    guardian = NamedGuardianChoiceField(
        label="Named guardian (optional)", queryset=None, required=False, empty_label="Not named yet",
        help_text="Leave as not named yet until the guardian service names the child's guardian.",
        error_messages={"invalid_choice": "Select a named guardian from the list, or not named yet"},
    )

    def __init__(self, *args: Any, services, guardians, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian_service"].queryset = services
        self.fields["guardian"].queryset = guardians


class GuardianEndForm(forms.Form):
    reason = forms.CharField(
        label="Why is the assignment ending?", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the assignment is ending",
                        "max_length": "The reason must be 500 characters or fewer"},
    )
