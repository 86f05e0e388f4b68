"""School staff edit their own school's text; nobody else can."""

import pytest
from sqlalchemy import select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.extensions import db as _db

PROFILE = {
    "mission": "Welcome to Jacaranda, where every child is known.",
    "highlights": "Garden\nChoir",
    "bell_schedule": "8:00 am to 2:30 pm",
    "contacts": "Office: 8 to 4",
    "office_languages": "English, Spanish",
}


@pytest.fixture
def school(make_school):
    return make_school("Jacaranda Elementary", programs=[("magnet", None)])


def edit_url(cds, locale="en"):
    return f"/en/staff/schools/{cds}?locale={locale}"


def test_staff_publish_a_profile_and_families_read_it(client, login_as, school, app):
    login_as(Role.SCHOOL_STAFF, scope=school)
    response = client.submit(edit_url(school), {**PROFILE, "action": "publish"})
    assert response.status_code == 303
    page = client.get(f"/en/schools/{school}").get_data(as_text=True)
    assert "Welcome to Jacaranda, where every child is known." in page
    assert "<li>Choir</li>" in page
    with app.app_context():
        actions = _db.session.scalars(select(AuditEvent.action)).all()
        assert "content.publish" in actions


def test_a_draft_and_a_preview_are_not_published(client, login_as, school):
    login_as(Role.SCHOOL_STAFF, scope=school)
    preview = client.submit(edit_url(school), {**PROFILE, "action": "preview"})
    assert preview.status_code == 200
    assert "Preview: what families will read" in preview.get_data(as_text=True)
    client.submit(edit_url(school), {**PROFILE, "action": "draft"})
    assert "every child is known" not in client.get(f"/en/schools/{school}").get_data(as_text=True)


def test_other_languages_fall_back_to_english_with_a_note(client, login_as, school):
    login_as(Role.SCHOOL_STAFF, scope=school)
    client.submit(edit_url(school), {**PROFILE, "action": "publish"})
    page = client.get(f"/es/schools/{school}").get_data(as_text=True)
    assert "every child is known" in page and 'lang="en"' in page
    spanish = {**PROFILE, "mission": "Bienvenidos a Jacaranda.", "action": "publish"}
    client.submit(edit_url(school, "es"), spanish)
    page = client.get(f"/es/schools/{school}").get_data(as_text=True)
    assert "Bienvenidos a Jacaranda." in page and "every child is known" not in page


def test_invalid_text_is_refused_inline_and_kept(client, login_as, school):
    login_as(Role.SCHOOL_STAFF, scope=school)
    response = client.submit(
        edit_url(school), {**PROFILE, "mission": "", "highlights": "h" * 5000, "action": "publish"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Write a few words of welcome" in html and "At most 2000 characters." in html
    assert "Office: 8 to 4" in html
    fragment = client.submit(
        edit_url(school),
        {**PROFILE, "mission": "", "action": "publish"},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 422 and "<html" not in fragment.get_data(as_text=True)


def test_history_and_restore_of_an_earlier_version(client, login_as, school, app):
    login_as(Role.SCHOOL_STAFF, scope=school)
    client.submit(edit_url(school), {**PROFILE, "action": "publish"})
    client.submit(edit_url(school), {**PROFILE, "mission": "A newer welcome.", "action": "publish"})
    from app.content.models import ContentVersion

    with app.app_context():
        first = _db.session.scalars(select(ContentVersion).order_by(ContentVersion.id)).first()
    restored = client.submit(
        f"/en/staff/schools/{school}/versions/{first.id}/restore", page=edit_url(school)
    )
    assert restored.status_code == 302
    page = client.get(edit_url(school)).get_data(as_text=True)
    assert "every child is known" in page  # the editor holds the restored draft
    with app.app_context():
        newest = _db.session.scalars(
            select(ContentVersion).order_by(ContentVersion.id.desc())
        ).first()
    client.submit(f"/en/staff/schools/{school}/versions/{newest.id}/publish", page=edit_url(school))
    assert "every child is known" in client.get(f"/en/schools/{school}").get_data(as_text=True)


def test_program_descriptions_are_edited_per_language(client, login_as, school, app):
    login_as(Role.SCHOOL_STAFF, scope=school)
    from app.schools.models import Program

    with app.app_context():
        program_id = _db.session.scalar(select(Program.id))
    response = client.submit(
        f"/en/staff/schools/{school}/programs/{program_id}?locale=ko",
        {f"p{program_id}-description": "과학 중심 마그넷 프로그램"},
        page=edit_url(school, "ko"),
    )
    assert response.status_code == 303
    assert "과학 중심 마그넷 프로그램" in client.get(f"/ko/schools/{school}").get_data(as_text=True)


def test_staff_of_another_school_and_families_cannot_edit(client, login_as, school, make_school):
    other = make_school("Sycamore Middle")
    login_as(Role.SCHOOL_STAFF, scope=other)
    assert client.get(edit_url(school)).status_code == 403
    token = client.csrf_token(edit_url(other))
    assert (
        client.post(
            edit_url(school), data={**PROFILE, "action": "publish", "csrf_token": token}
        ).status_code
        == 403
    )
    assert client.get(edit_url(other)).status_code == 200


def test_a_family_is_refused_and_a_visitor_is_sent_to_sign_in(client, login_as, school):
    assert client.get(edit_url(school)).status_code == 302
    login_as(Role.FAMILY)
    assert client.get(edit_url(school)).status_code == 403


def test_a_program_of_another_school_is_not_found(client, login_as, school, make_school, app):
    other = make_school("Sycamore Middle", programs=[("cte", None)])
    login_as(Role.SCHOOL_STAFF, scope=school)
    from app.schools.models import Program

    with app.app_context():
        foreign = _db.session.scalar(select(Program.id).where(Program.cds_code == other))
    response = client.submit(
        f"/en/staff/schools/{school}/programs/{foreign}",
        {f"p{foreign}-description": "x"},
        page=edit_url(school),
    )
    assert response.status_code == 404
