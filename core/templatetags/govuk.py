"""Render Django forms as GOV.UK Frontend components, so every page gets the Design System's markup
(ids, aria-describedby, error states) without writing it per form.

- `{% govuk_field form.name [label_size="m"] [is_page_heading=True] %}`: one field as the component
  for its widget (templates/govuk/*.html).
- `{% govuk_fields form [label_size="m"] %}`: every field in order, questions revealed by an answer
  nested inside that answer, then the hidden fields.
- `{% govuk_error_summary form [other_form ...] %}`: the error summary, one link per error.

A form may declare `conditional_fields = {"question": {"answer": ["revealed", ...]}}` (see
`core.forms.reveal` and `GovukFormMixin`): the revealed questions are rendered inside that radio or
checkbox option as a GOV.UK conditional reveal (open when the answer is chosen or they have errors;
all visible without JavaScript) and not again at top level.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from core.forms import DATE_PARTS, GovukDateWidget

register = template.Library()

LABEL_SIZES = ("xl", "l", "m", "s")
# Widget attrs the components read themselves; other data-* attrs are passed on to the control.
_HANDLED_ATTRS = {"data-width", "data-inline", "data-small"}
_DATE_WIDTHS = {"day": 2, "month": 2, "year": 4}


# -- conditional reveals ------------------------------------------------------------------------------


def _conditionals(form: forms.BaseForm) -> dict[str, dict[str, list[str]]]:
    """The form's conditional_fields, limited to fields the form has (a view may have removed some)."""
    return {parent: {str(answer): [name for name in children if name in form.fields]
                     for answer, children in by_answer.items()}
            for parent, by_answer in getattr(form, "conditional_fields", {}).items() if parent in form.fields}


def _reveal_places(form: forms.BaseForm) -> dict[str, tuple[str, str]]:
    """Each revealed field -> the (question, answer) it is rendered under: the first that names it,
    so a field revealed by two answers still appears once (ids must be unique)."""
    places: dict[str, tuple[str, str]] = {}
    for parent, by_answer in _conditionals(form).items():
        for answer, children in by_answer.items():
            for name in children:
                places.setdefault(name, (parent, answer))
    return places


def _page_order(form: forms.BaseForm) -> Iterator[str]:
    """Visible field names in the order the page shows them: revealed questions right after theirs."""
    places = _reveal_places(form)
    conditionals = _conditionals(form)

    def walk(name: str) -> Iterator[str]:
        yield name
        for answer, children in conditionals.get(name, {}).items():
            for child in children:
                if places.get(child) == (name, answer):
                    yield from walk(child)

    for name, field in form.fields.items():
        if name not in places and not field.widget.is_hidden:
            yield from walk(name)


# -- pieces shared by every component --------------------------------------------------------------------


def _field_id(field: BoundField) -> str:
    return field.auto_id or field.html_name


def _base_context(field: BoundField, label_size: str, is_page_heading: bool, label: str = "",
                  hint: str = "") -> dict[str, Any]:
    if label_size and label_size not in LABEL_SIZES:
        raise template.TemplateSyntaxError(f"label_size must be one of {', '.join(LABEL_SIZES)}, not {label_size!r}")
    field_id = _field_id(field)
    errors = [str(error) for error in field.errors]
    hint = hint or field.help_text or ""
    describedby = [f"{field_id}-hint"] if hint else []
    if errors:
        describedby.append(f"{field_id}-error")
    return {
        "field": field, "id": field_id, "name": field.html_name, "label": label or field.label,
        "label_size": label_size, "is_page_heading": is_page_heading,
        "hint": hint, "hint_id": f"{field_id}-hint",
        "errors": errors, "error_message": " ".join(errors), "error_id": f"{field_id}-error",
        "describedby": " ".join(describedby),
    }


def _extra_attrs(widget: forms.Widget) -> SafeString:
    """data-* attrs the form set on the widget, passed to the control as GOV.UK's `attributes`."""
    return flatatt({key: value for key, value in widget.attrs.items()
                    if key.startswith("data-") and key not in _HANDLED_ATTRS})


def _spellcheck(value: Any) -> str:
    if value in (None, ""):
        return ""
    return "false" if value in (False, "false", "False", "off") else "true"


def _choices(field: BoundField) -> Iterator[tuple[str, Any, list[tuple[str, Any]] | None]]:
    """(value, label, None) for each choice, or (group label, None, [(value, label), ...]) for a group."""
    for value, label in field.field.choices:
        if isinstance(label, list | tuple):
            yield (str(value), None, [(_choice_value(v), text) for v, text in label])
        else:
            yield (_choice_value(value), label, None)


def _choice_value(value: Any) -> str:
    value = getattr(value, "value", value)  # ModelChoiceIteratorValue
    return "" if value is None else str(value)


