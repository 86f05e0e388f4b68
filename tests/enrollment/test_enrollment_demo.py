"""The enrollment demo: an open cycle on the demo programs, a family with two children in it,
and a mid-year round whose results are out, with an offer for the family's third child."""

from sqlalchemy import func, select

from app.enrollment import demo, results, services
from app.enrollment.models import Application, Choice, Claim, CycleProgram, GradeSeats
from app.extensions import db as _db
from app.schools.models import Program
from app.timeutil import utcnow


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
        # Every demo program in the open cycle, and two in the released round.
        assert first[0] == demo_programs + 2
        assert services.possible_duplicates(cycle)  # one pair to review


def test_the_demo_family_has_two_children_in_different_states(app):
    with app.app_context():
        _seed()
        family = _db.session.scalars(
            select(Application)
            .join(Application.user)
            .where(Application.user.has(email="family@demo.test"),
                   Application.cycle_id == services.current_cycle().id)
        ).all()
        assert {a.child_first_name for a in family} == {"Sofía", "Mateo"}
        assert sorted(a.status for a in family) == ["draft", "submitted", "withdrawn"]
        for application in family:
            assert application.choices
            for choice in application.choices:
                assert services.ineligibility(choice.cycle_program, application.grade) is None


def test_the_released_round_offers_the_familys_third_child_a_seat_and_a_waitlist_place(app):
    with app.app_context():
        _seed()
        daniel = _db.session.scalar(
            select(Application).where(Application.client_token == demo.RESULTS_CLIENT)
        )
        assert daniel.user.email == "family@demo.test"
        assert results.released(daniel.cycle)
        outcome = results.family_results(daniel)
        assert [(o.choice.rank, o.status, o.basis) for o in outcome.offers] == [
            (2, "offered", "room")
        ]
        assert [(p.choice.rank, p.basis) for p, _position in outcome.places] == [(1, "priority")]
        assert outcome.offers[0].respond_by > utcnow()
        run = results.published_run(daniel.cycle)
        assert run.passed and run.seed == demo.RESULTS_SEED
