"""Family Academy rules: registration, waitlists, cancellations, staff changes, attendance,
completion and reminders.

Functions add to the session and flush; the request or command commits once. Every change
to an offering's seats first locks the offering (:func:`lock_offering`), so registrations
for the last seat, cancellations and promotions run one at a time per offering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.academy import texts
from app.academy.models import (
    CANCELLED,
    DRAFT,
    INTERPRETATION,
    PATHWAY,
    PUBLISHED,
    VIDEO,
    AcademySession,
    Attendance,
    Offering,
    OfferingLanguage,
    Registration,
    Reminder,
)
from app.audit.services import record
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow

REMINDER_LEAD = timedelta(hours=24)
ACTIVE = (Registration.REGISTERED, Registration.WAITLISTED)


class AcademyError(Exception):
    """An action the academy's rules refuse; views turn each kind into a message."""


class NotOpen(AcademyError):
    """The offering is not published, was cancelled, or has nothing to register for."""


class RegistrationClosed(AcademyError):
    """The offering's first session has started (or, for cancelling, its last one ended)."""


class AlreadyRegistered(AcademyError):
    def __init__(self, registration: Registration):
        super().__init__(registration.id)
        self.registration = registration


class ScheduleConflict(AcademyError):
    """A session overlaps one of another offering the family holds a place in."""

    def __init__(self, other: Offering):
        super().__init__(other.slug)
        self.other = other


class InterpretationNotOffered(AcademyError):
    pass


class CannotPublish(AcademyError):
    """The offering lacks something families need; ``reason`` names it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- seats -------------------------------------------------------------------------------


def lock_offering(offering_id: int) -> Offering | None:
    """The offering, locked until the transaction ends.

    PostgreSQL locks the row (``SELECT … FOR UPDATE``). SQLite has no row locks; it takes
    the database's write lock first (``BEGIN IMMEDIATE``), which waits for other writers
    instead of failing halfway as a read lock upgraded later can.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return db.session.scalar(
        select(Offering)
        .where(Offering.id == offering_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def registered_count(offering_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.offering_id == offering_id,
            Registration.status == Registration.REGISTERED,
        )
    )


def waitlist_count(offering_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.offering_id == offering_id,
            Registration.status == Registration.WAITLISTED,
        )
    )


def seats_left(offering: Offering) -> int | None:
    """Free seats now; None when the offering has no limit."""
    if offering.capacity is None:
        return None
    return max(0, offering.capacity - registered_count(offering.id))


def registration_open(offering: Offering, now: datetime | None = None) -> bool:
    starts = offering.starts_at
    return (
        offering.is_published
        and offering.kind != VIDEO
        and starts is not None
        and starts > (now or utcnow())
    )


# --- families ----------------------------------------------------------------------------


def offering_by_slug(slug: str) -> Offering | None:
    return db.session.scalar(select(Offering).where(Offering.slug == slug[:80]))


def find_offering_id(slug: str) -> int | None:
    offering = offering_by_slug(slug)
    return offering.id if offering else None


def find_registration(user_id: int, offering_id: int) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.offering_id == offering_id, Registration.user_id == user_id
        )
    )


def register(
    user,
    offering_id: int,
    *,
    interpretation: str | None = None,
    participant_name: str = "",
    zip_code: str | None = None,
    local_district: str | None = None,
    family_language: str = "en",
    now: datetime | None = None,
) -> Registration:
    """Give ``user`` a seat, or the next place on the waitlist when the offering is full.

    :raises NotOpen: not published, cancelled, a video, or without sessions.
    :raises RegistrationClosed: the first session has started.
    :raises AlreadyRegistered: the family already holds a seat or a waitlist place.
    :raises InterpretationNotOffered: that interpretation language is not offered.
    :raises ScheduleConflict: a session overlaps one the family already holds a place in.
    """
    now = now or utcnow()
    offering = lock_offering(offering_id)
    if offering is None or offering.status != PUBLISHED or offering.kind == VIDEO:
        raise NotOpen
    if offering.starts_at is None:
        raise NotOpen
    if offering.starts_at <= now:
        raise RegistrationClosed
    registration = find_registration(user.id, offering.id)
    if registration is not None and registration.is_active:
        raise AlreadyRegistered(registration)
    if interpretation and interpretation not in offering.codes(INTERPRETATION):
        raise InterpretationNotOffered
    conflict = _conflicting_offering(user.id, offering)
    if conflict is not None:
        raise ScheduleConflict(conflict)
    has_seat = offering.capacity is None or registered_count(offering.id) < offering.capacity
    position = None if has_seat else waitlist_count(offering.id) + 1
    if registration is None:
        registration = Registration(offering_id=offering.id, user_id=user.id)
        db.session.add(registration)
    registration.interpretation = interpretation or None
    registration.participant_name = participant_name
    registration.zip_code = zip_code or None
    registration.local_district = local_district or None
    registration.family_language = family_language
    registration.cancelled_at = None
    registration.completed_at = None
    if has_seat:
        _seat(registration, now)
    else:
        registration.status = Registration.WAITLISTED
        registration.waitlist_position = position
    db.session.flush()
    notify(
        user.email,
        "academy_registered",
        user.locale,
        offering=offering,
        registration=registration,
    )
    return registration


