"""Families register, join waitlists, cancel, and the next family is promoted at once."""

from datetime import timedelta

import pytest

from app.academy import services
from app.academy.models import Registration
from app.accounts.access import Role
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.academy.conftest import outbox, registration_of
from tests.conftest import sign_in


@pytest.fixture
def family(app, make_user):
    """A signed-in test client for a new family account: ``family("a@x.test", locale="ko")``."""

    def factory(email: str, locale: str = "en"):
        make_user(email, locale=locale)
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        return client

    return factory


def register(client, slug="reading-at-home", lang="en", **data):
    return client.submit(f"/{lang}/academy/{slug}/register", data)


def test_anonymous_visitors_are_sent_to_sign_in_to_register(client, make_offering):
    make_offering()
    for response in (
        client.get("/en/academy/reading-at-home/register"),
        client.submit("/en/academy/reading-at-home/register", page="/en/academy"),
        client.get("/en/academy/my"),
    ):
        assert response.status_code == 302
        assert response.location.startswith("/en/account/sign-in?next=")


def test_offering_page_sends_anonymous_visitors_to_register_through_sign_in(client, make_offering):
    make_offering()
    html = client.get("/en/academy/reading-at-home").get_data(as_text=True)
    assert 'href="/en/academy/reading-at-home/register"' in html
    assert "10 seats left." in html


def test_a_family_registers_with_interpretation_and_is_emailed(family, make_offering, db):
    offering_id = make_offering(translations={"es": "Leyendo en casa"})
    parent = family("ana@example.test", locale="es")
    response = register(
        parent,
        lang="es",
        interpretation="ko",
        zip_code="90011",
        local_district="east",
        participant_name="Ana Pérez",
    )
    assert response.status_code == 302 and response.location == "/es/academy/my"
    page = parent.get("/es/academy/my").get_data(as_text=True)
    assert "Leyendo en casa" in page
    registration = registration_of("ana@example.test", offering_id)
    assert registration.status == Registration.REGISTERED
    assert (registration.interpretation, registration.zip_code) == ("ko", "90011")
    assert (registration.local_district, registration.family_language) == ("east", "es")
    (mail,) = outbox("ana@example.test", "academy_registered")
    assert mail.locale == "es" and "Leyendo en casa" in mail.subject
    assert "https://meet.example.org/reading-at-home" in mail.body


def test_a_full_offering_puts_families_on_the_waitlist_in_order(family, make_offering, db):
    offering_id = make_offering(capacity=1)
    register(family("first@example.test"))
    for number, email in enumerate(["second@example.test", "third@example.test"], start=1):
        response = register(family(email))
        assert response.status_code == 302
        registration = registration_of(email, offering_id)
        assert registration.status == Registration.WAITLISTED
        assert registration.waitlist_position == number
    (mail,) = outbox("third@example.test", "academy_registered")
    assert "waitlist" in mail.subject.lower() and "number 2 in line" in mail.body


def test_cancelling_promotes_the_next_family_at_once_and_emails_them(family, make_offering, db):
    offering_id = make_offering(capacity=1)
    first = family("first@example.test")
    register(first)
    register(family("second@example.test", locale="ko"))
    register(family("third@example.test"))
    seat = registration_of("first@example.test", offering_id)
    page = f"/en/academy/my/{seat.id}/cancel"
    assert "Cancel your place" in first.get(page).get_data(as_text=True)
    assert first.submit(page).status_code == 302
    _db.session.expire_all()
    assert registration_of("first@example.test", offering_id).status == Registration.CANCELLED
    promoted = registration_of("second@example.test", offering_id)
    assert promoted.status == Registration.REGISTERED and promoted.waitlist_position is None
    assert registration_of("third@example.test", offering_id).waitlist_position == 1
    (mail,) = outbox("second@example.test", "academy_promoted")
    assert mail.locale == "ko"


def test_leaving_the_waitlist_closes_the_gap(family, make_offering, db):
    offering_id = make_offering(capacity=1)
    register(family("a@example.test"))
    second = family("b@example.test")
    register(second)
    register(family("c@example.test"))
    waiting = registration_of("b@example.test", offering_id)
    second.submit(f"/en/academy/my/{waiting.id}/cancel")
    _db.session.expire_all()
    assert registration_of("c@example.test", offering_id).waitlist_position == 1
    assert registration_of("a@example.test", offering_id).status == Registration.REGISTERED


