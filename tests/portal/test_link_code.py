"""Linking with a letter's code: one answer for every mismatch, once only, limits in the database."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.portal import codes, services
from app.portal.models import FailedLinkAttempt, GuardianLink, LinkCode
from app.timeutil import utcnow
from tests.portal.conftest import SCHOOL_A, issue

MISMATCH = "The student ID, date of birth and code do not match."
LOCKED = "There were too many tries that did not match."


def attempt(client, student_id="1000000001", born="2016-05-01", code="", lang="en"):
    return client.submit(
        f"/{lang}/portal/link", {"student_id": student_id, "birth_date": born, "code": code}
    )


def links_of(user_id):
    return _db.session.scalars(
        select(GuardianLink).where(GuardianLink.user_id == user_id, GuardianLink.ended_at.is_(None))
    ).all()


def test_a_code_has_over_40_bits_is_easy_to_type_and_is_stored_only_as_a_hash(app, world):
    code = issue(app, world.a1_mother)
    assert len(code) == 10 and set(code) <= set(codes.ALPHABET)
    assert not set("01OIL") & set(codes.ALPHABET)
    assert len(codes.ALPHABET) ** codes.LENGTH > 2**49
    assert codes.grouped(code) == f"{code[:5]}-{code[5:]}"
    with app.app_context():
        row = _db.session.scalar(select(LinkCode))
        assert row.code_hash == codes.digest(world.a1, code) != code
        assert code not in row.code_hash
        assert row.expires_at - utcnow() > timedelta(days=29)


def test_a_parent_links_with_the_code_and_sees_the_child(app, world, client, login_as):
    code = issue(app, world.a1_mother)
    user = login_as(Role.FAMILY)
    # Typed the way people type: small letters, spaces, a dash.
    typed = f" {code[:5].lower()} - {code[5:]} "
    response = attempt(client, student_id="100 000-0001", code=typed)
    assert response.status_code == 302
    assert response.location.endswith(f"/en/portal#child-{world.a1}")
    page = client.get("/en/portal").get_data(as_text=True)
    assert "Linh Nguyen" in page and "Jacaranda Elementary" in page
    assert "412" in page and "Hoover St and 3rd St" in page  # the bus
    assert "Present 51 of 60 school days" in page
    with app.app_context():
        (link,) = links_of(user.id)
        assert link.method == "code" and link.contact.name == "Mai Nguyen"
        assert _db.session.scalar(select(LinkCode.used_at)) is not None
        mail = _db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.recipient == user.email)
        )
        assert mail.template == "portal_linked" and code not in mail.body


@pytest.mark.parametrize(
    "change",
    ["unknown student", "other student", "birth date", "code", "expired", "used", "replaced"],
)
def test_every_mismatch_gets_the_same_answer(app, world, client, login_as, change):
    code = issue(app, world.a1_mother)
    login_as(Role.FAMILY)
    details = {"student_id": "1000000001", "born": "2016-05-01", "code": code}
    if change == "unknown student":
        details["student_id"] = "1999999999"
    elif change == "other student":
        details["student_id"] = "1000000002"  # a real student, with this code: no
    elif change == "birth date":
        details["born"] = "2016-05-02"
    elif change == "code":
        details["code"] = ("A" if code[0] != "A" else "B") + code[1:]
    with app.app_context():
        row = _db.session.scalar(select(LinkCode))
        if change == "expired":
            row.expires_at = utcnow() - timedelta(seconds=1)
        elif change == "used":
            row.used_at = utcnow()
        _db.session.commit()
    if change == "replaced":
        issue(app, world.a1_mother)  # a newer letter cancels the older code
    response = attempt(client, **details)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert MISMATCH in html
    # Nothing typed is lost.
    assert details["student_id"] in html and details["born"] in html and details["code"] in html
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(GuardianLink)) == 0
        assert _db.session.scalar(select(func.count()).select_from(FailedLinkAttempt)) == 1


def test_a_code_works_once(app, world, client_for):
    code = issue(app, world.a1_mother)
    first = client_for("first@example.test")
    second = client_for("second@example.test")
    assert attempt(first, code=code).status_code == 302
    response = attempt(second, code=code)
    assert response.status_code == 422 and MISMATCH in response.get_data(as_text=True)


def test_restricted_contacts_never_get_or_use_a_code(app, world, client, login_as):
    with app.app_context():
        from app.portal.models import GuardianContact

        father = _db.session.get(GuardianContact, world.a1_father)
        with pytest.raises(services.NotAllowed):
            services.issue_code(None, father)
        # A code printed before a court order was recorded stops working with it.
        mother = _db.session.get(GuardianContact, world.a1_mother)
        code = services.issue_code(None, mother).code
        mother.restricted = True
        _db.session.commit()
    login_as(Role.FAMILY)
    response = attempt(client, code=code)
    assert response.status_code == 422 and MISMATCH in response.get_data(as_text=True)


def test_five_failures_lock_the_account_for_every_student_and_alert_the_school(
    app, world, client, login_as, make_user
):
    make_user("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)], locale="es")
    code = issue(app, world.a1_mother)
    user = login_as(Role.FAMILY)
    for _ in range(5):
        assert attempt(client, code="WRANG2CDEX").status_code == 422
    # Now even the right code is refused, and the page says to wait.
    response = attempt(client, code=code)
    assert response.status_code == 429 and LOCKED in response.get_data(as_text=True)
    with app.app_context():
        assert links_of(user.id) == []
        event = _db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "portal.link_locked")
        )
        assert event.after["failures_by_account"] == 5
        alert = _db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.template == "portal_attempts_alert")
        )
        assert alert.recipient == "staff.a@example.test" and alert.locale == "es"
        assert "1000000001" in alert.body and user.email in alert.body
        # After the window, the right code works.
        for row in _db.session.scalars(select(FailedLinkAttempt)):
            row.created_at -= timedelta(minutes=16)
        _db.session.commit()
    assert attempt(client, code=code).status_code == 302


def test_five_failures_for_one_student_lock_that_student_for_every_account(app, world, client_for):
    code = issue(app, world.a1_mother)
    for number in range(5):
        guesser = client_for(f"guesser{number}@example.test")
        assert attempt(guesser, code="WRANG2CDEX").status_code == 422
    parent = client_for("parent@example.test")
    assert attempt(parent, code=code).status_code == 429
    # Another student is not affected.
    other = issue(app, world.b1_mother)
    assert attempt(parent, "2000000001", "2015-01-20", other).status_code == 302


def test_limits_are_counted_in_the_database_not_in_one_process(app, world, make_user):
    """Two app instances (two servers) share the same counters."""
    from app import create_app

    user = make_user()
    with app.app_context():
        from app.accounts.models import User

        account = _db.session.get(User, user.id)
        for _ in range(4):
            with pytest.raises(services.LinkRefused):
                services.redeem_code(account, "1000000001", "WRANG2CDEX", date(2016, 5, 1))
        _db.session.commit()
    other_server = create_app(_config_like(app))
    with other_server.app_context():
        assert services.failures(user.id, "1000000001", utcnow()) == (4, 4)
        assert not services.is_locked(user.id, "1000000001")


def _config_like(app):
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
    return config


def test_the_lock_lasts_until_the_window_passes(app, world, make_user):
    user = make_user()
    now = utcnow()
    with app.app_context():
        from app.accounts.models import User

        account = _db.session.get(User, user.id)
        for minute in range(5):
            with pytest.raises(services.LinkRefused):
                services.redeem_code(
                    account,
                    "1000000001",
                    "WRANG2CDEX",
                    date(2016, 5, 1),
                    now + timedelta(minutes=minute),
                )
        later = now + timedelta(minutes=14)
        with pytest.raises(services.TooManyAttempts):
            services.redeem_code(account, "1000000001", "WRANG2CDEX", date(2016, 5, 1), later)
        # Fifteen minutes after the first failure, one more try is allowed.
        with pytest.raises(services.LinkRefused):
            services.redeem_code(
                account,
                "1000000001",
                "WRANG2CDEX",
                date(2016, 5, 1),
                now + timedelta(minutes=15, seconds=1),
            )


def test_the_school_is_emailed_at_most_once_a_day_per_student(app, world, make_user):
    make_user("staff.a@example.test", roles=[(Role.SCHOOL_STAFF, SCHOOL_A)])
    user = make_user()
    now = utcnow()
    with app.app_context():
        from app.accounts.models import User

        account = _db.session.get(User, user.id)
        for step in range(20):  # four lock-outs in an hour
            moment = now + timedelta(minutes=16 * (step // 5), seconds=step)
            with pytest.raises(services.LinkRefused):
                services.redeem_code(account, "1000000001", "WRANG2CDEX", date(2016, 5, 1), moment)
        alerts = _db.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.template == "portal_attempts_alert")
        )
        locks = _db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "portal.link_locked")
        )
        assert (alerts, locks) == (1, 4)


def test_malformed_codes_are_a_form_error_not_an_attempt(app, world, client, login_as):
    login_as(Role.FAMILY)
    for typed in ("ABC", "O0O0O0O0O0", "ABCDE-FGHJK-M"):
        response = attempt(client, code=typed)
        assert response.status_code == 422
        assert "The code has 10 letters and numbers" in response.get_data(as_text=True)
    with app.app_context():
        assert _db.session.scalar(select(func.count()).select_from(FailedLinkAttempt)) == 0


def test_the_link_page_is_never_cached(client, login_as, world):
    login_as(Role.FAMILY)
    assert client.get("/en/portal/link").headers["Cache-Control"] == "no-store"


def test_a_network_address_is_limited_too(app, world, client_for):
    """Beyond the per-account and per-student counters, one address cannot try forever
    (Flask-Limiter, shared storage in production)."""
    app.config["PORTAL_LINK_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    try:
        for number in range(3):
            guesser = client_for(f"guesser{number}@example.test")
            attempt(guesser, student_id=f"10000000{number + 10}", code="WRANG2CDEX")
        late = client_for("late@example.test")
        response = attempt(late, student_id="1000000099", code="WRANG2CDEX")
        assert response.status_code == 429
    finally:
        app.config.pop("PORTAL_LINK_LIMIT_PER_ADDRESS")
