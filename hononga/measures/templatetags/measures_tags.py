from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
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
    if figure.measure.kind == "rate":
        return format_html("{}%", f"{figure.value:.1f}")
    if figure.measure.kind == "mean":
        return format_html("{}", f"{figure.value:.1f}")
    if figure.measure.kind in ("median_days", "longest_days"):
        return format_html("{}", f"{figure.value:g}")
    return format_html("{}", figure.value)


@register.filter
def figure_of(figures: dict[str, Any], name: str) -> Any:
    return figures.get(name)
