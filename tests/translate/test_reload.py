"""Approved translations reach a running worker without a restart (app.i18n.catalog)."""

from __future__ import annotations

import time

from app.extensions import db as _db
from app.i18n.catalog import EXTENSION
from app.translate import services
from app.translate.models import Message
from tests.translate.conftest import po_text


def approve_elsewhere(app, message_id, msgid, code, strings):
    """As another machine's worker would: only the database changes here, not this disk."""
    with app.app_context():
        message = _db.session.get(Message, message_id(msgid))
        services.set_live(message, code, strings, None, reviewed=True)
        _db.session.commit()


def test_a_change_made_elsewhere_is_seen_after_the_next_check(
    app, client, synced, message_id, temporary_catalogs, shipped
):
    before = shipped("es", "Find a school")
    assert before in client.get("/es/").get_data(as_text=True)
    approve_elsewhere(app, message_id, "Find a school", "es", ["Busque su escuela ahora"])
    # Within the two seconds between checks, this worker still serves what it had.
    assert before in client.get("/es/").get_data(as_text=True)
    app.extensions[EXTENSION].checked_at -= 2.0
    html = client.get("/es/").get_data(as_text=True)
    assert "Busque su escuela ahora" in html and f">{before}<" not in html
    assert "Busque su escuela ahora" not in po_text(temporary_catalogs, "es")  # not from disk
    assert shipped("es", "Home") in html  # the rest of the catalog is still there


def test_the_check_runs_at_most_every_two_seconds(app, client, synced):
    client.get("/es/")
    catalogs = app.extensions[EXTENSION]
    first = catalogs.checked_at
    client.get("/es/")
    assert catalogs.checked_at == first
    assert time.monotonic() - first < app.config.get("TRANSLATION_CHECK_SECONDS", 2.0)


def test_plural_forms_and_cached_pages_follow_an_approval(app, client, synced, message_id, shipped):
    before = client.get("/ru/schools?q=zzzz").get_data(as_text=True)
    plural = "%(num)d schools found"
    assert shipped("ru", "%(num)d school found", plural, 0) % {"num": 0} in before
    approve_elsewhere(
        app,
        message_id,
        "%(num)d school found",
        "ru",
        ["Нашлась %(num)d школа", "Нашлось %(num)d школы", "Нашлось %(num)d школ"],
    )
    app.extensions[EXTENSION].checked_at -= 2.0
    after = client.get("/ru/schools?q=zzzz").get_data(as_text=True)
    assert "Нашлось 0 школ" in after


def test_other_languages_are_not_touched(app, client, synced, message_id):
    client.get("/fr/")  # not a language of the site: 404, no error
    approve_elsewhere(app, message_id, "Find a school", "es", ["Busque su escuela ahora"])
    app.extensions[EXTENSION].checked_at -= 2.0
    assert "Find a school" in client.get("/en/").get_data(as_text=True)
    assert "Busque su escuela ahora" not in client.get("/pt/").get_data(as_text=True)
    assert "Busque su escuela ahora" not in client.get("/vi/").get_data(as_text=True)


def test_without_catalog_versions_the_files_are_served(app, client, shipped):
    # No sync has run: no versions, no database entries; pages are as the .mo files say.
    assert shipped("es", "Find a school") in client.get("/es/").get_data(as_text=True)
    assert client.get("/static/css/app.css").status_code == 200


def test_an_unreadable_database_leaves_the_files_serving(app, client, synced, shipped, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("the database is down"))

    monkeypatch.setattr(_db.session, "execute", unreachable)
    response = client.get("/es/")
    assert response.status_code == 200, response.get_data(as_text=True)[-3000:]
    assert shipped("es", "Find a school") in response.get_data(as_text=True)
    assert "es" not in app.extensions[EXTENSION].built  # tried again on the next request
