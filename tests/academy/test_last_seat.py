"""The last seat: many families at once, ten seats, an exact waitlist."""

import threading

import pytest
from sqlalchemy import select

from app.academy import services
from app.academy.models import Registration
from app.accounts.models import User
from app.extensions import db as _db

FAMILIES = 50
SEATS = 10


def race(app, make_offering):
    offering_id = make_offering(capacity=SEATS)
    with app.app_context():
        # No one signs in here, so no password hash worth its cost.
        users = [
            User(email=f"parent{n:02d}@example.test", password_hash="!") for n in range(FAMILIES)
        ]
        _db.session.add_all(users)
        _db.session.commit()
        for user in users:
            _db.session.refresh(user)
            _db.session.expunge(user)
    barrier = threading.Barrier(FAMILIES)
    errors = []

    def register(user):
        try:
            with app.app_context():
                barrier.wait()
                services.register(user, offering_id)
                _db.session.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        return list(
            _db.session.execute(
                select(Registration.status, Registration.waitlist_position, User.email)
                .join(User, User.id == Registration.user_id)
                .where(Registration.offering_id == offering_id)
                .order_by(Registration.id)
            )
        )


def check(rows):
    registered = [row for row in rows if row.status == Registration.REGISTERED]
    waitlisted = [row for row in rows if row.status == Registration.WAITLISTED]
    assert len(rows) == FAMILIES
    assert len(registered) == SEATS
    assert all(row.waitlist_position is None for row in registered)
    assert len(waitlisted) == FAMILIES - SEATS
    # Positions follow the order in which families got in line: 1..40, no gaps or twins.
    assert [row.waitlist_position for row in waitlisted] == list(range(1, FAMILIES - SEATS + 1))


def test_fifty_families_at_once_for_ten_seats(app, make_offering):
    check(race(app, make_offering))


@pytest.mark.postgres
def test_fifty_families_at_once_for_ten_seats_on_postgres(app, make_offering):
    """``SELECT … FOR UPDATE`` on the offering row serializes the registrations."""
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    check(race(app, make_offering))
