"""One error model: services refuse with core.errors classes; the API and the pages answer them alike,
and a programming error is never dressed up as the user's mistake."""

from __future__ import annotations

import pytest
from django import forms
from rest_framework.test import APIRequestFactory

from core.errors import Conflict, Invalid, NotAllowed, NotFound, api_exception_handler, attempt


class _NameForm(forms.Form):
    name = forms.CharField()


@pytest.mark.parametrize(("error", "status"), [
    (NotAllowed("Only managers allocate cases."), 403),
    (NotFound("No such case."), 404),
    (Conflict("Someone reviewed it first."), 409),
    (Invalid("Check the name.", fields={"name": ["Enter a name"]}), 400),
])
def test_the_api_answers_each_domain_error_with_its_status_and_message(error, status):
    response = api_exception_handler(error, {"request": APIRequestFactory().get("/")})
    assert response.status_code == status
    assert response.data["detail"] == error.message
    assert response.data.get("name") == error.fields.get("name")


def test_not_allowed_and_not_found_are_what_django_answers_403_and_404_for():
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    assert isinstance(NotAllowed(), PermissionDenied)
    assert isinstance(NotFound(), Http404)
    assert not isinstance(Conflict(), PermissionDenied)


def test_a_refusal_with_field_errors_lands_on_the_fields_of_the_form():
    form = _NameForm(data={"name": "x"})
    assert form.is_valid()

    def refuse():
        raise Invalid("Check the name.", fields={"name": ["That name is taken"], "other": ["Not a field"]})

    assert attempt(form, refuse) is False
    assert form.errors["name"] == ["That name is taken"]
    assert form.non_field_errors() == ["Not a field"]


def test_a_refusal_without_fields_is_an_error_for_the_whole_form():
    form = _NameForm(data={"name": "x"})
    form.is_valid()

    def refuse():
        raise Conflict("This request has already been answered.")

    assert attempt(form, refuse) is False
    assert form.non_field_errors() == ["This request has already been answered."]


@pytest.mark.parametrize(("raised", "why"), [
    (ValueError("a bug"), "a programming error is not shown to the user as a form error"),
    (NotFound("No such case."), "a hidden record stays a 404 on a form page"),
])
def test_what_attempt_does_not_catch(raised, why):
    form = _NameForm(data={"name": "x"})
    form.is_valid()

    def call():
        raise raised

    with pytest.raises(type(raised)):
        attempt(form, call)
    assert form.errors == {}, why
