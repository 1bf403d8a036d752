"""The API validates through the same Django forms as the web pages, so a rule (a length, a required
answer, a cross-field check) is written once. `form_serializer(Form)` makes a DRF serializer whose
fields describe the form's for the OpenAPI schema and whose validation is the form's own."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework import serializers


class FormSerializer(serializers.Serializer):
    """Validated by `form_class`; errors come back by field, as the form words them."""

    form_class: type[forms.Form]

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Send the answers as a JSON object."]})
        values = {name: "" if value is None else value for name, value in data.items()}
        form = self.form_class(data=values)
        if not form.is_valid():
            raise serializers.ValidationError({
                "non_field_errors" if field == forms.forms.NON_FIELD_ERRORS else field: [
                    error["message"] for error in errors]
                for field, errors in form.errors.get_json_data().items()})
        return {name: form.cleaned_data[name] for name in self.form_class.base_fields}


def _schema_field(field: forms.Field) -> serializers.Field:
    """A DRF field that describes a form field for the schema (validation stays with the form)."""
    common: dict[str, Any] = {"required": field.required, "help_text": str(field.help_text or field.label or "")}
    if isinstance(field, forms.ChoiceField) and list(field.choices):
        return serializers.ChoiceField(choices=list(field.choices), **common)
    # A choice set filled in per request (by the era's settings, say) is described as text; the form
    # still refuses anything outside the choices of the moment.
    if isinstance(field, forms.CharField):
        return serializers.CharField(max_length=field.max_length, allow_blank=not field.required, **common)
    return serializers.CharField(**common)


def form_serializer(form_class: type[forms.Form], name: str | None = None) -> type[FormSerializer]:
    fields = {field_name: _schema_field(field) for field_name, field in form_class.base_fields.items()}
    serializer_name = name or form_class.__name__.removesuffix("Form") + "Serializer"
    return type(serializer_name, (FormSerializer,), {"form_class": form_class, **fields})
