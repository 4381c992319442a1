"""Template helpers of the reporting dashboards: figures rounded the same way in tables and chart data, percentages,
status colours, and sparklines drawn on the server as inline SVG (no script, nothing for the CSP to refuse).

    {% load reporting_charts %}
    {{ evaluation.actual|figure }}   {{ evaluation.pct_of_milestone|pct }}
    <span class="status {{ evaluation.status|status_class }}">{{ evaluation.status_label }}</span>
    {% sparkline row.spark %}
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from nghiquyet.core.numbers import format_vn_decimal

register = template.Library()

FIGURE_PLACES = Decimal("0.01")
STATUSES = ("achieved", "on_track", "at_risk", "off_track")


def rounded(value) -> Decimal | None:
    """A figure as shown (two decimals at most): the tables and the chart data both use this."""
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        return number.quantize(FIGURE_PLACES, rounding=ROUND_HALF_UP) if number.is_finite() else None
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def figure(value) -> str:
    """1234.5678 → "1.234,57"; 12.50 → "12,5"; None → "—"."""
    number = rounded(value)
    return "—" if number is None else format_vn_decimal(number)


@register.filter
def pct(value) -> str:
    """A percentage already × 100: 95.123 → "95,1%"; None → "—"."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return "—"
    return f"{format_vn_decimal(number)}%"


@register.filter
def status_class(status) -> str:
    """The CSS class colouring a target status (achieved, on track, at risk, off track; none without one)."""
    return f"st-{status}" if status in STATUSES else "st-none"


def _points(values: list, width: int, height: int, pad: int) -> tuple[list[list[tuple[float, float]]], list]:
    numbers = [rounded(v) for v in values]
    known = [n for n in numbers if n is not None]
    low, high = min(known), max(known)
    span = (high - low) or Decimal(1)
    step = (width - 2 * pad) / max(len(numbers) - 1, 1)
    segments: list[list[tuple[float, float]]] = [[]]
    for i, n in enumerate(numbers):
        if n is None:
            if segments[-1]:
                segments.append([])
            continue
        y = height - pad - float((n - low) / span) * (height - 2 * pad) if high != low else height / 2
        segments[-1].append((pad + i * step, y))
    return [s for s in segments if s], numbers


@register.simple_tag
def sparkline(values, width: int = 120, height: int = 28) -> str:
    """A small line of ``values`` (None = a gap), the last known point marked; "—" when there is nothing."""
    values = list(values or [])
    if not any(rounded(v) is not None for v in values):
        return format_html('<span class="spark-empty muted">{}</span>', _("chưa có số liệu"))
    segments, numbers = _points(values, width, height, pad=3)
    lines = format_html_join("", '<polyline class="spark-line" points="{}"/>',
                             ((" ".join(f"{x:.1f},{y:.1f}" for x, y in seg),) for seg in segments if len(seg) > 1))
    dots = format_html_join("", '<circle class="spark-dot" cx="{}" cy="{}" r="1.8"/>',
                            ((f"{seg[0][0]:.1f}", f"{seg[0][1]:.1f}") for seg in segments if len(seg) == 1))
    last_x, last_y = segments[-1][-1]
    label = _("Xu hướng qua các kỳ: %(values)s") % {
        "values": "; ".join(format_vn_decimal(n) if n is not None else "—" for n in numbers)}
    return format_html(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{label}">'
        '<title>{label}</title>{lines}{dots}<circle class="spark-last" cx="{x}" cy="{y}" r="2.5"/></svg>',
        w=width, h=height, label=label, lines=lines, dots=dots, x=f"{last_x:.1f}", y=f"{last_y:.1f}",
    )
