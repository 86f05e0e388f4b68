"""The enrollment office: cycles, windows, seats, priorities, claims, paper, duplicates, demand."""

import csv
import io
import re
from datetime import timedelta

import pytest

from app.accounts.access import Role
from app.audit.models import AuditEvent
from app.enrollment import services
from app.enrollment.models import Application, Choice, Claim, Cycle, CycleProgram, GradeSeats
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.timeutil import to_district, utcnow
from tests.conftest import sign_in
from tests.enrollment.factories import (
    CHILD,
    add,
    application,
    at,
    count,
    decide,
    make_world,
    start,
    submit,
    version,
)


@pytest.fixture
def world(app):
    return make_world(app)


@pytest.fixture
def office(login_as):
    return login_as(Role.ENROLLMENT)


def text(response) -> str:
    return response.get_data(as_text=True)


def family_application(client, app, world, email="fam@example.test", locale="en", claim=True,
                       **child) -> int:
    """A submitted application by a new family account, which is then signed out."""
    from app.accounts.models import RoleGrant, User

    with app.app_context():
        user = User(email=email, locale=locale, email_verified_at=utcnow())
        user.set_password("correct horse battery")
        user.grants.append(RoleGrant(role=Role.FAMILY))
        _db.session.add(user)
        _db.session.commit()
    sign_in(client, email)
    application_id = start(client, **child)
    add(client, application_id, world.programs["magnet"], app)
    if claim:
        choice_id = application(app, application_id).choices[0].id
        client.submit(f"/en/apply/{application_id}/priorities",
                      {f"c{choice_id}-sibling": "y", f"c{choice_id}-sibling_name": "Ana",
                       f"c{choice_id}-sibling_student_id": "1234567",
                       "version": version(app, application_id)})
    submit(client, application_id, app)
    client.submit("/en/account/sign-out", page="/en/")
    return application_id


# --- cycles and windows -----------------------------------------------------------------------

DATES = {
    "school_year": "2031-32",
    "opens_at": "2030-10-01T08:00",
    "on_time_closes_at": "2030-11-15T23:59",
    "late_closes_at": "2031-01-31T23:59",
    "results_at": "2031-03-15T09:00",
    "respond_by": "2031-04-01T23:59",
    "waitlist_policy": "above_offer",
    "max_choices": "12",
}


def test_the_office_creates_a_cycle_in_los_angeles_time(client, app, office):
    response = client.submit("/en/staff/enrollment/cycles", DATES)
    assert response.status_code == 302
    with app.app_context():
        cycle = _db.session.scalar(_db.select(Cycle).where(Cycle.school_year == "2031-32"))
        # 23:59 on 15 November in Los Angeles (PST) is 07:59 UTC on the 16th.
        assert cycle.on_time_closes_at.isoformat() == "2030-11-16T07:59:00"
        assert cycle.opens_at.isoformat() == "2030-10-01T15:00:00"  # PDT in October
        assert _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "enrollment.cycle_saved"))


def test_cycle_dates_must_follow_each_other(client, office):
    response = client.submit("/en/staff/enrollment/cycles",
                             {**DATES, "late_closes_at": "2030-11-01T00:00", "school_year": "x"})
    assert response.status_code == 422
    page = text(response)
    assert "The dates must follow each other" in page
    assert "Write the school year like 2027-28." in page


def test_extending_a_window_is_audited_and_enforced(client, app, world, office):
    before = at(app, world.cycle_id, "on_time_closes_at")
    url = f"/en/staff/enrollment/cycles/{world.cycle_id}/extend"
    page = f"/en/staff/enrollment/cycles/{world.cycle_id}"
    response = client.submit(url, {"window": "on_time", "closes_at": "2000-01-01T00:00",
                                   "reason": "site down"}, page=page)
    assert response.status_code == 422
    assert "must end later" in text(response)
    response = client.submit(url, {"window": "on_time", "closes_at": "", "reason": ""}, page=page)
    assert response.status_code == 422
    assert "Enter the reason for the extension." in text(response)
    later = to_district(before).replace(tzinfo=None) + timedelta(days=2)
    response = client.submit(url, {"window": "on_time", "reason": "The site was down",
                                   "closes_at": later.strftime("%Y-%m-%dT%H:%M")}, page=page)
    assert response.status_code == 302
    after = at(app, world.cycle_id, "on_time_closes_at")
    assert (after - before).days == 2 or (after - before).total_seconds() > 86400
    with app.app_context():
        event = _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "enrollment.window_extended"))
        assert event.before == {"on_time_closes_at": before.isoformat()}
        assert event.after["reason"] == "The site was down"


