"""Small, explicit enrollment data for the application tests (not the selection engine's)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.enrollment.models import (
    SUBMITTED,
    Application,
    Choice,
    Claim,
    Cycle,
    CycleProgram,
    GradeSeats,
    PriorityRule,
)
from app.extensions import db as _db
from app.schools.models import Program, School
from app.schools.search import search_text
from app.timeutil import utcnow

_numbers = itertools.count(1)


@dataclass
class World:
    """Ids of a cycle and its programs; ``programs[name]`` is a CycleProgram id."""

    cycle_id: int
    programs: dict[str, int] = field(default_factory=dict)
    program_ids: dict[str, int] = field(default_factory=dict)  # the schools' Program ids
    schools: dict[str, str] = field(default_factory=dict)  # name -> CDS code


def make_school(name: str, grades=(0, 5)) -> School:
    cds = f"196473388{next(_numbers):05d}"
    school = School(
        cds_code=cds, name=name, school_type="Elementary", level="Elementary",
        grade_span="K-5", grade_low=grades[0], grade_high=grades[1], street="1 Test Street",
        city="Los Angeles", zip="90012", latitude=34.06, longitude=-118.24, enrollment=500,
        profile_year="2025-26", search_text=search_text(name, "1 Test Street", "Los Angeles",
                                                        "90012"),
    )
    _db.session.add(school)
    return school


def make_world(app, opens=-10, on_time=20, late=40, results=60, respond=70, rules=True) -> World:
    """A cycle whose windows are ``opens`` ... ``respond`` days from now, and four programs:

    - ``magnet`` at Jacaranda (K to 5, seats in K and 1),
    - ``spanish`` dual language at Jacaranda (K only, needs a language assessment),
    - ``sas`` at Sycamore (grades 4 and 5, needs gifted identification),
    - ``middle`` magnet at Arroyo (grade 6).
    """
    now = utcnow()
    with app.app_context():
        cycle = Cycle(
            school_year=f"20{next(_numbers) % 90 + 10}-{next(_numbers) % 90 + 10}",
            opens_at=now + timedelta(days=opens), on_time_closes_at=now + timedelta(days=on_time),
            late_closes_at=now + timedelta(days=late), results_at=now + timedelta(days=results),
            respond_by=now + timedelta(days=respond),
        )
        _db.session.add(cycle)
        jacaranda = make_school("Jacaranda Elementary")
        sycamore = make_school("Sycamore Elementary")
        arroyo = make_school("Arroyo Middle", grades=(6, 8))
        world_programs = {
            "magnet": (jacaranda, "magnet", None, {0: 40, 1: 10}, ""),
            "spanish": (jacaranda, "dual_language", "es", {0: 24}, "language_assessment"),
            "sas": (sycamore, "sas", None, {4: 20, 5: 20}, "gifted"),
            "middle": (arroyo, "magnet", None, {6: 60}, ""),
        }
        world = World(cycle_id=0)
        rows = {}
        for name, (school, kind, language, seats, check) in world_programs.items():
            program = Program(program_type=kind, language=language,
                              grade_low=school.grade_low, grade_high=school.grade_high)
            school.programs.append(program)
            cycle_program = CycleProgram(program=program, eligibility_check=check)
            cycle.programs.append(cycle_program)
            for grade, count in seats.items():
                cycle_program.seats.append(GradeSeats(grade=grade, seats=count))
            rows[name] = (cycle_program, program, school)
        if rules:
            cycle.rules.append(PriorityRule(kind="matriculation", tier=0, points=0))
            cycle.rules.append(PriorityRule(kind="sibling", tier=1, points=3))
            cycle.rules.append(PriorityRule(kind="staff_child", tier=2, points=0, active=False))
        _db.session.commit()
        world.cycle_id = cycle.id
        for name, (cycle_program, program, school) in rows.items():
            world.programs[name] = cycle_program.id
            world.program_ids[name] = program.id
            world.schools[school.name] = school.cds_code
    return world


def move_cycle(app, cycle_id: int, **days: int) -> None:
    """Set the cycle's dates to ``days`` from now, e.g. ``move_cycle(app, id, on_time=-1)``."""
    names = {"opens": "opens_at", "on_time": "on_time_closes_at", "late": "late_closes_at",
             "results": "results_at", "respond": "respond_by"}
    with app.app_context():
        cycle = _db.session.get(Cycle, cycle_id)
        for key, value in days.items():
            setattr(cycle, names[key], utcnow() + timedelta(days=value))
        _db.session.commit()


CHILD = {
    "first_name": "Maya",
    "last_name": "Lopez",
    "date_of_birth": "2021-04-02",
    "grade": "0",
    "current_school": "",
    "street": "12 Orange Grove",
    "city": "Los Angeles",
    "zip_code": "90012",
    "home_language": "es",
    "student_id": "",
}


