"""Grades as numbers (PK -2, TK -1, K 0, then 1 to 12) and back."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

NAMED = {"PK": -2, "TK": -1, "K": 0}
GRADES = list(range(-1, 13))  # the grades families choose among (TK to 12)


class BadGradeSpan(ValueError):
    pass


def parse_grade(text: str) -> int:
    """``"K"`` → 0, ``"7"`` → 7. :raises BadGradeSpan:"""
    text = text.strip().upper()
    if text in NAMED:
        return NAMED[text]
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    raise BadGradeSpan(text)


def parse_span(span: str) -> tuple[int, int]:
    """``"K-5"`` → (0, 5); ``"12"`` → (12, 12). :raises BadGradeSpan:"""
    low, _, high = span.replace("–", "-").partition("-")
    first = parse_grade(low)
    last = parse_grade(high) if high else first
    if last < first:
        raise BadGradeSpan(span)
    return first, last


def grade_label(grade: int):
    """A grade as families say it, translated."""
    if grade == -2:
        return _l("Preschool")
    if grade == -1:
        return _l("Transitional kindergarten (TK)")
    if grade == 0:
        return _l("Kindergarten")
    return _l("Grade %(grade)d", grade=grade)


def short_grade(grade: int) -> str:
    return {-2: "PK", -1: "TK", 0: "K"}.get(grade, str(grade))