def test_a_window_cannot_be_extended_past_the_next_date(client, app, world, office):
    late = to_district(at(app, world.cycle_id, "late_closes_at"))
    response = client.submit(
        f"/en/staff/enrollment/cycles/{world.cycle_id}/extend",
        {"window": "on_time", "reason": "x",
         "closes_at": (late.replace(tzinfo=None) + timedelta(days=1))
         .strftime("%Y-%m-%dT%H:%M")},
        page=f"/en/staff/enrollment/cycles/{world.cycle_id}")
    assert response.status_code == 422
    assert "cannot end after the late window" in text(response)


def test_programs_seats_and_eligibility_checks(client, app, world, office):
    from tests.enrollment.factories import make_school

    with app.app_context():
        school = make_school("Willow Elementary")
        from app.schools.models import Program

        school.programs.append(Program(program_type="sas", grade_low=3, grade_high=5))
        _db.session.commit()
        program_id = school.programs[0].id
    listing = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/programs?q=willow"))
    assert "Willow Elementary" in listing
    response = client.submit(f"/en/staff/enrollment/cycles/{world.cycle_id}/programs",
                             {"program_id": program_id, "eligibility_check": "gifted"},
                             page=f"/en/staff/enrollment/cycles/{world.cycle_id}/programs")
    assert response.status_code == 302
    seats_url = response.headers["Location"]
    response = client.submit(seats_url, {"seats_5": "-1", "eligibility_check": "gifted"})
    assert response.status_code == 422
    assert "Enter a number from 0 to 5,000." in text(response)
    response = client.submit(seats_url, {"seats_5": "30", "seats_7": "15",
                                         "eligibility_check": "gifted"})
    assert response.status_code == 302
    with app.app_context():
        cycle_program = _db.session.scalar(
            _db.select(CycleProgram).where(CycleProgram.program_id == program_id))
        assert [(s.grade, s.seats) for s in cycle_program.seats] == [(3, 30), (5, 15)]
        assert cycle_program.eligibility_check == "gifted"


def test_priority_rules_turn_verified_claims_into_tier_and_points(client, app, world, office):
    url = f"/en/staff/enrollment/cycles/{world.cycle_id}/priorities"
    page = f"/en/staff/enrollment/cycles/{world.cycle_id}"
    form = {"rule-sibling-active": "y", "rule-sibling-tier": "1", "rule-sibling-points": "3",
            "rule-matriculation-active": "y", "rule-matriculation-tier": "0",
            "rule-matriculation-points": "12", "rule-attendance_area-tier": "2",
            "rule-attendance_area-points": "0", "rule-staff_child-tier": "2",
            "rule-staff_child-points": "0"}
    assert client.submit(url, {**form, "rule-sibling-tier": "x"}, page=page).status_code == 422
    assert client.submit(url, form, page=page).status_code == 302
    with app.app_context():
        cycle = _db.session.get(Cycle, world.cycle_id)
        rules = {r.kind: (r.active, r.tier, r.points) for r in cycle.rules}
        assert rules["matriculation"] == (True, 0, 12)
        assert rules["attendance_area"] == (False, 2, 0)
        choice = Choice(claims=[Claim(kind="sibling", status="verified"),
                                          Claim(kind="attendance_area", status="verified")])
        assert services.choice_priority(choice, cycle.rules) == (1, 3)
        assert services.choice_priority(Choice(claims=[]), cycle.rules) == (2, 0)


# --- reviewing claims -------------------------------------------------------------------------


