"""The academy's demo: a year of offerings, idempotent and the same on every run."""

from sqlalchemy import func, select

from app.academy.models import Attendance, Offering, Registration
from app.accounts.models import User
from app.extensions import db as _db


def seed(app):
    """The demo accounts, then this feature's seeder (as ``flask seed demo`` runs it)."""
    from app.academy.demo import seed_demo
    from app.demo import seed_accounts

    with app.app_context():
        seed_accounts()
        seed_demo()
        _db.session.commit()


def snapshot():
    offerings = _db.session.scalars(select(Offering).order_by(Offering.slug)).all()
    return [
        (
            o.slug,
            o.kind,
            o.status,
            o.capacity,
            [(s.starts_at, s.ends_at) for s in o.sessions],
            sorted(
                (r.user.email, r.status, r.waitlist_position, r.completed_at)
                for r in o.registrations
            ),
        )
        for o in offerings
    ]


def test_seeding_twice_gives_the_same_academy(app, db):
    seed(app)
    first = snapshot()
    attendance = _db.session.scalar(select(func.count()).select_from(Attendance))
    seed(app)
    _db.session.expire_all()
    assert snapshot() == first
    assert _db.session.scalar(select(func.count()).select_from(Attendance)) == attendance > 0


def test_the_demo_has_a_year_of_offerings_waitlists_and_the_familys_places(app, db):
    seed(app)
    offerings = _db.session.scalars(select(Offering)).all()
    kinds = {o.kind for o in offerings}
    assert kinds == {"webinar", "pathway", "video"}
    starts = [o.starts_at for o in offerings if o.starts_at]
    assert (max(starts) - min(starts)).days >= 300
    assert {code for o in offerings for code in o.codes("instruction")} >= {"en", "es"}
    family = _db.session.scalar(select(User).where(User.email == "family@demo.test"))
    mine = _db.session.scalars(select(Registration).where(Registration.user_id == family.id)).all()
    statuses = {r.status for r in mine}
    assert statuses == {"registered", "waitlisted"}
    assert any(r.completed_at for r in mine)  # a graduate of a past pathway
    assert any(r.status == "waitlisted" for o in offerings for r in o.registrations)
