"""The referral's sections as forms: one form per task-list section, shared by the web pages
and the API, so both validate the same way. This module holds what every section's form shares
(the base form and the journey's limits); the forms themselves are in referrals/section_forms/, in the
journey's order: start.py, exploitation.py, person.py, built with the field builders of core/fields.py.

A question that depends on an earlier answer is declared in `conditional_fields`; it is shown
(GOV.UK conditional reveal) and required only when that answer is given, and its value is
dropped when it is not, so nothing hidden is ever stored.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, ClassVar

from django import forms

from core.fields import free_text
from core.forms import GovukDateField
from organisations.models import Organisation

MAX_PLACES = 10
EARLIEST_DATE = datetime.date(1900, 1, 1)


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