def test_a_rejection_needs_a_reason_and_reaches_the_family_in_its_language(
    client, app, world, login_as
):
    application_id = family_application(client, app, world, locale="es")
    claim_id = application(app, application_id).choices[0].claims[0].id
    login_as(Role.ENROLLMENT)
    page = f"/en/staff/enrollment/applications/{application_id}"
    assert decide(client, claim_id, page, decision="reject").status_code == 422
    response = decide(client, claim_id, page, decision="reject", reason="not_enrolled",
                      note="Checked MiSiS")
    assert response.status_code == 302
    with app.app_context():
        claim = _db.session.get(Claim, claim_id)
        assert (claim.status, claim.reason, claim.note) == ("rejected", "not_enrolled",
                                                             "Checked MiSiS")
        mail = _db.session.scalar(_db.select(OutboxMessage).where(
            OutboxMessage.template == "enrollment_claim_decision"))
        assert mail.locale == "es" and mail.recipient == "fam@example.test"
        assert _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "enrollment.claim_decided"))
    client.submit("/en/account/sign-out", page="/en/")
    sign_in(client, "fam@example.test")
    family_page = text(client.get(f"/es/apply/{application_id}"))
    assert 'lang="es"' in family_page
    assert "Checked MiSiS" in family_page
    assert "not_enrolled" not in family_page  # the reason is words, not a code


def test_eligibility_is_confirmed_by_the_office(client, app, world, login_as, make_user):
    make_user("dl@example.test")
    sign_in(client, "dl@example.test")
    application_id = start(client)
    add(client, application_id, world.programs["spanish"], app)
    submit(client, application_id, app)
    client.submit("/en/account/sign-out", page="/en/")
    choice_id = application(app, application_id).choices[0].id
    assert application(app, application_id).choices[0].eligibility == "pending"
    login_as(Role.ENROLLMENT)
    response = client.submit(f"/en/staff/enrollment/choices/{choice_id}/eligibility",
                             {"decision": "eligible"},
                             page=f"/en/staff/enrollment/applications/{application_id}")
    assert response.status_code == 302
    assert application(app, application_id).choices[0].eligibility == "verified"


# --- paper applications -----------------------------------------------------------------------


def paper(world, **changes):
    return {**CHILD, "contact_name": "Rosa Lopez", "contact_email": "rosa@example.com",
            "contact_locale": "es", "program_1": str(world.programs["spanish"]),
            "program_2": str(world.programs["magnet"]), "sibling_2": "y",
            "sibling_name_2": "Ana Lopez", "sibling_student_id_2": "1234567", **changes}


def test_paper_applications_are_marked_with_the_staff_member(client, app, world, office):
    response = client.submit("/en/staff/enrollment/paper", paper(world))
    assert response.status_code == 302
    with app.app_context():
        entered = _db.session.scalars(_db.select(Application)).one()
        assert entered.source == "paper" and entered.entered_by_id == office.id
        assert entered.user_id is None and entered.status == "submitted"
        assert [c.cycle_program_id for c in entered.choices] == [world.programs["spanish"],
                                                                 world.programs["magnet"]]
        assert entered.choices[1].claims[0].sibling_name == "Ana Lopez"
        mail = _db.session.scalars(_db.select(OutboxMessage)).one()
        assert mail.recipient == "rosa@example.com" and mail.locale == "es"
        assert _db.session.scalar(
            _db.select(AuditEvent).where(AuditEvent.action == "enrollment.paper_entered"))
    assert "Paper, entered by staff" in text(client.get("/en/staff/enrollment/applications"))


def test_paper_application_errors(client, app, world, office):
    cases = [
        ({"program_1": "", "program_2": ""}, "Choose at least one program."),
        ({"program_2": str(world.programs["spanish"])}, "Each program can be chosen only once."),
        ({"program_1": "999999"}, "Choose programs from the list."),
        ({"sibling_name_2": ""}, "Enter the brother’s or sister’s name."),
        ({"program_1": str(world.programs["middle"])}, "do not take this grade"),
        ({"contact_email": "not-an-address"}, "Enter an email address like name@example.com."),
    ]
    for changes, message in cases:
        response = client.submit("/en/staff/enrollment/paper", paper(world, **changes))
        assert response.status_code == 422, changes
        assert message in text(response), changes
    assert count(app, Application) == 0


