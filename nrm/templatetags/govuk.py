"""Render Django forms as GOV.UK Frontend components.

`{% govuk_fields form %}` renders every field in order; `{% govuk_field form.name %}` one field;
`{% govuk_error_summary form %}` the error summary linking to each field. A form may declare
`conditional_fields = {"parent": {"answer": ["child", ...]}}`: the children are rendered inside
the parent's radio or checkbox option as a GOV.UK conditional reveal (shown when that answer is
chosen; all visible without JavaScript) and not again at top level.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from nrm.forms import GovukDateWidget

register = template.Library()


def _conditional_children(form: forms.BaseForm) -> set[str]:
    return {name for by_answer in getattr(form, "conditional_fields", {}).values()
            for names in by_answer.values() for name in names}


def _describedby(field: BoundField, hint: bool) -> str:
    ids = []
    if hint:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _hint(field: BoundField, extra_class: str = "") -> SafeString:
    if not field.help_text:
        return mark_safe("")
    return format_html('<div id="{}-hint" class="govuk-hint{}">{}</div>', field.auto_id, extra_class, field.help_text)


def _error(field: BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html(
        '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {}</p>',
        field.auto_id, " ".join(str(error) for error in field.errors),
    )


def _group(field: BoundField, inner: SafeString) -> SafeString:
    return format_html('<div class="govuk-form-group{}">{}</div>',
                       " govuk-form-group--error" if field.errors else "", inner)


def _label(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    size_class = f" govuk-label--{size}" if size else ""
    label = format_html('<label class="govuk-label{}" for="{}">{}</label>', size_class, field.auto_id, field.label)
    if is_page_heading:
        return format_html('<h1 class="govuk-label-wrapper">{}</h1>', label)
    return label


def _fieldset(field: BoundField, inner: SafeString, size: str, is_page_heading: bool, role: str = "") -> SafeString:
    size_class = f" govuk-fieldset__legend--{size}" if size else ""
    legend_text = (format_html('<h1 class="govuk-fieldset__heading">{}</h1>', field.label) if is_page_heading
                   else field.label)
    describedby = _describedby(field, bool(field.help_text))
    return _group(field, format_html(
        '<fieldset class="govuk-fieldset"{}{}><legend class="govuk-fieldset__legend{}">{}</legend>{}{}{}</fieldset>',
        format_html(' role="{}"', role) if role else "",
        format_html(' aria-describedby="{}"', describedby) if describedby else "",
        size_class, legend_text, _hint(field), _error(field), inner,
    ))


def _attrs(attributes: dict[str, Any]) -> SafeString:
    return format_html_join("", ' {}="{}"', ((key, value) for key, value in attributes.items()
                                               if value not in (None, False, "")))


def _input(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    widget = field.field.widget
    width = widget.attrs.get("data-width", "")
    width_class = ""
    if width:
        width_class = f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    value = field.value()
    attributes = {
        "class": f"govuk-input{width_class}{' govuk-input--error' if field.errors else ''}",
        "id": field.auto_id, "name": field.html_name, "type": getattr(widget, "input_type", "text"),
        "value": "" if value is None or widget.input_type == "password" else str(value),
        "autocomplete": widget.attrs.get("autocomplete"), "inputmode": widget.attrs.get("inputmode"),
        "spellcheck": widget.attrs.get("spellcheck"),
        "aria-describedby": _describedby(field, bool(field.help_text)),
    }
    return _group(field, format_html("{}{}{}<input{}>", _label(field, size, is_page_heading), _hint(field),
                                     _error(field), _attrs(attributes)))


def _textarea(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    max_length = getattr(field.field, "max_length", None)
    value = field.value() or ""
    describedby = _describedby(field, bool(field.help_text))
    textarea_class = "govuk-textarea" + (" govuk-textarea--error" if field.errors else "")
    if max_length:
        textarea_class += " govuk-js-character-count"
        describedby = f"{field.auto_id}-info {describedby}".strip()
    textarea = format_html('<textarea class="{}" id="{}" name="{}" rows="{}" aria-describedby="{}">{}</textarea>',
                           textarea_class, field.auto_id, field.html_name, field.field.widget.attrs.get("rows", 5),
                           describedby, value)
    inner = format_html("{}{}{}{}", _label(field, size, is_page_heading), _hint(field), _error(field), textarea)
    if not max_length:
        return _group(field, inner)
    info = format_html('<div id="{}-info" class="govuk-hint govuk-character-count__message">'
                       "You can enter up to {} characters</div>", field.auto_id, f"{max_length:,}")
    return format_html(
        '<div class="govuk-form-group govuk-character-count{}" data-module="govuk-character-count" '
        'data-maxlength="{}">{}{}</div>',
        " govuk-form-group--error" if field.errors else "", max_length, inner, info,
    )


def _select(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    current = "" if field.value() is None else str(field.value())
    options = format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, " selected" if str(value) == current else "", label)
        for value, label in _flat_choices(field)
    ))
    select = format_html('<select class="govuk-select{}" id="{}" name="{}"{}>{}</select>',
                         " govuk-select--error" if field.errors else "", field.auto_id, field.html_name,
                         _attrs({"aria-describedby": _describedby(field, bool(field.help_text))}), options)
    return _group(field, format_html("{}{}{}{}", _label(field, size, is_page_heading), _hint(field), _error(field),
                                     select))


def _flat_choices(field: BoundField) -> Iterable[tuple[Any, Any]]:
    for value, label in field.field.choices:
        yield (getattr(value, "value", value), label)


def _option_items(field: BoundField, kind: str, selected: set[str], form: forms.BaseForm) -> SafeString:
    """Radio or checkbox items, each followed by its conditional reveal when it has one."""
    conditionals = getattr(form, "conditional_fields", {}).get(field.name, {})
    input_type = "radio" if kind == "radios" else "checkbox"
    items = []
    for index, (value, label) in enumerate(_flat_choices(field), start=1):
        if value in ("", None):
            continue
        item_id = field.auto_id if index == 1 else f"{field.auto_id}-{index}"
        value = str(value)
        children = conditionals.get(value, [])
        conditional_id = f"conditional-{item_id}"
        attributes = {"class": f"govuk-{kind}__input", "id": item_id, "name": field.html_name, "type": input_type,
                      "value": value, "checked": "checked" if value in selected else None,
                      "data-aria-controls": conditional_id if children else None}
        items.append(format_html('<div class="govuk-{}__item"><input{}><label class="govuk-label govuk-{}__label" '
                                 'for="{}">{}</label></div>', kind, _attrs(attributes), kind, item_id, label))
        if children:
            show = value in selected or any(form[name].errors for name in children)
            rendered = format_html_join("", "{}", ((govuk_field(form[name]),) for name in children))
            items.append(format_html('<div class="govuk-{}__conditional{}" id="{}">{}</div>', kind,
                                     "" if show else f" govuk-{kind}__conditional--hidden", conditional_id, rendered))
    return mark_safe("".join(items))  # noqa: S308 - every piece built with format_html


def _radios(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    form = field.form
    inline = field.field.widget.attrs.get("data-inline") and not getattr(form, "conditional_fields", {}).get(field.name)
    current = field.value()
    selected = {str(current)} if current not in (None, "") else set()
    items = _option_items(field, "radios", selected, form)
    inner = format_html('<div class="govuk-radios{}" data-module="govuk-radios">{}</div>',
                        " govuk-radios--inline" if inline else "", items)
    return _fieldset(field, inner, size, is_page_heading)


def _checkboxes(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    selected = {str(value) for value in (field.value() or [])}
    items = _option_items(field, "checkboxes", selected, field.form)
    inner = format_html('<div class="govuk-checkboxes" data-module="govuk-checkboxes">{}</div>', items)
    return _fieldset(field, inner, size, is_page_heading)


def _single_checkbox(field: BoundField) -> SafeString:
    checked = field.value() in (True, "true", "on", "True")
    attributes = {"class": "govuk-checkboxes__input", "id": field.auto_id, "name": field.html_name,
                  "type": "checkbox", "value": "true", "checked": "checked" if checked else None,
                  "aria-describedby": _describedby(field, bool(field.help_text))}
    item = format_html('<div class="govuk-checkboxes__item"><input{}><label class="govuk-label '
                       'govuk-checkboxes__label" for="{}">{}</label></div>', _attrs(attributes), field.auto_id,
                       field.label)
    return _group(field, format_html('{}{}<div class="govuk-checkboxes govuk-checkboxes--small" '
                                     'data-module="govuk-checkboxes">{}</div>', _hint(field), _error(field), item))


def _date(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    value = field.value()
    if not isinstance(value, list | tuple):
        value = field.field.widget.decompress(value)
    parts = []
    for part, part_value, width in zip(("day", "month", "year"), value, (2, 2, 4), strict=True):
        part_id = f"{field.auto_id}_{part}"
        attributes = {
            "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}"
                     f"{' govuk-input--error' if field.errors else ''}",
            "id": part_id, "name": f"{field.html_name}_{part}", "type": "text", "inputmode": "numeric",
            "value": part_value or "",
            "autocomplete": {"day": "bday-day", "month": "bday-month", "year": "bday-year"}[part]
            if "birth" in field.name else None,
        }
        parts.append(format_html('<div class="govuk-date-input__item"><div class="govuk-form-group">'
                                 '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
                                 "<input{}></div></div>", part_id, part.capitalize(), _attrs(attributes)))
    inner = format_html('<div class="govuk-date-input" id="{}">{}</div>', field.auto_id, mark_safe("".join(parts)))  # noqa: S308
    return _fieldset(field, inner, size, is_page_heading, role="group")


def _file(field: BoundField, size: str, is_page_heading: bool) -> SafeString:
    attributes = {"class": f"govuk-file-upload{' govuk-file-upload--error' if field.errors else ''}",
                  "id": field.auto_id, "name": field.html_name, "type": "file",
                  "multiple": "multiple" if field.field.widget.attrs.get("multiple") else None,
                  "accept": field.field.widget.attrs.get("accept"),
                  "aria-describedby": _describedby(field, bool(field.help_text))}
    return _group(field, format_html("{}{}{}<input{}>", _label(field, size, is_page_heading), _hint(field),
                                     _error(field), _attrs(attributes)))


@register.simple_tag
def govuk_field(field: BoundField, label_size: str = "", is_page_heading: bool = False) -> SafeString:
    """One bound field as the GOV.UK component for its widget."""
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return _date(field, label_size, is_page_heading)
    if isinstance(widget, forms.RadioSelect):
        return _radios(field, label_size, is_page_heading)
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return _checkboxes(field, label_size, is_page_heading)
    if isinstance(widget, forms.CheckboxInput):
        return _single_checkbox(field)
    if isinstance(widget, forms.Select):
        return _select(field, label_size, is_page_heading)
    if isinstance(widget, forms.Textarea):
        return _textarea(field, label_size, is_page_heading)
    if isinstance(widget, forms.FileInput):
        return _file(field, label_size, is_page_heading)
    if isinstance(widget, forms.HiddenInput):
        return SafeString(str(field))
    return _input(field, label_size, is_page_heading)


@register.simple_tag
def govuk_fields(form: forms.BaseForm, label_size: str = "m") -> SafeString:
    """Every field of the form in order, conditional questions inside the answer that reveals them."""
    nested = _conditional_children(form)
    return mark_safe("".join(  # noqa: S308 - each piece is built with format_html
        str(govuk_field(form[name], label_size=label_size)) for name in form.fields if name not in nested
    ))


def _error_anchor(field: BoundField) -> str:
    return f"{field.auto_id}_day" if isinstance(field.field.widget, GovukDateWidget) else field.auto_id


@register.simple_tag
def govuk_error_summary(form: forms.BaseForm) -> SafeString:
    """The GOV.UK error summary: one link per error, to the field it belongs to."""
    if not form.errors:
        return mark_safe("")
    links = [(f"#{_error_anchor(form[name])}" if name in form.fields else "#main-content", error)
             for name, errors in form.errors.items() for error in errors]
    links.sort(key=lambda link: list(form.fields).index(link[0][1:].removeprefix("id_").removesuffix("_day"))
               if link[0][1:].removeprefix("id_").removesuffix("_day") in form.fields else -1)
    items = format_html_join("", '<li><a href="{}">{}</a></li>', links)
    return format_html(
        '<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">'
        '<h2 class="govuk-error-summary__title">There is a problem</h2><div class="govuk-error-summary__body">'
        '<ul class="govuk-list govuk-error-summary__list">{}</ul></div></div></div>', items,
    )
