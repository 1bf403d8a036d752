"""The GOV.UK rendering layer: `{% govuk_field %}`, `{% govuk_fields %}`, `{% govuk_error_summary %}`,
GovukDateField and GovukFormMixin.

Markup is compared with GOV.UK Frontend's own fixtures (node_modules/govuk-frontend) where a Django
form can reproduce one, so a page built from these tags has what the Design System's CSS, JavaScript
and accessibility work expect. Pure rendering: no database."""

from __future__ import annotations

import datetime
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateSyntaxError
from django.test.html import parse_html
from django.utils.safestring import SafeString

from core.forms import GovukDateField, GovukFormMixin, lower_first, reveal
from core.templatetags.govuk import govuk_error_summary, govuk_field, govuk_fields

FIXTURES = Path(settings.BASE_DIR) / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "components"


@cache
def _fixtures(component: str) -> dict[str, str]:
    path = FIXTURES / component / "fixtures.json"
    if not path.exists():
        pytest.skip("GOV.UK Frontend is not installed: run `make install` (npm ci)")
    return {fixture["name"]: fixture["html"] for fixture in json.loads(path.read_text())["fixtures"]}


def fixture_html(component: str, name: str, renames: dict[str, str] | None = None) -> str:
    """A GOV.UK fixture's reference HTML; `renames` swaps its names/ids for ones a Django form can give."""
    html = _fixtures(component)[name]
    for old, new in (renames or {}).items():
        html = html.replace(old, new)
    return html


def assert_same_html(rendered: str, expected: str) -> None:
    """Equal as HTML: attribute order and whitespace between tags do not matter; all else does."""
    assert parse_html(rendered) == parse_html(expected), f"\n--- rendered ---\n{rendered}\n--- expected ---\n{expected}"


def one_field_form(name: str, field: forms.Field, data: dict[str, Any] | None = None,
                   files: dict[str, Any] | None = None) -> forms.Form:
    """A form whose only field has the fixture's name, with ids equal to names as in the fixtures."""
    form_class = type("OneFieldForm", (forms.Form,), {name: field})
    return form_class(data=data, files=files, auto_id="%s")


def render(template: str, **context: Any) -> str:
    return Template("{% load govuk %}" + template).render(Context(context))


def bound_with_error(name: str, field: forms.Field, message: str, **error: Any) -> forms.Form:
    """A bound, otherwise valid form with one error on its field, as a view's clean() would add."""
    field.required = False
    form = one_field_form(name, field, data={})
    assert form.is_valid(), form.errors
    form.add_error(name, forms.ValidationError(message, **error))
    return form


# -- markup equal to GOV.UK Frontend's fixtures -------------------------------------------------------------


def test_text_input_matches_govuk_fixtures():
    form = one_field_form("test-name", forms.CharField(label="National Insurance number"))
    assert_same_html(govuk_field(form["test-name"]), fixture_html("input", "default"))

    hint = ("It\u2019s on your National Insurance card, benefit letter, payslip or P60. "
            "For example, \u2018QQ 12 34 56 C\u2019.")
    form = one_field_form("input-with-hint-text", forms.CharField(label="National insurance number", help_text=hint))
    assert_same_html(govuk_field(form["input-with-hint-text"]),
                     fixture_html("input", "with hint text", {'name="test-name-2"': 'name="input-with-hint-text"'}))

    form = one_field_form("input-width-2", forms.CharField(
        label="National insurance number", help_text=hint, widget=forms.TextInput(attrs={"data-width": "2"})))
    assert_same_html(govuk_field(form["input-width-2"]),
                     fixture_html("input", "with width-2 class", {'name="test-width-2"': 'name="input-width-2"'}))

    form = one_field_form("postcode", forms.CharField(label="Postcode",
                                                      widget=forms.TextInput(attrs={"autocomplete": "postal-code"})))
    assert_same_html(govuk_field(form["postcode"]), fixture_html(
        "input", "with autocomplete attribute", {"input-with-autocomplete-attribute": "postcode"}))

    form = one_field_form("spellcheck", forms.CharField(label="Spellcheck is disabled",
                                                        widget=forms.TextInput(attrs={"spellcheck": "false"})))
    assert_same_html(govuk_field(form["spellcheck"]), fixture_html(
        "input", "with spellcheck disabled", {"input-with-spellcheck-disabled": "spellcheck"}))


