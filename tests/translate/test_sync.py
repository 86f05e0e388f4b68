"""`flask translate sync`: the database follows the .po files after `make i18n`."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po
from sqlalchemy import func, select

from app.extensions import db as _db
from app.i18n.locales import LANGUAGES
from app.translate import pofiles, services
from app.translate.models import (
    APPROVED,
    NEEDS_REVIEW,
    TRANSLATED,
    CatalogVersion,
    Message,
    MessageTranslation,
)
from tests.translate.conftest import po_text

OLD = "Skip to main content"
NEW = "Skip to the main content"  # a small change of the English: difflib ratio 0.91


def edit_catalogs(catalog_dir, change) -> None:
    """Rewrite every language's .po the way `make i18n` would after a code change."""
    for language in LANGUAGES.values():
        path = catalog_dir / language.babel / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language.babel)
        change(catalog, language)
        path.write_bytes(pofiles.render_po(catalog))


def rename(old: str, new: str):
    def change(catalog, language):
        catalog.delete(old)
        catalog.add(new, "")

    return change


def versions(app) -> dict[str, int]:
    with app.app_context():
        rows = _db.session.execute(select(CatalogVersion.locale, CatalogVersion.version)).all()
        return dict(rows)


def test_sync_loads_every_message_and_translation_once(
    app, synced, live_text, temporary_catalogs, shipped
):
    with app.app_context():
        catalog = pofiles.read_catalog("es")
        assert synced.added == len([m for m in catalog if m.id])
        assert _db.session.scalar(select(func.count()).select_from(Message)) == synced.added
    assert live_text(OLD, "es") == ([shipped("es", OLD)], TRANSLATED)
    assert set(versions(app)) == set(LANGUAGES) - {"en"}
    before = versions(app)
    with app.app_context():
        again = services.sync(with_locations=False)
        _db.session.commit()
    assert (again.added, again.obsoleted, again.changed, again.write_back) == (0, 0, set(), set())
    assert versions(app) == before


def test_a_changed_english_text_keeps_its_translations_for_review(
    app, synced, temporary_catalogs, live_text, message_id, shipped
):
    edit_catalogs(temporary_catalogs, rename(OLD, NEW))
    with app.app_context():
        report = services.sync(with_locations=False)
        _db.session.commit()
        services.after_sync(report)
        old = _db.session.get(Message, message_id(OLD))
        assert old.obsolete
    assert (report.added, report.obsoleted) == (1, 1)
    assert report.carried_over == len(LANGUAGES) - 1
    assert live_text(NEW, "es") == ([shipped("es", OLD)], NEEDS_REVIEW)
    with app.app_context():
        row = _db.session.scalar(
            select(MessageTranslation).where(
                MessageTranslation.message_id == message_id(NEW), MessageTranslation.locale == "es"
            )
        )
        assert row.previous_source == OLD
    # Written back as a fuzzy entry: gettext does not use it until a reviewer approves.
    fuzzy = f'#, fuzzy\nmsgid "{NEW}"\nmsgstr "{shipped("es", OLD)}"'
    assert fuzzy in po_text(temporary_catalogs, "es")


def test_a_removed_message_becomes_obsolete_and_can_come_back(
    app, synced, temporary_catalogs, message_id
):
    pristine = {
        lang.babel: po_text(temporary_catalogs, lang.babel)
        for lang in LANGUAGES.values()
        if (temporary_catalogs / lang.babel / "LC_MESSAGES" / "messages.po").exists()
    }
    edit_catalogs(temporary_catalogs, lambda catalog, language: catalog.delete("Find a school"))
    with app.app_context():
        assert services.sync(with_locations=False).obsoleted == 1
        _db.session.commit()
        assert _db.session.get(Message, message_id("Find a school")).obsolete
    for babel_code, text in pristine.items():
        (temporary_catalogs / babel_code / "LC_MESSAGES" / "messages.po").write_text(text)
    with app.app_context():
        assert services.sync(with_locations=False).revived == 1
        _db.session.commit()
        assert not _db.session.get(Message, message_id("Find a school")).obsolete


