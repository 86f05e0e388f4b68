"""Whatever a translator or reviewer sends, the workbench answers 4xx with a message, never 500."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.access import Role
from app.content import services as content
from app.extensions import db as _db
from app.schools.models import School
from app.translate import services
from app.translate.models import Message, message_key
from tests.conftest import sign_in

NASTY = ["", " ", "x" * 10_000, "\u202e\u0000😀", "%(name)s", "<script>alert(1)</script>", "-1"]


@pytest.fixture
def ids(app, synced):
    with app.app_context():
        message = _db.session.scalar(
            select(Message).where(Message.key == message_key("%(num)d school found"))
        )
        suggestion = services.suggest(message, "es", ["%(num)d escuela", "%(num)d escuelas"], None)
        term = services.add_term("es", "keep", "LAUSD", "", "", None)
        school = School(
            cds_code="19647330000025",
            name="Toyon High",
            school_type="High",
            level="High",
            grade_span="9-12",
            grade_low=9,
            grade_high=12,
            street="1 St",
            city="Los Angeles",
            zip="90012",
            latitude=34.0,
            longitude=-118.2,
            profile_year="2025-26",
            search_text="toyon",
        )
        _db.session.add(school)
        _db.session.flush()
        english = {"mission": "Welcome to Toyon."}
        content.publish(
            content.save_draft("school_profile", school.cds_code, "en", english, None), None
        )
        draft = content.save_draft("school_profile", school.cds_code, "es", english, None)
        _db.session.commit()
        return {
            "message": message.id,
            "suggestion": suggestion.id,
            "term": term.id,
            "cds": school.cds_code,
            "draft": draft.id,
        }


def forms(ids):
    message = f"/es/translate/messages/{ids['message']}"
    return [
        (message, ["action", "text0", "text1", "text2", "text3", "text4", "text5", "note"]),
        (message + "/check", ["text0", "text1", "text9"]),
        (
            f"/es/translate/suggestions/{ids['suggestion']}",
            ["decision", f"s{ids['suggestion']}-comment"],
        ),
        ("/es/translate/glossary/terms", ["kind", "term", "translation", "note"]),
        ("/es/translate/import", ["file"]),
        (f"/es/translate/content/school_profile/{ids['cds']}", ["action", "mission", "highlights"]),
        (f"/es/translate/content/versions/{ids['draft']}/send-back", ["comment"]),
    ]


def test_every_workbench_form_refuses_bad_input(client, login_as, ids):
    login_as(Role.REVIEWER, "es")
    for url, fields in forms(ids):
        for value in NASTY:
            response = client.submit(url, dict.fromkeys(fields, value), page="/es/translate")
            assert response.status_code < 500, (url, value[:20], response.status_code)
            if response.status_code == 422:
                assert 'lang="es"' in response.get_data(as_text=True)


def test_unsafe_routes_need_a_csrf_token(client, login_as, ids):
    login_as(Role.REVIEWER, "es")
    for url, fields in forms(ids) + [
        (f"/es/translate/glossary/{ids['term']}/delete", []),
        (f"/es/translate/content/versions/{ids['draft']}/publish", []),
    ]:
        response = client.post(url, data=dict.fromkeys(fields, "x"))
        assert response.status_code == 400, url


def test_unknown_objects_are_not_found(app, client, login_as, make_user, ids):
    login_as(Role.REVIEWER, "es")
    for url in (
        "/es/translate/messages/999999",
        "/es/translate/content/program/abc",
        "/es/translate/content/versions/999999/publish",
    ):
        method = client.post if "versions" in url else client.get
        assert method(url).status_code in (400, 404), url
    # Another language's objects are not reachable through this language's URL.
    make_user("reviewer.ru@example.test", roles=[(Role.REVIEWER, "ru")])
    client = app.test_client()
    assert sign_in(client, "reviewer.ru@example.test").status_code == 302
    response = client.submit(
        f"/ru/translate/suggestions/{ids['suggestion']}",
        {"decision": "approve"},
        page="/ru/translate",
    )
    assert response.status_code == 404
    response = client.submit(
        f"/ru/translate/glossary/{ids['term']}/delete", {}, page="/ru/translate"
    )
    assert response.status_code == 404
