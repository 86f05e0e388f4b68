"""Approved translations reach every worker of every app server within seconds, no restart.

Flask-Babel loads a language's compiled ``.mo`` once per process and keeps it in its domain
cache. The database holds the live (approved) translations, and a ``catalog_versions`` row per
language is bumped on every change. Each worker remembers the versions it last read; at most
every ``TRANSLATION_CHECK_SECONDS`` (2 s) a ``before_request`` hook reads them again with one
tiny query. When the version of the request's language differs from the one its translations
were built at, the worker rebuilds them: the ``.mo`` on its own disk overlaid with the
database's live entries (other machines do not share the disk, the database is shared), and
puts the result in Flask-Babel's cache. Between checks a request costs a clock read and two
dictionary look-ups.
"""

from __future__ import annotations

import functools
import gettext
import threading
import time
from dataclasses import dataclass, field

from babel import Locale, support
from babel.messages.plurals import get_plural
from flask import Flask, current_app, g, request
from flask_babel import get_babel, get_domain
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.cache import pages
from app.extensions import db
from app.i18n.locales import DEFAULT, LANGUAGES, Language
from app.i18n.lookup import forget

EXTENSION = "catalog_reload"
DOMAIN = "messages"


@dataclass
class CatalogState:
    """What one worker process knows; a cache of the database, safe to lose."""

    checked_at: float = float("-inf")
    versions: dict[str, int] = field(default_factory=dict)
    # language code -> (version it was built at, the translations object in Flask-Babel's cache)
    built: dict[str, tuple[int | None, support.Translations]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def forget(self) -> None:
        """Check the database on the next request (after this process changed something)."""
        self.checked_at = float("-inf")


def init_catalog_reload(app: Flask) -> None:
    app.extensions[EXTENSION] = CatalogState()
    app.before_request(refresh_catalog)


def state(app: Flask | None = None) -> CatalogState:
    return (app or current_app).extensions[EXTENSION]


def catalog_directory(app: Flask | None = None) -> str:
    """Where this app reads (and the workbench writes) catalogs: BABEL_TRANSLATION_DIRECTORIES."""
    return get_babel(app or current_app).translation_directories[0]


def refresh_catalog() -> None:
    """``before_request``: make the request's language serve the newest live translations."""
    if request.endpoint == "static":
        return
    app = current_app._get_current_object()
    catalogs = app.extensions[EXTENSION]
    now = time.monotonic()
    if now - catalogs.checked_at >= app.config.get("TRANSLATION_CHECK_SECONDS", 2.0):
        catalogs.checked_at = now
        versions = _read_versions()
        if versions is not None:
            catalogs.versions = versions
    code = g.get("lang_code") or DEFAULT
    if code == DEFAULT:
        return
    language = LANGUAGES[code]
    version = catalogs.versions.get(code)
    built = catalogs.built.get(code)
    cache = get_domain().cache
    if built is None or built[0] != version or cache.get(cache_key(language)) is not built[1]:
        install(language, version)


def live_version() -> int | None:
    """The version of the live translations this worker serves for the request's language
    (part of the key of cached pages, so a page is never served with older words)."""
    built = state().built.get(g.get("lang_code") or DEFAULT)
    return built[0] if built else None


@functools.cache
def cache_key(language: Language) -> tuple[str, str]:
    """The key of Flask-Babel's domain cache: ``(str(get_locale()), domain)``."""
    return str(Locale.parse(language.babel)), DOMAIN


def install(language: Language, version: int | None) -> support.Translations:
    """Build ``language``'s translations and put them in Flask-Babel's cache."""
    catalogs = state()
    with catalogs.lock:
        try:
            translations = build_translations(language)
        except SQLAlchemyError:
            # The database is unreachable: serve this disk's catalog, try again next request.
            db.session.rollback()
            translations = build_translations(language, with_database=False)
            get_domain().cache[cache_key(language)] = translations
            forget()
            catalogs.built.pop(language.code, None)
            return translations
        get_domain().cache[cache_key(language)] = translations
        forget()
        replaced = catalogs.built.get(language.code)
        catalogs.built[language.code] = (version, translations)
    if replaced is not None:
        pages.clear()  # what this worker rendered with the old words (see app.cache)
    return translations


def _read_versions() -> dict[str, int] | None:
    from app.translate.models import CatalogVersion

    try:
        rows = db.session.execute(select(CatalogVersion.locale, CatalogVersion.version)).all()
    except SQLAlchemyError:
        # Tables not created yet (before `flask db upgrade`): serve the files as they are.
        db.session.rollback()
        current_app.logger.warning("catalog versions unreadable; serving the .mo files")
        return None
    return {locale: version for locale, version in rows}


def build_translations(language: Language, with_database: bool = True) -> support.Translations:
    """The compiled catalog on this machine's disk, overlaid with the database's live entries.

    Loads the ``.mo`` the way Flask-Babel does (a ``Translations`` merged from each directory).
    :raises SQLAlchemyError: when the database cannot be read.
    """
    locale = Locale.parse(language.babel)
    translations = support.Translations()
    translations.plural = gettext.c2py(get_plural(language.babel).plural_expr)
    for directory in get_babel().translation_directories:
        catalog = support.Translations.load(directory, [locale], DOMAIN)
        translations.merge(catalog)
        if hasattr(catalog, "plural"):
            translations.plural = catalog.plural
    if with_database:
        translations._catalog.update(live_entries(language.code))
    return translations


def live_entries(code: str) -> dict:
    """The database's live translations for ``code`` as gettext catalog entries."""
    from app.translate.models import LIVE, Message, MessageTranslation

    rows = db.session.execute(
        select(Message.msgid, Message.msgid_plural, Message.context, MessageTranslation.strings)
        .join(MessageTranslation.message)
        .where(
            MessageTranslation.locale == code,
            MessageTranslation.status.in_(LIVE),
            Message.obsolete.is_(False),
        )
    ).all()
    entries: dict = {}
    for msgid, msgid_plural, context, strings in rows:
        key = f"{context}\x04{msgid}" if context else msgid
        if msgid_plural is None:
            if strings and strings[0]:
                entries[key] = strings[0]
        else:
            for index, text in enumerate(strings or ()):
                if text:
                    entries[(key, index)] = text
    return entries
