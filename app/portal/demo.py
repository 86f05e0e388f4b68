"""About 5,000 fictional students with guardians across the schools that exist, about 81% of
them linked (the district's 2021-22 baseline), with a year of link history for the trend.

Deterministic for a given day (grades, attendance so far and link dates are counted back from
today) and idempotent: once demo students exist, running it again changes nothing, except that
the documented letter code below is made usable again if it expired unused.

``family@demo.test`` has two linked children and a third, unlinked, whose printed letter
carries :data:`FAMILY_CODE`: student ID 9100000003, born 2021-05-14.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, insert, select

from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.extensions import db
from app.portal import codes
from app.portal.dashboard import school_year_start, year_label
from app.portal.models import GuardianContact, GuardianLink, LinkCode, LinkRequest, Student
from app.portal.services import code_expiry
from app.schools.models import School
from app.timeutil import to_district, utcnow

DEMO_STUDENTS = 5000
LINKED_SHARE = 0.81
FAMILY_EMAIL = "family@demo.test"
FAMILY_CODE = "MAYA2NEWYR"  # printed as MAYA2-NEWYR
UNUSABLE_PASSWORD = "!"  # noqa: S105  (no hash matches it: demo guardians cannot sign in)

# family@demo.test's children: (ID, first name, born, linked)
# (Mateo's and Sofía's birth dates are those of the enrollment demo's applications, so their
# applications show on the portal.)
FAMILY_CHILDREN = (
    ("9100000001", "Lucía", date(2014, 4, 9), True),
    ("9100000002", "Mateo", date(2016, 9, 2), True),
    ("9100000003", "Sofía", date(2021, 5, 14), False),
)
FAMILY_LAST_NAME = "Hernández"

LANGUAGES = (  # (home language, weight, first names, last names)
    (
        "es",
        55,
        (
            "Sofía",
            "Mateo",
            "Valentina",
            "Santiago",
            "Camila",
            "Diego",
            "Isabella",
            "Emiliano",
            "Ximena",
            "Leonardo",
            "Daniela",
            "Gael",
            "Lucía",
            "Adrián",
            "Renata",
            "Joaquín",
        ),
        (
            "García",
            "Martínez",
            "López",
            "Ramírez",
            "Flores",
            "Torres",
            "Morales",
            "Castillo",
            "Vargas",
            "Reyes",
            "Cruz",
            "Mendoza",
            "Ortiz",
            "Ruiz",
        ),
    ),
    (
        "en",
        27,
        (
            "Olivia",
            "Liam",
            "Ava",
            "Noah",
            "Maya",
            "Elijah",
            "Zoe",
            "James",
            "Nora",
            "Isaiah",
            "Ruby",
            "Caleb",
            "Hazel",
            "Miles",
        ),
        (
            "Johnson",
            "Williams",
            "Brown",
            "Jackson",
            "Harris",
            "Walker",
            "Young",
            "Allen",
            "Wright",
            "Scott",
            "Green",
            "Baker",
        ),
    ),
    (
        "ko",
        2,
        ("Seo-yeon", "Min-jun", "Ha-eun", "Ji-ho", "Soo-ah", "Do-yun"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang"),
    ),
    (
        "zh",
        1,
        ("Yichen", "Zihan", "Xinyi", "Haoran", "Ruoxi", "Junjie"),
        ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang"),
    ),
    (
        "yue",
        1,
        ("Ka-ho", "Wing-yan", "Chun-kit", "Hoi-ying", "Tsz-lok"),
        ("Chan", "Wong", "Leung", "Cheung", "Lau"),
    ),
    (
        "hy",
        2,
        ("Ani", "Aram", "Nare", "Davit", "Lilit", "Tigran"),
        ("Sargsyan", "Petrosyan", "Hakobyan", "Grigoryan", "Karapetyan"),
    ),
    (
        "vi",
        2,
        ("Linh", "Minh", "Anh", "Khang", "Thảo", "Bảo"),
        ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ"),
    ),
    (
        "tl",
        2,
        ("Althea", "Jericho", "Bea", "Miguel", "Kyla", "Paolo"),
        ("Santos", "Reyes", "Bautista", "Dela Cruz", "Mendoza", "Villanueva"),
    ),
    (
        "ru",
        1,
        ("Anya", "Mikhail", "Daria", "Artyom", "Polina"),
        ("Ivanova", "Smirnov", "Kuznetsova", "Popov", "Volkova"),
    ),
    (
        "fa",
        1,
        ("Shirin", "Arash", "Yasmin", "Kian", "Parisa"),
        ("Ahmadi", "Hosseini", "Karimi", "Rahimi", "Mohammadi"),
    ),
    (
        "ar",
        1,
        ("Layla", "Omar", "Mariam", "Yusuf", "Noor"),
        ("Haddad", "Khalil", "Saleh", "Nasser", "Mansour"),
    ),
    (
        "ja",
        1,
        ("Yui", "Haruto", "Sakura", "Ren", "Aoi"),
        ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe"),
    ),
    ("km", 1, ("Sopheap", "Dara", "Bopha", "Vuthy"), ("Sok", "Chea", "Keo", "Lim")),
    ("pt", 1, ("Ana", "João", "Beatriz", "Pedro"), ("Silva", "Santos", "Oliveira", "Souza")),
)
GUARDIAN_RELATIONS = (
    ("mother", "father"),
    ("mother", "grandparent"),
    ("father", "mother"),
    ("guardian", "caregiver"),
)
STREETS = (
    "Figueroa St",
    "Vermont Ave",
    "Hoover St",
    "Pico Blvd",
    "Olympic Blvd",
    "Western Ave",
    "Cesar Chavez Ave",
    "Sherman Way",
    "Van Nuys Blvd",
    "Slauson Ave",
    "Florence Ave",
    "York Blvd",
)


def seed_demo() -> None:
    schools = _schools()
    if not schools:
        return
    if not db.session.scalar(select(exists().where(Student.is_demo.is_(True)))):
        _Generator(schools).run()
    _ensure_family_code()


def _schools() -> list[School]:
    """Real schools when real data is loaded, else the fictional ones; a stable order."""
    real = db.session.scalar(
        select(func.count()).select_from(School).where(School.is_demo.is_(False))
    )
    query = select(School).where(School.is_demo.is_(not real)).order_by(School.cds_code)
    return list(db.session.scalars(query))


def grade_for(born: date, year: int) -> int:
    """The grade a child born on ``born`` is in during the school year starting in ``year``
    (California: five by September 1 for kindergarten)."""
    age = year - born.year - (1 if (born.month, born.day) > (9, 1) else 0)
    return age - 5


def birth_date_for(grade: int, year: int, rng: random.Random) -> date:
    first = date(year - grade - 6, 9, 2)
    return first + timedelta(days=rng.randrange(365))


def _school_days(start: date, end: date) -> int:
    days = sum(
        1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).weekday() < 5
    )
    return min(days, 180)


class _Generator:
    def __init__(self, schools: list[School]):
        self.rng = random.Random(20261122)  # noqa: S311 - demo data, not security
        self.schools = schools
        self.now = utcnow()
        self.today = to_district(self.now).date()
        self.year = school_year_start(self.now)
        self.staff_school = _staff_school() or schools[0]
        self.users: list[dict] = []
        self.students: list[dict] = []
        self.contacts: list[tuple[str, dict]] = []  # (student district ID, contact)
        self.links: list[tuple[str, int, str, datetime]] = []  # (student, position, email, when)
        self._attendance_basis()

    def _attendance_basis(self) -> None:
        opening = date(self.year, 8, 14)
        if self.today < opening:  # summer: last year's totals
            self.attendance_year = year_label(self.year - 1)
            self.enrolled_days = 180
        else:
            self.attendance_year = year_label(self.year)
            self.enrolled_days = max(1, _school_days(opening, self.today))

    def run(self) -> None:
        self._family_of_demo_account()
        number = 0
        family = 0
        while number < DEMO_STUDENTS - len(FAMILY_CHILDREN):
            family += 1
            size = self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
            size = min(size, DEMO_STUDENTS - len(FAMILY_CHILDREN) - number)
            self._family(family, size, number)
            number += size
        self._insert()

    # ------------------------------------------------------------------------------ families

    def _family(self, family: int, size: int, first_number: int) -> None:
        rng = self.rng
        language, _, first_names, last_names = rng.choices(
            LANGUAGES, weights=[w[1] for w in LANGUAGES]
        )[0]
        last = rng.choice(last_names)
        relations = rng.choice(GUARDIAN_RELATIONS)
        guardians = [(relations[0], f"{rng.choice(first_names)} {last}")]
        if rng.random() < 0.7:
            guardians.append((relations[1], f"{rng.choice(first_names)} {rng.choice(last_names)}"))
        restricted = len(guardians) > 1 and rng.random() < 0.03
        linked = rng.random() < LINKED_SHARE
        both = linked and len(guardians) > 1 and not restricted and rng.random() < 0.3
        when = self._link_time()
        adults = {name.split()[0] for _, name in guardians}
        child_names = [name for name in first_names if name not in adults] or list(first_names)
        for child in range(size):
            district_id = f"90{first_number + child + 1:08d}"
            school = rng.choice(self.schools)
            grade = rng.randint(max(-1, school.grade_low), max(-1, min(12, school.grade_high)))
            born = birth_date_for(grade, self.year, rng)
            self._student(district_id, rng.choice(child_names), last, born, school, grade, language)
            for position, (relation, name) in enumerate(guardians, start=1):
                email = f"parent.{family:05d}{'ab'[position - 1]}@demo.test"
                self._contact(
                    district_id, position, name, relation, email, restricted and position == 2
                )
            if linked:
                self.links.append((district_id, 1, f"parent.{family:05d}a@demo.test", when))
            if both:
                self.links.append(
                    (district_id, 2, f"parent.{family:05d}b@demo.test", when + timedelta(days=3))
                )
        if linked:
            self._account(f"parent.{family:05d}a@demo.test", language, when)
        if both:
            self._account(f"parent.{family:05d}b@demo.test", language, when)

    def _link_time(self) -> datetime:
        """Most families linked over a year ago; some during the last twelve months."""
        if self.rng.random() < 0.95:
            return self.now - timedelta(days=self.rng.randint(380, 1100))
        return self.now - timedelta(days=self.rng.randint(1, 360), minutes=self.rng.randint(0, 600))

    def _family_of_demo_account(self) -> None:
        for district_id, first, born, linked in FAMILY_CHILDREN:
            grade = grade_for(born, self.year)
            school = self._school_for(grade)
            self._student(district_id, first, FAMILY_LAST_NAME, born, school, grade, "es", bus=True)
            self._contact(district_id, 1, "María Hernández", "mother", FAMILY_EMAIL, False)
            self._contact(district_id, 2, "José Hernández", "father", None, False)
            if linked:
                self.links.append((district_id, 1, FAMILY_EMAIL, self.now - timedelta(days=400)))

    def _school_for(self, grade: int) -> School:
        school = self.staff_school
        if school.grade_low <= grade <= school.grade_high:
            return school
        fits = [s for s in self.schools if s.grade_low <= grade <= s.grade_high]
        return fits[0] if fits else self.schools[0]

    # ------------------------------------------------------------------------------- rows

    def _student(self, district_id, first, last, born, school, grade, language, bus=None) -> None:
        rng = self.rng
        eligible = rng.random() < 0.18 if bus is None else bus
        absent = rng.choices((0.02, 0.05, 0.08, 0.14), weights=(40, 30, 15, 15))[0]
        enrolled = self.enrolled_days
        row = {
            "district_id": district_id,
            "first_name": first,
            "last_name": last,
            "birth_date": born,
            "cds_code": school.cds_code,
            "grade": grade,
            "home_language": language,
            "bus_eligible": eligible,
            "attendance_year": self.attendance_year,
            "days_enrolled": enrolled,
            "days_attended": enrolled - round(enrolled * absent * rng.uniform(0.5, 1.5)),
            "attendance_as_of": self.today,
            "is_demo": True,
            "created_at": self.now,
            "updated_at": self.now,
        }
        if eligible:
            pickup = 6 * 60 + 30 + rng.randrange(0, 75, 5)
            dropoff = 14 * 60 + 30 + rng.randrange(0, 90, 5)
            row.update(
                bus_route=f"{rng.randint(100, 999)}",
                bus_stop=f"{rng.choice(STREETS)} and {rng.choice(STREETS)}",
                pickup_time=time(pickup // 60, pickup % 60),
                dropoff_time=time(dropoff // 60, dropoff % 60),
            )
        self.students.append(row)

    def _contact(self, district_id, position, name, relation, email, restricted) -> None:
        phone = f"(323) 555-{self.rng.randint(0, 9999):04d}"
        self.contacts.append(
            (
                district_id,
                {
                    "position": position,
                    "name": name,
                    "relation": relation,
                    "email": email,
                    "phone": phone,
                    "restricted": restricted,
                },
            )
        )

    def _account(self, email: str, language: str, when: datetime) -> None:
        from app.portal.labels import letter_language

        self.users.append(
            {
                "email": email,
                "password_hash": UNUSABLE_PASSWORD,
                "locale": letter_language(language),
                "email_verified_at": when,
                "created_at": when,
            }
        )

    def _insert(self) -> None:
        if self.users:
            db.session.execute(insert(User), self.users)
        for row in self.students:
            row.setdefault("bus_route", None)
            row.setdefault("bus_stop", None)
            row.setdefault("pickup_time", None)
            row.setdefault("dropoff_time", None)
        db.session.execute(insert(Student), self.students)
        ids = dict(
            db.session.execute(
                select(Student.district_id, Student.id).where(Student.is_demo.is_(True))
            ).all()
        )
        db.session.execute(
            insert(GuardianContact),
            [{**contact, "student_id": ids[key]} for key, contact in self.contacts],
        )
        contact_ids = {
            (student_id, position): contact_id
            for contact_id, student_id, position in db.session.execute(
                select(GuardianContact.id, GuardianContact.student_id, GuardianContact.position)
            )
        }
        emails = {email for _, _, email, _ in self.links}
        users = dict(
            db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all()
        )
        db.session.execute(
            insert(GuardianLink),
            [
                {
                    "student_id": ids[key],
                    "user_id": users[email],
                    "contact_id": contact_ids[(ids[key], position)],
                    "method": GuardianLink.DEMO,
                    "created_at": when,
                }
                for key, position, email, when in self.links
            ],
        )
        _seed_requests(self.staff_school)


def _staff_school() -> School | None:
    grant = db.session.scalar(
        select(RoleGrant)
        .join(User, User.id == RoleGrant.user_id)
        .where(User.email == "staff@demo.test", RoleGrant.role == Role.SCHOOL_STAFF)
    )
    return db.session.get(School, grant.scope) if grant else None


def _seed_requests(school: School) -> None:
    """Two requests waiting at the demo staff's school: one that matches, one with a typo."""
    unlinked = list(
        db.session.scalars(
            select(Student)
            .where(
                Student.cds_code == school.cds_code,
                Student.is_demo.is_(True),
                Student.district_id.startswith("90"),
                ~exists().where(GuardianLink.student_id == Student.id),
            )
            .order_by(Student.district_id)
            .limit(10)
        )
    )
    now = utcnow()
    chosen: dict[str, Student] = {}
    for student in unlinked:  # one request per family
        email = student.contacts[0].email if student.contacts else None
        if email and email not in chosen and len(chosen) < 2:
            chosen[email] = student
    for number, student in enumerate(chosen.values()):
        contact = student.contacts[0]
        account = User(
            email=contact.email, password_hash=UNUSABLE_PASSWORD, locale="es", email_verified_at=now
        )
        db.session.add(account)
        db.session.flush()
        typo = number == 1
        db.session.add(
            LinkRequest(
                user_id=account.id,
                cds_code=school.cds_code,
                student_id=None if typo else student.id,
                typed_student_id="" if typo else student.district_id,
                student_first_name=student.first_name,
                student_last_name=student.last_name + ("z" if typo else ""),
                birth_date=student.birth_date,
                requester_name=contact.name,
                relation=contact.relation,
                phone=contact.phone or "",
                message="We just moved; the office has our new address." if typo else "",
                created_at=now - timedelta(hours=3 * (number + 1)),
            )
        )


def _ensure_family_code() -> None:
    """The documented letter code for family@demo.test's unlinked child works while unused."""
    student = db.session.scalar(select(Student).where(Student.district_id == FAMILY_CHILDREN[2][0]))
    if student is None or student.active_links:
        return
    contact = student.contacts[0]
    digest = codes.digest(student.id, FAMILY_CODE)
    row = db.session.scalar(select(LinkCode).where(LinkCode.code_hash == digest))
    now = utcnow()
    if row is not None and row.status(now) == "active":
        return
    if row is None:
        row = LinkCode(student_id=student.id, contact_id=contact.id, code_hash=digest)
        db.session.add(row)
    row.issued_at = now
    row.expires_at = code_expiry(now)
    row.used_at = row.used_by_id = row.cancelled_at = None
    db.session.flush()
