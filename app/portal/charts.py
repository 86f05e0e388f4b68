"""Geometry for the dashboard's inline SVG charts (drawn with presentation attributes; the
Content-Security-Policy allows no ``style`` attribute). Every chart has a table beside it.

Coordinates are computed here for the page's direction: in right-to-left languages time runs
from right to left and the axis labels sit on the right, so no text is ever mirrored.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date

from app.i18n.numbers import format_percent

# Drawn for a phone's width: at 360 units, 11-unit text is about 11 pixels on a phone.
WIDTH = 360
HEIGHT = 200
PAD_START = 40
PAD_END = 12
PAD_TOP = 10
PAD_BOTTOM = 26


@dataclass
class TrendChart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[tuple[float, float]] = field(default_factory=list)
    grid: list[tuple[float, float, str, str]] = field(default_factory=list)  # y, x, anchor, label
    months: list[tuple[float, str, str]] = field(default_factory=list)  # x, anchor, label
    target_y: float | None = None
    baseline_y: float | None = None
    left: float = PAD_START
    right: float = WIDTH - PAD_END


def percent(value: float | None) -> str:
    """A share for people: "80.8%", "100%"; empty when there is nothing to count."""
    return "" if value is None else format_percent(value / 100, "#,##0.#%")


def trend_chart(points, target: float, baseline: float, rtl: bool = False) -> TrendChart:
    """A line of ``points`` (each with ``.pct`` and ``.month``) between 0-100% gridlines,
    with the year's target and the baseline as horizontal lines."""
    known = [p.pct for p in points if p.pct is not None]
    low = min([50.0, *known])
    low = max(0.0, (low // 10) * 10)
    chart = TrendChart()
    plot_w = WIDTH - PAD_START - PAD_END
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def x_at(index: int) -> float:
        x = PAD_START + index * plot_w / max(1, len(points) - 1)
        return round(WIDTH - x if rtl else x, 1)

    def y_at(value: float) -> float:
        return round(PAD_TOP + (100 - value) * plot_h / (100 - low), 1)

    label_x = WIDTH - PAD_START + 6 if rtl else PAD_START - 6
    anchor = "start" if rtl else "end"
    for tick in range(int(low), 101, 10):
        chart.grid.append((y_at(tick), label_x, anchor, format_percent(tick / 100)))
    for index, point in enumerate(points):
        if point.pct is not None:
            chart.points.append((x_at(index), y_at(point.pct)))
        if (len(points) - 1 - index) % 3 == 0:  # every third month, ending with this one
            last = index == len(points) - 1
            month_anchor = ("start" if rtl else "end") if last else "middle"
            chart.months.append((x_at(index), month_anchor, format_date(point.month, "MMM yy")))
    chart.target_y = y_at(target) if target >= low else None
    chart.baseline_y = y_at(baseline) if baseline >= low else None
    chart.left, chart.right = (PAD_END, WIDTH - PAD_START) if rtl else (PAD_START, WIDTH - PAD_END)
    return chart
