"""GOV.UK form fields with the service's own error messages, built from a question's label.

Every app's forms ask free-text, short-text, choice, telephone and e-mail questions; building them
here keeps one length limit for free text (the same limit the models store) and one wording for
each error ("Enter ...", "Select ...", "... must be 15,000 characters or fewer").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms

from core.forms import lower_first

FREE_TEXT_MAX = 15000
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")

YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_NOT_SURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]


def free_text(label: str, *, required: bool = False, help_text: str = "", rows: int = 5) -> forms.CharField:
    question = label.rstrip("?")
    return forms.CharField(
        label=label, required=required, max_length=FREE_TEXT_MAX, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {lower_first(question)}",
                        "max_length": f"{question} must be {FREE_TEXT_MAX:,} characters or fewer"},
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
        error_messages={"required": f"Enter {lower_first(label)}",
                        "max_length": f"{label} must be {max_length} characters or fewer"},
    )


def choice(label: str, choices: Iterable[tuple[str, str]], *, required: bool = True, help_text: str = "",
           inline: bool = False, error: str = "") -> forms.ChoiceField:
    attrs = {"data-inline": "true"} if inline else {}
    message = error or f"Select {lower_first(label.rstrip('?'))}"
    return forms.ChoiceField(
        label=label, choices=list(choices), required=required, help_text=help_text,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"required": message, "invalid_choice": message},
    )


def phone(label: str, *, required: bool = False) -> forms.CharField:
    field = short_text(label, required=required, max_length=25, width="20", autocomplete="tel")
    field.widget.input_type = "tel"
    return field


def email(label: str, *, required: bool = False) -> forms.EmailField:
    return forms.EmailField(
        label=label, required=required, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": f"Enter {lower_first(label)}",
                        "invalid": "Enter an email address in the correct format, like name@example.com"},
    )


def validate_phone(value: str) -> str:
    """A UK or international number of 10 to 15 digits, spaces, brackets and dashes allowed."""
    if value and (not _PHONE.match(value) or not 10 <= len(re.sub(r"\D", "", value)) <= 15):
        raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
    return value
