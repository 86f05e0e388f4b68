"""Numbers in the reader's language, formatted by Babel once per value and language.

A school's snapshot shows a few hundred numbers, and Babel takes tens of microseconds for
each (it quantizes through ``Decimal`` and applies the locale's symbols). The same values
recur on page after page (district figures on every snapshot, percentages with one
decimal), so the formatted text is kept: a number's text depends only on the value, the
pattern and the locale (Flask-Babel's, so ``force_locale`` for a letter in the family's
language applies), never on the visitor or on live translations.

These replace Flask-Babel's ``format_decimal``/``format_percent`` and its Jinja filters of
the same names, so templates and Python code format numbers one way.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, numbers
from flask import Flask
from flask_babel import get_locale

# Distinct (value, pattern, language) triples kept: a few MB at most.
CACHED_NUMBERS = 50_000


@lru_cache(maxsize=CACHED_NUMBERS, typed=True)
def _formatted(kind: str, value: float | int, pattern: str | None, locale: Locale) -> str:
    if kind == "percent":
        return numbers.format_percent(value, pattern, locale=locale)
    return numbers.format_decimal(value, pattern, locale=locale)


def format_decimal(value: float | int, pattern: str | None = None) -> str:
    """``1234.5`` as "1,234.5" in English, "1.234,5" in Spanish; ``pattern`` as Babel's."""
    return _formatted("decimal", value, pattern, get_locale())


def format_number(value: float | int) -> str:
    return _formatted("decimal", value, None, get_locale())


def format_percent(value: float | int, pattern: str | None = None) -> str:
    """``0.239`` as "24%" (or "23.9%" with ``"#,##0.0%"``), with the language's sign."""
    return _formatted("percent", value, pattern, get_locale())


def init_numbers(app: Flask) -> None:
    app.jinja_env.filters.update(
        numberformat=format_number, decimalformat=format_decimal, percentformat=format_percent
    )
