"""Demo Family Academy: a year of offerings around the current month, some full with
waitlists, attendance for past sessions, and the registrations of ``family@demo.test``.

Idempotent and deterministic: every offering has a stable slug and is created only when that
slug is missing; dates are computed from the first day of the current month (Los Angeles), and
nothing depends on the time of day the seeder runs. The registrants are the demo accounts,
which exist before this runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.academy.models import (
    CAPTIONS,
    IN_PERSON,
    INSTRUCTION,
    INTERPRETATION,
    ONLINE,
    PATHWAY,
    PUBLISHED,
    VIDEO,
    WEBINAR,
    AcademySession,
    Attendance,
    Offering,
    OfferingLanguage,
    OfferingText,
    Registration,
)
from app.academy.services import update_completion
from app.accounts.models import User
from app.extensions import db
from app.timeutil import DISTRICT_TZ, to_district, utcnow

DACE = "Division of Adult and Career Education (DACE)"
FAMILY = "family@demo.test"
# Every demo account but the family's, as other families in the rosters.
OTHERS = (
    "staff@demo.test",
    "enrollment@demo.test",
    "translator.es@demo.test",
    "reviewer.es@demo.test",
    "academy@demo.test",
    "admin@demo.test",
)
AREAS = (("90011", "central"), (None, "east"), ("91331", None), (None, None), ("90044", "south"))

WEBINARS = [
    (
        "achievement",
        "reading-together-at-home",
        "Reading together at home",
        "Leyendo juntos en casa",
        "Simple daily habits that build strong readers, from picture books to chapter books.",
    ),
    (
        "healthy_families",
        "sleep-screens-and-school",
        "Sleep, screens and school",
        "El sueño, las pantallas y la escuela",
        "How rest and screen time affect learning, and routines that work for busy families.",
    ),
    (
        "civic",
        "your-voice-at-school-site-council",
        "Your voice on the School Site Council",
        "Su voz en el Concilio Escolar",
        "What the council decides, how elections work, and how to take part.",
    ),
    (
        "career",
        "a-career-path-for-parents",
        "A career path for parents with DACE",
        "Un camino profesional para padres con DACE",
        "Free adult classes, certificates and English courses from the Division of Adult and "
        "Career Education.",
    ),
    (
        "achievement",
        "understanding-report-cards",
        "Understanding your child's report card",
        "Cómo entender la boleta de calificaciones",
        "What the marks mean, what to ask the teacher, and how to help at home.",
    ),
    (
        "healthy_families",
        "staying-safe-online",
        "Staying safe online",
        "Seguridad en internet",
        "Online bullying and grooming: warning signs and what to do.",
    ),
    (
        "civic",
        "lcap-budget-explained",
        "The school budget (LCAP) explained",
        "El presupuesto escolar (LCAP) explicado",
        "How the district decides what to fund and where families can comment.",
    ),
    (
        "career",
        "college-and-career-planning",
        "College and career planning from grade 6",
        "Planear la universidad y la carrera desde el sexto grado",
        "A-G requirements, Linked Learning and CTE pathways, and financial aid basics.",
    ),
    (
        "achievement",
        "math-at-home",
        "Math at home, without tears",
        "Matemáticas en casa, sin lágrimas",
        "Games and everyday moments that build number sense.",
    ),
    (
        "healthy_families",
        "healthy-meals-on-a-budget",
        "Healthy meals on a budget",
        "Comidas saludables con poco dinero",
        "School meals, CalFresh, and quick recipes children like.",
    ),
    (
        "civic",
        "attendance-matters",
        "Every day counts: attendance",
        "Cada día cuenta: la asistencia",
        "Why attendance matters, and help when getting to school is hard.",
    ),
    (
        "career",
        "summer-jobs-for-teens",
        "Summer jobs and internships for teens",
        "Empleos de verano y prácticas para adolescentes",
        "Programs for students 14 and older, and how to apply.",
    ),
]
INTERPRETATION_SETS = (("es", "ko"), ("es", "zh_Hans", "vi"), ("es", "hy", "fa"), ("es", "ko"))

PATHWAYS = [
    # topic, slug, title, Spanish title, description, weeks from the anchor, weekday, seats,
    # format. Weekdays differ so that the family's places never overlap.
    (
        "multilingual",
        "pathway-multilingual-learners",
        "Supporting multilingual learners",
        "Apoyo a estudiantes multilingües",
        "Eight weeks on English learner programs, reclassification and the Seal of Biliteracy.",
        -12,
        3,
        30,
        ONLINE,
    ),
    (
        "disabilities",
        "pathway-students-with-disabilities",
        "Students with disabilities: the IEP",
        "Estudiantes con discapacidades: el IEP",
        "Eight weeks to understand the IEP, services, and how to advocate with the school.",
        -3,
        2,
        30,
        ONLINE,
    ),
    (
        "black_families",
        "pathway-black-african-american-families",
        "Black and African American families: thriving at school",
        "Familias afroamericanas: prosperar en la escuela",
        "Eight weeks with Black Student Achievement Plan staff on resources, advocacy and "
        "college readiness.",
        6,
        0,
        40,
        ONLINE,
    ),
    (
        "early_childhood",
        "pathway-early-childhood",
        "Early childhood: ready for kindergarten",
        "Primera infancia: listos para el kínder",
        "Eight in-person evenings on play, early literacy, and TK enrollment.",
        8,
        3,
        3,
        IN_PERSON,
    ),
]

VIDEOS = [
    (
        "achievement",
        "video-parent-portal-in-5-minutes",
        "The Parent Portal in 5 minutes",
        "El Portal para Padres en 5 minutos",
        5,
    ),
    (
        "healthy_families",
        "video-bedtime-routine",
        "A bedtime routine that works",
        "Una rutina para dormir que funciona",
        4,
    ),
    (
        "career",
        "video-fafsa-basics",
        "Financial aid basics (FAFSA and Dream Act)",
        "Lo básico de la ayuda financiera (FAFSA y Dream Act)",
        7,
    ),
]

SMALL_WORKSHOP = (
    "workshop-parent-teacher-conference",
    "Practice your parent–teacher conference",
    "Practique su reunión con el maestro",
    "A small-group, in-person workshop: prepare questions and practice in a friendly room.",
)


def seed_demo() -> None:
    accounts = _accounts()
    if FAMILY not in accounts:
        return
    anchor = _anchor()
    for index, spec in enumerate(WEBINARS):
        _webinar(index, spec, anchor, accounts)
    _workshop(anchor, accounts)
    for spec in PATHWAYS:
        _pathway(spec, anchor, accounts)
    for spec in VIDEOS:
        _video(spec)
    db.session.flush()


def _accounts() -> dict[str, User]:
    users = db.session.scalars(select(User).where(User.email.in_((FAMILY, *OTHERS))))
    return {user.email: user for user in users}


def _anchor() -> date:
    """The first day of this month in Los Angeles: dates move only when the month does."""
    today = to_district(utcnow()).date()
    return today.replace(day=1)


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    local = datetime.combine(day, time(hour, minute), tzinfo=DISTRICT_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


def _month(anchor: date, offset: int) -> date:
    month = anchor.month - 1 + offset
    return date(anchor.year + month // 12, month % 12 + 1, 1)


def _second_tuesday(first: date) -> date:
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _winter_break(day: date) -> bool:
    return (day.month, day.day) >= (12, 19) or (day.month, day.day) <= (1, 4)


def _exists(slug: str) -> bool:
    return db.session.scalar(select(Offering.id).where(Offering.slug == slug)) is not None


def _offering(slug, kind, topic, title, title_es, description, **fields) -> Offering:
    languages = fields.pop("languages", {})
    transcript = fields.pop("transcript", "")
    offering = Offering(slug=slug, kind=kind, topic=topic, status=PUBLISHED, **fields)
    offering.texts = [
        OfferingText(locale="en", title=title, description=description, transcript=transcript),
        OfferingText(locale="es", title=title_es, description=description),
    ]
    offering.languages = [
        OfferingLanguage(role=role, code=code)
        for role, codes in languages.items()
        for code in codes
    ]
    db.session.add(offering)
    return offering


def _webinar(index: int, spec, anchor: date, accounts) -> None:
    topic, slug, title, title_es, description = spec
    if _exists(slug):
        return
    day = _second_tuesday(_month(anchor, index - 6))
    spanish = index % 3 == 1
    offering = _offering(
        slug,
        WEBINAR,
        topic,
        title,
        title_es,
        description,
        format=ONLINE,
        join_url=f"https://meet.example.org/family-academy/{slug}",
        grade_band=("all", "elementary", "middle", "high")[index % 4],
        partner=DACE if topic == "career" else "",
        capacity=500,
        languages={
            INSTRUCTION: ["es"] if spanish else ["en"],
            INTERPRETATION: ["en", *INTERPRETATION_SETS[index % 4][1:]]
            if spanish
            else list(INTERPRETATION_SETS[index % 4]),
        },
    )
    starts = _utc(day, 18)
    offering.sessions = [AcademySession(starts_at=starts, ends_at=_utc(day, 19, 30))]
    db.session.flush()
    attendees = [FAMILY, *OTHERS[: 2 + index % 4]]
    for number, email in enumerate(attendees):
        registration = _register(offering, accounts[email], number, starts)
        if starts < _utc(anchor, 0) and number % 4 != 3:
            _attend(offering.sessions[0], registration, present=True)


def _workshop(anchor: date, accounts) -> None:
    """A small in-person webinar next month: full, with a waitlist the family is on."""
    slug, title, title_es, description = SMALL_WORKSHOP
    if _exists(slug):
        return
    day = _second_tuesday(_month(anchor, 1)) + timedelta(days=2)
    offering = _offering(
        slug,
        WEBINAR,
        "achievement",
        title,
        title_es,
        description,
        format=IN_PERSON,
        school_name="Demo Elementary School",
        address="333 S Beaudry Ave, Los Angeles, CA 90017",
        grade_band="elementary",
        capacity=3,
        languages={INSTRUCTION: ["en", "es"], INTERPRETATION: ["ko"]},
    )
    starts = _utc(day, 9)
    offering.sessions = [AcademySession(starts_at=starts, ends_at=_utc(day, 10, 30))]
    db.session.flush()
    for number, email in enumerate([*OTHERS[:3], OTHERS[3], FAMILY, OTHERS[4]]):
        _register(offering, accounts[email], number, starts)


def _pathway(spec, anchor: date, accounts) -> None:
    topic, slug, title, title_es, description, weeks, weekday, capacity, place = spec
    if _exists(slug):
        return
    first = anchor + timedelta(days=(weekday - anchor.weekday()) % 7 + 7 * weeks)
    fields = dict(
        format=place,
        partner=DACE,
        capacity=capacity,
        completion_required=6,
        grade_band="early" if topic == "early_childhood" else "all",
        languages={INSTRUCTION: ["en", "es"], INTERPRETATION: ["ko", "zh_Hans", "vi"]},
    )
    if place == ONLINE:
        fields["join_url"] = f"https://meet.example.org/family-academy/{slug}"
    else:
        fields.update(
            school_name="Demo Early Education Center",
            address="1000 W 1st St, Los Angeles, CA 90012",
        )
    offering = _offering(slug, PATHWAY, topic, title, title_es, description, **fields)
    days = [
        day
        for day in (first + timedelta(weeks=week) for week in range(10))
        if not _winter_break(day)
    ][:8]
    offering.sessions = [
        AcademySession(starts_at=_utc(day, 18), ends_at=_utc(day, 20)) for day in days
    ]
    db.session.flush()
    people = [FAMILY, *OTHERS] if capacity > 3 else [*OTHERS[:3], OTHERS[3], FAMILY]
    starts = offering.sessions[0].starts_at
    registrations = [
        _register(offering, accounts[email], number, starts) for number, email in enumerate(people)
    ]
    today = _utc(anchor, 0)
    held = [session for session in offering.sessions if session.starts_at < today]
    for week, session in enumerate(held):
        for number, registration in enumerate(registrations):
            if registration.status == Registration.REGISTERED:
                # Most come every week; a few miss some, so not everyone graduates.
                present = (week + number) % (3 + number % 3) != 2
                _attend(session, registration, present=present or number == 0)
    db.session.flush()
    for registration in registrations if held else ():
        update_completion(registration, now=held[-1].ends_at)


def _video(spec) -> None:
    topic, slug, title, title_es, minutes = spec
    if _exists(slug):
        return
    transcript = (
        f"{title}.\n\nThis short video shows, step by step, what families most often ask "
        "about. Pause it at any time; captions are available in several languages."
    )
    _offering(
        slug,
        VIDEO,
        topic,
        title,
        title_es,
        "A short video to watch at any time.",
        format=ONLINE,
        video_url=f"https://video.example.org/family-academy/{slug}",
        duration_minutes=minutes,
        transcript=transcript,
        languages={INSTRUCTION: ["en"], CAPTIONS: ["en", "es", "ko", "zh_Hans", "vi", "ar"]},
    )


def _register(offering: Offering, user: User, number: int, starts: datetime) -> Registration:
    """A seat while seats are left, else the next waitlist place; made days before the start."""
    seated = sum(1 for r in offering.registrations if r.status == Registration.REGISTERED)
    waiting = sum(1 for r in offering.registrations if r.status == Registration.WAITLISTED)
    made = starts - timedelta(days=20 - number)
    zip_code, district = AREAS[(number + offering.id) % len(AREAS)]
    registration = Registration(
        offering=offering,
        user_id=user.id,
        family_language=user.locale,
        participant_name="" if user.email != FAMILY else "María López",
        zip_code=zip_code,
        local_district=district,
        created_at=made,
        interpretation="ko" if number == 2 and "ko" in offering.codes(INTERPRETATION) else None,
    )
    if offering.capacity is None or seated < offering.capacity:
        registration.status, registration.registered_at = Registration.REGISTERED, made
    else:
        registration.status, registration.waitlist_position = Registration.WAITLISTED, waiting + 1
    db.session.add(registration)
    db.session.flush()
    return registration


def _attend(session: AcademySession, registration: Registration, present: bool) -> None:
    db.session.add(
        Attendance(
            session_id=session.id,
            registration_id=registration.id,
            present=present,
            recorded_at=session.ends_at,
        )
    )
