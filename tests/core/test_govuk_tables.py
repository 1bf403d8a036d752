"""The GOV.UK table component, `{% govuk_table %}`, and the paged list's caption, `|list_caption`: every
table in the templates is built by them, so what they render is what every table page shows. Pure
rendering: no database."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.test.html import parse_html

from core.paging import ListPage

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def render(template: str, **context: Any) -> str:
    return Template("{% load govuk_tables %}" + template).render(Context(context))


def assert_same_html(rendered: str, expected: str) -> None:
    """Equal as HTML: attribute order and white space between tags do not matter; all else does."""
    assert parse_html(rendered) == parse_html(expected), f"\n--- rendered ---\n{rendered}\n--- expected ---\n{expected}"


def test_a_table_is_a_labelled_scrolling_region_with_a_hidden_caption_its_headers_and_its_rows():
    rendered = render(
        '{% govuk_table "Reference" "Status" label="Your cases" %}'
        '{% for case in cases %}<tr class="govuk-table__row"><td class="govuk-table__cell">{{ case }}</td></tr>'
        '{% endfor %}{% endgovuk_table %}', cases=["NRM-1", "NRM-2"])
    assert_same_html(rendered, """
        <div class="app-table-container" role="region" aria-label="Your cases" tabindex="0">
          <table class="govuk-table">
            <caption class="govuk-table__caption govuk-visually-hidden">Your cases</caption>
            <thead class="govuk-table__head"><tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header">Reference</th>
              <th scope="col" class="govuk-table__header">Status</th>
            </tr></thead>
            <tbody class="govuk-table__body">
              <tr class="govuk-table__row"><td class="govuk-table__cell">NRM-1</td></tr>
              <tr class="govuk-table__row"><td class="govuk-table__cell">NRM-2</td></tr>
            </tbody>
          </table>
        </div>""")


@pytest.mark.parametrize("size", ["s", "m", "l", "xl"])
def test_a_sized_caption_is_shown_in_its_size_and_may_say_more_than_the_label(size):
    rendered = render('{% govuk_table "Sent" label="Letters" caption="Letters sent this week" caption_size=size %}'
                      '{% endgovuk_table %}', size=size)
    caption = f'<caption class="govuk-table__caption govuk-table__caption--{size}">Letters sent this week</caption>'
    assert caption in rendered
    assert "govuk-visually-hidden" not in rendered
    assert 'aria-label="Letters"' in rendered


def test_a_caption_without_a_size_is_visually_hidden_and_says_what_it_is_given():
    rendered = render('{% govuk_table "Sent" label="Notifications" caption="Notifications, newest first" %}'
                      '{% endgovuk_table %}')
    assert ('<caption class="govuk-table__caption govuk-visually-hidden">Notifications, newest first</caption>'
            in rendered)


def test_numeric_headers_align_right_and_a_hidden_header_is_only_read_out():
    rendered = render('{% govuk_table "Provider" "Bed spaces"|numeric_header "Actions"|hidden_header label="Rates" %}'
                      '{% endgovuk_table %}')
    assert_same_html(rendered.split("<thead")[1].split("</thead>")[0].split(">", 1)[1], """
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Provider</th>
          <th scope="col" class="govuk-table__header govuk-table__header--numeric">Bed spaces</th>
          <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Actions</span></th>
        </tr>""")


def test_headers_may_come_as_a_list_from_the_view_with_the_filters_marking_some():
    rendered = render("{% govuk_table headers=columns label=title %}{% endgovuk_table %}",
                      columns=["Quarter", "Referrals"], title="Referrals by quarter")
    assert ('<tr class="govuk-table__row"><th scope="col" class="govuk-table__header">Quarter</th>'
            '<th scope="col" class="govuk-table__header">Referrals</th></tr>') in rendered


def test_a_table_without_headers_has_no_head():
    assert "<thead" not in render('{% govuk_table label="Totals" %}<tr></tr>{% endgovuk_table %}')


def test_values_from_the_context_are_escaped_in_the_label_caption_headers_and_rows():
    rendered = render("{% govuk_table heading heading|numeric_header heading|hidden_header label=name %}"
                      "<tr><td>{{ name }}</td></tr>{% endgovuk_table %}"
                      "{% govuk_table label=name caption=name caption_size='s' %}{% endgovuk_table %}",
                      name=SCRIPT, heading=SCRIPT)
    assert "<script>" not in rendered
    assert f'aria-label="{ESCAPED}"' in rendered
    assert f'<caption class="govuk-table__caption govuk-visually-hidden">{ESCAPED}</caption>' in rendered
    assert f'<caption class="govuk-table__caption govuk-table__caption--s">{ESCAPED}</caption>' in rendered
    assert f'<th scope="col" class="govuk-table__header">{ESCAPED}</th>' in rendered
    assert f'<th scope="col" class="govuk-table__header govuk-table__header--numeric">{ESCAPED}</th>' in rendered
    assert f'<span class="govuk-visually-hidden">{ESCAPED}</span>' in rendered
    assert f"<td>{ESCAPED}</td>" in rendered


def test_an_attribute_value_cannot_break_out_of_its_quotes():
    rendered = render("{% govuk_table 'A' label=label id=label aria_describedby=label %}{% endgovuk_table %}",
                      label='x" onmouseover="alert(1)')
    assert "onmouseover=" not in rendered.replace("&quot; onmouseover=&quot;", "")
    assert rendered.count("x&quot; onmouseover=&quot;alert(1)") == 4  # region, id, aria-describedby, caption


def test_the_table_takes_an_id_extra_classes_and_data_and_aria_attributes_and_leaves_out_empty_ones():
    rendered = render('{% govuk_table "Name" label="Caseload" id="caseload" classes="app-caseload" '
                      'data_module="moj-sortable-table" aria_describedby="fit-explained" %}{% endgovuk_table %}')
    opening = re.search(r"<table[^>]*>", rendered)[0]
    assert_same_html(opening + "</table>", '<table class="govuk-table app-caseload" id="caseload" '
                     'data-module="moj-sortable-table" aria-describedby="fit-explained"></table>')
    # the monitoring report counts its tables by this opening
    assert '<table class="govuk-table app-caseload" id="caseload"' in rendered
    bare = render('{% govuk_table "Name" label="Caseload" id=missing data_module="" %}{% endgovuk_table %}')
    assert '<table class="govuk-table">' in bare


def test_sections_give_a_caption_with_markup_and_a_header_row_built_in_the_template():
    rendered = render("""
        {% govuk_table label="Cases" caption_size="m" data_module="moj-sortable-table" %}
          {% caption %}
            {{ title }} <strong class="govuk-tag">Provisional</strong>
          {% thead %}
            {% govuk_table_header "Reference" sort="none" %}
            {% for band in bands %}{% govuk_table_header band numeric=True %}{% endfor %}
            {% govuk_table_header "Next deadline" sort="ascending" %}
            {% govuk_table_header "Action" hidden=True %}
          {% tbody %}
          <tr class="govuk-table__row"><td class="govuk-table__cell">NRM-1</td></tr>
        {% endgovuk_table %}""", title=SCRIPT, bands=["0 to 45 days"])
    assert_same_html(rendered, f"""
        <div class="app-table-container" role="region" aria-label="Cases" tabindex="0">
          <table class="govuk-table" data-module="moj-sortable-table">
            <caption class="govuk-table__caption govuk-table__caption--m">{ESCAPED}
              <strong class="govuk-tag">Provisional</strong></caption>
            <thead class="govuk-table__head"><tr class="govuk-table__row">
              <th scope="col" class="govuk-table__header" aria-sort="none">Reference</th>
              <th scope="col" class="govuk-table__header govuk-table__header--numeric">0 to 45 days</th>
              <th scope="col" class="govuk-table__header" aria-sort="ascending">Next deadline</th>
              <th scope="col" class="govuk-table__header"><span class="govuk-visually-hidden">Action</span></th>
            </tr></thead>
            <tbody class="govuk-table__body">
              <tr class="govuk-table__row"><td class="govuk-table__cell">NRM-1</td></tr>
            </tbody>
          </table>
        </div>""")
    assert '<caption class="govuk-table__caption govuk-table__caption--m">&lt;' in rendered  # no blank line first


def test_a_caption_section_goes_with_headers_given_as_arguments():
    rendered = render('{% govuk_table "Quarter" label="Referrals" %}{% caption %}<em>Referrals</em>{% tbody %}'
                      "<tr></tr>{% endgovuk_table %}")
    assert "<em>Referrals</em></caption>" in rendered and ">Quarter</th>" in rendered
    assert '<tbody class="govuk-table__body"><tr></tr></tbody>' in rendered


@pytest.mark.parametrize("template", [
    '{% govuk_table "A" %}{% endgovuk_table %}',  # no label
    '{% govuk_table label="A" colour="red" %}{% endgovuk_table %}',  # no such option
    '{% govuk_table label="A" label="B" %}{% endgovuk_table %}',
    '{% govuk_table label="A" "B" %}{% endgovuk_table %}',  # a header after the options
    '{% govuk_table label="A" %}<tr></tr>{% thead %}<th></th>{% tbody %}{% endgovuk_table %}',  # rows first
    '{% govuk_table label="A" %}{% thead %}<th></th>{% endgovuk_table %}',  # no rows section
    '{% govuk_table label="A" %}{% tbody %}{% thead %}{% endgovuk_table %}',  # out of order
    '{% govuk_table "B" label="A" %}{% thead %}<th></th>{% tbody %}{% endgovuk_table %}',  # headers twice
    '{% govuk_table label="A" caption="B" %}{% caption %}C{% tbody %}{% endgovuk_table %}',  # caption twice
])
def test_a_table_written_wrongly_is_refused_when_the_template_is_read(template):
    with pytest.raises(TemplateSyntaxError):
        render(template)


@pytest.mark.parametrize("template", [
    '{% govuk_table label="A" caption_size="huge" %}{% endgovuk_table %}',
    '{% govuk_table label="A" %}{% thead %}{% govuk_table_header "B" sort="up" %}{% tbody %}{% endgovuk_table %}',
])
def test_a_size_or_sort_order_gov_uk_does_not_have_is_refused(template):
    with pytest.raises(TemplateSyntaxError):
        render(template)


def _page(count: int, *, number: int = 1, total: int | None = 0) -> ListPage:
    return ListPage(items=list(range(count)), number=number, per_page=50, has_next=False, total=total)


@pytest.mark.parametrize(("page", "caption"), [
    (_page(0), "No drafts"),
    (_page(3, total=3), "Showing 1 to 3 of 3 drafts"),
    (_page(50, number=2, total=None), "Showing 51 to 100 of more than 1,000 drafts"),
    (_page(50, number=21, total=1234), "Showing 1001 to 1050 of 1,234 drafts"),
])
def test_a_paged_list_caption_says_which_rows_of_how_many_are_shown(page, caption):
    assert render('{{ page|list_caption:"drafts" }}', page=page) == caption
    rendered = render('{% govuk_table "Draft" label="Drafts" caption=page|list_caption:"drafts" caption_size="s" %}'
                      "{% endgovuk_table %}", page=page)
    assert f'<caption class="govuk-table__caption govuk-table__caption--s">{caption}</caption>' in rendered


def test_the_list_caption_escapes_its_noun_where_it_is_shown():
    assert render("{{ page|list_caption:noun }}", page=_page(0), noun=SCRIPT) == f"No {ESCAPED}"


def test_every_table_in_the_templates_is_built_by_the_component():
    """One markup for every table: a <table> written by hand would miss the scrolling region or the caption."""
    templates = Path(settings.BASE_DIR) / "templates"
    by_hand = [str(path.relative_to(templates)) for path in templates.rglob("*.html")
               if "<table" in path.read_text() or "app-table-container" in path.read_text()]
    assert by_hand == []
    assert any("{% govuk_table " in path.read_text() for path in templates.rglob("*.html"))