def test_text_input_error_and_page_heading_match_govuk_fixtures():
    form = bound_with_error("test-name-3", forms.CharField(label="National Insurance number"),
                            "Enter a National Insurance number in the correct format")
    assert_same_html(govuk_field(form["test-name-3"]), fixture_html(
        "input", "with error message", {"input-with-error-message": "test-name-3"}))

    form = one_field_form("test-name", forms.CharField(label="National Insurance number"))
    assert_same_html(govuk_field(form["test-name"], label_size="l", is_page_heading=True), fixture_html(
        "input", "with label as page heading", {"input-with-page-heading": "test-name"}))


def test_textarea_and_character_count_match_govuk_fixtures():
    form = bound_with_error("no-ni-reason", forms.CharField(
        label="Why can\u2019t you provide a National Insurance number?", widget=forms.Textarea),
        "You must provide an explanation")
    assert_same_html(govuk_field(form["no-ni-reason"]), fixture_html("textarea", "with error message"))

    form = one_field_form("more-detail", forms.CharField(label="Can you provide more detail?", max_length=10,
                                                        widget=forms.Textarea))
    assert_same_html(govuk_field(form["more-detail"]), fixture_html("character-count", "default"))

    hint = ("Don't include personal or financial information, eg your National Insurance number or credit card "
            "details.")
    form = one_field_form("with-hint", forms.CharField(label="Can you provide more detail?", max_length=10,
                                                      help_text=hint, widget=forms.Textarea))
    assert_same_html(govuk_field(form["with-hint"]), fixture_html("character-count", "with hint"))


def test_radios_match_govuk_fixtures():
    yes_no = [("yes", "Yes"), ("no", "No")]
    hint = "This includes changing your last name or spelling your name differently."
    form = bound_with_error(
        "example-error-message-hint",
        forms.ChoiceField(label="Have you changed your name?", choices=yes_no, help_text=hint,
                          widget=forms.RadioSelect),
        "Please select an option")
    assert_same_html(govuk_field(form["example-error-message-hint"]),
                     fixture_html("radios", "with hint and error message"))

    form = one_field_form("example", forms.ChoiceField(
        label="Have you changed your name?", choices=yes_no, help_text=hint, initial="no",
        widget=forms.RadioSelect(attrs={"data-inline": "true"})))
    assert_same_html(govuk_field(form["example"]), fixture_html("radios", "inline"))


def test_checkboxes_match_govuk_fixtures():
    nationalities = [("british", "British"), ("irish", "Irish"), ("other", "Citizen of another country")]
    form = one_field_form("nationality", forms.MultipleChoiceField(
        label="What is your nationality?", choices=nationalities, widget=forms.CheckboxSelectMultiple))
    assert_same_html(govuk_field(form["nationality"]), fixture_html("checkboxes", "default"))

    form = bound_with_error("example", forms.MultipleChoiceField(
        label="What is your nationality?", choices=nationalities[:2], widget=forms.CheckboxSelectMultiple,
        help_text="If you have dual nationality, select all options that are relevant to you."),
        "Please select an option")
    assert_same_html(govuk_field(form["example"]), fixture_html("checkboxes", "with error message and hint"))


def test_select_matches_govuk_fixture():
    choices = [(1, "GOV.UK frontend option 1"), (2, "GOV.UK frontend option 2"), (3, "GOV.UK frontend option 3")]
    form = bound_with_error("select-2", forms.TypedChoiceField(
        label="Label text goes here", choices=choices, coerce=int, help_text="Hint text goes here"),
        "Error message goes here")
    assert_same_html(govuk_field(form["select-2"]), fixture_html("select", "with hint text and error message"))


