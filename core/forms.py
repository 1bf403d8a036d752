"""Form pieces shared by every app, so each form validates and reads the GOV.UK way.

- `GovukDateField` / `GovukDateWidget`: the GOV.UK date input (day, month and year boxes) as one
  Django field giving a `datetime.date`, with the Design System's error messages.
- `GovukFormMixin`: GOV.UK wording for Django's default error messages, and conditional questions
  (`conditional_fields`) that are only validated and kept when the answer revealing them is given.
- `reveal`: builds `conditional_fields` from (question, answer, [revealed questions]) rules.

The `govuk` template tags (core/templatetags/govuk.py) render all of these.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.formats import date_format

DATE_PARTS = ("day", "month", "year")

_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}

MONTH_NUMBERS: dict[str, int] = _MONTHS  # "may" or "5" -> 5, for other readers of typed dates

ConditionalFields = dict[str, dict[str, list[str]]]


def lower_first(text: str) -> str:
    """'Date of birth' -> 'date of birth' for "Enter ...", leaving acronyms such as 'UK' or 'NRM' alone."""
    first_word = text.split(" ", 1)[0]
    if len(first_word) > 1 and first_word.isupper():
        return text
    return text[:1].lower() + text[1:]


def question_name(field: forms.Field, name: str = "") -> str:
    """How error messages name a question: its label without a closing question mark."""
    label = str(field.label or name.replace("_", " ").capitalize() or "Answer")
    return label.rstrip("?").rstrip()


class GovukDateWidget(forms.MultiWidget):
    """Three inputs named <name>_day, <name>_month and <name>_year, as GOV.UK's date input.

    Pass attrs={"autocomplete": "bday"} for a date of birth: the boxes then get bday-day,
    bday-month and bday-year, which lets browsers fill them in."""

    use_fieldset = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in DATE_PARTS}, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        """A date (or its ISO string, as answers are stored) split into the three boxes."""
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            year, month, day = value.split("-")
            return [day.lstrip("0"), month.lstrip("0"), year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date from day, month and year boxes, with GOV.UK's error messages.

    Messages name the date by its label ("Date of birth must be a real date"); `error_name`
    must name it when the label is a question (a question label without one is refused).
    `must_be_past` refuses dates after today; `earliest` refuses dates before it. `error_messages`
    may override any message by its code:
    required, incomplete, invalid, invalid_year, future, too_early. Each error carries the parts
    to highlight in `params["parts"]` so only the wrong boxes are marked, as GOV.UK asks."""

    widget = GovukDateWidget

    def __init__(self, *, must_be_past: bool = False, earliest: datetime.date | None = None,
                 error_name: str = "", **kwargs: Any) -> None:
        self.must_be_past = must_be_past
        self.earliest = earliest
        self.error_name = error_name
        label = str(kwargs.get("label") or "")
        if label.rstrip().endswith("?") and not error_name:
            # "When did the exploitation start must be in the past" is what a question label gives; GOV.UK
            # names the date instead ("The date the exploitation started must be in the past").
            raise ImproperlyConfigured(f"GovukDateField {label!r} is a question: give error_name, the date's "
                                       "name for error messages (for example 'The date the exploitation started')")
        self._custom_messages = dict(kwargs.get("error_messages") or {})
        super().__init__(**kwargs)

    @property
    def _name(self) -> str:
        return self.error_name or question_name(self, "Date")

    def _error(self, code: str, default: str, parts: Sequence[str] = DATE_PARTS) -> forms.ValidationError:
        message = str(self._custom_messages.get(code, default))
        # params make Django %-format the message: double any literal % so a label cannot break it.
        return forms.ValidationError(message.replace("%", "%%"), code=code, params={"parts": list(parts)})

    def clean(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            value = [str(value.day), str(value.month), str(value.year)]
        elif isinstance(value, str):
            value = self.widget.decompress(value)
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise self._error("required", f"Enter {lower_first(self._name)}")
            return None
        missing = [name for name, part in zip(DATE_PARTS, parts, strict=True) if not part]
        if missing:
            raise self._error("incomplete", f"{self._name} must include a {' and '.join(missing)}", missing)
        day, month, year = parts
        month = str(_MONTHS.get(month.lower(), month))
        wrong = [name for name, part in zip(DATE_PARTS, (day, month, year), strict=True) if not part.isdigit()]
        if wrong:
            raise self._error("invalid", f"{self._name} must be a real date", wrong)
        if len(year) != 4:
            raise self._error("invalid_year", "Year must include 4 numbers", ["year"])
        try:
            result = datetime.date(int(year), int(month), int(day))
        except ValueError as impossible:
            raise self._error("invalid", f"{self._name} must be a real date", _impossible_parts(day, month, year)) \
                from impossible
        if self.must_be_past and result > datetime.date.today():
            raise self._error("future", f"{self._name} must be in the past")
        if self.earliest and result < self.earliest:
            raise self._error("too_early", f"{self._name} must be after {date_format(self.earliest, 'j F Y')}")
        return result

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True


def _impossible_parts(day: str, month: str, year: str) -> list[str]:
    """Which box makes a date impossible, to highlight only that one: month 13, 31 June, year 0000."""
    if not 1 <= int(month) <= 12:
        return ["month"]
    if int(year) < 1:
        return ["year"]
    if not 1 <= int(day) <= calendar.monthrange(int(year), int(month))[1]:
        return ["day"]
    return list(DATE_PARTS)


def _answers(value: Any) -> set[str]:
    """An answer as the set of choice values given, comparable with `conditional_fields` keys."""
    values = value if isinstance(value, list | tuple | set) else [value]
    return {str(getattr(item, "pk", item)) for item in values if item not in (None, "")}


def reveal(*rules: tuple[str, str, Iterable[str]]) -> ConditionalFields:
    """`conditional_fields` from (question, answer, [questions revealed by that answer]) rules.

    A plain dict works as well; this reads better when a question reveals several others."""
    result: ConditionalFields = {}
    for parent, answer, children in rules:
        result.setdefault(parent, {}).setdefault(str(answer), []).extend(children)
    return result


_CHOICE_WIDGETS = (forms.RadioSelect, forms.Select, forms.FileInput)


def govuk_error_messages(field: forms.Field, name: str = "") -> None:
    """Replace Django's generic messages ("This field is required.") with GOV.UK ones that name the
    question. Messages the form declared itself are kept."""
    if isinstance(field, GovukDateField):
        return
    question = question_name(field, name)
    verb = "Select" if isinstance(field.widget, _CHOICE_WIDGETS) else "Enter"
    if isinstance(field.widget, forms.CheckboxInput):
        verb = "Confirm"  # a single checkbox is a statement to agree to: "Confirm it is safe to ..."
    defaults: dict[str, Any] = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    wanted = {"required": f"{verb} {lower_first(question)}"}
    if isinstance(field, forms.ChoiceField):
        wanted["invalid_choice"] = f"Select {lower_first(question)}"
    if isinstance(field, forms.EmailField):
        wanted["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.URLField):
        wanted["invalid"] = "Enter a website address in the correct format, like www.example.com"
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.DecimalField | forms.FloatField):
        wanted["invalid"] = f"{question} must be a whole number"
    elif isinstance(field, forms.FloatField | forms.DecimalField):
        wanted["invalid"] = f"{question} must be a number"
    elif isinstance(field, forms.FileField):
        wanted["empty"] = "The selected file is empty"
        wanted["invalid"] = "The selected file could not be uploaded - try again"
    # Validators (an email's, a length or range) take their message from error_messages by code when it is
    # there, so messages are set for codes the field does not list too.
    for code, message in wanted.items():
        if code not in field.error_messages or field.error_messages[code] is defaults.get(code):
            field.error_messages[code] = message
    limits = {"max_length": ("{} must be {:,} characters or fewer", getattr(field, "max_length", None)),
              "min_length": ("{} must be {:,} characters or more", getattr(field, "min_length", None)),
              "max_value": ("{} must be {} or less", getattr(field, "max_value", None)),
              "min_value": ("{} must be {} or more", getattr(field, "min_value", None))}
    for code, (template, limit) in limits.items():
        if limit is not None and code not in field.error_messages and not isinstance(field, forms.FileField):
            field.error_messages[code] = template.format(question, limit).replace("%", "%%")


class GovukFormMixin:
    """Mix into a Form: GOV.UK error messages, and questions revealed by an earlier answer.

    `conditional_fields = {"question": {"answer": ["revealed", ...]}}` (or `reveal(...)`): the
    `govuk` tags render the revealed questions inside that answer. A revealed question declared
    `required=True` is required only when its answer is given; when the answer is not given its
    errors are dropped and its value emptied, so nothing hidden is validated or stored."""

    conditional_fields: ClassVar[ConditionalFields] = {}
    error_css_class = "govuk-form-group--error"
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            govuk_error_messages(field, name)
        unknown = {name for parent, by_answer in self.conditional_fields.items()
                   for name in [parent, *(child for children in by_answer.values() for child in children)]
                   if name not in self.fields}
        if unknown:
            raise ImproperlyConfigured(f"{type(self).__name__}.conditional_fields names no such field: "
                                       f"{', '.join(sorted(unknown))}")

    def is_revealed(self, name: str, _seen: frozenset[str] = frozenset()) -> bool:
        """Whether a question is shown: it is not conditional, or an answer revealing it was given
        (to a question that is itself shown)."""
        revealed_by = [(parent, answer) for parent, by_answer in self.conditional_fields.items()
                       for answer, children in by_answer.items() if name in children]
        if not revealed_by:
            return True
        return any(answer in _answers(self.cleaned_data.get(parent)) and parent not in _seen
                   and self.is_revealed(parent, _seen | {name}) for parent, answer in revealed_by)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in {child for by_answer in self.conditional_fields.values()
                     for children in by_answer.values() for child in children}:
            if not self.is_revealed(name):
                self.errors.pop(name, None)
                cleaned[name] = [] if isinstance(self.fields[name], forms.MultipleChoiceField) else None
        return cleaned
