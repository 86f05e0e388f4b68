"""Translating school profiles and program descriptions: drafts, review, "needs update"."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.content import services as content
from app.content.models import ContentVersion
from app.extensions import db as _db
from app.schools.models import Program, School
from app.translate.models import ContentReview
from tests.conftest import sign_in

CDS = "19647330000017"
ENGLISH = {
    "mission": "A magnet school where every LAUSD family is welcome.",
    "highlights": "Robotics\nMariachi",
    "bell_schedule": "8:00 am to 2:30 pm",
    "contacts": "Office: 213-555-0100",
    "office_languages": "English, Spanish",
}


@pytest.fixture
def school(app):
    """A school whose staff wrote its profile and a program description in English."""
    with app.app_context():
        school = School(
            cds_code=CDS,
            name="Jacaranda Magnet Elementary",
            school_type="Elementary",
            level="Elementary",
            grade_span="K-5",
            grade_low=0,
            grade_high=5,
            street="1 Test St",
            city="Los Angeles",
            zip="90012",
            latitude=34.06,
            longitude=-118.24,
            profile_year="2025-26",
            search_text="jacaranda",
        )
        school.programs.append(Program(program_type="magnet", grade_low=0, grade_high=5))
        _db.session.add(school)
        _db.session.flush()
        content.publish(content.save_draft("school_profile", CDS, "en", ENGLISH, None), None)
        program_id = school.programs[0].id
        content.publish(
            content.save_draft(
                "program", program_id, "en", {"description": "Science magnet."}, None
            ),
            None,
        )
        _db.session.commit()
        return {"cds": CDS, "program": program_id}


@pytest.fixture
def clients(app, make_user):
    def client_for(email, roles):
        make_user(email, roles=roles)
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    return (
        client_for("traductor@example.test", [(Role.TRANSLATOR, "es")]),
        client_for("revisora@example.test", [(Role.REVIEWER, "es")]),
    )


def newest(kind, entity_id, locale="es"):
    return content.latest(kind, str(entity_id), locale)


def test_the_list_shows_what_needs_translating(school, clients, say):
    translator, _ = clients
    html = translator.get("/es/translate/content").get_data(as_text=True)
    assert "Jacaranda Magnet Elementary" in html
    assert say("es", "Untranslated") in unescape(html)
    only_programs = translator.get("/es/translate/content?kind=program").get_data(as_text=True)
    assert re.search(r"Jacaranda Magnet Elementary · \w", only_programs)
    assert (
        translator.get("/es/translate/content?state=bogus&kind=x&q=" + "y" * 5000).status_code
        == 200
    )


def test_translator_drafts_reviewer_publishes_and_english_changes_flag_it(
    app, school, clients, say
):
    translator, reviewer = clients
    url = f"/es/translate/content/school_profile/{CDS}"
    page = translator.get(url).get_data(as_text=True)
    assert ENGLISH["mission"] in page and 'value="publish"' not in page
    spanish = {
        **ENGLISH,
        "mission": "Una escuela magnet donde toda familia del LAUSD es bienvenida.",
    }
    response = translator.submit(url, {**spanish, "action": "publish"})  # not allowed: a draft
    assert response.status_code == 303
    with app.app_context():
        draft = newest("school_profile", CDS)
        assert (
            draft.status == ContentVersion.DRAFT and draft.fields["mission"] == spanish["mission"]
        )
        assert content.newest_published("school_profile", CDS, "es") is None
    assert "Una escuela magnet" not in reviewer.get(f"/es/schools/{CDS}").get_data(as_text=True)

    response = reviewer.submit(f"/es/translate/content/versions/{draft.id}/publish", {}, page=url)
    assert response.status_code == 303
    assert "Una escuela magnet" in reviewer.get(f"/es/schools/{CDS}").get_data(as_text=True)

    with app.app_context():  # staff change the English
        changed = {**ENGLISH, "mission": "A magnet school for curious minds."}
        content.publish(content.save_draft("school_profile", CDS, "en", changed, None), None)
        _db.session.commit()
    listing = translator.get("/es/translate/content?state=needs_update").get_data(as_text=True)
    assert "Jacaranda Magnet Elementary" in listing
    page = translator.get(url).get_data(as_text=True)
    changed = "The English text changed after this translation was written. Please update it."
    assert say("es", changed) in unescape(page)
    assert "A magnet school where every LAUSD family is welcome." in page  # the earlier English


def test_a_reviewer_sends_a_draft_back_with_a_comment(app, school, clients):
    translator, reviewer = clients
    url = f"/es/translate/content/program/{school['program']}"
    assert (
        translator.submit(
            url, {"description": "Magnet de ciencias.", "action": "draft"}
        ).status_code
        == 303
    )
    with app.app_context():
        draft = newest("program", school["program"])
    send_back = f"/es/translate/content/versions/{draft.id}/send-back"
    assert reviewer.submit(send_back, {"comment": ""}, page=url).status_code == 422
    assert reviewer.submit(send_back, {"comment": "x" * 10_000}, page=url).status_code == 422
    assert (
        reviewer.submit(send_back, {"comment": "Escriba «programa magnet»."}, page=url).status_code
        == 303
    )
    assert "Escriba «programa magnet»." in translator.get(url).get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(ContentReview.comment)) == "Escriba «programa magnet»."
        sent_back = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "content.send_back")
        )
        assert sent_back.actor_email == "revisora@example.test"
        assert sent_back.after["comment"] == "Escriba «programa magnet»."
    # Translators cannot publish or send back.
    assert (
        translator.submit(
            f"/es/translate/content/versions/{draft.id}/publish", {}, page=url
        ).status_code
        == 403
    )


def test_content_forms_refuse_bad_input(app, school, clients):
    translator, reviewer = clients
    url = f"/es/translate/content/school_profile/{CDS}"
    for data in (
        {},
        {"mission": ""},
        {"mission": "x" * 10_000},
        {"mission": "Hola <script>alert(1)</script>"},
        {"mission": '<a href="javascript:alert(1)">hola</a>'},
    ):
        response = reviewer.submit(url, {**data, "action": "publish"})
        assert response.status_code == 422, data
        html = response.get_data(as_text=True)
        assert 'class="error-summary"' in html
        if data.get("mission"):
            assert "x" * 100 in html or "alert(1)" in html  # what was typed is still there
    program = f"/es/translate/content/program/{school['program']}"
    assert reviewer.submit(program, {"description": "x" * 10_000}).status_code == 422
    assert translator.get("/es/translate/content/program/999999").status_code == 404
    assert translator.get("/es/translate/content/school_profile/nope").status_code == 404


def test_content_translation_access(client, login_as, school):
    login_as(Role.TRANSLATOR, "ru")
    assert client.get(f"/es/translate/content/school_profile/{CDS}").status_code == 403
    assert client.get(f"/ru/translate/content/school_profile/{CDS}").status_code == 200
