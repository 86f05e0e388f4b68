"""Calendar files in Los Angeles time, and reminder emails queued once, 24 hours ahead."""

from datetime import datetime, timedelta

from icalendar import Calendar

from app.academy import services
from app.academy.models import AcademySession, Offering
from app.extensions import db as _db
from app.timeutil import utcnow
from tests.academy.conftest import local, outbox, registration_of
from tests.conftest import sign_in


def test_a_pathway_calendar_keeps_6_pm_across_the_daylight_saving_change(
    app, client, make_offering, make_user
):
    # 2025: daylight saving time ended on Sunday, November 2.
    offering_id = make_offering(
        kind="pathway",
        topic="multilingual",
        sessions=8,
        starts=local(2025, 10, 14, 18),
        minutes=120,
        completion_required=6,
        title="Multilingual learners",
        translations={"ko": "다국어 학습자"},
    )
    user = make_user("ana@example.test")
    with app.app_context():
        services.register(user, offering_id, now=datetime(2025, 9, 1))
        _db.session.commit()
        registration_id = registration_of("ana@example.test", offering_id).id
    sign_in(client, "ana@example.test")
    response = client.get(f"/ko/academy/my/{registration_id}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.data)
    zones = [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")]
    assert zones == ["America/Los_Angeles"]
    events = calendar.walk("VEVENT")
    assert len(events) == 8
    starts = [event.decoded("DTSTART") for event in events]
    assert [(s.month, s.day) for s in starts[2:5]] == [(10, 28), (11, 4), (11, 11)]
    assert all((s.hour, s.minute) == (18, 0) for s in starts)
    assert {str(s.tzinfo) for s in starts} == {"America/Los_Angeles"}
    # The same local time is a different UTC time on each side of the change.
    assert starts[2].utcoffset() == timedelta(hours=-7)
    assert starts[3].utcoffset() == timedelta(hours=-8)
    assert str(events[0]["SUMMARY"]).startswith("다국어 학습자")
    assert "DTSTART;TZID=America/Los_Angeles:20251104T180000" in response.get_data(as_text=True)
    assert len({str(event["UID"]) for event in events}) == 8
    assert "https://meet.example.org/reading-at-home" in str(events[0]["LOCATION"])


def test_only_a_seat_holder_gets_the_calendar(app, client, make_offering, make_user):
    offering_id = make_offering(capacity=0)
    user = make_user("ana@example.test")
    with app.app_context():
        services.register(user, offering_id)
        _db.session.commit()
        registration_id = registration_of("ana@example.test", offering_id).id
    sign_in(client, "ana@example.test")
    assert client.get(f"/en/academy/my/{registration_id}/calendar.ics").status_code == 404


def _seat(app, make_user, offering_id, email, locale="en"):
    user = make_user(email, locale=locale)
    with app.app_context():
        services.register(user, offering_id)
        _db.session.commit()


def reminders(app):
    result = app.test_cli_runner().invoke(args=["academy", "send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_go_out_once_24_hours_ahead_in_each_familys_language(
    app, make_offering, make_user, db
):
    soon = make_offering(
        capacity=2, starts=utcnow() + timedelta(hours=20), translations={"ko": "집에서 함께 읽기"}
    )
    later = make_offering(slug="later", starts=utcnow() + timedelta(hours=30))
    _seat(app, make_user, soon, "ana@example.test", "es")
    _seat(app, make_user, soon, "min@example.test", "ko")
    _seat(app, make_user, soon, "waiting@example.test")  # third: waitlisted, no reminder
    _seat(app, make_user, later, "late@example.test")

    assert "queued 2 reminders" in reminders(app)
    assert "queued 0 reminders" in reminders(app)
    korean = outbox("min@example.test", "academy_reminder")
    assert len(korean) == 1 and korean[0].locale == "ko"
    assert "집에서 함께 읽기" in korean[0].subject
    assert len(outbox("ana@example.test", "academy_reminder")) == 1
    assert outbox("waiting@example.test", "academy_reminder") == []
    assert outbox("late@example.test", "academy_reminder") == []

    # Ten hours later the second offering is within 24 hours.
    with app.app_context():
        assert services.queue_reminders(now=utcnow() + timedelta(hours=10)) == 1
        _db.session.commit()


def test_no_reminder_for_a_cancelled_session(app, make_offering, make_user, db):
    offering_id = make_offering(starts=utcnow() + timedelta(hours=5))
    _seat(app, make_user, offering_id, "ana@example.test")
    with app.app_context():
        session = _db.session.scalar(
            _db.select(AcademySession).where(AcademySession.offering_id == offering_id)
        )
        services.cancel_session(None, session)
        _db.session.commit()
    assert "queued 0 reminders" in reminders(app)


def test_a_reminder_row_claimed_elsewhere_is_not_queued_again(app, make_offering, make_user, db):
    """Two schedulers at once: whoever inserts the reminder's row sends it."""
    offering_id = make_offering(starts=utcnow() + timedelta(hours=5))
    _seat(app, make_user, offering_id, "ana@example.test")
    with app.app_context():
        offering = _db.session.get(Offering, offering_id)
        registration = registration_of("ana@example.test", offering_id)
        assert services._claim_reminder(offering.sessions[0].id, registration.id, utcnow())
        assert not services._claim_reminder(offering.sessions[0].id, registration.id, utcnow())
        _db.session.commit()
    assert "queued 0 reminders" in reminders(app)
