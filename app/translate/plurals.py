"""Plural forms of a language (from Babel's CLDR data) and sample values for previews."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.messages.plurals import get_plural
from markupsafe import Markup, escape

from app.translate.checks import PLACEHOLDER

CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")
SAMPLE_NUMBERS = range(0, 1001)


@dataclass(frozen=True)
class PluralForm:
    index: int
    categories: tuple[str, ...]  # CLDR category names, e.g. ("few",)
    examples: tuple[int, ...]  # a few numbers that use this form

    @property
    def sample(self) -> int:
        return self.examples[0] if self.examples else self.index


@cache
def plural_forms(babel_code: str) -> tuple[PluralForm, ...]:
    """The gettext forms of a language in order, each named by the CLDR categories it covers.

    gettext numbers the forms (Russian: 0, 1, 2); CLDR names them (one, few, many, other).
    Each form is matched to the categories of the whole numbers it is used for; a category no
    whole number reaches (Russian "other", for fractions) is shown with the last form.
    """
    plural = get_plural(babel_code)
    choose = gettext.c2py(plural.plural_expr)
    rule = Locale.parse(babel_code).plural_form
    categories: dict[int, set[str]] = {i: set() for i in range(plural.num_plurals)}
    examples: dict[int, list[int]] = {i: [] for i in range(plural.num_plurals)}
    for number in SAMPLE_NUMBERS:
        index = choose(number)
        categories[index].add(rule(number))
        if len(examples[index]) < 4:
            examples[index].append(number)
    reached = set().union(*categories.values())
    categories[plural.num_plurals - 1] |= set(CLDR_ORDER) - reached - _absent(rule)
    return tuple(
        PluralForm(
            index,
            tuple(name for name in CLDR_ORDER if name in categories[index]),
            tuple(examples[index]),
        )
        for index in range(plural.num_plurals)
    )


def _absent(rule) -> set[str]:
    """Categories the language does not have at all ("other" always exists)."""
    return set(CLDR_ORDER) - set(rule.tags) - {"other"}


def nplurals(babel_code: str) -> int:
    return get_plural(babel_code).num_plurals


SAMPLE_TEXT = {
    "school": "Roosevelt High School",
    "name": "Maria Lopez",
    "email": "maria@example.org",
    "year": "2025-26",
    "language": "Español",
    "program": "Magnet",
    "title": "Reading together at home",
    "when": "Tue, Mar 3, 6:00 PM",
    "date": "Mar 3, 2026",
    "zip": "90012",
}
PERCENT_LITERAL = re.compile(r"%%")


def sample_value(name: str, conversion: str, number: int):
    if conversion in "di" or name in {"num", "count", "n"}:
        return number
    if conversion == "f":
        return 12.5
    return SAMPLE_TEXT.get(name, name.replace("_", " "))


def preview(text: str, number: int = 3) -> Markup:
    """``text`` with its placeholders filled with sample values, marked; everything escaped."""
    parts = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(escape(PERCENT_LITERAL.sub("%", text[position : match.start()])))
        token = match.group(0)
        name = re.sub(r"[^\w]", "", token[2:-2] if token.startswith("%(") else token)
        conversion = token[-1] if token.startswith("%") else "s"
        value = sample_value(name, conversion, number)
        parts.append(Markup("<mark>{}</mark>").format(value))
        position = match.end()
    parts.append(escape(PERCENT_LITERAL.sub("%", text[position:])))
    return Markup("").join(parts)
