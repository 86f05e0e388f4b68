"""10,000 wrong codes against one student from several accounts: the limits hold, the right code
still works afterwards for the right student only, and the code is nowhere in clear."""

import logging
import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.accounts.access import Role
from app.accounts.models import User
from app.extensions import db as _db
from app.portal import codes, services
from app.portal.models import FailedLinkAttempt, GuardianLink
from app.timeutil import utcnow
from tests.conftest import sign_in
from tests.portal.conftest import issue

ATTEMPTS = 10_000
ACCOUNTS = 8
STEP = timedelta(seconds=6)  # 10,000 tries spread over about 17 hours
BORN = date(2016, 5, 1)


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def _capture_logs():
    handler = _Keep()
    root = logging.getLogger()
    previous = root.level, logging.getLogger("sqlalchemy.engine").level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement and parameter

    def stop():
        root.removeHandler(handler)
        root.setLevel(previous[0])
        logging.getLogger("sqlalchemy.engine").setLevel(previous[1])

    return handler, stop


def _database_text(app) -> str:
    """Every row of every table, as text; on SQLite also the raw database file."""
    with app.app_context():
        parts = []
        for table in _db.metadata.sorted_tables:
            parts += [repr(tuple(row)) for row in _db.session.execute(select(table))]
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        if uri.startswith("sqlite:///"):
            _db.session.execute(text("PRAGMA wal_checkpoint"))
            parts.append(Path(uri.removeprefix("sqlite:///")).read_bytes().decode("latin-1"))
        return "\n".join(parts)


def _wrong_codes(right: str):
    rng = random.Random(7)
    while True:
        guess = "".join(rng.choice(codes.ALPHABET) for _ in range(codes.LENGTH))
        if guess != right:
            yield guess


def test_ten_thousand_wrong_codes(app, world, client, make_user):
    handler, stop_logging = _capture_logs()
    try:
        right = issue(app, world.a1_mother)
        guessers = [make_user(f"guesser{n}@example.test") for n in range(ACCOUNTS)]
        start = utcnow()
        refused = failed = 0
        with app.app_context():
            accounts = [_db.session.get(User, g.id) for g in guessers]
            guesses = _wrong_codes(right)
            for number in range(ATTEMPTS):
                moment = start + number * STEP
                try:
                    services.redeem_code(
                        accounts[number % ACCOUNTS], "1000000001", next(guesses), BORN, moment
                    )
                except services.TooManyAttempts:
                    refused += 1
                except services.LinkRefused:
                    failed += 1
                _db.session.commit()
            end = start + ATTEMPTS * STEP
            windows = (end - start) / services.ATTEMPT_WINDOW
            # Only a handful of guesses were ever checked: 5 per 15 minutes for this student.
            assert failed <= services.ATTEMPT_LIMIT * (windows + 1)
            assert failed + refused == ATTEMPTS and refused > 0.95 * ATTEMPTS
            assert not _db.session.scalar(select(GuardianLink.id))
            _assert_no_window_had_more_than_the_limit(start, end)

        # A few real HTTP attempts while locked: refused, even with the right code.
        parent = make_user("parent@example.test")
        assert sign_in(client, parent.email).status_code == 302
        _lock_student_now(app, accounts_ids=[g.id for g in guessers])
        for code in ("WRANG2CDEX", right):
            response = client.submit(
                "/en/portal/link",
                {"student_id": "1000000001", "birth_date": "2016-05-01", "code": code},
            )
            assert response.status_code == 429

        # Once the window has passed: the right code does not open another student...
        _age_failures(app)
        response = client.submit(
            "/en/portal/link",
            {"student_id": "1000000002", "birth_date": "2017-03-09", "code": right},
        )
        assert response.status_code == 422
        # ...and still opens the right one, for the right account.
        response = client.submit(
            "/en/portal/link",
            {"student_id": "1000000001", "birth_date": "2016-05-01", "code": right},
        )
        assert response.status_code == 302
        with app.app_context():
            links = _db.session.scalars(select(GuardianLink)).all()
            assert [(link.user_id, link.student_id) for link in links] == [(parent.id, world.a1)]
    finally:
        stop_logging()

    dump = _database_text(app)
    logs = "\n".join(handler.lines)
    assert len(handler.lines) > ATTEMPTS  # the statements really were logged
    for form in {right, codes.grouped(right), right.lower()}:
        assert form not in dump
        assert form not in logs


def _assert_no_window_had_more_than_the_limit(start, end):
    times = sorted(
        _db.session.scalars(
            select(FailedLinkAttempt.created_at).where(
                FailedLinkAttempt.student_key == "1000000001"
            )
        )
    )
    for index, moment in enumerate(times):
        later = [t for t in times[index:] if t < moment + services.ATTEMPT_WINDOW]
        assert len(later) <= services.ATTEMPT_LIMIT


def _lock_student_now(app, accounts_ids):
    with app.app_context():
        now = utcnow()
        for n in range(services.ATTEMPT_LIMIT):
            _db.session.add(
                FailedLinkAttempt(user_id=accounts_ids[n], student_key="1000000001", created_at=now)
            )
        _db.session.commit()


def _age_failures(app):
    with app.app_context():
        for row in _db.session.scalars(select(FailedLinkAttempt)):
            row.created_at -= timedelta(days=2)
        _db.session.commit()


def test_guessing_other_students_does_not_unlock_a_locked_account(app, world, make_user):
    """An account that failed 5 times is refused for every student, not only the first."""
    user = make_user(roles=[(Role.FAMILY, "")])
    right = issue(app, world.b1_mother)
    now = utcnow()
    with app.app_context():
        account = _db.session.get(User, user.id)
        for number in range(5):
            with pytest.raises(services.LinkRefused):
                services.redeem_code(account, f"30000000{number:02d}", "WRANG2CDEX", BORN, now)
        # Its sixth try is refused, even with the right code for a real student.
        with pytest.raises(services.TooManyAttempts):
            services.redeem_code(account, "2000000001", right, date(2015, 1, 20), now)
