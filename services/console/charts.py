"""Bar and line charts as inline SVG: drawn on the server, readable with scripts turned off.

Each chart is an `img` for assistive technology with a title and a one-line description; the
page puts the same figures in a table beside it, so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

PALETTE = ("#1b6e45", "#1f5fa8", "#a64b00", "#6b3fa0", "#8a1c4a", "#2f6f73", "#5c5c00")
INK, GRID = "#1f2933", "#c9d1d9"
Format = Callable[[Decimal], str]


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal]


def _frame(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{escape(chart_id)}-t">{escape(title)}'
        f'</title><desc id="{escape(chart_id)}-d">{escape(desc)}</desc>{body}</svg>'
    )


def bar_chart(chart_id: str, title: str, bars: Sequence[Bar], shown: Format) -> Markup:
    """Horizontal bars, largest first, each labelled with its name and formatted value."""
    ordered = sorted(bars, key=lambda b: b.value, reverse=True)
    top = max((b.value for b in ordered), default=Decimal(0)) or Decimal(1)
    label_w, bar_w, row_h, width = 190, 330, 26, 660
    rows = []
    for i, bar in enumerate(ordered):
        y = 8 + i * row_h
        length = float(bar.value / top) * bar_w
        rows.append(
            f"<g><title>{escape(bar.label)}: {escape(shown(bar.value))}</title>"
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{INK}" '
            f'font-size="13">{escape(bar.label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 8}" '
            f'fill="{PALETTE[0]}"/><text x="{label_w + length + 6:.1f}" y="{y + 16}" '
            f'fill="{INK}" font-size="13">{escape(shown(bar.value))}</text></g>'
        )
    desc = "; ".join(f"{b.label} {shown(b.value)}" for b in ordered) or "—"
    height = 16 + max(len(ordered), 1) * row_h
    return _frame(chart_id, title, desc, width, height, "".join(rows))


def line_chart(
    chart_id: str, title: str, periods: Sequence[str], series: Sequence[Series], shown: Format
) -> Markup:
    """One line per series over the periods, with a legend and gridlines at zero, half, top."""
    width, height, left, right, top_pad, bottom = 660, 300, 96, 40, 16, 64
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for s in series for v in s.values), default=Decimal(0)) or Decimal(1)
    step = plot_w / max(len(periods) - 1, 1)

    def point(i: int, value: Decimal) -> tuple[float, float]:
        return left + i * step, top_pad + plot_h - float(value / top) * plot_h

    parts = []
    for fraction in (Decimal(0), Decimal("0.5"), Decimal(1)):
        y = top_pad + plot_h - float(fraction) * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}" '
            f'font-size="12">{escape(shown(top * fraction))}</text>'
        )
    for i, period in enumerate(periods):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{top_pad + plot_h + 18}" text-anchor="middle" fill="{INK}" '
            f'font-size="12">{escape(period)}</text>'
        )
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        points = [point(i, v) for i, v in enumerate(line.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dots = "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"><title>'
            f"{escape(line.name)} {escape(periods[i])}: {escape(shown(line.values[i]))}"
            "</title></circle>"
            for i, (x, y) in enumerate(points)
        )
        legend_x = left + (n % 4) * 140
        legend_y = height - 26 + (n // 4) * 16
        parts.append(
            f'<g><polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            f'{dots}<rect x="{legend_x}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{legend_x + 16}" y="{legend_y + 1}" fill="{INK}" '
            f'font-size="12">{escape(line.name)}</text></g>'
        )
    desc = "; ".join(
        f"{s.name}: " + ", ".join(f"{p} {shown(v)}" for p, v in zip(periods, s.values, strict=True))
        for s in series
    )
    return _frame(chart_id, title, desc or "—", width, height, "".join(parts))
