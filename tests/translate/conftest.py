"""The workbench's tests run against a copy of translations/ in a temporary directory.

Approving a translation writes the language's .po and .mo, so the app is pointed at the copy
(``BABEL_TRANSLATION_DIRECTORIES`` and Flask-Babel's resolved directories) for every test of
this package, and the copy is restored before each test. The repository's files are never
written.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db as _db
from app.i18n.catalog import EXTENSION, CatalogState
from app.translate import services
from app.translate.models import Message, MessageTranslation, message_key

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def pristine_catalogs(tmp_path_factory) -> Path:
    """A snapshot of the repository's catalogs, compiled, taken once."""
    path = tmp_path_factory.mktemp("pristine") / "translations"
    shutil.copytree(ROOT / "translations", path)
    for po in path.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
    return path


@pytest.fixture(scope="session")
def catalog_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("catalogs") / "translations"


def forget_translations(app) -> None:
    """As a freshly started worker: no catalog in Flask-Babel's cache, no versions seen."""
    app.extensions[EXTENSION] = CatalogState()
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()


@pytest.fixture(autouse=True)
def temporary_catalogs(request, pristine_catalogs, catalog_dir):
    """Point the app at a fresh copy of the catalogs for this test; restore afterwards."""
    if "app" not in request.fixturenames:
        yield None
        return
    app = request.getfixturevalue("app")
    shutil.rmtree(catalog_dir, ignore_errors=True)
    shutil.copytree(pristine_catalogs, catalog_dir)
    babel_config = app.extensions["babel"]
    before = babel_config.translation_directories, app.config["BABEL_TRANSLATION_DIRECTORIES"]
    babel_config.translation_directories = [str(catalog_dir)]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(catalog_dir)
    forget_translations(app)
    yield catalog_dir
    babel_config.translation_directories, app.config["BABEL_TRANSLATION_DIRECTORIES"] = before
    forget_translations(app)


@pytest.fixture
def synced(app):
    """The database reconciled with the (copied) .po files, as after `flask translate sync`."""
    with app.app_context():
        report = services.sync(with_locations=False)
        _db.session.commit()
    return report


@pytest.fixture
def message_id(app):
    """The id of a message by its English text (after ``synced``)."""

    def find(msgid: str, context: str | None = None) -> int:
        with app.app_context():
            found = _db.session.scalar(
                select(Message.id).where(Message.key == message_key(msgid, context))
            )
            assert found, f"no message {msgid!r}"
            return found

    return find


@pytest.fixture
def live_text(app):
    """The live translation of a message in a language, from the database."""

    def read(msgid: str, code: str):
        with app.app_context():
            row = _db.session.scalar(
                select(MessageTranslation)
                .join(MessageTranslation.message)
                .where(Message.key == message_key(msgid), MessageTranslation.locale == code)
            )
            return (row.strings, row.status) if row else None

    return read


def po_text(catalog_dir: Path, babel_code: str) -> str:
    return (catalog_dir / babel_code / "LC_MESSAGES" / "messages.po").read_text()


@pytest.fixture
def say(app):
    """A message as the workbench shows it in a language: ``say("es", "Save")``; with
    ``plural`` and ``num`` for ngettext. Tests compare with this, not with English, so they
    keep passing once the catalogs are translated."""
    from flask_babel import force_locale, gettext, ngettext

    from app.i18n.locales import LANGUAGES

    def translate(lang, message, plural=None, num=None, /, **variables):
        with app.test_request_context(f"/{lang}/"), force_locale(LANGUAGES[lang].babel):
            if plural is not None:
                return ngettext(message, plural, num, **variables)
            return gettext(message, **variables)

    return translate


@pytest.fixture
def shipped(pristine_catalogs):
    """A message's translation as the repository's catalogs ship it."""
    from babel.support import Translations

    from app.i18n.locales import LANGUAGES

    def text(code, msgid, plural=None, num=1):
        catalog = Translations.load(str(pristine_catalogs), [LANGUAGES[code].babel])
        return catalog.ngettext(msgid, plural, num) if plural else catalog.gettext(msgid)

    return text