def _seat(registration: Registration, now: datetime) -> None:
    registration.status = Registration.REGISTERED
    registration.waitlist_position = None
    registration.registered_at = now


def _conflicting_offering(user_id: int, offering: Offering) -> Offering | None:
    """Another offering whose sessions overlap this one's, where the family holds a place."""
    held = (
        select(AcademySession.offering_id)
        .join(Registration, Registration.offering_id == AcademySession.offering_id)
        .join(Offering, Offering.id == AcademySession.offering_id)
        .where(
            Registration.user_id == user_id,
            Registration.status.in_(ACTIVE),
            Offering.status == PUBLISHED,
            AcademySession.offering_id != offering.id,
            AcademySession.cancelled_at.is_(None),
        )
    )
    for session in offering.active_sessions:
        other_id = db.session.scalar(
            held.where(
                AcademySession.starts_at < session.ends_at,
                AcademySession.ends_at > session.starts_at,
            ).limit(1)
        )
        if other_id is not None:
            return db.session.get(Offering, other_id)
    return None


def cancel_registration(
    user_id: int, registration_id: int, now: datetime | None = None
) -> Registration:
    """Give up a seat or a waitlist place; the next family on the waitlist gets the seat.

    :raises LookupError: no such registration of this family (another family's id included).
    :raises RegistrationClosed: the offering is over.
    """
    now = now or utcnow()
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != user_id:
        raise LookupError(registration_id)
    offering = lock_offering(registration.offering_id)
    db.session.refresh(registration)
    if not registration.is_active:
        return registration
    if offering.ends_at is not None and offering.ends_at <= now:
        raise RegistrationClosed
    was_seated = registration.status == Registration.REGISTERED
    _leave_waitlist(registration)
    registration.status = Registration.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    if was_seated:
        fill_seats(offering, now)
    return registration


def _leave_waitlist(registration: Registration) -> None:
    position = registration.waitlist_position
    registration.waitlist_position = None
    if position is None:
        return
    db.session.flush()
    db.session.execute(
        update(Registration)
        .where(
            Registration.offering_id == registration.offering_id,
            Registration.status == Registration.WAITLISTED,
            Registration.waitlist_position > position,
        )
        .values(waitlist_position=Registration.waitlist_position - 1)
        .execution_options(synchronize_session="fetch")
    )


def fill_seats(offering: Offering, now: datetime | None = None) -> list[Registration]:
    """Promote families from the waitlist, in order, while seats are free and registration is
    open; email each one. The caller holds the offering's lock."""
    now = now or utcnow()
    promoted = []
    if not registration_open(offering, now):
        return promoted
    while offering.capacity is None or registered_count(offering.id) < offering.capacity:
        first = db.session.scalar(
            select(Registration)
            .where(
                Registration.offering_id == offering.id,
                Registration.status == Registration.WAITLISTED,
            )
            .order_by(Registration.waitlist_position)
            .limit(1)
        )
        if first is None:
            break
        _leave_waitlist(first)
        _seat(first, now)
        db.session.flush()
        notify(first.user.email, "academy_promoted", first.user.locale, offering=offering)
        promoted.append(first)
    return promoted


def family_registrations(user_id: int) -> list[Registration]:
    """Every registration of the family that is not cancelled by them, soonest first."""
    registrations = db.session.scalars(
        select(Registration).where(Registration.user_id == user_id, Registration.status.in_(ACTIVE))
    ).all()
    far = datetime.max
    return sorted(registrations, key=lambda r: (r.offering.starts_at or far, r.id))


# --- staff -------------------------------------------------------------------------------


@dataclass
class OfferingFields:
    """What the staff form sets; languages are interface codes."""

    kind: str
    topic: str
    title: str
    description: str = ""
    transcript: str = ""
    format: str = "online"
    join_url: str = ""
    school_name: str = ""
    address: str = ""
    grade_band: str = "all"
    partner: str = ""
    capacity: int | None = None
    completion_required: int | None = None
    video_url: str = ""
    duration_minutes: int | None = None
    languages: dict[str, list[str]] = field(default_factory=dict)