def test_registering_twice_gets_a_clear_message(family, make_offering):
    make_offering()
    parent = family("ana@example.test")
    register(parent)
    response = register(parent, participant_name="Ana")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "You are already registered for Reading at home." in html
    assert 'value="Ana"' in html  # what the family typed is still there


def test_registration_closes_when_the_first_session_starts(family, make_offering, db):
    make_offering(starts=utcnow() - timedelta(hours=1), minutes=180)
    parent = family("ana@example.test")
    page = parent.get("/en/academy/reading-at-home/register").get_data(as_text=True)
    assert "closed when its first session started" in page
    response = register(parent)
    assert response.status_code == 422
    assert "closed when its first session started" in response.get_data(as_text=True)


def test_overlapping_sessions_are_refused_with_the_other_title(family, make_offering):
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    make_offering(slug="math-night", title="Math night", starts=starts)
    make_offering(slug="reading-at-home", starts=starts + timedelta(minutes=30))
    parent = family("ana@example.test")
    register(parent, slug="math-night")
    response = register(parent)
    assert response.status_code == 422
    assert "meets at the same time as Math night" in response.get_data(as_text=True)


def test_sessions_back_to_back_do_not_overlap(family, make_offering):
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    make_offering(slug="math-night", title="Math night", starts=starts, minutes=60)
    make_offering(slug="reading-at-home", starts=starts + timedelta(minutes=60))
    parent = family("ana@example.test")
    register(parent, slug="math-night")
    assert register(parent).status_code == 302


def test_an_interpretation_language_not_offered_is_refused(family, make_offering):
    make_offering(interpretation=("es",))
    response = register(family("ana@example.test"), interpretation="ko")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "data",
    [
        {"zip_code": "9001"},
        {"zip_code": "x" * 10_000},
        {"participant_name": "x" * 10_000},
        {"local_district": "narnia"},
        {"interpretation": "x" * 10_000},
    ],
)
def test_bad_registration_input_is_refused_with_a_message(family, make_offering, data):
    make_offering()
    response = register(family("ana@example.test"), lang="ko", **data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'lang="ko"' in html and 'class="error-summary"' in html


def test_another_family_cannot_cancel_by_changing_the_id(family, make_offering, db):
    offering_id = make_offering()
    register(family("ana@example.test"))
    theirs = registration_of("ana@example.test", offering_id).id
    intruder = family("eve@example.test")
    assert intruder.get(f"/en/academy/my/{theirs}/cancel").status_code == 404
    assert (
        intruder.submit(f"/en/academy/my/{theirs}/cancel", page="/en/academy/my").status_code == 404
    )
    assert intruder.get(f"/en/academy/my/{theirs}/calendar.ics").status_code == 404
    _db.session.expire_all()
    assert registration_of("ana@example.test", offering_id).status == Registration.REGISTERED


def test_staff_without_the_family_role_cannot_register(client, login_as, make_offering):
    make_offering()
    login_as(Role.ENROLLMENT)
    assert client.get("/en/academy/reading-at-home/register").status_code == 403


def test_drafts_are_hidden_from_families(client, make_offering):
    make_offering(status="draft")
    assert client.get("/en/academy/reading-at-home").status_code == 404
    assert "Reading at home" not in client.get("/en/academy").get_data(as_text=True)


def test_registering_again_after_cancelling_reuses_the_row(family, make_offering, db):
    offering_id = make_offering()
    parent = family("ana@example.test")
    register(parent)
    first = registration_of("ana@example.test", offering_id)
    parent.submit(f"/en/academy/my/{first.id}/cancel")
    assert register(parent).status_code == 302
    _db.session.expire_all()
    again = registration_of("ana@example.test", offering_id)
    assert again.id == first.id and again.status == Registration.REGISTERED


def test_my_courses_shows_position_join_link_and_calendar(family, make_offering, db):
    make_offering(capacity=1)
    make_offering(
        slug="math-night",
        title="Math night",
        starts=utcnow().replace(microsecond=0) + timedelta(days=20),
    )
    register(family("a@example.test"))
    parent = family("b@example.test")
    register(parent)
    register(parent, slug="math-night")
    html = parent.get("/en/academy/my").get_data(as_text=True)
    assert "On the waitlist: number 1 in line" in html
    assert "https://meet.example.org/math-night" in html
    assert html.count("calendar.ics") == 1


def test_the_service_refuses_videos_and_unknown_offerings(app, make_offering, make_user):
    video = make_offering(kind="video", slug="video")
    user = make_user("ana@example.test")
    with app.app_context():
        for offering_id in (video, 9999):
            with pytest.raises(services.NotOpen):
                services.register(user, offering_id)
