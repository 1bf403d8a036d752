"""The GOV.UK table component, so every table on every page has the same markup, written once: a
scrolling container that is a labelled region (tables never make the page scroll sideways), the table,
its caption, its header row and its body.

    {% load govuk_tables %}
    {% govuk_table "Reference" "Days"|numeric_header "Actions"|hidden_header label="Your cases" caption_size="s" %}
      {% for case in cases %}<tr class="govuk-table__row">…</tr>{% endfor %}
    {% endgovuk_table %}

- `label` (required) names the region; the caption says the same unless `caption` is given. The
  caption is visually hidden unless `caption_size` ("s", "m", "l" or "xl") shows it.
- Headers: text as positional arguments or a list as `headers=`, plain or marked by the filters
  `numeric_header` (right-aligned, for figures) and `hidden_header` (read out but not shown, for an
  actions column).
- `id`, `classes` (added to govuk-table) and any `data_…` or `aria_…` keyword (`data_module`,
  `aria_describedby`: underscores become hyphens) are put on the <table>; an empty value is left out.
- A table whose caption holds markup, or whose header row is built in the template (sortable headers,
  headers in a loop or under a condition), gives it in sections: `{% caption %}` (the caption's
  content), `{% thead %}` (the header row's cells, e.g. `{% govuk_table_header "Status" sort="none" %}`)
  and then `{% tbody %}` before the rows.
- `{{ page|list_caption:"cases" }}`: a paged list's caption, "Showing 1 to 50 of 200 cases".

Every value is escaped; only what the template itself renders (the sections, the rows) is kept as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, TextNode, Token, kwarg_re
from django.template.context import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

CAPTION_SIZES = ("s", "m", "l", "xl")
SORT_ORDERS = ("none", "ascending", "descending")
SECTIONS = ("caption", "thead", "tbody")  # in the order a table has them
_KEYWORDS = {"label", "caption", "caption_size", "id", "classes", "headers"}
_ATTRIBUTE_PREFIXES = ("data_", "aria_")


@dataclass(frozen=True)
class Header:
    """One column header: `numeric` right-aligns it over figures, `hidden` leaves it for screen readers
    alone, `sort` is the aria-sort a sortable table starts with."""

    text: Any
    numeric: bool = False
    hidden: bool = False
    sort: str = ""


def _as_header(value: Any) -> Header:
    return value if isinstance(value, Header) else Header(value)


def header_cell(header: Header) -> SafeString:
    """A <th scope="col">: the only place a column header's markup is written."""
    if header.sort and header.sort not in SORT_ORDERS:
        raise template.TemplateSyntaxError(f"sort must be one of {', '.join(SORT_ORDERS)}, not {header.sort!r}")
    classes = "govuk-table__header" + (" govuk-table__header--numeric" if header.numeric else "")
    text = format_html('<span class="govuk-visually-hidden">{}</span>', header.text) if header.hidden else header.text
    sort = format_html(' aria-sort="{}"', header.sort) if header.sort else ""
    return format_html('<th scope="col" class="{}"{}>{}</th>', classes, sort, text)


@register.filter
def numeric_header(text: Any) -> Header:
    """A header over a column of figures, aligned right as the figures are."""
    return Header(text, numeric=True)


@register.filter
def hidden_header(text: Any) -> Header:
    """A header sighted users need not see (an actions column), still read out by screen readers."""
    return Header(text, hidden=True)


@register.simple_tag
def govuk_table_header(text: Any, numeric: bool = False, hidden: bool = False, sort: str = "") -> SafeString:
    """One header cell, for a header row written in a `{% thead %}` section."""
    return header_cell(Header(text, numeric=numeric, hidden=hidden, sort=sort))


@register.filter
def list_caption(page: Any, noun: str) -> str:
    """What a paged list (core.paging.ListPage) shows: "Showing 51 to 100 of more than 1,000 cases",
    or "No cases" when the page is empty."""
    if not page:
        return f"No {noun}"
    return f"Showing {page.first_index} to {page.last_index} of {page.total_label} {noun}"


