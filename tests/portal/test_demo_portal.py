"""The portal's demo: about 5,000 students, about 81% linked, family@demo.test's children and the
documented letter code; deterministic, idempotent and fast."""

import hashlib
import time

import pytest
from sqlalchemy import delete, func, select

from app.accounts.models import User
from app.demo import DEMO_PASSWORD, seed_accounts
from app.extensions import db as _db
from app.portal import dashboard
from app.portal import demo as portal_demo
from app.portal.models import GuardianContact, GuardianLink, LinkCode, LinkRequest, Student
from tests.conftest import sign_in


def _seed_schools_and_accounts(app):
    from app.schools import demo as schools_demo

    with app.app_context():
        seed_accounts()
        schools_demo.seed_demo()
        _db.session.commit()


def _seed_portal(app) -> float:
    with app.app_context():
        start = time.perf_counter()
        portal_demo.seed_demo()
        _db.session.commit()
        return time.perf_counter() - start


def _fingerprint(app) -> tuple[str, int, int, int, int]:
    with app.app_context():
        rows = _db.session.execute(
            select(
                Student.district_id,
                Student.first_name,
                Student.last_name,
                Student.birth_date,
                Student.cds_code,
                Student.grade,
                Student.home_language,
                Student.bus_route,
            ).order_by(Student.district_id)
        ).all()
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        counts = [
            _db.session.scalar(select(func.count()).select_from(model))
            for model in (GuardianContact, GuardianLink, User, LinkRequest)
        ]
        return (digest, *counts)


@pytest.fixture
def seeded(app):
    _seed_schools_and_accounts(app)
    seconds = _seed_portal(app)
    return seconds


def test_about_5000_students_about_81_percent_linked_quickly(app, seeded):
    assert seeded < 30
    with app.app_context():
        overall = dashboard.overall()
        assert 4900 <= overall.students <= 5100
        assert 78 <= overall.pct <= 84
        trend = dashboard.monthly_trend()
        assert trend[0].pct < trend[-1].pct  # a year of progress
        schools = {s.key for s in dashboard.by_school()}
        assert len(schools) > 100  # spread across the demo schools
        languages = set(_db.session.scalars(select(Student.home_language).distinct()))
        assert {"es", "en", "vi", "ko", "hy", "ar", "fa", "yue"} <= languages
        restricted = _db.session.scalar(
            select(func.count()).select_from(GuardianContact).where(GuardianContact.restricted)
        )
        assert restricted > 0


def test_seeding_again_changes_nothing_and_is_deterministic(app, seeded):
    first = _fingerprint(app)
    _seed_portal(app)
    assert _fingerprint(app) == first
    with app.app_context():  # start over: the same students come back
        for model in (LinkRequest, LinkCode, GuardianLink, GuardianContact, Student):
            _db.session.execute(delete(model))
        _db.session.execute(delete(User).where(User.email.like("parent.%@demo.test")))
        _db.session.commit()
    _seed_portal(app)
    assert _fingerprint(app) == first


def test_the_demo_family_has_two_children_and_a_letter_for_a_third(app, client, seeded):
    assert sign_in(client, "family@demo.test", DEMO_PASSWORD).status_code == 302
    page = client.get("/es/portal").get_data(as_text=True)
    assert page.count('class="card child-card"') == 2
    assert "Lucía Hernández" in page and "Mateo Hernández" in page
    response = client.submit(
        "/es/portal/link",
        {"student_id": "9100000003", "birth_date": "2021-05-14", "code": "MAYA2-NEWYR"},
    )
    assert response.status_code == 302
    assert "Sofía Hernández" in client.get("/es/portal").get_data(as_text=True)
    _seed_portal(app)  # once used, seeding again does not bring the code back
    with app.app_context():
        assert _db.session.scalar(select(LinkCode.used_at)) is not None


def test_the_demo_staff_have_requests_to_decide(app, client, seeded):
    assert sign_in(client, "staff@demo.test", DEMO_PASSWORD).status_code == 302
    page = client.get("/en/staff/portal").get_data(as_text=True)
    assert "2 requests waiting" in page and "No match yet" in page


def test_demo_guardians_cannot_sign_in(app, client, seeded):
    with app.app_context():
        email = _db.session.scalar(select(User.email).where(User.email.like("parent.%")))
    assert sign_in(client, email, DEMO_PASSWORD).status_code == 422
