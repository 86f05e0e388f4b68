"""Translations and numbers are looked up once per request and language, and stay right when
the language changes in the middle of a request (a letter in the family's language) or the
live catalog is rebuilt."""

from babel import numbers
from flask import render_template_string
from flask_babel import force_locale, gettext, ngettext

from app.i18n import catalog
from app.i18n.locales import LANGUAGES
from app.i18n.numbers import format_decimal, format_percent

TEMPLATE = (
    "{{ _('Find a school') }} | {{ ngettext('%(num)d school found', '%(num)d schools found', 3) }}"
)


def test_a_letter_in_another_language_mid_request_gets_that_language_and_then_returns(app):
    with app.test_request_context("/es/schools"):
        app.preprocess_request()
        spanish = gettext("Find a school")
        page = render_template_string(TEMPLATE)
        with force_locale("ar"):
            arabic = gettext("Find a school")
            letter = render_template_string(TEMPLATE)
            arabic_count = ngettext("%(num)d school found", "%(num)d schools found", 3)
        assert gettext("Find a school") == spanish
        assert render_template_string(TEMPLATE) == page
    assert spanish not in ("Find a school", arabic)
    assert page == f"{spanish} | {ngettext_in(app, 'es', 3)}"
    assert letter == f"{arabic} | {arabic_count}"
    assert "3" in arabic_count and "school" not in arabic_count


def ngettext_in(app, code, number):
    with app.test_request_context(f"/{code}/"), force_locale(LANGUAGES[code].babel):
        return ngettext("%(num)d school found", "%(num)d schools found", number)


def test_a_catalog_rebuilt_mid_request_is_used_at_once(app, monkeypatch):
    spanish = LANGUAGES["es"]
    with app.test_request_context("/es/schools"):
        app.preprocess_request()
        before = gettext("Find a school")
        monkeypatch.setattr(catalog, "live_entries", lambda code: {"Find a school": "Buscar"})
        catalog.install(spanish, version=10_000)
        assert gettext("Find a school") == "Buscar" != before
        assert render_template_string("{{ _('Find a school') }}") == "Buscar"


def test_numbers_are_babels_in_each_language_also_when_asked_again(app):
    values = [0.239, 0.5, 0.0, 1.0, 0.12345]
    for code in ("en", "es", "ar", "fa", "hy"):
        locale = LANGUAGES[code].babel
        with app.test_request_context(f"/{code}/"), force_locale(locale):
            for _ in range(2):  # the second time comes from the cache
                for value in values:
                    assert format_percent(value, "#,##0.0%") == numbers.format_percent(
                        value, "#,##0.0%", locale=locale
                    )
                    assert format_decimal(value * 1000) == numbers.format_decimal(
                        value * 1000, locale=locale
                    )
    with app.test_request_context("/es/"):
        app.preprocess_request()
        assert render_template_string("{{ 1234.5 | decimalformat }}") == "1.234,5"
        with force_locale("en"):
            assert render_template_string("{{ 1234.5 | decimalformat }}") == "1,234.5"