class GovukTableNode(template.Node):
    """A parsed {% govuk_table %}: the values are resolved and escaped each time the page is rendered."""

    def __init__(self, headers: list[FilterExpression], options: dict[str, FilterExpression],
                 sections: dict[str, NodeList]) -> None:
        self.headers = headers
        self.options = options
        self.sections = sections

    def _option(self, name: str, context: Context, default: Any = "") -> Any:
        expression = self.options.get(name)
        return default if expression is None else expression.resolve(context)

    def _caption(self, context: Context) -> SafeString:
        size = self._option("caption_size", context)
        if size and size not in CAPTION_SIZES:
            raise template.TemplateSyntaxError(f"caption_size must be one of {', '.join(CAPTION_SIZES)}, not {size!r}")
        if "caption" in self.sections:
            text = self.sections["caption"].render(context)
        else:
            text = self._option("caption", context, self._option("label", context))  # escaped by format_html
        size_class = f"govuk-table__caption--{size}" if size else "govuk-visually-hidden"
        return format_html('<caption class="govuk-table__caption {}">{}</caption>', size_class, text)

    def _head(self, context: Context) -> SafeString | str:
        if "thead" in self.sections:
            cells = self.sections["thead"].render(context)
        else:
            headers = [expression.resolve(context) for expression in self.headers]
            headers += list(self._option("headers", context, None) or [])
            if not headers:
                return ""
            cells = format_html_join("", "{}", ((header_cell(_as_header(header)),) for header in headers))
        return format_html('<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells)

    def _attributes(self, context: Context) -> SafeString:
        """id first, then the data- and aria- attributes in the order given; empty ones left out."""
        names = ["id"] + [name for name in self.options if name.startswith(_ATTRIBUTE_PREFIXES)]
        values = ((name.replace("_", "-"), self._option(name, context)) for name in names)
        return format_html_join("", ' {}="{}"', ((name, value) for name, value in values if value not in (None, "")))

    def render(self, context: Context) -> SafeString:
        classes = " ".join(["govuk-table", str(self._option("classes", context) or "")]).strip()
        rows = self.sections["tbody"].render(context)
        return format_html(
            '<div class="app-table-container" role="region" aria-label="{}" tabindex="0">\n'
            '<table class="{}"{}>\n{}\n{}\n<tbody class="govuk-table__body">{}</tbody>\n</table>\n</div>',
            self._option("label", context), classes, self._attributes(context), self._caption(context),
            self._head(context), rows)


def _arguments(parser: Parser, bits: Iterable[str]) -> tuple[list[FilterExpression], dict[str, FilterExpression]]:
    headers: list[FilterExpression] = []
    options: dict[str, FilterExpression] = {}
    for bit in bits:
        match = kwarg_re.match(bit)
        if match and match.group(1):
            name, value = match.groups()
            if name not in _KEYWORDS and not name.startswith(_ATTRIBUTE_PREFIXES):
                raise template.TemplateSyntaxError(f"govuk_table has no option {name!r}")
            if name in options:
                raise template.TemplateSyntaxError(f"govuk_table was given {name!r} twice")
            options[name] = parser.compile_filter(value)
        elif options:
            raise template.TemplateSyntaxError("govuk_table takes its headers before its keyword options")
        else:
            headers.append(parser.compile_filter(bit))
    if "label" not in options:
        raise template.TemplateSyntaxError("govuk_table needs a label: it names the table's region for screen readers")
    return headers, options


def _is_blank(nodelist: NodeList) -> bool:
    return all(isinstance(node, TextNode) and not node.s.strip() for node in nodelist)


def _trimmed(nodelist: NodeList) -> NodeList:
    """The section without the blank lines that lay it out in the template around its content."""
    if nodelist and isinstance(nodelist[0], TextNode):
        nodelist[0].s = nodelist[0].s.lstrip()
    if nodelist and isinstance(nodelist[-1], TextNode):
        nodelist[-1].s = nodelist[-1].s.rstrip()
    return nodelist


def _sections(parser: Parser) -> dict[str, NodeList]:
    """The block's sections: all of it is the rows, unless it is split by {% caption %}, {% thead %}
    and {% tbody %}, in that order."""
    ends = (*SECTIONS, "endgovuk_table")
    nodelist = parser.parse(ends)
    name = parser.next_token().contents
    if name == "endgovuk_table":
        return {"tbody": _trimmed(nodelist)}
    if not _is_blank(nodelist):
        raise template.TemplateSyntaxError(f"govuk_table: put the rows after {{% tbody %}}, not before {{% {name} %}}")
    sections: dict[str, NodeList] = {}
    while name != "endgovuk_table":
        if name in sections or any(SECTIONS.index(name) < SECTIONS.index(earlier) for earlier in sections):
            raise template.TemplateSyntaxError(f"govuk_table: {{% {name} %}} out of place; the order is "
                                               + ", ".join(SECTIONS))
        sections[name] = _trimmed(parser.parse(ends))
        name = parser.next_token().contents
    if "tbody" not in sections:
        raise template.TemplateSyntaxError("govuk_table: the rows go after {% tbody %}")
    return sections


@register.tag
def govuk_table(parser: Parser, token: Token) -> GovukTableNode:
    """The table component around the rows in the block; see the module's docstring for its options."""
    headers, options = _arguments(parser, token.split_contents()[1:])
    sections = _sections(parser)
    if "thead" in sections and (headers or "headers" in options):
        raise template.TemplateSyntaxError("govuk_table: give the headers as arguments or in {% thead %}, not both")
    if "caption" in sections and "caption" in options:
        raise template.TemplateSyntaxError("govuk_table: give the caption as an argument or in {% caption %}, not both")
    return GovukTableNode(headers, options, sections)