def _flat_choices(field: BoundField) -> Iterator[tuple[str, Any]]:
    for value, label, group in _choices(field):
        if group is None:
            yield value, label
        else:
            yield from group


def _selected(field: BoundField) -> set[str]:
    value = field.value()
    values = value if isinstance(value, list | tuple | set) else [value]
    return {_choice_value(getattr(item, "pk", item)) for item in values if item not in (None, "")}


# -- one renderer per component --------------------------------------------------------------------------


def _input(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    width = str(widget.attrs.get("data-width", "") or "")
    width_class = ""
    if width:
        width_class = f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    value = widget.format_value(field.value())
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        value = None
    context.update(
        type=getattr(widget, "input_type", "text"), width_class=width_class,
        value=None if value in (None, "") else value,
        autocomplete=widget.attrs.get("autocomplete", ""), inputmode=widget.attrs.get("inputmode", ""),
        spellcheck=_spellcheck(widget.attrs.get("spellcheck")),
        autocapitalize=widget.attrs.get("autocapitalize", ""), pattern=widget.attrs.get("pattern", ""),
        extra_attrs=_extra_attrs(widget),
    )
    return render_to_string("govuk/input.html", context)


def _textarea(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    max_length = getattr(field.field, "max_length", None)
    describedby = context["describedby"]
    if max_length:
        # GOV.UK puts the count message first: it is what changes as the person types.
        describedby = f"{context['id']}-info {describedby}".strip()
    context.update(
        value=widget.format_value(field.value()) or "", rows=_rows(widget),
        max_length=max_length, max_length_display=f"{max_length:,}" if max_length else "",
        describedby=describedby, spellcheck=_spellcheck(widget.attrs.get("spellcheck")),
        autocomplete=widget.attrs.get("autocomplete", ""), extra_attrs=_extra_attrs(widget),
    )
    return render_to_string("govuk/textarea.html", context)


def _rows(widget: forms.Widget) -> Any:
    """GOV.UK's 5 rows unless the form chose a height: Django's own default is the string "10"."""
    rows = widget.attrs.get("rows")
    return 5 if rows in (None, "", "10") else rows


def _select(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    selected = _selected(field)
    options = []
    for value, label, group in _choices(field):
        if group is None:
            options.append({"value": value, "label": label, "selected": value in selected})
        else:
            options.append({"group": value, "options": [{"value": v, "label": text, "selected": v in selected}
                                                        for v, text in group]})
    context.update(options=options, multiple=widget.allow_multiple_selected, extra_attrs=_extra_attrs(widget))
    return render_to_string("govuk/select.html", context)


def _items(field: BoundField) -> list[dict[str, Any]]:
    """Radio or checkbox items; `children` are the fields the item reveals (the template renders them)."""
    form = field.form
    reveals = _conditionals(form).get(field.name, {})
    places = _reveal_places(form)
    selected = _selected(field)
    field_id = _field_id(field)
    items = []
    for value, label in _flat_choices(field):
        if value == "":
            continue  # the blank choice of an optional select has no place among radios
        item_id = field_id if not items else f"{field_id}-{len(items) + 1}"
        children = [name for name in reveals.get(value, []) if places.get(name) == (field.name, value)]
        checked = value in selected
        items.append({
            "id": item_id, "value": value, "label": label, "checked": checked,
            "children": [form[name] for name in children], "conditional_id": f"conditional-{item_id}",
            "shown": checked or any(form[name].errors for name in children),
        })
    return items


def _radios(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    items = _items(field)
    # GOV.UK: inline radios only for two short answers, and never with conditional reveals.
    inline = bool(widget.attrs.get("data-inline")) and not any(item["children"] for item in items)
    context.update(items=items, inline=inline, small=bool(widget.attrs.get("data-small")))
    return _render_choices("radios", "radio", context)


def _checkboxes(field: BoundField, context: dict[str, Any]) -> SafeString:
    context.update(items=_items(field), single=False,
                   small=bool(field.field.widget.attrs.get("data-small")))
    return _render_choices("checkboxes", "checkbox", context)


def _single_checkbox(field: BoundField, context: dict[str, Any]) -> SafeString:
    """A BooleanField: one checkbox whose label is the question, with no fieldset."""
    checked = field.field.widget.check_test(field.value())
    item = {"id": context["id"], "value": "true", "label": field.label, "checked": checked, "children": []}
    context.update(items=[item], single=True, small=bool(field.field.widget.attrs.get("data-small")))
    return _render_choices("checkboxes", "checkbox", context)


def _render_choices(kind: str, input_type: str, context: dict[str, Any]) -> SafeString:
    """Radios and checkboxes are one markup in GOV.UK Frontend, told apart by their class names and input type."""
    return render_to_string("govuk/choices.html", {**context, "kind": kind, "input_type": input_type})


def _date_error_parts(field: BoundField) -> set[str]:
    """The boxes to mark as wrong: those the errors name (GovukDateField says), else all three."""
    errors = field.form.errors.get(field.name)
    if not errors:
        return set()
    parts: set[str] = set()
    for error in errors.as_data():
        named = (error.params or {}).get("parts") if isinstance(error.params, dict) else None
        parts.update(named or DATE_PARTS)
    return parts


def _date(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    value = field.value()
    if not isinstance(value, list | tuple):
        value = widget.decompress(value)
    birthday = widget.attrs.get("autocomplete") == "bday" or "birth" in field.name
    wrong = _date_error_parts(field)
    parts = []
    for part, part_value in zip(DATE_PARTS, value, strict=True):
        parts.append({
            "id": f"{context['id']}_{part}", "name": f"{field.html_name}_{part}", "label": part.capitalize(),
            "value": part_value or "", "width": _DATE_WIDTHS[part], "error": part in wrong,
            "autocomplete": f"bday-{part}" if birthday else "",
        })
    context["parts"] = parts
    return render_to_string("govuk/date_input.html", context)


def _file(field: BoundField, context: dict[str, Any]) -> SafeString:
    widget = field.field.widget
    multiple = bool(getattr(widget, "allow_multiple_selected", False) or widget.attrs.get("multiple"))
    extra = {key: value for key, value in widget.attrs.items()
             if (key == "accept" or key.startswith("data-")) and key not in _HANDLED_ATTRS}
    context.update(multiple=multiple, extra_attrs=flatatt(extra))
    return render_to_string("govuk/file_upload.html", context)


# Which component renders which widget, most specific first (CheckboxSelectMultiple is a RadioSelect,
# RadioSelect a Select); anything else is a text input.
_RENDERERS: list[tuple[type, Any]] = [
    (GovukDateWidget, _date), (forms.CheckboxSelectMultiple, _checkboxes), (forms.RadioSelect, _radios),
    (forms.CheckboxInput, _single_checkbox), (forms.Select, _select), (forms.Textarea, _textarea),
    (forms.FileInput, _file),
]


# -- the tags ---------------------------------------------------------------------------------------------


@register.simple_tag
def govuk_field(field: BoundField, label_size: str = "", is_page_heading: bool = False, label: str = "",
                hint: str = "") -> SafeString:
    """One bound field as the GOV.UK component for its widget.

    `label_size` ("xl", "l", "m" or "s") sizes the label or legend; `is_page_heading` wraps it in
    the page's <h1>, as GOV.UK does on a one-question page. `label` and `hint` word the question for
    one page where the form is shared (the sign-in code is asked on two pages)."""
    widget = field.field.widget
    if widget.is_hidden:
        return field.as_widget()
    context = _base_context(field, label_size, is_page_heading, label, hint)
    renderer = next((render for kind, render in _RENDERERS if isinstance(widget, kind)), _input)
    return renderer(field, context)


@register.simple_tag
def govuk_fields(form: forms.BaseForm, label_size: str = "m") -> SafeString:
    """Every field in page order: revealed questions only inside their answer, hidden fields last."""
    places = _reveal_places(form)
    visible = [govuk_field(form[name], label_size=label_size)
               for name, field in form.fields.items() if name not in places and not field.widget.is_hidden]
    hidden = [field.as_widget() for field in form.hidden_fields()]
    # Each piece is already safe (rendered by autoescaping templates); format_html_join keeps it so.
    return format_html_join("", "{}", ((piece,) for piece in visible + hidden))


def error_anchor(field: BoundField) -> str:
    """Where the error summary links for a field: its first box for a date (the first wrong one),
    the field (or first option) otherwise."""
    if isinstance(field.field.widget, GovukDateWidget):
        wrong = _date_error_parts(field)
        first = next((part for part in DATE_PARTS if part in wrong), "day")
        return f"{_field_id(field)}_{first}"
    return _field_id(field)


def _summary_links(form: forms.BaseForm) -> Iterable[tuple[str, str]]:
    for error in form.non_field_errors():
        yield "#main-content", str(error)
    names = list(_page_order(form))
    names += [name for name in form.errors if name in form.fields and name not in names]
    for name in names:
        field = form[name]
        anchor = "main-content" if field.field.widget.is_hidden else error_anchor(field)
        for error in field.errors:
            yield f"#{anchor}", str(error)


@register.simple_tag
def govuk_error_summary(*forms_on_page: forms.BaseForm | None) -> SafeString | str:
    """The GOV.UK error summary for one or more forms, in page order: errors that belong to no field
    link to the main content, others to their field. Nothing when there are no errors, or no form
    (a missing template variable renders as "")."""
    errors = [link for form in forms_on_page if isinstance(form, forms.BaseForm) and form.errors
              for link in _summary_links(form)]
    if not errors:
        return ""
    return render_to_string("govuk/error_summary.html", {"errors": errors})
