"""The enrollment demo: an open cycle on the demo programs, and a family with two children."""

from sqlalchemy import func, select

from app.enrollment import demo, services
from app.enrollment.models import Application, Choice, Claim, CycleProgram, GradeSeats
from app.extensions import db as _db
from app.schools.models import Program


def _seed():
    from app.demo import seed_accounts
    from app.schools import demo as schools_demo

    seed_accounts()
    schools_demo.seed_demo()
    demo.seed_demo()
    _db.session.commit()


def _counts():
    return [
        _db.session.scalar(select(func.count()).select_from(model))
        for model in (CycleProgram, GradeSeats, Application, Choice, Claim)
    ]


def test_the_demo_is_open_idempotent_and_deterministic(app):
    with app.app_context():
        _seed()
        first = _counts()
        numbers = sorted(_db.session.scalars(select(Application.confirmation_number)).all(),
                         key=str)
        _seed()
        assert _counts() == first
        assert sorted(_db.session.scalars(select(Application.confirmation_number)).all(),
                      key=str) == numbers
        cycle = services.current_cycle()
        assert services.phase(cycle) == services.ON_TIME
        demo_programs = _db.session.scalar(
            select(func.count()).select_from(Program).where(Program.is_demo.is_(True)))
        assert first[0] == demo_programs
        assert services.possible_duplicates(cycle)  # one pair to review


def test_the_demo_family_has_two_children_in_different_states(app):
    with app.app_context():
        _seed()
        family = _db.session.scalars(
            select(Application)
            .join(Application.user)
            .where(Application.user.has(email="family@demo.test"))
        ).all()
        assert {a.child_first_name for a in family} == {"Sofía", "Mateo"}
        assert sorted(a.status for a in family) == ["draft", "submitted", "withdrawn"]
        for application in family:
            assert application.choices
            for choice in application.choices:
                assert services.ineligibility(choice.cycle_program, application.grade) is None
