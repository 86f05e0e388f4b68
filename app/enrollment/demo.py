"""Demo enrollment: an open cycle over the demo programs, and applications in several states.

Runs after ``app.schools.demo`` (it uses the programs made there: ``Program.is_demo``).
Idempotent: a cycle, program, seat count or application that exists is left as it is.
Deterministic: the same day gives the same data. The cycle's dates are set around the day
of the first seeding, so the demo is open for on-time applications when it is made.
No email is sent.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.enrollment.models import (
    ATTENDANCE_AREA,
    DRAFT,
    GIFTED_CHECK,
    LANGUAGE_CHECK,
    MATRICULATION,
    NO_CHECK,
    NOT_NEEDED,
    ONLINE,
    PAPER,
    PENDING,
    SIBLING,
    STAFF_CHILD,
    SUBMITTED,
    WITHDRAWN,
    Application,
    Choice,
    Claim,
    Cycle,
    CycleProgram,
    GradeSeats,
    PriorityRule,
)
from app.enrollment.services import CONFIRMATION_ALPHABET, from_district, name_key
from app.extensions import db
from app.schools.models import Program
from app.timeutil import to_district, utcnow

FAMILY = "family@demo.test"
OFFICE = "enrollment@demo.test"
CHECKS = {"sas": GIFTED_CHECK, "dual_language": LANGUAGE_CHECK}
ENTRY_GRADES = {-1, 0, 1, 6, 9}
# Placeholders: the district's documents fix no priorities; the office sets the real ones.
RULES = {
    MATRICULATION: (True, 0, 0),
    SIBLING: (True, 1, 0),
    ATTENDANCE_AREA: (False, 2, 0),
    STAFF_CHILD: (False, 2, 0),
}

# (client token, first, last, born, grade, status, wanted program types, sibling at choice 1)
FAMILY_APPLICATIONS = (
    ("demo-sofia", "Sofía", "Ramírez", date(2021, 5, 14), 0, SUBMITTED,
     ("dual_language", "magnet", "early_education"), True),
    ("demo-mateo-2", "Mateo", "Ramírez", date(2016, 9, 2), 5, DRAFT, ("magnet", "sas"), False),
    ("demo-mateo-1", "Mateo", "Ramírez", date(2016, 9, 2), 5, WITHDRAWN, ("cte",), False),
)
OTHER_FIRST = ("Ana", "Jin", "Emily", "Armen", "Linh", "Omar", "Hana", "Diego", "Grace", "Yusuf",
               "Camila", "Min-jun")
OTHER_LAST = ("García", "Kim", "Nguyen", "Petrosyan", "Smith", "Haddad", "Sato", "López",
              "Santos", "Rahimi", "Cruz", "Park")


def seed_demo() -> None:
    programs = list(
        db.session.scalars(select(Program).where(Program.is_demo.is_(True)).order_by(Program.id))
    )
    if not programs:
        return
    cycle = _cycle()
    for program in programs:
        _open_program(cycle, program)
    _rules(cycle)
    db.session.flush()
    rng = random.Random(20271)  # noqa: S311 - demo data, not security
    _family_applications(cycle, rng)
    _paper_applications(cycle, rng)
    _results_cycle(programs, rng)


def _school_year(today: date) -> str:
    start = today.year + 1 if today.month >= 7 else today.year
    return f"{start}-{(start + 1) % 100:02d}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_district(datetime.combine(day, time(hour, minute)))


def _cycle() -> Cycle:
    today = to_district(utcnow()).date()
    year = _school_year(today)
    cycle = db.session.scalar(select(Cycle).where(Cycle.school_year == year))
    if cycle is None:
        cycle = Cycle(
            school_year=year,
            opens_at=_at(today - timedelta(days=50), 8),
            on_time_closes_at=_at(today + timedelta(days=24), 23, 59),
            late_closes_at=_at(today + timedelta(days=70), 23, 59),
            results_at=_at(today + timedelta(days=110), 9),
            respond_by=_at(today + timedelta(days=130), 23, 59),
            is_demo=True,
        )
        db.session.add(cycle)
        db.session.flush()
    return cycle


def _open_program(cycle: Cycle, program: Program) -> None:
    exists = db.session.scalar(
        select(CycleProgram.id).where(
            CycleProgram.cycle_id == cycle.id, CycleProgram.program_id == program.id
        )
    )
    if exists:
        return
    cycle_program = CycleProgram(
        cycle=cycle, program_id=program.id,
        eligibility_check=CHECKS.get(program.program_type, NO_CHECK),
    )
    grades = range(program.grade_low, program.grade_high + 1)
    if program.program_type == "early_education":
        grades = [-1]  # transitional kindergarten only
    for grade in grades:
        seats = 24 + (program.id * 7 + grade) % 37 if grade in ENTRY_GRADES else (
            2 + (program.id + grade) % 6)
        cycle_program.seats.append(GradeSeats(grade=grade, seats=seats))
    db.session.add(cycle_program)


def _rules(cycle: Cycle) -> None:
    present = {rule.kind for rule in cycle.rules}
    for kind, (active, tier, points) in RULES.items():
        if kind not in present:
            cycle.rules.append(PriorityRule(kind=kind, active=active, tier=tier, points=points))


def _offering(cycle: Cycle, kinds, grade: int) -> list[CycleProgram]:
    """The first program of each wanted kind that takes ``grade`` (stable order)."""
    found = []
    for kind in kinds:
        for cycle_program in sorted(cycle.programs, key=lambda cp: cp.id):
            program_type = cycle_program.program.program_type
            if program_type == kind and grade in cycle_program.grades and (
                cycle_program not in found
            ):
                found.append(cycle_program)
                break
    if not found:
        found = [cp for cp in sorted(cycle.programs, key=lambda cp: cp.id) if grade in cp.grades][:1]
    return found


def _confirmation(cycle: Cycle, rng: random.Random) -> str:
    body = "".join(rng.choice(CONFIRMATION_ALPHABET) for _ in range(8))
    return f"UE{cycle.school_year[2:4]}-{body[:4]}-{body[4:]}"


def _new_application(cycle: Cycle, first: str, last: str, born: date, grade: int, **extra):
    now = utcnow()
    return Application(
        cycle=cycle, child_first_name=first, child_last_name=last,
        name_key=name_key(first, last), date_of_birth=born, grade=grade,
        current_school="", street="1200 Demo Street", city="Los Angeles", zip_code="90012",
        home_language="es", created_at=now, updated_at=now, **extra,
    )


def _choose(application: Application, programs: list[CycleProgram], sibling: bool) -> None:
    for rank, cycle_program in enumerate(programs, start=1):
        choice = Choice(
            cycle_program=cycle_program, rank=rank,
            eligibility=PENDING if cycle_program.eligibility_check else NOT_NEEDED,
        )
        if sibling and rank == 1:
            choice.claims.append(
                Claim(kind=SIBLING, sibling_name="Lucía Ramírez", sibling_student_id="1234567")
            )
        application.choices.append(choice)


def _family_applications(cycle: Cycle, rng: random.Random) -> None:
    family = db.session.scalar(select(User).where(User.email == FAMILY))
    if family is None:
        return
    for token, first, last, born, grade, status, kinds, sibling in FAMILY_APPLICATIONS:
        confirmation = _confirmation(cycle, rng)
        if db.session.scalar(
            select(Application.id).where(
                Application.user_id == family.id, Application.client_token == token
            )
        ):
            continue
        application = _new_application(
            cycle, first, last, born, grade, user_id=family.id, client_token=token, status=status
        )
        _choose(application, _offering(cycle, kinds, grade), sibling)
        if status in (SUBMITTED, WITHDRAWN):
            application.submitted_at = cycle.opens_at + timedelta(days=3)
            application.confirmation_number = confirmation
        if status == WITHDRAWN:
            application.withdrawn_at = cycle.opens_at + timedelta(days=5)
        db.session.add(application)
    db.session.flush()


def _paper_applications(cycle: Cycle, rng: random.Random) -> None:
    office = db.session.scalar(select(User).where(User.email == OFFICE))
    kinds = ("magnet", "dual_language", "sas", "early_education", "cte")
    for index in range(len(OTHER_FIRST)):
        confirmation = _confirmation(cycle, rng)
        if db.session.scalar(
            select(Application.id).where(Application.confirmation_number == confirmation)
        ):
            continue
        # The last two are the same child, entered twice: a possible duplicate to review.
        person = min(index, len(OTHER_FIRST) - 2)
        grade = (0, 1, 6, 9, -1)[person % 5]
        born = date(2021 - max(grade, 0), 1 + person % 12, 1 + person)
        application = _new_application(
            cycle, OTHER_FIRST[person], OTHER_LAST[person], born, grade, status=SUBMITTED,
            source=PAPER, entered_by_id=office.id if office else None,
            contact_name=f"{OTHER_FIRST[person]}'s parent", contact_locale="en",
            confirmation_number=confirmation,
            submitted_at=cycle.opens_at + timedelta(days=2 + index),
        )
        wanted = kinds[index % len(kinds):] + kinds[: index % len(kinds)]
        _choose(application, _offering(cycle, wanted[:3], grade), sibling=False)
        db.session.add(application)
    db.session.flush()


# A mid-year round of the current school year whose results are out, so that the family can
# answer an offer and the office can read seats and waitlists. Daniel ranks a program with two
# seats first: two applicants with a verified sibling priority take them, so he waits there and
# is offered his second choice, where there is room for everyone.
RESULTS_CLIENT = "demo-daniel"  # the client token of his application
RESULTS_SEED = "demo-mid-year-round"


def _results_cycle(programs: list[Program], rng: random.Random) -> None:
    from app.enrollment import results

    today = to_district(utcnow()).date()
    start = today.year if today.month >= 7 else today.year - 1
    year = f"{start}-{(start + 1) % 100:02d}"
    cycle = db.session.scalar(select(Cycle).where(Cycle.school_year == year))
    if cycle is not None:
        return
    cycle = Cycle(
        school_year=year,
        opens_at=_at(today - timedelta(days=100), 8),
        on_time_closes_at=_at(today - timedelta(days=75), 23, 59),
        late_closes_at=_at(today - timedelta(days=60), 23, 59),
        results_at=_at(today - timedelta(days=3), 9),
        respond_by=_at(today + timedelta(days=11), 23, 59),
        is_demo=True,
    )
    db.session.add(cycle)
    _rules(cycle)
    first_grade = [p for p in programs if p.grade_low <= 1 <= p.grade_high
                   and p.program_type != "early_education"]
    if len(first_grade) < 2:
        return
    wanted, roomy = (CycleProgram(cycle=cycle, program_id=p.id) for p in first_grade[:2])
    wanted.seats.append(GradeSeats(grade=1, seats=2))
    roomy.seats.append(GradeSeats(grade=1, seats=30))
    db.session.add_all([wanted, roomy])
    family = db.session.scalar(select(User).where(User.email == FAMILY))
    people = [("Daniel", "Ramírez", family.id if family else None, False)]
    people += [(OTHER_FIRST[i], OTHER_LAST[i], None, i < 2) for i in range(8)]
    for first, last, user_id, sibling in people:
        application = _new_application(
            cycle, first, last, date(2019, 1 + len(first) % 12, 1 + len(last)), 1,
            user_id=user_id, status=SUBMITTED, submitted_at=cycle.opens_at + timedelta(days=4),
            confirmation_number=_confirmation(cycle, rng),
            client_token=RESULTS_CLIENT if user_id else None,
            source=PAPER if user_id is None else ONLINE,
        )
        for rank, cycle_program in enumerate((wanted, roomy), start=1):
            choice = Choice(cycle_program=cycle_program, rank=rank, eligibility=NOT_NEEDED)
            if sibling and rank == 1:
                choice.claims.append(
                    Claim(kind=SIBLING, sibling_name=f"{OTHER_FIRST[9]} {last}",
                          status=Claim.VERIFIED)
                )
            application.choices.append(choice)
        db.session.add(application)
    db.session.flush()
    office = db.session.scalar(select(User).where(User.email == OFFICE))
    run = results.dry_run(cycle, office, seed=RESULTS_SEED)
    results.publish(run, office, send_letters=False)
