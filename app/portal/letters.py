"""Printed letters: each in the family's language, each with its code shown this once."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from app.i18n.locales import LANGUAGES
from app.portal.helpers import template_helpers
from app.portal.services import IssuedCode
from app.timeutil import to_district, utcnow
from app.web import external_url


def render_letters(issued: list[IssuedCode]) -> list[Markup]:
    """One HTML letter per code, rendered in the letter's language (its dates too)."""
    letters = []
    issued_on = to_district(utcnow()).date()
    for item in issued:
        language = LANGUAGES[item.language]
        with force_locale(language.babel):
            html = render_template(
                "portal/staff/_letter.html",
                item=item,
                student=item.student,
                school=item.student.school,
                letter_lang=language,
                link_url=external_url("portal.link", lang_code=language.code),
                issued_on=issued_on,
                **template_helpers(),
            )
        # A template rendered with autoescape: its output is safe HTML.
        letters.append(Markup(html))  # noqa: S704  # nosec B704
    return letters
