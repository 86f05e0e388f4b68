"""Certificates for pathway graduates, written in the graduate's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from app.academy.models import Registration
from app.academy.services import sessions_attended
from app.i18n.locales import DEFAULT, LANGUAGES


def certificate_language(registration: Registration) -> str:
    """The language the graduate registered in, else their email language."""
    for code in (registration.family_language, registration.user.locale):
        if code in LANGUAGES:
            return code
    return DEFAULT


def certificate_html(registration: Registration, lang_code: str) -> Markup:
    """The certificate's text in ``lang_code`` (dates and numbers formatted for it too)."""
    language = LANGUAGES.get(lang_code) or LANGUAGES[DEFAULT]
    offering = registration.offering
    with force_locale(language.babel):
        # An autoescaped template, so its output is safe HTML.
        return Markup(  # noqa: S704  # nosec B704
            render_template(
                "academy/_certificate.html",
                registration=registration,
                offering=offering,
                text=offering.text(language.code),
                language=language,
                attended=sessions_attended(registration),
                total=len(offering.active_sessions),
            )
        )
