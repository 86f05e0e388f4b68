"""Numbers as families read them, in their language, and the small trend charts."""

from __future__ import annotations

from flask_babel import gettext, ngettext

from app.i18n.numbers import format_decimal, format_percent

SIGNED = "+#,##0.0;−#,##0.0"


def figure_text(value: float | None, unit: str) -> str:
    """A value in its unit: "23.9%", "−17.8 points", "22 students"."""
    if value is None:
        return gettext("not reported")
    if unit == "percent":
        return format_percent(value / 100, "#,##0.0%")
    if unit == "points":
        return gettext("%(value)s points", value=format_decimal(value, SIGNED))
    if unit == "students_per_class":
        return format_decimal(value, "#,##0.#")
    if unit == "pupils_per_fte":
        return ngettext(
            "%(num)s student per counselor", "%(num)s students per counselor", int(value)
        )
    return format_decimal(value, "#,##0.#")


def gap_text(value: float | None, overall: float | None, unit: str) -> str:
    """The difference between a group's value and all students'."""
    if value is None or overall is None:
        return ""
    difference = format_decimal(value - overall, SIGNED)
    if unit == "percent":
        return gettext("%(value)s percentage points", value=difference)
    return gettext("%(value)s points", value=difference)


def sparkline(indicator, width: int = 240, height: int = 72) -> dict:
    """Coordinates of a school's values and the district's over the years, for an SVG."""
    years = [f.school_year for f in indicator.trend]
    school = [f.value if f.reported else None for f in indicator.trend]
    district = [indicator.district[y].value if y in indicator.district else None for y in years]
    known = [v for v in school + district if v is not None]
    if not known:
        return {"width": width, "height": height, "school": [], "district": [], "years": years}
    low, high = min(known + [0.0]), max(known + [0.0])
    span = (high - low) or 1.0
    pad_x, pad_y = 16, 10

    def point(index: int, value: float) -> tuple[float, float]:
        x = pad_x + index * (width - 2 * pad_x) / max(1, len(years) - 1)
        y = pad_y + (high - value) * (height - 2 * pad_y) / span
        return round(x, 1), round(y, 1)

    def series(values):
        return [point(i, v) for i, v in enumerate(values) if v is not None]

    zero = point(0, 0.0)[1] if low < 0 < high else None
    return {
        "width": width,
        "height": height,
        "school": series(school),
        "district": series(district),
        "years": years,
        "zero": zero,
    }
