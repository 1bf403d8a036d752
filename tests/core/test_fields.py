"""The field builders every app's forms use: one wording for each error, one free-text limit."""

from __future__ import annotations

import pytest
from django import forms

from core.fields import FREE_TEXT_MAX, YES_NO, choice, email, free_text, phone, short_text, validate_phone


def _errors(field: forms.Field, value: object) -> list[str]:
    with pytest.raises(forms.ValidationError) as raised:
        field.clean(value)
    return raised.value.messages


def test_free_text_asks_for_the_question_in_lower_case_and_keeps_acronyms():
    assert _errors(free_text("Reasons for the decision", required=True), "") == ["Enter reasons for the decision"]
    assert _errors(free_text("UK towns or cities?", required=True), "") == ["Enter UK towns or cities"]


def test_free_text_is_limited_to_the_length_the_models_store():
    field = free_text("Comments")
    assert field.clean("x" * FREE_TEXT_MAX) == "x" * FREE_TEXT_MAX
    assert _errors(field, "x" * (FREE_TEXT_MAX + 1)) == ["Comments must be 15,000 characters or fewer"]


def test_short_text_names_its_own_limit():
    field = short_text("Given names", required=True, max_length=5)
    assert _errors(field, "") == ["Enter given names"]
    assert _errors(field, "Abcdef") == ["Given names must be 5 characters or fewer"]


def test_choice_asks_to_select_and_refuses_an_answer_not_offered():
    field = choice("Do they have dependants?", YES_NO)
    assert _errors(field, "") == ["Select do they have dependants"]
    assert _errors(field, "maybe") == ["Select do they have dependants"]
    assert _errors(choice("Gender", YES_NO, error="Select their gender"), "") == ["Select their gender"]


def test_phone_and_email_use_the_design_system_wording():
    assert phone("Telephone").widget.input_type == "tel"
    assert _errors(email("Email address", required=True), "") == ["Enter email address"]
    assert _errors(email("Email address"), "not-an-address") == [
        "Enter an email address in the correct format, like name@example.com"]


@pytest.mark.parametrize("number", ["01632 960 001", "+44 808 157 0192", "(01632) 960-001"])
def test_a_telephone_number_of_ten_to_fifteen_digits_is_accepted(number):
    assert validate_phone(number) == number


@pytest.mark.parametrize("number", ["01632", "call me", "+44 808 157 0192 0192 01"])
def test_anything_else_is_refused_with_an_example(number):
    with pytest.raises(forms.ValidationError, match="like 01632 960 001"):
        validate_phone(number)
