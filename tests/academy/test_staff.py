"""Academy staff: offerings, sessions, rosters and attendance, graduates, the dashboard."""

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.academy import services
from app.academy.models import AcademySession, Offering, Registration
from app.accounts.access import Role
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.academy.conftest import outbox, registration_of
from tests.conftest import sign_in

HX = {"HX-Request": "true"}
OFFERING = {
    "kind": "webinar",
    "topic": "healthy_families",
    "title": "Sleep, screens and school",
    "description": "Routines that work.",
    "instruction": ["en", "es"],
    "interpretation": ["ko"],
    "format": "online",
    "join_url": "https://meet.example.org/sleep",
    "grade_band": "all",
    "capacity": "300",
}


@pytest.fixture
def staff(client, login_as):
    login_as(Role.ACADEMY)
    return client


def seat(app, make_user, offering_id, email, locale="en", **kwargs):
    user = make_user(email, locale=locale)
    with app.app_context():
        registration = services.register(user, offering_id, **kwargs)
        _db.session.commit()
        return registration.id


def offering_by_slug(slug):
    return _db.session.scalar(select(Offering).where(Offering.slug == slug))


def test_staff_create_a_draft_add_a_session_in_local_time_and_publish(staff, client, db):
    response = staff.submit("/en/staff/academy/new", OFFERING)
    assert response.status_code == 302
    offering = offering_by_slug("sleep-screens-and-school")
    assert offering.status == "draft"
    assert offering.codes("instruction") == ["en", "es"]
    assert client.get("/en/academy/sleep-screens-and-school").status_code == 200  # staff preview
    page = f"/en/staff/academy/{offering.id}"
    staff.submit(f"{page}/publish", page=page)
    _db.session.expire_all()
    assert offering_by_slug("sleep-screens-and-school").status == "draft"  # no session yet
    response = staff.submit(
        f"{page}/sessions/new", {"day": "2027-11-09", "starts": "18:00", "ends": "19:30"}
    )
    assert response.status_code == 302
    session = _db.session.scalar(select(AcademySession))
    # 6:00 pm in Los Angeles on November 9, 2027 (standard time, UTC-8) is 02:00 UTC next day.
    assert session.starts_at == datetime(2027, 11, 10, 2, 0)
    assert session.ends_at == datetime(2027, 11, 10, 3, 30)
    staff.submit(f"{page}/publish", page=page)
    _db.session.expire_all()
    assert offering_by_slug("sleep-screens-and-school").status == "published"
    assert "6:00" in client.get(page).get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"topic": "multilingual"}, "A webinar has one of the four webinar topics."),
        ({"join_url": ""}, "Enter the link families use to join."),
        ({"join_url": "not a link"}, "Enter a full link starting with https://."),
        ({"format": "in_person"}, "Enter the school."),
        ({"kind": "pathway", "topic": "multilingual"}, "Enter how many sessions a graduate"),
        ({"instruction": []}, "Choose at least one language."),
        ({"capacity": "-3"}, "Enter a number from 1 to 100,000."),
        ({"capacity": "9" * 10_000}, "Enter a whole number, such as 25."),
        ({"title": "x" * 10_000}, "At most 200 characters."),
        ({"description": "x" * 10_000}, "At most 5000 characters."),
        ({"slug": "Not A Slug"}, "Use lowercase letters, digits and hyphens."),
        ({"slug": "my"}, "This short name is already used."),
        ({"kind": "emperor"}, "Not a valid choice"),
    ],
)
def test_bad_offerings_are_refused_with_a_message_and_kept(staff, change, message):
    data = {**OFFERING, "description": "Keep me typed", **change}
    response = staff.submit("/en/staff/academy/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'class="error-summary"' in html
    if "description" not in change:
        assert "Keep me typed" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2027-02-30", "starts": "18:00", "ends": "19:00"}, "Enter a real date"),
        ({"day": "99999-01-01", "starts": "18:00", "ends": "19:00"}, "Enter a real date"),
        ({"day": "1900-01-01", "starts": "18:00", "ends": "19:00"}, "between 2000 and 2100"),
        ({"day": "2027-03-01", "starts": "19:00", "ends": "18:00"}, "The end must be after"),
        ({"day": "2027-03-01", "starts": "25:00", "ends": "26:00"}, "Enter a time such as 18:30."),
        ({"day": "x" * 10_000, "starts": "x" * 10_000, "ends": ""}, "Enter the time it ends."),
        ({}, "Enter the date."),
    ],
)
def test_bad_sessions_are_refused_with_a_message(staff, make_offering, data, message):
    offering_id = make_offering()
    response = staff.submit(f"/en/staff/academy/{offering_id}/sessions/new", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    spanish = staff.submit(f"/es/staff/academy/{offering_id}/sessions/new", data)
    assert spanish.status_code == 422 and 'lang="es"' in spanish.get_data(as_text=True)


def test_a_larger_capacity_promotes_waitlisted_families(app, staff, make_offering, make_user, db):
    offering_id = make_offering(capacity=1)
    seat(app, make_user, offering_id, "a@example.test")
    seat(app, make_user, offering_id, "b@example.test")
    offering = _db.session.get(Offering, offering_id)
    form = {
        **OFFERING,
        "kind": "webinar",
        "topic": "achievement",
        "title": "Reading at home",
        "slug": offering.slug,
        "join_url": offering.join_url,
        "capacity": "2",
    }
    assert staff.submit(f"/en/staff/academy/{offering_id}", form).status_code == 302
    _db.session.expire_all()
    assert registration_of("b@example.test", offering_id).status == Registration.REGISTERED
    assert len(outbox("b@example.test", "academy_promoted")) == 1


def test_cancelling_an_offering_emails_every_registrant(app, staff, make_offering, make_user, db):
    offering_id = make_offering(capacity=1, translations={"es": "Leyendo en casa"})
    seat(app, make_user, offering_id, "a@example.test", "es")
    seat(app, make_user, offering_id, "b@example.test")
    page = f"/en/staff/academy/{offering_id}/cancel"
    assert "email 2 families" in staff.get(page).get_data(as_text=True)
    assert staff.submit(page).status_code == 302
    (spanish,) = outbox("a@example.test", "academy_offering_cancelled")
    assert spanish.locale == "es" and "Leyendo en casa" in spanish.subject
    assert len(outbox("b@example.test", "academy_offering_cancelled")) == 1
    assert "cancelled this offering" in staff.get("/en/academy/reading-at-home").get_data(
        as_text=True
    )


def test_cancelling_a_session_emails_families_with_a_seat(app, staff, make_offering, make_user, db):
    offering_id = make_offering(
        kind="pathway", topic="disabilities", sessions=3, completion_required=2, capacity=1
    )
    seat(app, make_user, offering_id, "a@example.test")
    seat(app, make_user, offering_id, "waiting@example.test")
    session = _db.session.get(Offering, offering_id).sessions[1]
    page = f"/en/staff/academy/sessions/{session.id}"
    assert staff.submit(f"{page}/cancel", page=page).status_code == 302
    assert len(outbox("a@example.test", "academy_session_cancelled")) == 1
    assert outbox("waiting@example.test", "academy_session_cancelled") == []


def test_attendance_on_a_phone_toggles_saves_and_undoes(app, staff, make_offering, make_user, db):
    offering_id = make_offering()
    registration_id = seat(
        app, make_user, offering_id, "a@example.test", participant_name="Ana Pérez"
    )
    session = _db.session.get(Offering, offering_id).sessions[0]
    roster = f"/en/staff/academy/sessions/{session.id}/roster"
    html = staff.get(roster).get_data(as_text=True)
    assert "Ana Pérez" in html and 'aria-pressed="false"' in html
    url = f"{roster}/{registration_id}"

    fragment = staff.submit(url, {"state": "present"}, page=roster, headers=HX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in text
    assert re.search(r'aria-pressed="true">Present', text)
    assert "Saved: Ana Pérez is present." in text  # announced in the live region
    assert 'name="state" value="clear"' in text  # the undo restores "not taken"
    assert services.attendance_of(session, registration_of("a@example.test", offering_id))

    fragment = staff.submit(url, {"state": "clear"}, page=roster, headers=HX)
    _db.session.expire_all()
    assert services.attendance_of(session, registration_of("a@example.test", offering_id)) is None

    plain = staff.submit(url, {"state": "absent"}, page=roster)
    assert plain.status_code == 302 and "undo=" in plain.location
    after = staff.get(plain.location).get_data(as_text=True)
    assert "Undo" in after and "Saved: Ana Pérez is absent." in after

    assert staff.submit(url, {"state": "maybe"}, page=roster).status_code == 422
    assert staff.submit(url, {"state": "x" * 10_000}, page=roster, headers=HX).status_code == 422


def test_a_registration_of_another_offering_is_not_on_this_roster(
    app, staff, make_offering, make_user
):
    first = make_offering()
    other = make_offering(slug="other", starts=utcnow() + timedelta(days=30))
    registration_id = seat(app, make_user, other, "a@example.test")
    with app.app_context():
        session_id = _db.session.get(Offering, first).sessions[0].id
    roster = f"/en/staff/academy/sessions/{session_id}/roster"
    response = staff.submit(f"{roster}/{registration_id}", {"state": "present"}, page=roster)
    assert response.status_code == 404


def test_the_completion_rule_marks_graduates_and_their_certificate(
    app, staff, make_offering, make_user, db
):
    offering_id = make_offering(
        kind="pathway",
        topic="multilingual",
        sessions=8,
        completion_required=6,
        title="Multilingual learners",
        translations={"ko": "다국어 학습자"},
    )
    registration_id = seat(
        app,
        make_user,
        offering_id,
        "min@example.test",
        "ko",
        participant_name="김민지",
        family_language="ko",
    )
    sessions = _db.session.get(Offering, offering_id).sessions
    for session in sessions[:6]:
        roster = f"/en/staff/academy/sessions/{session.id}/roster"
        staff.submit(f"{roster}/{registration_id}", {"state": "present"}, page=roster)
    _db.session.expire_all()
    assert registration_of("min@example.test", offering_id).completed_at is not None

    certificate = staff.get(f"/en/staff/academy/certificates/{registration_id}")
    html = certificate.get_data(as_text=True)
    assert certificate.status_code == 200
    assert '<article class="certificate" lang="ko"' in html and "다국어 학습자" in html
    assert "김민지" in html
    assert "Multilingual learners" in staff.get(
        f"/en/staff/academy/certificates/{registration_id}?in=en"
    ).get_data(as_text=True)

    roster = f"/en/staff/academy/sessions/{sessions[0].id}/roster"
    staff.submit(f"{roster}/{registration_id}", {"state": "absent"}, page=roster)
    _db.session.expire_all()
    assert registration_of("min@example.test", offering_id).completed_at is None
    assert staff.get(f"/en/staff/academy/certificates/{registration_id}").status_code == 404


def test_a_graduate_sees_their_own_certificate(app, client, make_offering, make_user, db):
    offering_id = make_offering(
        kind="pathway",
        topic="multilingual",
        sessions=2,
        completion_required=1,
        starts=utcnow() + timedelta(days=1),
    )
    registration_id = seat(app, make_user, offering_id, "ana@example.test")
    with app.app_context():
        registration = _db.session.get(Registration, registration_id)
        services.set_attendance(None, registration.offering.sessions[0], registration, "present")
        _db.session.commit()
    sign_in(client, "ana@example.test")
    assert "My certificate" in client.get("/en/academy/my").get_data(as_text=True)
    page = client.get(f"/es/academy/my/{registration_id}/certificate")
    assert page.status_code == 200 and 'lang="es"' in page.get_data(as_text=True)


def test_translations_are_shown_to_families_in_their_language(staff, client, make_offering):
    offering_id = make_offering()
    page = f"/en/staff/academy/{offering_id}/texts/es"
    offering_page = f"/en/staff/academy/{offering_id}"
    assert "Untranslated" in staff.get(offering_page).get_data(as_text=True)
    assert staff.submit(page, {"title": "x" * 10_000, "action": "publish"}).status_code == 422
    script = staff.submit(page, {"title": "Hola <script>x</script>", "action": "publish"})
    assert script.status_code == 422 and 'class="error-summary"' in script.get_data(as_text=True)
    spanish = {"title": "Leyendo en casa", "description": "Hábitos"}
    assert staff.submit(page, {**spanish, "action": "draft"}).status_code == 302
    assert "Draft waiting for review" in staff.get(offering_page).get_data(as_text=True)
    assert "Leyendo en casa" not in client.get("/es/academy").get_data(as_text=True)
    assert staff.submit(page, {**spanish, "action": "publish"}).status_code == 302
    assert "Published and up to date" in staff.get(offering_page).get_data(as_text=True)
    assert "Leyendo en casa" in client.get("/es/academy").get_data(as_text=True)
    assert "Reading at home" in client.get("/ko/academy").get_data(as_text=True)
    assert staff.get(f"/en/staff/academy/{offering_id}/texts/xx").status_code == 404
    assert staff.get(f"/en/staff/academy/{offering_id}/texts/en").status_code == 404


def test_changing_the_english_marks_translations_for_an_update(staff, client, make_offering, db):
    offering_id = make_offering(translations={"es": "Leyendo en casa"})
    offering_page = f"/en/staff/academy/{offering_id}"
    assert "Published and up to date" in staff.get(offering_page).get_data(as_text=True)
    form = {
        **OFFERING,
        "topic": "achievement",
        "title": "Reading at home, every day",
        "slug": "reading-at-home",
        "join_url": "https://meet.example.org/reading-at-home",
    }
    assert staff.submit(offering_page, form).status_code == 302
    assert "Source changed, needs update" in staff.get(offering_page).get_data(as_text=True)
    translation = staff.get(f"{offering_page}/texts/es").get_data(as_text=True)
    assert "The English text changed after this translation was written." in translation
    assert 'value="Leyendo en casa"' in translation  # the translation to update
    assert "Leyendo en casa" in client.get("/es/academy").get_data(as_text=True)
    assert "Reading at home, every day" in client.get("/ko/academy").get_data(as_text=True)


def test_the_dashboard_measures_webinars_graduates_languages_and_areas(
    app, staff, make_offering, make_user, db
):
    held = make_offering(
        slug="held", title="Held webinar", capacity=None, starts=utcnow() + timedelta(days=1)
    )
    ids = [
        seat(
            app,
            make_user,
            held,
            "a@example.test",
            "es",
            local_district="east",
            family_language="es",
        ),
        seat(app, make_user, held, "b@example.test", zip_code="90011"),
        seat(app, make_user, held, "c@example.test"),
    ]
    with app.app_context():
        offering = _db.session.get(Offering, held)
        # The webinar took place an hour ago; two of three families came.
        offering.sessions[0].starts_at = utcnow() - timedelta(hours=2)
        offering.sessions[0].ends_at = utcnow() - timedelta(hours=1)
        for registration_id, state in zip(ids, ("present", "present", "absent"), strict=True):
            registration = _db.session.get(Registration, registration_id)
            services.set_attendance(None, offering.sessions[0], registration, state)
        _db.session.commit()
    html = staff.get("/en/staff/academy/dashboard").get_data(as_text=True)
    assert "Average: 2 participants per webinar, over 1 webinar with attendance taken." in html
    assert "Below target." in html
    assert "0 graduates this school year, of a target of 1,000." in html
    assert "<svg" in html and "style=" not in html
    assert re.search(r"<td>Local District East</td><td>1</td>", html)
    assert re.search(r"<td>ZIP code only, no local district</td><td>1</td>", html)
    assert re.search(r"<td>Not given</td><td>1</td>", html)
    assert re.search(r"<td>Spanish</td><td>1</td>", html)
    assert staff.get("/en/staff/academy/dashboard?year=abc").status_code == 200
    assert staff.get("/en/staff/academy/dashboard?year=" + "9" * 10_000).status_code == 200


STAFF_PAGES = [
    "/en/staff/academy/",
    "/en/staff/academy/new",
    "/en/staff/academy/dashboard",
    "/en/staff/academy/{offering}",
    "/en/staff/academy/{offering}/cancel",
    "/en/staff/academy/{offering}/texts/es",
    "/en/staff/academy/{offering}/sessions/new",
    "/en/staff/academy/sessions/{session}",
    "/en/staff/academy/sessions/{session}/roster",
]


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_families_get_403_on_staff_pages(client, login_as, make_offering, db, path):
    offering_id = make_offering()
    session_id = _db.session.get(Offering, offering_id).sessions[0].id
    login_as(Role.FAMILY)
    assert client.get(path.format(offering=offering_id, session=session_id)).status_code == 403


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_staff_and_admins_reach_staff_pages(client, login_as, make_offering, db, path):
    offering_id = make_offering()
    session_id = _db.session.get(Offering, offering_id).sessions[0].id
    login_as(Role.ADMIN)
    assert client.get(path.format(offering=offering_id, session=session_id)).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in_from_staff_pages(client):
    response = client.get("/en/staff/academy/")
    assert response.status_code == 302 and "/account/sign-in" in response.location
