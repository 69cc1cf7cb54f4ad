from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hononga.measures import compute

register = template.Library()


@register.filter
def shown(figure: compute.Figure | None) -> SafeString:
    """A figure as the tables show it: the number, or a marked gap that says why."""
    if figure is None:
        return format_html('<span class="figure-gap">—</span>')
    if figure.value is None:
        if figure.note == "suppressed":
            return format_html(
                '<abbr class="figure-gap" title="{}">S</abbr>',
                _("Not shown: too few people to show without identifying them."),
            )
        if figure.note == compute.NOT_COMPUTED:
            return format_html(
                '<abbr class="figure-gap" title="{}">…</abbr>', _("Not worked out yet.")
            )
        if figure.note == compute.CURRENT_ONLY:
            return format_html(
                '<abbr class="figure-gap" title="{}">·</abbr>', _("Only for the current period.")
            )
        return format_html(
            '<abbr class="figure-gap" title="{}">—</abbr>', _("Nothing to count yet.")
        )
    # A number's digits need no escaping (format_html's output, without its cost: a page
    # shows a few hundred).
    kind = figure.measure.kind
    if kind == "rate":
        return mark_safe(f"{float(figure.value):.1f}%")  # noqa: S308
    if kind == "mean":
        return mark_safe(f"{float(figure.value):.1f}")  # noqa: S308
    if kind in ("median_days", "longest_days"):
        return mark_safe(f"{float(figure.value):g}")  # noqa: S308
    return mark_safe(str(int(figure.value)))  # noqa: S308


@register.filter
def figure_of(figures: dict[str, Any], name: str) -> Any:
    return figures.get(name)


@register.simple_tag
def practitioner_rows(rows: list[dict[str, Any]], measures: list[Any]) -> SafeString:
    """A topic's table body on the team page: a row per practitioner, a cell per measure (the
    contacts linked to that practitioner's contacts). Written here rather than by nested
    template loops, which were most of the page's rendering; the same HTML."""
    parts = []
    for r in rows:
        row = r["row"]
        cells = []
        for m in measures:
            figure = shown(row.figures.get(m.name))
            if m.name == "contacts":
                figure = format_html('<a href="{}">{}</a>', r["contacts_url"], figure)
            cells.append(f"<td>{figure}</td>")
        label = conditional_escape(row.label)
        parts.append(f'<tr>\n      <th scope="row">{label}</th>\n      {"".join(cells)}\n    </tr>')
    return mark_safe("".join(parts))  # noqa: S308 (labels and links escaped, figures by shown)