SCALARS = (
    "kind",
    "topic",
    "format",
    "join_url",
    "school_name",
    "address",
    "grade_band",
    "partner",
    "capacity",
    "completion_required",
    "video_url",
    "duration_minutes",
)


def create_offering(actor, slug: str, fields: OfferingFields) -> Offering:
    offering = Offering(slug=slug, status=DRAFT)
    db.session.add(offering)
    _apply(offering, fields)
    db.session.flush()
    texts.publish_english(offering, _words(fields), actor)
    record(
        "academy.offering_create",
        target_type="academy_offering",
        target_id=offering.id,
        after={"slug": slug},
        actor=actor,
    )
    return offering


def update_offering(
    actor, offering: Offering, fields: OfferingFields, slug: str | None = None
) -> Offering:
    """Save the staff form; a larger capacity promotes waitlisted families at once.
    ``slug`` changes the address only while the offering is a draft."""
    before = {name: getattr(offering, name) for name in (*SCALARS, "slug")}
    offering = lock_offering(offering.id)
    _apply(offering, fields)
    if offering.status == DRAFT:  # a published address stays, for links already shared
        offering.slug = slug or offering.slug
    db.session.flush()
    texts.publish_english(offering, _words(fields), actor)
    after = {name: getattr(offering, name) for name in (*SCALARS, "slug")}
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        record(
            "academy.offering_update",
            target_type="academy_offering",
            target_id=offering.id,
            before={k: before[k] for k in changed},
            after=changed,
            actor=actor,
        )
    if offering.is_published:
        fill_seats(offering)
        for registration in offering.registrations:
            update_completion(registration)
    return offering


def _apply(offering: Offering, fields: OfferingFields) -> None:
    for name in SCALARS:
        setattr(offering, name, getattr(fields, name))
    wanted = {(role, code) for role, codes in fields.languages.items() for code in codes}
    for language in list(offering.languages):
        if (language.role, language.code) not in wanted:
            offering.languages.remove(language)
    have = {(language.role, language.code) for language in offering.languages}
    for role, code in sorted(wanted - have):
        offering.languages.append(OfferingLanguage(role=role, code=code))


def _words(fields: OfferingFields) -> dict[str, str]:
    return texts.fields(fields.title, fields.description, fields.transcript)


def publish(actor, offering: Offering) -> None:
    """Show the offering in the catalog.

    :raises CannotPublish: with the reason ("sessions", "rule", "video", "cancelled").
    """
    if offering.status == CANCELLED:
        raise CannotPublish("cancelled")
    if offering.kind == VIDEO and not offering.video_url:
        raise CannotPublish("video")
    if offering.kind != VIDEO and not offering.active_sessions:
        raise CannotPublish("sessions")
    if offering.kind == PATHWAY and not (
        offering.completion_required
        and offering.completion_required <= len(offering.active_sessions)
    ):
        raise CannotPublish("rule")
    if offering.status != PUBLISHED:
        offering.status = PUBLISHED
        offering.published_at = utcnow()
        record(
            "academy.offering_publish",
            target_type="academy_offering",
            target_id=offering.id,
            actor=actor,
        )


def cancel_offering(actor, offering: Offering) -> int:
    """Cancel the whole offering and email every family holding a seat or a waitlist place.
    Returns how many were told."""
    offering = lock_offering(offering.id)
    if offering.status == CANCELLED:
        return 0
    offering.status = CANCELLED
    offering.cancelled_at = utcnow()
    told = 0
    for registration in offering.registrations:
        if registration.is_active:
            user = registration.user
            notify(user.email, "academy_offering_cancelled", user.locale, offering=offering)
            told += 1
    record(
        "academy.offering_cancel",
        target_type="academy_offering",
        target_id=offering.id,
        after={"families_told": told},
        actor=actor,
    )
    return told


def add_session(actor, offering: Offering, starts_at: datetime, ends_at: datetime):
    session = AcademySession(starts_at=starts_at, ends_at=ends_at)
    offering.sessions.append(session)
    db.session.flush()
    record(
        "academy.session_create",
        target_type="academy_session",
        target_id=session.id,
        after={"starts_at": starts_at.isoformat()},
        actor=actor,
    )
    return session