def start(client, lang="en", program=None, **changes) -> int:
    """Start an application through the form; returns its id."""
    url = f"/{lang}/apply/new" + (f"?program={program}" if program else "")
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="client_token" type="hidden" value="([0-9a-f]+)"', page).group(1)
    response = client.submit(url, {**CHILD, **changes, "client_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/apply/(\d+)/choices", response.headers["Location"]).group(1))


def version(app, application_id: int) -> int:
    with app.app_context():
        return _db.session.get(Application, application_id).version


def add(client, application_id: int, cycle_program_id: int, app, lang="en", **kwargs):
    return client.submit(
        f"/{lang}/apply/{application_id}/choices/add",
        {"cycle_program": cycle_program_id, "version": version(app, application_id)},
        page=f"/{lang}/apply/{application_id}/choices",
        **kwargs,
    )


def submit(client, application_id: int, app, key="tok-1", lang="en", **kwargs):
    return client.submit(
        f"/{lang}/apply/{application_id}/submit",
        {"confirm": "y", "submission_token": key, "version": version(app, application_id)},
        page=f"/{lang}/apply/{application_id}/review",
        **kwargs,
    )


def application(app, application_id: int):
    """The application, detached, with its choices and their claims loaded."""
    with app.app_context():
        found = _db.session.get(Application, application_id)
        for choice in found.choices:
            list(choice.claims)
            _ = choice.cycle_program.program.school
        _db.session.expunge_all()
        return found


def count(app, model, *conditions) -> int:
    from sqlalchemy import func

    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def at(app, cycle_id: int, name: str) -> datetime:
    with app.app_context():
        return getattr(_db.session.get(Cycle, cycle_id), name)


def decide(client, claim_id: int, page: str, **fields):
    """Post a decision on a claim, as the application's staff page would."""
    token = client.csrf_token(page)
    data = {f"claim{claim_id}-{name}": value for name, value in fields.items()}
    return client.post(f"/en/staff/enrollment/claims/{claim_id}",
                       data={**data, f"claim{claim_id}-csrf_token": token})


# --- selection: a contested kindergarten and three families ---------------------------------

def selection_world(app) -> World:
    """Jacaranda's magnet has one kindergarten seat, its Spanish dual language two."""
    world = make_world(app)
    with app.app_context():
        for name, seats in (("magnet", 1), ("spanish", 2)):
            row = _db.session.scalar(
                select(GradeSeats).where(
                    GradeSeats.cycle_program_id == world.programs[name], GradeSeats.grade == 0
                )
            )
            row.seats = seats
        _db.session.commit()
    return world


def family(app, make_user, world, email, locale, names, sibling_at=None, language="es"):
    """A family account with a submitted kindergarten application ranking ``names``."""
    user = make_user(email, locale=locale)
    with app.app_context():
        number = next(_numbers)
        application = Application(
            cycle_id=world.cycle_id, user_id=user.id, status=SUBMITTED,
            child_first_name=f"Child{number}", child_last_name="Test",
            name_key=f"child{number} test", date_of_birth=date(2021, 3, 1), grade=0,
            street="1 Main St", city="Los Angeles", zip_code="90012", home_language=language,
            submitted_at=utcnow(), confirmation_number=f"T{number:07d}",
        )
        for rank, name in enumerate(names, start=1):
            choice = Choice(cycle_program_id=world.programs[name], rank=rank,
                            eligibility="verified" if name == "spanish" else "not_needed")
            if name == sibling_at:
                choice.claims.append(Claim(kind="sibling", sibling_name="Big Sister",
                                           status=Claim.VERIFIED))
            application.choices.append(choice)
        _db.session.add(application)
        _db.session.commit()
        return user, application.id


def selection_families(app, make_user, world) -> dict:
    """Ana (Spanish) has a sibling at the magnet; Badr (Arabic) and Chen (English) do not.

    The magnet's one seat goes to Ana by priority; Badr and Chen wait for it, in lottery order.
    Badr is offered Spanish dual language, where there is room for everyone who wants it.
    """
    return {
        "ana": family(app, make_user, world, "ana@example.test", "es", ["magnet", "spanish"],
                      sibling_at="magnet"),
        "badr": family(app, make_user, world, "badr@example.test", "ar", ["magnet", "spanish"],
                       language="ar"),
        "chen": family(app, make_user, world, "chen@example.test", "en", ["magnet"],
                       language="zh"),
    }


def publish_results(app, world) -> None:
    """Close the windows, run the selection and publish it, released a day ago."""
    from app.enrollment import results

    move_cycle(app, world.cycle_id, on_time=-3, late=-2, results=-1)
    with app.app_context():
        cycle = _db.session.get(Cycle, world.cycle_id)
        results.publish(results.dry_run(cycle, None), None)
        _db.session.commit()
