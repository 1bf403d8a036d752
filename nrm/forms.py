"""Form pieces shared by every app: the GOV.UK date input as a Django field."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.formats import date_format

_PART_NAMES = ("day", "month", "year")


class GovukDateWidget(forms.MultiWidget):
    """Three inputs named <name>_day, <name>_month and <name>_year, as GOV.UK's date input."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in _PART_NAMES}, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and len(value) == 10:
            year, month, day = value.split("-")
            return [day.lstrip("0"), month.lstrip("0"), year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date from day, month and year boxes, with GOV.UK's error messages.

    `error_name` is how messages refer to the date ("Date of birth must be a real date");
    it defaults to the label. `must_be_past` refuses dates after today; `earliest` refuses
    dates before it."""

    widget = GovukDateWidget

    def __init__(self, *, must_be_past: bool = False, earliest: datetime.date | None = None,
                 error_name: str = "", **kwargs: Any) -> None:
        self.must_be_past = must_be_past
        self.earliest = earliest
        self.error_name = error_name
        super().__init__(**kwargs)

    @property
    def _name(self) -> str:
        return self.error_name or str(self.label or "Date").rstrip("?")

    def clean(self, value: Any) -> datetime.date | None:
        parts = [str(part or "").strip() for part in (value or ["", "", ""])]
        if isinstance(value, datetime.date):
            parts = [str(value.day), str(value.month), str(value.year)]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(f"Enter {self._name[0].lower()}{self._name[1:]}", code="required")
            return None
        missing = [name for name, part in zip(_PART_NAMES, parts, strict=True) if not part]
        if missing:
            raise forms.ValidationError(f"{self._name} must include a {' and '.join(missing)}", code="incomplete")
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self._name} must be a real date", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            result = datetime.date(int(year), int(month), int(day))
        except ValueError as impossible:
            raise forms.ValidationError(f"{self._name} must be a real date", code="invalid") from impossible
        if self.must_be_past and result > datetime.date.today():
            raise forms.ValidationError(f"{self._name} must be today or in the past", code="future")
        if self.earliest and result < self.earliest:
            raise forms.ValidationError(
                f"{self._name} must be on or after {date_format(self.earliest, 'j F Y')}", code="too_early"
            )
        return result

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.clean(data) != initial
        except forms.ValidationError:
            return True