def update_session(actor, session: AcademySession, starts_at: datetime, ends_at: datetime):
    before = {"starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat()}
    session.starts_at, session.ends_at = starts_at, ends_at
    db.session.flush()
    db.session.refresh(session.offering)
    record(
        "academy.session_update",
        target_type="academy_session",
        target_id=session.id,
        before=before,
        after={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
        actor=actor,
    )
    return session


def cancel_session(actor, session: AcademySession) -> int:
    """Cancel one session and email every family with a seat. Returns how many were told."""
    if session.cancelled_at is not None:
        return 0
    session.cancelled_at = utcnow()
    told = 0
    offering = session.offering
    for registration in offering.registrations:
        if registration.status == Registration.REGISTERED:
            user = registration.user
            notify(
                user.email,
                "academy_session_cancelled",
                user.locale,
                offering=offering,
                session=session,
            )
            told += 1
    db.session.flush()
    for registration in offering.registrations:
        update_completion(registration)
    record(
        "academy.session_cancel",
        target_type="academy_session",
        target_id=session.id,
        after={"families_told": told},
        actor=actor,
    )
    return told


def roster(session: AcademySession) -> list[tuple[Registration, Attendance | None]]:
    """The families with a seat, with their attendance at ``session`` if taken."""
    marks = {
        a.registration_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    registrations = db.session.scalars(
        select(Registration)
        .where(
            Registration.offering_id == session.offering_id,
            Registration.status == Registration.REGISTERED,
        )
        .order_by(Registration.registered_at, Registration.id)
    ).all()
    return [(r, marks.get(r.id)) for r in registrations]


def attendance_of(session: AcademySession, registration: Registration) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(
            Attendance.session_id == session.id, Attendance.registration_id == registration.id
        )
    )


def set_attendance(
    actor, session: AcademySession, registration: Registration, state: str
) -> Attendance | None:
    """Mark a family "present" or "absent" at a session, or "clear" the mark (saved at once);
    updates graduation.

    :raises LookupError: the registration is not for this session's offering.
    """
    if registration.offering_id != session.offering_id:
        raise LookupError(registration.id)
    mark = attendance_of(session, registration)
    if state == "clear":
        if mark is not None:
            db.session.delete(mark)
        mark = None
    else:
        if mark is None:
            mark = Attendance(session_id=session.id, registration_id=registration.id)
            db.session.add(mark)
        mark.present = state == "present"
        mark.recorded_by_id = actor.id if actor else None
    db.session.flush()
    update_completion(registration)
    return mark


def sessions_attended(registration: Registration) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Attendance)
        .join(AcademySession, AcademySession.id == Attendance.session_id)
        .where(
            Attendance.registration_id == registration.id,
            Attendance.present.is_(True),
            AcademySession.cancelled_at.is_(None),
        )
    )


def update_completion(registration: Registration, now: datetime | None = None) -> None:
    """Apply the pathway's rule: a family that attended enough sessions has graduated."""
    required = registration.offering.completion_required
    if registration.offering.kind != PATHWAY or not required:
        return
    done = (
        registration.status == Registration.REGISTERED
        and sessions_attended(registration) >= required
    )
    if done and registration.completed_at is None:
        registration.completed_at = now or utcnow()
    elif not done and registration.completed_at is not None:
        registration.completed_at = None


def graduates(offering: Offering) -> list[Registration]:
    return db.session.scalars(
        select(Registration)
        .where(Registration.offering_id == offering.id, Registration.completed_at.is_not(None))
        .order_by(Registration.completed_at, Registration.id)
    ).all()


# --- reminders ---------------------------------------------------------------------------


def queue_reminders(now: datetime | None = None) -> int:
    """Queue an email, in each family's language, for every seat in a session starting within
    24 hours. Safe to run every few minutes from several machines: a reminder is queued only
    by whoever first inserts its row. Returns how many were queued."""
    now = now or utcnow()
    due = db.session.execute(
        select(AcademySession, Registration)
        .join(Offering, Offering.id == AcademySession.offering_id)
        .join(Registration, Registration.offering_id == Offering.id)
        .where(
            Offering.status == PUBLISHED,
            AcademySession.cancelled_at.is_(None),
            AcademySession.starts_at > now,
            AcademySession.starts_at <= now + REMINDER_LEAD,
            Registration.status == Registration.REGISTERED,
            ~exists().where(
                Reminder.session_id == AcademySession.id,
                Reminder.registration_id == Registration.id,
            ),
        )
        .order_by(AcademySession.starts_at, Registration.id)
    ).all()
    queued = 0
    for session, registration in due:
        if _claim_reminder(session.id, registration.id, now):
            user = registration.user
            notify(
                user.email,
                "academy_reminder",
                user.locale,
                offering=session.offering,
                session=session,
                registration=registration,
            )
            queued += 1
    return queued


def _claim_reminder(session_id: int, registration_id: int, now: datetime) -> bool:
    """Insert the reminder's row unless it exists; True if this call inserted it."""
    dialect = db.session.connection().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = db.session.execute(
        insert(Reminder.__table__)
        .values(session_id=session_id, registration_id=registration_id, queued_at=now)
        .on_conflict_do_nothing(index_elements=["session_id", "registration_id"])
        .returning(Reminder.__table__.c.id)
    ).first()
    return inserted is not None