def test_possible_duplicates_are_flagged_for_review(client, app, world, office):
    client.submit("/en/staff/enrollment/paper", paper(world))
    client.submit("/en/staff/enrollment/paper",
                  paper(world, first_name="MAYA ", last_name="López", contact_email=""))
    listing = text(client.get("/en/staff/enrollment/duplicates"))
    assert listing.count("/en/staff/enrollment/applications/") >= 2
    assert "Possible duplicate" in text(client.get("/en/staff/enrollment/applications"))
    assert "1 application" not in text(client.get("/en/staff/enrollment/applications?duplicates=y"))
    with app.app_context():
        ids = [a.id for a in _db.session.scalars(_db.select(Application))]
    response = client.submit("/en/staff/enrollment/duplicates/clear",
                             {"application": [str(i) for i in ids]},
                             page="/en/staff/enrollment/duplicates")
    assert response.status_code == 302
    assert "Nothing to review." in text(client.get("/en/staff/enrollment/duplicates"))


# --- lists, export and demand -----------------------------------------------------------------


def test_filters_and_csv_export(client, app, world, login_as):
    first = family_application(client, app, world, email="a@example.test")
    family_application(client, app, world, email="b@example.test", first_name="Zed",
                       grade="1", date_of_birth="2020-01-01", claim=False)
    login_as(Role.ENROLLMENT)
    assert "2 applications" in text(client.get("/en/staff/enrollment/applications"))
    assert "1 application" in text(client.get("/en/staff/enrollment/applications?grade=1"))
    assert "1 application" in text(client.get("/en/staff/enrollment/applications?claims=pending"))
    number = application(app, first).confirmation_number
    assert "1 application" in text(client.get(f"/en/staff/enrollment/applications?q={number}"))
    assert "1 application" in text(client.get("/en/staff/enrollment/applications?q=zed"))
    response = client.get("/en/staff/enrollment/applications.csv?grade=1")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text(response).lstrip("\ufeff"))))
    assert [(r["child_first_name"], r["rank"], r["school"]) for r in rows] == [
        ("Zed", "1", "Jacaranda Elementary")]


def test_csv_cells_cannot_become_formulas(client, app, world, office):
    client.submit("/en/staff/enrollment/paper", paper(world, first_name="=HYPERLINK(1)"))
    body = text(client.get("/en/staff/enrollment/applications.csv"))
    assert "'=HYPERLINK(1)" in body


def test_demand_report_by_rank_against_seats(client, app, world, login_as):
    family_application(client, app, world, email="a@example.test", claim=False)
    login_as(Role.ENROLLMENT)
    client.submit("/en/staff/enrollment/paper",
                  paper(world, program_1=str(world.programs["spanish"]),
                        program_2=str(world.programs["magnet"]), sibling_2=""))
    with app.app_context():
        rows = services.demand_report(_db.session.get(Cycle, world.cycle_id))
        magnet_k = next(r for r in rows
                        if r.cycle_program.id == world.programs["magnet"] and r.grade == 0)
        assert (magnet_k.seats, magnet_k.by_rank, magnet_k.total) == (40, {1: 1, 2: 1}, 2)
    page = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/demand"))
    assert "<svg" in page and 'role="img"' in page
    assert not re.search(r"<[^>]+\sstyle=", page)  # the CSP forbids inline styles
    assert "<table" in page and "Applicants by rank against seats" in page


def test_school_staff_see_the_demand_of_their_school_only(client, app, world, login_as):
    login_as(Role.SCHOOL_STAFF, world.schools["Sycamore Elementary"])
    page = text(client.get(f"/en/staff/enrollment/cycles/{world.cycle_id}/demand?all=1"))
    assert "Sycamore Elementary" in page and "Jacaranda Elementary" not in page


def test_staff_pages_refuse_bad_input(client, app, world, office):
    from tests.test_malformed_input import LONG

    for query in ("?q=" + LONG, "?page=-5", "?grade=99", "?cycle=abc", "?cycle=999999"):
        assert client.get("/en/staff/enrollment/applications" + query).status_code < 500
    for data in ({}, dict.fromkeys(DATES, ""), dict.fromkeys(DATES, LONG)):
        assert client.submit("/en/staff/enrollment/cycles", data).status_code == 422
        assert client.submit("/en/staff/enrollment/paper", data).status_code == 422
    assert count(app, GradeSeats) == 6