def test_file_upload_matches_govuk_fixtures():
    hint = "Your photo may be in your Pictures, Photos, Downloads or Desktop folder. Or in an app like iPhoto."
    form = bound_with_error("file-upload-3", forms.FileField(label="Upload a file", help_text=hint),
                            "Error message goes here")
    assert_same_html(govuk_field(form["file-upload-3"]), fixture_html("file-upload", "with error message and hint"))

    class MultipleFileInput(forms.ClearableFileInput):
        allow_multiple_selected = True

    form = one_field_form("file-upload-1", forms.FileField(label="Upload a file", widget=MultipleFileInput))
    assert_same_html(govuk_field(form["file-upload-1"]), fixture_html("file-upload", "allows multiple files"))


def test_date_input_matches_govuk_fixture_marking_only_the_wrong_box():
    form = bound_with_error("dob-day-error", GovukDateField(label="What is your date of birth?",
                                                            error_name="Date of birth",
                                                            help_text="For example, 31 3 1980"),
                            "Error message goes here", params={"parts": ["day"]})
    # GOV.UK joins the part with "-"; the brief's ids and Django's MultiWidget names use "_".
    renames = {f'dob-day-error-{part}"': f'dob-day-error_{part}"' for part in ("day", "month", "year")}
    assert_same_html(govuk_field(form["dob-day-error"]), fixture_html("date-input", "with error on day input", renames))


def test_error_summary_matches_govuk_fixture():
    form_class = type("TwoFieldForm", (forms.Form,), {
        "example-error-1": forms.CharField(error_messages={
            "required": "The date your passport was issued must be in the past"}),
        "example-error-2": forms.CharField(error_messages={"required": "Enter a postcode, like AA1 1AA"}),
    })
    form = form_class(data={}, auto_id="%s")
    assert_same_html(govuk_error_summary(form), fixture_html("error-summary", "default"))


