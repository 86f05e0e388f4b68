"""Demo schools and programs: fictional schools when no real data is loaded, and demo
program lists either way (labelled as demo on every page)."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.cache import bump
from app.content import services as content
from app.extensions import db
from app.schools.models import (
    DISTRICT_CDS,
    Demographic,
    DistrictOutcome,
    Metric,
    Outcome,
    Program,
    School,
    Source,
    Subgroup,
)
from app.schools.search import search_text

DEMO_SOURCE_ID = 9001
DEMO_SCHOOL_COUNT = 120
YEARS = ("2022-23", "2023-24", "2024-25")
NAMES = (
    "Jacaranda",
    "Sycamore",
    "Arroyo",
    "Toyon",
    "Manzanita",
    "Palisade",
    "Mesa Verde",
    "Laurel",
    "Canyon View",
    "Harbor Light",
    "Sunrise",
    "Cypress Grove",
    "Bluebird",
    "Poppy Field",
    "Orchard",
    "Riverbend",
    "Hillcrest",
    "Willow",
    "Seabreeze",
    "Magnolia",
)
KINDS = (
    ("Elementary", "Elementary", "K-5", 0, 5, "Elementary School"),
    ("Elementary", "Elementary", "TK-5", -1, 5, "Primary Center"),
    ("Middle", "Middle", "6-8", 6, 8, "Middle School"),
    ("High", "High", "9-12", 9, 12, "High School"),
    ("K-12", "Elem-High Combo", "K-12", 0, 12, "Span School"),
)
ZIPS = (
    "90004",
    "90011",
    "90012",
    "90019",
    "90026",
    "90031",
    "90033",
    "90042",
    "90044",
    "90057",
    "90063",
    "90065",
    "91331",
    "91343",
    "91402",
    "91405",
    "91601",
    "90731",
)
METRICS = {
    "chronic_absenteeism_rate": ("Chronic absenteeism rate", "percent", "lower", (8, 40)),
    "suspension_rate": ("Suspension rate", "percent", "lower", (0, 4)),
    "ela_distance_from_standard": ("ELA distance from standard", "points", "higher", (-80, 40)),
    "math_distance_from_standard": (
        "Mathematics distance from standard",
        "points",
        "higher",
        (-110, 30),
    ),
    "four_year_graduation_rate": ("Four-year graduation rate", "percent", "higher", (70, 98)),
    "a_g_completion_rate": ("A–G completion rate", "percent", "higher", (45, 90)),
}
GROUPS = (
    "english_learners",
    "socioeconomically_disadvantaged",
    "students_with_disabilities",
    "hispanic_latino",
    "african_american",
    "asian",
    "white",
)
PROGRAMS = (
    (
        "magnet",
        None,
        "A magnet program with a theme that runs through every class, open to students from across the district.",
    ),
    (
        "dual_language",
        "es",
        "Students learn to read, write and think in English and Spanish, starting in kindergarten.",
    ),
    (
        "dual_language",
        "ko",
        "Students learn in English and Korean every day and grow up bilingual and biliterate.",
    ),
    (
        "dual_language",
        "zh",
        "Students learn in English and Mandarin Chinese, with half of each day in each language.",
    ),
    (
        "sas",
        None,
        "Schools for Advanced Studies offer demanding classes for students identified as gifted or high-achieving.",
    ),
    (
        "early_education",
        None,
        "Transitional kindergarten for four-year-olds, with a play-based day that prepares them for kindergarten.",
    ),
    (
        "cte",
        None,
        "A Linked Learning pathway that connects classes with internships in health, engineering or the arts.",
    ),
)
TRANSLATIONS = {  # demo content in Spanish, Chinese and Korean
    "es": "Descripción del programa (demostración): un programa de la escuela abierto a estudiantes de todo el distrito.",
    "zh_Hans": "项目介绍（演示）：本校开设的项目，面向全学区学生开放。",
    "ko": "프로그램 소개(시연용): 학군 전체 학생에게 열려 있는 학교 프로그램입니다.",
}
PROFILE = {
    "en": {
        "mission": "Welcome! This is a fictional school for the demonstration. We know every child by name.",
        "highlights": "Garden and science lab\nAfter-school arts program\nParent center open every morning",
        "bell_schedule": "Monday to Friday, 8:00 am to 2:30 pm. Tuesday early dismissal at 1:30 pm.",
        "contacts": "Main office: 8:00 am to 4:00 pm\nParent center: Room 12",
        "office_languages": "English, Spanish, Korean",
    },
    "es": {
        "mission": "¡Bienvenidos! Esta es una escuela ficticia para la demostración. Conocemos a cada niño por su nombre.",
        "highlights": "Huerto y laboratorio de ciencias\nPrograma de artes después de clases\nCentro de padres abierto todas las mañanas",
        "bell_schedule": "De lunes a viernes, de 8:00 a. m. a 2:30 p. m. Los martes salida temprano a la 1:30 p. m.",
        "contacts": "Oficina principal: de 8:00 a. m. a 4:00 p. m.\nCentro de padres: salón 12",
        "office_languages": "Inglés, español, coreano",
    },
}


def seed_demo() -> None:
    real = db.session.scalar(
        select(func.count()).select_from(School).where(School.is_demo.is_(False))
    )
    if not real:
        _seed_reference_data()
        _seed_fictional_schools()
    schools = _program_schools(real_data=bool(real))
    for index, school in enumerate(schools):
        _seed_programs(school, index)
    if schools:
        _assign_demo_staff(schools[0])
        _seed_profile(schools[0])
    bump("schools")


def _seed_reference_data() -> None:
    if db.session.get(Source, DEMO_SOURCE_ID) is None:
        db.session.add(
            Source(
                id=DEMO_SOURCE_ID,
                dataset_id="demo",
                name="Fictional demo data",
                school_year="2024-25",
            )
        )
    for metric_id, (label, unit, direction, _) in METRICS.items():
        if db.session.get(Metric, metric_id) is None:
            db.session.add(
                Metric(
                    id=metric_id,
                    label=label,
                    unit=unit,
                    better_direction=direction,
                    description=label,
                    source_label="Fictional demo data",
                    source_url="",
                    kind="outcome",
                )
            )
    for group in ("all", *GROUPS):
        if db.session.get(Subgroup, group) is None:
            db.session.add(Subgroup(id=group, label=group.replace("_", " "), category="demo"))
    db.session.flush()
    for metric_id, (_, _, _, (low, high)) in METRICS.items():
        for year in YEARS:
            key = (DISTRICT_CDS, year, metric_id, "all")
            if db.session.get(DistrictOutcome, key) is None:
                db.session.add(
                    DistrictOutcome(
                        cds_code=DISTRICT_CDS,
                        school_year=year,
                        metric_id=metric_id,
                        subgroup_id="all",
                        value=round((low + high) / 2, 1),
                        reliability="reliable",
                        source_id=DEMO_SOURCE_ID,
                    )
                )


def _seed_fictional_schools() -> None:
    rng = random.Random(20261122)  # noqa: S311 - demo data, not security
    for number in range(1, DEMO_SCHOOL_COUNT + 1):
        cds = f"196473399{number:05d}"
        school_type, level, span, low, high, suffix = KINDS[number % len(KINDS)]
        name = f"{NAMES[number % len(NAMES)]} {suffix} {number} (demo)"
        street = f"{100 + number * 7} {NAMES[(number * 3) % len(NAMES)]} Avenue"
        zip_code = ZIPS[number % len(ZIPS)]
        latitude, longitude = (
            round(rng.uniform(33.80, 34.28), 6),
            round(rng.uniform(-118.55, -118.18), 6),
        )
        enrollment = rng.randint(180, 2400)
        if db.session.get(School, cds) is None:
            db.session.add(
                School(
                    cds_code=cds,
                    name=name,
                    school_type=school_type,
                    level=level,
                    grade_span=span,
                    grade_low=low,
                    grade_high=high,
                    charter=number % 9 == 0,
                    magnet=number % 4 == 0,
                    title_i=number % 3 != 0,
                    virtual_type="N",
                    street=street,
                    city="Los Angeles",
                    zip=zip_code,
                    latitude=latitude,
                    longitude=longitude,
                    enrollment=enrollment,
                    profile_year="2025-26",
                    profile_source_id=DEMO_SOURCE_ID,
                    phone=f"(213) 555-{number:04d}",
                    is_demo=True,
                    search_text=search_text(name, street, "Los Angeles", zip_code),
                )
            )
            db.session.flush()
            _seed_school_figures(cds, high >= 9, enrollment, rng)


def _seed_school_figures(cds: str, high_school: bool, enrollment: int, rng: random.Random) -> None:
    for metric_id, (_, _, _, (low, high)) in METRICS.items():
        if metric_id in ("four_year_graduation_rate", "a_g_completion_rate") and not high_school:
            continue
        value = rng.uniform(low, high)
        for year in YEARS:
            value = min(high, max(low, value + rng.uniform(-4, 4)))
            db.session.add(
                Outcome(
                    cds_code=cds,
                    school_year=year,
                    metric_id=metric_id,
                    subgroup_id="all",
                    value=round(value, 1),
                    denominator=enrollment,
                    reliability="reliable",
                    source_id=DEMO_SOURCE_ID,
                )
            )
        for group in GROUPS:
            size = rng.randint(0, enrollment // 3)
            reliability = "suppressed" if size < 11 else "small-sample" if size < 30 else "reliable"
            group_value = (
                None
                if reliability == "suppressed"
                else round(min(high, max(low, value + rng.uniform(-12, 12))), 1)
            )
            db.session.add(
                Outcome(
                    cds_code=cds,
                    school_year=YEARS[-1],
                    metric_id=metric_id,
                    subgroup_id=group,
                    value=group_value,
                    denominator=size,
                    reliability=reliability,
                    source_id=DEMO_SOURCE_ID,
                )
            )
    for group, share in (
        ("hispanic", 0.7),
        ("african_american", 0.08),
        ("asian", 0.06),
        ("white", 0.1),
        ("english_learner", 0.22),
        ("socioeconomically_disadvantaged", 0.8),
    ):
        db.session.add(
            Demographic(
                cds_code=cds,
                group_id=group,
                count=round(enrollment * share),
                pct=round(share * 100, 1),
            )
        )


def _program_schools(real_data: bool) -> list[School]:
    """Schools that get demo programs: a stable choice, the same on every run."""
    query = select(School).order_by(School.cds_code)
    if real_data:
        query = query.where(
            School.is_demo.is_(False), School.grade_low <= 0, School.grade_high >= 5
        ).limit(12)
    else:
        query = query.where(School.is_demo.is_(True)).limit(40)
    return list(db.session.scalars(query))


def _seed_programs(school: School, index: int) -> None:
    if db.session.scalar(
        select(Program.id).where(Program.cds_code == school.cds_code, Program.is_demo.is_(True))
    ):
        return
    for kind, language, description in (
        PROGRAMS[index % len(PROGRAMS)],
        PROGRAMS[(index + 3) % len(PROGRAMS)],
    ):
        grade_low = max(school.grade_low, 0) if kind != "early_education" else -1
        program = Program(
            cds_code=school.cds_code,
            program_type=kind,
            language=language,
            grade_low=grade_low,
            grade_high=school.grade_high,
            is_demo=True,
        )
        db.session.add(program)
        db.session.flush()
        for locale, text in (("en", description), *TRANSLATIONS.items()):
            content.publish(
                content.save_draft("program", program.id, locale, {"description": text}, None), None
            )


def _assign_demo_staff(school: School) -> None:
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.test"))
    if staff is None:
        return
    for grant in list(staff.grants):
        if grant.role == Role.SCHOOL_STAFF and grant.scope != school.cds_code:
            staff.grants.remove(grant)
    if not staff.has_role(Role.SCHOOL_STAFF, school.cds_code):
        staff.grants.append(RoleGrant(role=Role.SCHOOL_STAFF, scope=school.cds_code))


def _seed_profile(school: School) -> None:
    for locale, fields in PROFILE.items():
        if content.newest_published("school_profile", school.cds_code, locale) is None:
            content.publish(
                content.save_draft("school_profile", school.cds_code, locale, fields, None), None
            )
