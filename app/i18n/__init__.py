"""Language in the URL (``/<lang>/...``), locale selection and formatting helpers."""

from __future__ import annotations

from flask import Flask, abort, g, redirect, request, url_for
from werkzeug.routing import BaseConverter

from app.extensions import babel
from app.i18n.catalog import init_catalog_reload
from app.i18n.locales import DEFAULT, LANGUAGES, Language, from_tag
from app.i18n.lookup import init_lookup
from app.i18n.numbers import init_numbers

LANG_COOKIE = "lang"


class LangConverter(BaseConverter):
    """Matches a language prefix; BCP 47 spellings (``zh-Hans``) redirect to the canonical code."""

    regex = r"[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def current_language() -> Language:
    return LANGUAGES[g.get("lang_code") or DEFAULT]


def select_locale() -> str:
    return current_language().babel


def init_i18n(app: Flask) -> None:
    app.url_map.converters["lang"] = LangConverter
    babel.init_app(app, locale_selector=select_locale)
    init_numbers(app)  # after Flask-Babel, whose number filters these replace
    init_lookup(app)  # likewise its translation look-up
    app.url_value_preprocessor(_pull_lang_code)
    app.url_defaults(_add_lang_code)
    app.before_request(_redirect_non_canonical_language)
    app.after_request(_remember_language)
    app.context_processor(lambda: {"current_language": current_language(), "LANGUAGES": LANGUAGES})
    app.jinja_env.globals["language_url"] = language_url
    app.jinja_env.globals["language_links"] = language_links
    init_catalog_reload(app)


def language_links() -> list[tuple[Language, str]]:
    """This page in every language, computed once per request (the switcher and the
    ``hreflang`` alternates both need it).

    Every page's URL starts with its language, so the URL is built once and the other
    languages only swap that segment: building twelve URLs with their query strings was
    a noticeable part of every page's cost.
    """
    if "language_links" not in g:
        rest = language_url(DEFAULT).removeprefix(f"{request.script_root}/{DEFAULT}")
        g.language_links = [
            (lang, f"{request.script_root}/{lang.code}{rest}") for lang in LANGUAGES.values()
        ]
    return g.language_links


def language_url(code: str, external: bool = False) -> str:
    """This page in another language: same view, arguments and query string."""
    rule = request.url_rule
    if rule is not None and "lang_code" in rule.arguments and "GET" in (rule.methods or ()):
        values = dict(request.view_args or {})
        if request.method == "GET":
            values.update(request.args.to_dict(flat=False))
        return url_for(request.endpoint, lang_code=code, _external=external, **values)
    return url_for("main.home", lang_code=code, _external=external)


def _pull_lang_code(endpoint: str | None, values: dict | None) -> None:
    if not values or "lang_code" not in values:
        return
    raw = values.pop("lang_code")
    code = raw if raw in LANGUAGES else from_tag(raw)
    if code is None:
        abort(404)
    g.lang_code = code
    g.lang_redirect = code != raw


def _add_lang_code(endpoint: str, values: dict) -> None:
    if "lang_code" in values or not endpoint:
        return
    from flask import current_app

    if current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = g.get("lang_code") or DEFAULT


def _redirect_non_canonical_language():
    if not g.get("lang_redirect"):
        return None
    _, _, rest = request.full_path.lstrip("/").partition("/")
    return redirect(f"/{g.lang_code}/{rest}".rstrip("?"), code=301)


def _remember_language(response):
    code = g.get("lang_code")
    if code and request.cookies.get(LANG_COOKIE) != code and response.status_code < 400:
        response.set_cookie(
            LANG_COOKIE,
            code,
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            secure=bool(request.is_secure),
            httponly=True,
        )
    return response