def test_the_workbench_wins_over_the_file_and_the_file_over_the_file(
    app, synced, temporary_catalogs, live_text, message_id, make_user
):
    reviewer = make_user("reviewer@example.test", roles=[])
    with app.app_context():
        home = _db.session.get(Message, message_id("Home"))
        services.set_live(home, "es", ["Portada"], reviewer, reviewed=True)
        _db.session.commit()
        services.after_commit(["es"])

    def developer_edits(catalog, language):
        if language.code == "es":
            catalog.get("Home").string = "Página principal"
            catalog.get("Find a school").string = "Busque una escuela"

    edit_catalogs(temporary_catalogs, developer_edits)
    before = versions(app)["es"]
    with app.app_context():
        report = services.sync(with_locations=False)
        _db.session.commit()
        services.after_sync(report)
    assert live_text("Home", "es") == (["Portada"], APPROVED)
    assert live_text("Find a school", "es") == (["Busque una escuela"], TRANSLATED)
    assert versions(app)["es"] == before + 1
    text = po_text(temporary_catalogs, "es")
    assert 'msgid "Home"\nmsgstr "Portada"' in text
    assert 'msgid "Find a school"\nmsgstr "Busque una escuela"' in text


def test_writing_a_catalog_changes_only_the_translation(
    app, synced, temporary_catalogs, pristine_catalogs, message_id, shipped
):
    with app.app_context():
        message = _db.session.get(Message, message_id("Find a school"))
        services.set_live(message, "es", ["Busque su escuela ahora"], None, reviewed=True)
        _db.session.commit()
        assert pofiles.write_language("es")
        assert not pofiles.write_language("es")  # nothing left to write
    before = (pristine_catalogs / "es" / "LC_MESSAGES" / "messages.po").read_text().splitlines()
    after = po_text(temporary_catalogs, "es").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    before_text = shipped("es", "Find a school")
    assert changed == [(f'msgstr "{before_text}"', 'msgstr "Busque su escuela ahora"')]
    mo = temporary_catalogs / "es" / "LC_MESSAGES" / "messages.mo"
    assert b"Busque su escuela ahora" in mo.read_bytes()


def test_sync_finds_where_the_code_uses_each_message(app, temporary_catalogs):
    with app.app_context():
        services.sync(with_locations=True)
        _db.session.commit()
        message = _db.session.scalar(select(Message).where(Message.msgid == "Skip to main content"))
        assert any(re.match(r"templates/base\.html:\d+$", where) for where in message.locations)


def test_the_cli_commands(app, temporary_catalogs, tmp_path, shipped):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["translate", "sync", "--no-locations"])
    assert result.exit_code == 0, result.output
    assert "added" in result.output
    exported = tmp_path / "es.po"
    result = runner.invoke(args=["translate", "export", "es", "--output", str(exported)])
    assert result.exit_code == 0, result.output
    home = f'msgid "Home"\nmsgstr "{shipped("es", "Home")}"'
    text = exported.read_text().replace(home, 'msgid "Home"\nmsgstr "Portada"')
    exported.write_text(text)
    result = runner.invoke(args=["translate", "import", "es", str(exported)])
    assert result.exit_code == 0, result.output
    assert "1 approved" in result.output
    assert 'msgid "Home"\nmsgstr "Portada"' in po_text(temporary_catalogs, "es")
    bad = tmp_path / "bad.po"
    bad.write_bytes(b"\xff\xfe not a catalog")
    assert runner.invoke(args=["translate", "import", "es", str(bad)]).exit_code != 0


def test_sync_refuses_to_run_without_catalogs(app, synced, tmp_path, message_id):
    app.extensions["babel"].translation_directories = [str(tmp_path)]
    result = app.test_cli_runner().invoke(args=["translate", "sync", "--no-locations"])
    assert result.exit_code != 0 and "nothing was changed" in result.output
    with app.app_context():
        assert not _db.session.get(Message, message_id("Home")).obsolete
