"""Column charts drawn on the server as SVG, for pages that show a chart beside its table (the flow
dashboard): no script, nothing fetched. Colours are GOV.UK's; SVG presentation attributes (not style
attributes) keep the page within its Content Security Policy, and every element is built with
format_html, so no label can break out of the markup. monitoring/charts.py draws the report's charts
with the same pieces."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

COLOURS = ["#1d70b8", "#f47738", "#00703c", "#505a5f", "#d4351c"]
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 300, 56, 40, 16


def _nice_top(value: float) -> float:
    """A round top for the value axis whose four gridlines fall on whole numbers for small counts."""
    if value <= 0:
        return 4
    if value <= 8:
        return 4 if value <= 4 else 8
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def coordinate(value: float) -> str:
    return f"{value:.1f}"


def figure(value: float) -> str:
    """A value as an axis or a bar labels it: whole numbers without decimals, others to one place."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def svg_text(x: float, y: float, text: str, anchor: str = "start") -> SafeString:
    return format_html('<text x="{}" y="{}" text-anchor="{}" fill="#0b0c0c">{}</text>', coordinate(x), coordinate(y),
                       anchor, text)


def svg_rect(x: float, y: float, width: float, height: float, fill: str) -> SafeString:
    return format_html('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>', coordinate(x), coordinate(y),
                       coordinate(width), coordinate(height), fill)


def value_axis(top: float, plot_height: float, unit: str = "") -> list[SafeString]:
    """Five gridlines from 0 to `top`, each labelled on the left."""
    parts: list[SafeString] = []
    for tick in range(5):
        y = TOP + plot_height - plot_height * tick / 4
        parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#b1b4b6" stroke-width="1"/>',
                                 LEFT, WIDTH - 8, coordinate(y), coordinate(y)))
        parts.append(svg_text(LEFT - 6, y + 4, f"{figure(top * tick / 4)}{unit}", "end"))
    return parts


def legend(names: list[str], colours: list[str]) -> list[SafeString]:
    """A swatch and a name per series, along the bottom."""
    parts: list[SafeString] = []
    x = LEFT
    for number, name in enumerate(names):
        parts.append(svg_rect(x, HEIGHT - 14, 12, 12, colours[number % len(colours)]))
        parts.append(svg_text(x + 16, HEIGHT - 4, name))
        x += 24 + 7 * len(name)
    return parts


def svg_document(height: float | str, parts: list[SafeString]) -> SafeString:
    """The chart as one SVG element, hidden from assistive technology: the table beside it carries the figures."""
    return format_html('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" aria-hidden="true" '
                       'focusable="false" font-family="Arial, sans-serif" font-size="12">{}</svg>', WIDTH, height,
                       format_html_join("", "{}", ((part,) for part in parts)))


def grouped_columns(categories: list[str], series: list[tuple[str, list[float]]]) -> SafeString:
    """Side-by-side columns per category, a value axis and a legend."""
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP - 24
    top = _nice_top(max((value for _, values in series for value in values), default=0))
    band = plot_width / max(len(categories), 1)
    parts = value_axis(top, plot_height)
    for index, category in enumerate(categories):
        x0, usable = LEFT + band * index + band * 0.1, band * 0.8
        width = usable / max(len(series), 1)
        for number, (_, values) in enumerate(series):
            height = plot_height * values[index] / top
            parts.append(svg_rect(x0 + width * number, TOP + plot_height - height, width, height,
                                  COLOURS[number % len(COLOURS)]))
        parts.append(svg_text(x0 + usable / 2, TOP + plot_height + 16, category, "middle"))
    parts += legend([name for name, _ in series], COLOURS)
    return svg_document(HEIGHT, parts)