# -- a form using every widget -------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EveryWidgetForm(GovukFormMixin, forms.Form):
    full_name = forms.CharField(label="Full name", help_text="As it appears on their documents.", max_length=100,
                                widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false",
                                                              "data-width": "one-half"}))
    email = forms.EmailField(label="Email address", required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email", "data-width": "20"}))
    age = forms.IntegerField(label="Age", required=False,
                             widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-width": "3"}))
    reference = forms.CharField(label="Reference", required=False, widget=forms.TextInput(attrs={"data-width": "10"}))
    contact = forms.ChoiceField(label="How should we contact them?", choices=[("email", "Email"), ("phone", "Phone")],
                                widget=forms.RadioSelect)
    phone = forms.CharField(label="Phone number", required=True, max_length=25)
    consents = forms.ChoiceField(label="Do they consent?", choices=[("yes", "Yes"), ("no", "No")],
                                 widget=forms.RadioSelect(attrs={"data-inline": "true"}))
    needs = forms.MultipleChoiceField(label="What support do they need?", required=False,
                                      choices=[("housing", "Housing"), ("legal", "Legal advice"), ("other", "Other")],
                                      widget=forms.CheckboxSelectMultiple)
    other_needs = forms.CharField(label="Details of the other support", required=True, max_length=500,
                                  widget=forms.Textarea)
    region = forms.ChoiceField(label="Region", choices=[("", "Select a region"), ("north", "North"),
                                                        ("south", "South")])
    summary = forms.CharField(label="Summary", max_length=2000, widget=forms.Textarea(attrs={"rows": 8}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    evidence = forms.FileField(label="Upload evidence", required=False, widget=MultipleFileInput)
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True, earliest=datetime.date(1900, 1, 1))
    safe_to_contact = forms.BooleanField(label="It is safe to contact them", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, initial=3)

    conditional_fields = reveal(
        ("contact", "phone", ["phone"]),
        ("needs", "other", ["other_needs"]),
    )


VALID = {
    "full_name": "Sam Smith", "contact": "email", "consents": "yes", "region": "north", "summary": "Met at the centre",
    "date_of_birth_day": "9", "date_of_birth_month": "8", "date_of_birth_year": "2001", "version": "3",
}


def tag(html: str, element_id: str) -> str:
    """The opening tag of the element with that id."""
    match = re.search(rf'<(input|textarea|select|div|fieldset)\b[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def test_each_widget_renders_its_govuk_component_with_the_fields_ids():
    html = render("{% govuk_fields form %}", form=EveryWidgetForm())

    full_name = tag(html, "id_full_name")
    assert 'class="govuk-input govuk-!-width-one-half"' in full_name
    assert 'type="text"' in full_name and 'name="full_name"' in full_name
    assert 'autocomplete="name"' in full_name and 'spellcheck="false"' in full_name
    assert 'aria-describedby="id_full_name-hint"' in full_name
    assert '<div id="id_full_name-hint" class="govuk-hint">' in html
    assert 'class="govuk-label govuk-label--m" for="id_full_name"' in html  # govuk_fields sizes labels m
    assert 'maxlength' not in full_name  # GOV.UK: let people type past the limit, then say so
    assert 'type="email"' in tag(html, "id_email") and "govuk-input--width-20" in tag(html, "id_email")
    age = tag(html, "id_age")
    assert 'type="number"' in age and 'inputmode="numeric"' in age and "govuk-input--width-3" in age
    assert "govuk-input--width-10" in tag(html, "id_reference")

    assert 'class="govuk-radios" data-module="govuk-radios"' in html
    assert 'class="govuk-radios__input" id="id_contact" name="contact" type="radio" value="email"' in html
    assert 'id="id_contact-2" name="contact" type="radio" value="phone"' in html
    assert 'class="govuk-radios govuk-radios--inline"' in html
    assert 'id="id_consents" name="consents" type="radio" value="yes"' in html
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">' in html

    assert 'class="govuk-checkboxes" data-module="govuk-checkboxes"' in html
    assert 'class="govuk-checkboxes__input" id="id_needs" name="needs" type="checkbox" value="housing"' in html
    assert 'id="id_needs-3" name="needs" type="checkbox" value="other"' in html

    assert '<select class="govuk-select" id="id_region" name="region">' in html
    assert '<option value="">Select a region</option>' in html

    summary = tag(html, "id_summary")
    assert 'class="govuk-textarea govuk-js-character-count"' in summary and 'rows="8"' in summary
    assert 'class="govuk-textarea"' in tag(html, "id_notes") and 'rows="5"' in tag(html, "id_notes")

    evidence = tag(html, "id_evidence")
    assert 'class="govuk-file-upload"' in evidence and 'type="file"' in evidence and " multiple" in evidence

    assert '<fieldset class="govuk-fieldset" role="group">' in html
    assert '<div class="govuk-date-input" id="id_date_of_birth">' in html
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        box = tag(html, f"id_date_of_birth_{part}")
        assert f'name="date_of_birth_{part}"' in box and 'inputmode="numeric"' in box
        assert f"govuk-input--width-{width}" in box and f'autocomplete="bday-{part}"' in box

    single = tag(html, "id_safe_to_contact")
    assert 'class="govuk-checkboxes__input"' in single and 'type="checkbox"' in single
    assert '<input type="hidden" name="version" value="3" id="id_version">' in html


def test_fields_are_rendered_in_order_with_hidden_fields_last():
    html = render("{% govuk_fields form %}", form=EveryWidgetForm())
    order = ("full_name", "email", "contact", "phone", "needs", "other_needs", "region", "date_of_birth",
             "safe_to_contact", "version")
    positions = [html.index(f'name="{name}') for name in order]
    assert positions == sorted(positions)


def test_label_size_and_page_heading_for_labels_and_legends():
    form = EveryWidgetForm()
    label = render('{% govuk_field form.full_name label_size="l" is_page_heading=True %}', form=form)
    assert '<h1 class="govuk-label-wrapper">' in label
    assert '<label class="govuk-label govuk-label--l" for="id_full_name">' in label
    legend = render('{% govuk_field form.contact label_size="xl" is_page_heading=True %}', form=form)
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--xl">' in legend
    assert '<h1 class="govuk-fieldset__heading">' in legend
    plain = render("{% govuk_field form.full_name %}", form=form)
    assert '<label class="govuk-label" for="id_full_name">' in plain and "<h1" not in plain
    with pytest.raises(TemplateSyntaxError):
        render('{% govuk_field form.full_name label_size="large" %}', form=form)


def test_a_prefixed_form_keeps_the_prefix_in_every_id():
    html = render("{% govuk_fields form %}", form=EveryWidgetForm(prefix="person"))
    assert 'id="id_person-contact" name="person-contact"' in html
    assert 'id="id_person-contact-2"' in html
    assert 'id="id_person-date_of_birth_day" name="person-date_of_birth_day"' in html


def test_labels_hints_and_values_are_escaped():
    form = one_field_form("name", forms.CharField(label="<b>Name</b>", help_text="<i>hint</i>"),
                          data={"name": '"><script>alert(1)</script>'})
    html = govuk_field(form["name"])
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Name&lt;/b&gt;" in html and 'value="&quot;&gt;&lt;script&gt;' in html


# -- errors -------------------------------------------------------------------------------------------------


def test_errors_mark_the_group_and_control_and_are_described():
    form = EveryWidgetForm(data={**VALID, "full_name": "", "region": "", "contact": ""})
    html = render("{% govuk_fields form %}", form=form)

    assert '<p id="id_full_name-error" class="govuk-error-message">' in html
    assert '<span class="govuk-visually-hidden">Error:</span> Enter full name' in html
    full_name = tag(html, "id_full_name")
    assert "govuk-input--error" in full_name
    assert 'aria-describedby="id_full_name-hint id_full_name-error"' in full_name

    assert "govuk-select--error" in tag(html, "id_region")
    assert 'aria-describedby="id_region-error"' in tag(html, "id_region")
    assert "Select region" in html

    assert '<fieldset class="govuk-fieldset" aria-describedby="id_contact-error">' in html
    assert "Select how should we contact them" in html
    assert html.count("govuk-form-group govuk-form-group--error") == 3


def test_error_summary_links_each_error_to_its_field_in_page_order():
    form = EveryWidgetForm(data={
        **VALID, "full_name": "", "contact": "phone", "phone": "", "needs": ["other"], "other_needs": "",
        "date_of_birth_day": "", "date_of_birth_month": "", "date_of_birth_year": "",
    })
    form.add_error(None, "This person already has a referral")
    html = render("{% govuk_error_summary form %}", form=form)
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert '<h2 class="govuk-error-summary__title">' in html
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    assert links == [
        ("#main-content", "This person already has a referral"),
        ("#id_full_name", "Enter full name"),
        ("#id_phone", "Enter phone number"),  # revealed inside the "Phone" option, listed after it
        ("#id_other_needs", "Enter details of the other support"),
        ("#id_date_of_birth_day", "Enter date of birth"),
    ]


def test_error_summary_is_empty_without_errors():
    assert render("{% govuk_error_summary form %}", form=EveryWidgetForm()) == ""
    valid = EveryWidgetForm(data=VALID)
    assert valid.is_valid(), valid.errors
    assert render("{% govuk_error_summary form %}", form=valid) == ""
    assert render("{% govuk_error_summary missing %}") == ""


def test_error_summary_links_a_radio_error_to_the_first_option():
    form = EveryWidgetForm(data={**VALID, "contact": ""})
    html = render("{% govuk_error_summary form %}{% govuk_fields form %}", form=form)
    assert '<a href="#id_contact">Select how should we contact them</a>' in html
    assert 'class="govuk-radios__input" id="id_contact" name="contact"' in html


# -- conditional reveals ------------------------------------------------------------------------------------


def test_conditional_reveal_markup_and_fields_rendered_once():
    html = render("{% govuk_fields form %}", form=EveryWidgetForm())
    phone_option = tag(html, "id_contact-2")
    assert 'data-aria-controls="conditional-id_contact-2"' in phone_option
    assert 'data-aria-controls' not in tag(html, "id_contact")
    assert ('<div class="govuk-radios__conditional govuk-radios__conditional--hidden" '
            'id="conditional-id_contact-2">') in html
    conditional = html.split('id="conditional-id_contact-2">', 1)[1].split('<div class="govuk-radios__item">', 1)[0]
    assert 'id="id_phone"' in conditional and 'class="govuk-label" for="id_phone"' in conditional
    assert html.count('id="id_phone"') == 1

    assert 'data-aria-controls="conditional-id_needs-3"' in tag(html, "id_needs-3")
    assert ('<div class="govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden" '
            'id="conditional-id_needs-3">') in html
    assert html.count('id="id_other_needs"') == 1
    # GOV.UK never puts conditional reveals in inline radios.
    assert "govuk-radios--inline" in html


def test_our_conditional_reveal_markup_has_no_aria_state_of_its_own():
    """axe-core's aria-allowed-attr finding on revealing radios is GOV.UK Frontend's JavaScript adding
    aria-expanded (alphagov/govuk-frontend#979); the server's markup carries only data-aria-controls,
    the current GOV.UK pattern, so the page is clean without JavaScript (docs/architecture.md)."""
    html = render("{% govuk_fields form %}", form=EveryWidgetForm(initial={"contact": "phone"}))
    inputs = [tag(html, item) for item in ("id_contact", "id_contact-2", "id_needs-3")]
    assert all("aria-expanded" not in element and " aria-controls" not in element for element in inputs)
    assert 'data-aria-controls="conditional-id_contact-2"' in inputs[1]


def test_conditional_reveal_is_open_when_its_answer_is_chosen_or_its_fields_have_errors():
    chosen = render("{% govuk_fields form %}", form=EveryWidgetForm(initial={"contact": "phone", "needs": ["other"]}))
    assert '<div class="govuk-radios__conditional" id="conditional-id_contact-2">' in chosen
    assert '<div class="govuk-checkboxes__conditional" id="conditional-id_needs-3">' in chosen

    form = EveryWidgetForm(data={**VALID, "contact": "phone", "phone": ""})
    with_error = render("{% govuk_fields form %}", form=form)
    assert '<div class="govuk-radios__conditional" id="conditional-id_contact-2">' in with_error
    assert "govuk-input--error" in tag(with_error, "id_phone")


def test_hidden_conditional_fields_are_not_validated_or_kept():
    form = EveryWidgetForm(data={**VALID, "contact": "email", "phone": "01632 960001", "needs": ["housing"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] is None and form.cleaned_data["other_needs"] is None
    revealed = EveryWidgetForm(data={**VALID, "contact": "phone", "phone": "01632 960001"})
    assert revealed.is_valid(), revealed.errors
    assert revealed.cleaned_data["phone"] == "01632 960001"


def test_nested_conditionals_render_inside_each_other():
    class NestedForm(GovukFormMixin, forms.Form):
        has_contact = forms.ChoiceField(label="Can we contact them?", choices=[("yes", "Yes"), ("no", "No")],
                                        widget=forms.RadioSelect)
        method = forms.ChoiceField(label="How?", choices=[("email", "Email"), ("post", "Post")],
                                   widget=forms.RadioSelect)
        email = forms.EmailField(label="Email address")
        conditional_fields = reveal(("has_contact", "yes", ["method"]), ("method", "email", ["email"]))

    form = NestedForm(data={"has_contact": "yes", "method": "email", "email": ""})
    html = render("{% govuk_error_summary form %}{% govuk_fields form %}", form=form)
    assert html.count('id="id_email"') == 1 and html.count('id="id_method"') == 1
    outer = html.split('id="conditional-id_has_contact">', 1)[1]
    assert outer.index('id="conditional-id_method">') < outer.index('id="id_email"')
    assert '<a href="#id_email">Enter email address</a>' in html
    hidden = NestedForm(data={"has_contact": "no", "method": "email", "email": ""})
    assert hidden.is_valid(), hidden.errors


def test_a_form_naming_unknown_conditional_fields_is_refused():
    class BrokenForm(GovukFormMixin, forms.Form):
        answer = forms.ChoiceField(choices=[("yes", "Yes")], widget=forms.RadioSelect)
        conditional_fields = {"answer": {"yes": ["missing"]}}

    with pytest.raises(ImproperlyConfigured, match="missing"):
        BrokenForm()


def test_reveal_builds_conditional_fields():
    assert reveal(("contact", "email", ["email"]), ("contact", "phone", ["phone", "mobile"]),
                  ("needs", "other", ("other_needs",))) == {
        "contact": {"email": ["email"], "phone": ["phone", "mobile"]},
        "needs": {"other": ["other_needs"]},
    }


# -- the character count ------------------------------------------------------------------------------------


def test_character_count_only_for_a_textarea_with_max_length():
    html = render("{% govuk_field form.summary %}{% govuk_field form.notes %}", form=EveryWidgetForm())
    assert ('<div class="govuk-form-group govuk-character-count" data-module="govuk-character-count" '
            'data-maxlength="2000">') in html
    assert 'aria-describedby="id_summary-info"' in tag(html, "id_summary")
    assert '<div id="id_summary-info" class="govuk-hint govuk-character-count__message">' in html
    assert "You can enter up to 2,000 characters" in html
    assert html.count("govuk-character-count__message") == 1  # notes has no max_length

    over = EveryWidgetForm(data={**VALID, "summary": "x" * 2001})
    html = render("{% govuk_field form.summary %}", form=over)
    assert "govuk-form-group govuk-form-group--error govuk-character-count" in html
    assert 'aria-describedby="id_summary-info id_summary-error"' in tag(html, "id_summary")
    assert "Summary must be 2,000 characters or fewer" in html


# -- the date field -----------------------------------------------------------------------------------------


class DateForm(forms.Form):
    date_of_birth = GovukDateField(label="Date of birth", must_be_past=True, earliest=datetime.date(1900, 1, 1))
    visit = GovukDateField(label="Visit date", required=False)


def date_form(day: str, month: str, year: str) -> DateForm:
    return DateForm(data={"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year})


@pytest.mark.parametrize(("parts", "expected"), [
    (("9", "8", "2001"), datetime.date(2001, 8, 9)),
    ((" 09 ", "08", "2001"), datetime.date(2001, 8, 9)),
    (("29", "2", "2000"), datetime.date(2000, 2, 29)),
    (("1", "March", "1990"), datetime.date(1990, 3, 1)),
    (("1", "sept", "1990"), datetime.date(1990, 9, 1)),
    (("1", "1", "1900"), datetime.date(1900, 1, 1)),
])
def test_date_field_parses_valid_dates(parts: tuple[str, str, str], expected: datetime.date):
    form = date_form(*parts)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == expected
    assert form.cleaned_data["visit"] is None  # optional and left blank


@pytest.mark.parametrize(("parts", "message", "wrong"), [
    (("", "", ""), "Enter date of birth", {"day", "month", "year"}),
    (("", "8", "2001"), "Date of birth must include a day", {"day"}),
    (("9", "", "2001"), "Date of birth must include a month", {"month"}),
    (("9", "8", ""), "Date of birth must include a year", {"year"}),
    (("", "", "2001"), "Date of birth must include a day and month", {"day", "month"}),
    (("31", "2", "2001"), "Date of birth must be a real date", {"day"}),
    (("9", "13", "2001"), "Date of birth must be a real date", {"month"}),
    (("nine", "8", "2001"), "Date of birth must be a real date", {"day"}),
    (("9", "8", "01"), "Year must include 4 numbers", {"year"}),
    (("9", "8", "20011"), "Year must include 4 numbers", {"year"}),
    (("31", "12", "1899"), "Date of birth must be after 1 January 1900", {"day", "month", "year"}),
])
def test_date_field_rejects_each_kind_of_invalid_date(parts: tuple[str, str, str], message: str, wrong: set[str]):
    form = date_form(*parts)
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    html = govuk_field(form["date_of_birth"])
    marked = {part for part in ("day", "month", "year")
              if "govuk-input--error" in tag(html, f"id_date_of_birth_{part}")}
    assert marked == wrong
    summary = govuk_error_summary(form)
    first = next(part for part in ("day", "month", "year") if part in wrong)
    assert f'<a href="#id_date_of_birth_{first}">{message}</a>' in summary


def test_date_field_refuses_the_future_when_it_must_be_past():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    form = date_form(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year))
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]
    today = datetime.date.today()
    assert date_form(str(today.day), str(today.month), str(today.year)).is_valid()


def test_date_field_keeps_what_was_typed_after_an_error():
    form = date_form("31", "2", "2001")
    html = govuk_field(form["date_of_birth"])
    assert 'value="31"' in tag(html, "id_date_of_birth_day")
    assert 'value="2"' in tag(html, "id_date_of_birth_month")
    assert 'value="2001"' in tag(html, "id_date_of_birth_year")
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date_of_birth-error">' in html
    typed = govuk_field(date_form("nine", "aug", "")["date_of_birth"])
    assert 'value="nine"' in typed and 'value="aug"' in typed


def test_date_field_shows_an_initial_date_and_its_stored_form():
    html = govuk_field(DateForm(initial={"date_of_birth": datetime.date(2001, 8, 9)})["date_of_birth"])
    assert 'value="9"' in tag(html, "id_date_of_birth_day") and 'value="2001"' in tag(html, "id_date_of_birth_year")
    stored = govuk_field(DateForm(initial={"date_of_birth": "2001-08-09"})["date_of_birth"])
    assert 'value="8"' in tag(stored, "id_date_of_birth_month")


def test_date_field_messages_can_name_the_date_differently():
    class StartForm(forms.Form):
        started_on = GovukDateField(label="When did it start?", error_name="Start date",
                                    error_messages={"required": "Enter when it started"})

    assert StartForm(data={}).errors["started_on"] == ["Enter when it started"]
    assert StartForm(data={"started_on_day": "40", "started_on_month": "1", "started_on_year": "2020"}).errors[
        "started_on"] == ["Start date must be a real date"]


# -- GOV.UK error messages from the mixin ------------------------------------------------------------------


def test_mixin_gives_govuk_messages_but_keeps_the_forms_own():
    class MessagesForm(GovukFormMixin, forms.Form):
        name = forms.CharField(label="Full name", max_length=5)
        email = forms.EmailField(label="Email address")
        count = forms.IntegerField(label="Number of people", min_value=1, max_value=10)
        colour = forms.ChoiceField(label="Colour", choices=[("red", "Red")], widget=forms.RadioSelect)
        own = forms.CharField(label="Own", error_messages={"required": "Tell us your own thing"})

    errors = MessagesForm(data={"name": "", "email": "x", "count": "x", "colour": "blue"}).errors
    assert errors["name"] == ["Enter full name"]
    assert errors["email"] == ["Enter an email address in the correct format, like name@example.com"]
    assert errors["count"] == ["Number of people must be a whole number"]
    assert errors["colour"] == ["Select colour"]
    assert errors["own"] == ["Tell us your own thing"]
    errors = MessagesForm(data={"name": "abcdef", "count": "11"}).errors
    assert errors["name"] == ["Full name must be 5 characters or fewer"]
    assert errors["count"] == ["Number of people must be 10 or less"]
    assert MessagesForm.error_css_class == "govuk-form-group--error"


def test_lower_first_keeps_acronyms():
    assert lower_first("Date of birth") == "date of birth"
    assert lower_first("UK arrival date") == "UK arrival date"
    assert lower_first("A") == "a"


def test_tags_return_safe_html_that_templates_do_not_escape_again():
    form = EveryWidgetForm(data={})
    assert isinstance(govuk_fields(form), SafeString) and isinstance(govuk_error_summary(form), SafeString)
    assert "&lt;div" not in render("{% govuk_error_summary form %}{% govuk_fields form %}", form=form)


def test_a_date_field_labelled_as_a_question_must_name_the_date_for_its_errors():
    with pytest.raises(ImproperlyConfigured, match="is a question: give error_name"):
        GovukDateField(label="When did the exploitation start?")


def test_exploitation_dates_are_named_in_errors_the_govuk_way():
    from referrals.section_forms.exploitation import ExploitationForm

    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    form = ExploitationForm(data={"situations": "Made to work.", "started_on_day": str(tomorrow.day),
                                  "started_on_month": str(tomorrow.month), "started_on_year": str(tomorrow.year),
                                  "ended_on_day": "31", "ended_on_month": "2", "ended_on_year": "2020"})
    assert form.errors["started_on"] == ["The date the exploitation started must be in the past"]
    assert form.errors["ended_on"] == ["The date the exploitation ended must be a real date"]
