"""Charts for the admin as inline SVG, drawn on the server: no script, no CDN. Each chart has a
<title> and <desc> for screen readers; the page shows the same figures in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LANE_COLOURS = {"green": "#2e7d32", "blue": "#205493", "yellow": "#b58900", "red": "#ba2121"}


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    return mark_safe(  # noqa: S308  every text part below is escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def stacked_bars(
    *,
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: dict[str, Sequence[int]],
    colours: dict[str, str] = LANE_COLOURS,
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """One bar per label, stacked by series in the dict's order, with a y-axis maximum."""
    top, bottom, left = 20, 30, 40
    plot_h = height - top - bottom
    totals = [sum(values[i] for values in series.values()) for i in range(len(labels))]
    peak = max(totals, default=0) or 1
    step = (width - left - 10) / max(len(labels), 1)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">{peak}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    for i, label in enumerate(labels):
        x, y = left + i * step + 1, float(top + plot_h)
        for name, values in series.items():
            if not values[i]:
                continue
            h = values[i] / peak * plot_h
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{step - 2:.1f}" height="{h:.1f}" '
                f'fill="{colours.get(name, "#777")}"><title>{escape(label)} {escape(name)}: '
                f"{values[i]}</title></rect>"
            )
        if i % 3 == 0:
            parts.append(
                f'<text x="{x + step / 2:.1f}" y="{height - 12}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    legend_x = left
    for name in series:
        parts.append(
            f'<rect x="{legend_x}" y="2" width="10" height="10" '
            f'fill="{colours.get(name, "#777")}"/><text x="{legend_x + 14}" y="11" '
            f'font-size="10">{escape(name)}</text>'
        )
        legend_x += 70
    desc = f"Stacked bars, {len(labels)} columns, highest total {peak if any(totals) else 0}."
    return _svg(chart_id, width, height, title, desc, "".join(parts))


def horizontal_bars(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float]],
    unit: str = "",
    width: int = 720,
) -> SafeString:
    """One labelled bar per row, longest first as given."""
    bar_h, gap, label_w = 18, 6, 220
    height = max(len(rows), 1) * (bar_h + gap) + 10
    peak = max((value for _, value in rows), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 5 + i * (bar_h + gap)
        w = value / peak * (width - label_w - 80)
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="11">'
            f"{escape(label[:40])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#417690"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{escape(f'{value:g}{unit}')}</text>"
        )
    desc = f"Horizontal bars, {len(rows)} rows." if rows else "No data."
    return _svg(chart_id, width, height, title, desc, "".join(parts))


def columns(
    *,
    chart_id: str,
    title: str,
    points: Sequence[tuple[str, Decimal]],
    unit: str = "",
    colour: str = "#0b4f8a",
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """One column per point, left to right as given (a time series: weeks, months), with the
    peak on the y-axis. Values are Decimal so money is drawn without passing through float
    arithmetic in the caller; only the pixel sizes are floats."""
    top, bottom, left, right = 20, 30, 64, 10
    plot_h = height - top - bottom
    peak = max((value for _, value in points), default=Decimal(0))
    scale = peak if peak > 0 else Decimal(1)
    step = (width - left - right) / max(len(points), 1)
    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#999"/>',
        f'<text x="{left - 4}" y="{top + 4}" text-anchor="end" font-size="10">'
        f"{escape(f'{peak:,.0f}')}</text>",
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" font-size="10">0</text>',
    ]
    label_every = max(1, len(points) // 6)
    for i, (label, value) in enumerate(points):
        x = left + i * step + 2
        h = float(value / scale) * plot_h
        parts.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - 4, 1):.1f}" '
            f'height="{h:.1f}" fill="{escape(colour)}"><title>{escape(label)}: '
            f"{escape(f'{value:,.2f}{unit}')}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + step / 2 - 2:.1f}" y="{height - 12}" text-anchor="middle" '
                f'font-size="10">{escape(label)}</text>'
            )
    desc = f"Columns, {len(points)} points, highest {peak:,.2f}{unit}." if points else "No data."
    return _svg(chart_id, width, height, title, desc, "".join(parts))
