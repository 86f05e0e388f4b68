"""A small world for portal tests: two schools, their staff, students with emergency cards."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time

import pytest

from app.accounts.access import Role
from app.extensions import db as _db
from app.portal import services
from app.portal.models import GuardianContact, GuardianLink, Student
from app.schools.models import School
from tests.conftest import sign_in

SCHOOL_A = "19647330000001"
SCHOOL_B = "19647330000002"


def add_school(cds: str, name: str, low: int = 0, high: int = 5) -> None:
    _db.session.add(
        School(
            cds_code=cds,
            name=name,
            school_type="Elementary",
            level="Elementary",
            grade_span=f"{low}-{high}",
            grade_low=low,
            grade_high=high,
            street="100 Main St",
            city="Los Angeles",
            zip="90012",
            latitude=34.05,
            longitude=-118.24,
            profile_year="2025-26",
            phone="(213) 555-0100",
            search_text=f"{name.lower()} 100 main st los angeles 90012",
        )
    )


def add_student(
    district_id: str,
    cds: str = SCHOOL_A,
    first: str = "Linh",
    last: str = "Nguyen",
    born: date = date(2016, 5, 1),
    grade: int = 4,
    language: str = "vi",
    contacts=(("Mai Nguyen", "mother", "mai@example.test", False),),
    **extra,
) -> Student:
    student = Student(
        district_id=district_id,
        first_name=first,
        last_name=last,
        birth_date=born,
        cds_code=cds,
        grade=grade,
        home_language=language,
        **extra,
    )
    for position, (name, relation, email, restricted) in enumerate(contacts, start=1):
        student.contacts.append(
            GuardianContact(
                position=position,
                name=name,
                relation=relation,
                email=email,
                phone="213-555-0199",
                restricted=restricted,
            )
        )
    _db.session.add(student)
    _db.session.flush()
    return student


@dataclass
class World:
    a1: int  # Linh Nguyen at school A, Vietnamese, mother Mai (and a restricted father)
    a2: int  # Omar Haddad at school A, Arabic
    b1: int  # Sara Kim at school B
    a1_mother: int
    a1_father: int  # restricted
    b1_mother: int


@pytest.fixture
def world(app) -> World:
    with app.app_context():
        add_school(SCHOOL_A, "Jacaranda Elementary")
        add_school(SCHOOL_B, "Sycamore Elementary")
        a1 = add_student(
            "1000000001",
            contacts=(
                ("Mai Nguyen", "mother", "mai@example.test", False),
                ("Tuan Nguyen", "father", "tuan@example.test", True),
            ),
            bus_eligible=True,
            bus_route="412",
            bus_stop="Hoover St and 3rd St",
            pickup_time=time(7, 5),
            dropoff_time=time(14, 50),
            attendance_year="2026-27",
            days_enrolled=60,
            days_attended=51,
            attendance_as_of=date(2026, 11, 20),
        )
        a2 = add_student(
            "1000000002",
            first="Omar",
            last="Haddad",
            born=date(2017, 3, 9),
            grade=3,
            language="ar",
            contacts=(("Layla Haddad", "mother", "layla@example.test", False),),
        )
        b1 = add_student(
            "2000000001",
            cds=SCHOOL_B,
            first="Sara",
            last="Kim",
            born=date(2015, 1, 20),
            grade=5,
            language="ko",
            contacts=(("Eun Kim", "mother", "eun@example.test", False),),
        )
        _db.session.commit()
        return World(
            a1=a1.id,
            a2=a2.id,
            b1=b1.id,
            a1_mother=a1.contacts[0].id,
            a1_father=a1.contacts[1].id,
            b1_mother=b1.contacts[0].id,
        )


def issue(app, contact_id: int) -> str:
    """Print a letter for a contact, as staff would; returns the plain code."""
    with app.app_context():
        contact = _db.session.get(GuardianContact, contact_id)
        code = services.issue_code(None, contact).code
        _db.session.commit()
        return code


def link(app, user_id: int, student_id: int) -> int:
    with app.app_context():
        row = GuardianLink(student_id=student_id, user_id=user_id, method=GuardianLink.DEMO)
        _db.session.add(row)
        _db.session.commit()
        return row.id


def token_of(client, page: str = "/en/") -> str:
    return client.csrf_token(page)


@pytest.fixture
def client_for(app, make_user):
    """A separate signed-in client per account: ``client_for("a@x.test", roles=[...])``."""

    def factory(email: str, roles=None, locale: str = "en"):
        user = make_user(
            email, roles=roles if roles is not None else [(Role.FAMILY, "")], locale=locale
        )
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        client.user = user
        return client

    return factory


def letter_codes(html: str) -> list[str]:
    return re.findall(r'class="letter__code">([A-Z0-9-]+)<', html)
