"""Linking accounts to students: codes on printed letters, requests that staff decide, and ending
links. Functions add to the session and flush; the request or command commits once.

Every wrong linking attempt is a row in ``portal_failed_attempts``, so the limits hold however
many app servers there are: after :data:`ATTEMPT_LIMIT` failures in :data:`ATTEMPT_WINDOW` for
one account or for one student ID, tries are refused until the window has passed, and the
student's school is told (by email at most once a day per student, in the audit log each time).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, delete, exists, func, or_, select, update

from app.accounts.access import Role
from app.accounts.models import RoleGrant, User
from app.audit.services import record
from app.extensions import db
from app.notifications.services import notify
from app.portal import codes
from app.portal.labels import DENY_REASONS, END_REASONS, letter_language
from app.portal.models import (
    FailedLinkAttempt,
    GuardianContact,
    GuardianLink,
    LinkCode,
    LinkRequest,
    Student,
)
from app.schools.models import School
from app.timeutil import DISTRICT_TZ, to_district, utcnow

ATTEMPT_LIMIT = 5
ATTEMPT_WINDOW = timedelta(minutes=15)
ALERT_QUIET = timedelta(hours=24)
ATTEMPT_RETENTION = timedelta(days=7)
CODE_DAYS = 30
MAX_LETTERS = 1000
MAX_PENDING_REQUESTS = 5


class LinkRefused(Exception):
    """The student ID, date of birth and code do not match a usable code. Deliberately one
    exception for every cause (unknown student, wrong birth date, wrong, used, expired or
    cancelled code, restricted contact), so that no answer tells them apart."""


class TooManyAttempts(Exception):
    """Too many wrong attempts lately for this account or this student ID."""


class NotAllowed(Exception):
    """The operation would link a restricted contact, or crosses students or schools."""


class TooManyLetters(Exception):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


class AlreadyDecided(Exception):
    """The request was approved or denied already."""


class DuplicateRequest(Exception):
    """The account already waits for an answer about this child."""


class TooManyRequests(Exception):
    """The account has too many requests waiting."""


# ---------------------------------------------------------------------------- what families see


def children_of(user: User) -> list[Student]:
    """The students ``user`` is linked to, youngest grade first."""
    return list(
        db.session.scalars(
            select(Student)
            .join(GuardianLink, GuardianLink.student_id == Student.id)
            .where(GuardianLink.user_id == user.id, GuardianLink.ended_at.is_(None))
            .order_by(Student.grade, Student.first_name, Student.id)
        )
    )


def active_link(user: User, student_id: int) -> GuardianLink | None:
    return db.session.scalar(
        select(GuardianLink).where(
            GuardianLink.user_id == user.id,
            GuardianLink.student_id == student_id,
            GuardianLink.ended_at.is_(None),
        )
    )


def requests_of(user: User) -> list[LinkRequest]:
    return list(
        db.session.scalars(
            select(LinkRequest)
            .where(LinkRequest.user_id == user.id)
            .order_by(LinkRequest.created_at.desc())
            .limit(20)
        )
    )


# ---------------------------------------------------------------------------------- link codes


@dataclass
class IssuedCode:
    """A code as it is printed, once: the plain code exists only in this object."""

    student: Student
    contact: GuardianContact
    code: str
    expires_at: datetime
    language: str  # interface language code of the letter

    @property
    def grouped(self) -> str:
        return codes.grouped(self.code)


def code_expiry(now: datetime) -> datetime:
    """The end of the 30th day after ``now``, in Los Angeles (as naive UTC): the date on the
    letter is the last day the code works."""
    last_day = to_district(now).date() + timedelta(days=CODE_DAYS)
    midnight = datetime.combine(last_day + timedelta(days=1), time(), DISTRICT_TZ)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def eligible_contacts(student: Student) -> list[GuardianContact]:
    """Contacts who may get a letter: not restricted, and not linked to the student already."""
    linked = {link.contact_id for link in student.active_links}
    return [c for c in student.contacts if not c.restricted and c.id not in linked]


def issue_code(
    actor: User | None, contact: GuardianContact, now: datetime | None = None
) -> IssuedCode:
    """A new code for one contact; their earlier unused codes stop working.

    :raises NotAllowed: the contact is restricted.
    """
    if contact.restricted:
        raise NotAllowed
    now = now or utcnow()
    db.session.execute(
        update(LinkCode)
        .where(
            LinkCode.contact_id == contact.id,
            LinkCode.used_at.is_(None),
            LinkCode.cancelled_at.is_(None),
        )
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    plain = codes.new_code()
    student = contact.student
    row = LinkCode(
        student_id=student.id,
        contact_id=contact.id,
        code_hash=codes.digest(student.id, plain),
        issued_at=now,
        issued_by_id=actor.id if actor else None,
        expires_at=code_expiry(now),
    )
    db.session.add(row)
    return IssuedCode(
        student, contact, plain, row.expires_at, letter_language(student.home_language)
    )


def issue_letters(
    actor: User, students: list[Student], contact_ids: set[int] | None = None
) -> list[IssuedCode]:
    """Codes for every eligible contact of ``students`` (or only ``contact_ids`` among them).

    :raises TooManyLetters: more than :data:`MAX_LETTERS` would be printed at once.
    :raises NotAllowed: a chosen contact is restricted or not one of these students'.
    """
    chosen: list[GuardianContact] = []
    for student in students:
        if contact_ids is None:
            chosen.extend(eligible_contacts(student))
            continue
        chosen.extend(c for c in student.contacts if c.id in contact_ids)
    if contact_ids is not None and (
        len(chosen) != len(contact_ids) or any(c.restricted for c in chosen)
    ):
        raise NotAllowed
    if len(chosen) > MAX_LETTERS:
        raise TooManyLetters(len(chosen))
    now = utcnow()
    issued = [issue_code(actor, contact, now) for contact in chosen]
    db.session.flush()
    return issued


def redeem_code(
    user: User, student_key: str, typed_code: str, birth_date: date, now: datetime | None = None
) -> GuardianLink:
    """Link ``user`` to the student whose ID, birth date and one-time code these are.

    :raises TooManyAttempts: the account or the student ID is locked for now.
    :raises LinkRefused: anything does not match (one answer for every cause).
    """
    now = now or utcnow()
    user_id = user.id
    # Serialize attempts per account and per student on PostgreSQL, so that parallel
    # requests cannot each slip a guess past the count (SQLite has one writer anyway).
    row_locks = db.session.get_bind().dialect.name != "sqlite"
    if row_locks:
        db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    if is_locked(user_id, student_key, now):  # the cheap refusal, before anything else
        raise TooManyAttempts
    student = db.session.scalar(
        select(Student).where(Student.district_id == student_key).with_for_update()
    )
    if row_locks and student is not None and is_locked(user_id, student_key, now):
        raise TooManyAttempts  # checked again under the student's lock
    code = codes.normalize(typed_code)
    found = _usable_code(student, code, birth_date, now)
    if found is not None and _claim(found, user_id, now):
        return _link(user, found.contact.student, found.contact, GuardianLink.CODE, now=now)
    _record_failure(user, student_key, student, now)
    raise LinkRefused


def _usable_code(
    student: Student | None, code: str, birth_date: date, now: datetime
) -> LinkCode | None:
    # The hash is computed whatever happens, so each cause takes about as long as another.
    candidate = codes.digest(student.id if student else 0, code)
    if student is None:
        return None
    rows = db.session.scalars(
        select(LinkCode).where(
            LinkCode.student_id == student.id,
            LinkCode.used_at.is_(None),
            LinkCode.cancelled_at.is_(None),
            LinkCode.expires_at > now,
        )
    ).all()
    found = None
    for row in rows:
        if hmac.compare_digest(candidate, row.code_hash):
            found = row
    if found is None or student.birth_date != birth_date or found.contact.restricted:
        return None
    return found


def _claim(row: LinkCode, user_id: int, now: datetime) -> bool:
    """Mark the code used, unless another request did first: a code works once."""
    result = db.session.execute(
        update(LinkCode)
        .where(LinkCode.id == row.id, LinkCode.used_at.is_(None))
        .values(used_at=now, used_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def failures(user_id: int | None, student_key: str | None, now: datetime) -> tuple[int, int]:
    """Failed attempts within the window: (by this account, for this student ID)."""
    by_account = FailedLinkAttempt.user_id == user_id
    by_student = FailedLinkAttempt.student_key == student_key
    row = db.session.execute(
        select(
            func.count(case((by_account, 1))),
            func.count(case((by_student, 1))),
        ).where(or_(by_account, by_student), FailedLinkAttempt.created_at > now - ATTEMPT_WINDOW)
    ).one()
    return row[0], row[1]


def is_locked(user_id: int | None, student_key: str | None, now: datetime | None = None) -> bool:
    by_account, by_student = failures(user_id, student_key, now or utcnow())
    return by_account >= ATTEMPT_LIMIT or by_student >= ATTEMPT_LIMIT


def _record_failure(user: User, key: str, student: Student | None, now: datetime) -> None:
    db.session.execute(
        delete(FailedLinkAttempt).where(
            FailedLinkAttempt.created_at < now - ATTEMPT_RETENTION,
            or_(FailedLinkAttempt.user_id == user.id, FailedLinkAttempt.student_key == key),
        )
    )
    attempt = FailedLinkAttempt(user_id=user.id, student_key=key, created_at=now)
    db.session.add(attempt)
    db.session.flush()
    by_account, by_student = failures(user.id, key, now)
    if by_account < ATTEMPT_LIMIT and by_student < ATTEMPT_LIMIT:
        return
    record(
        "portal.link_locked",
        target_type="student" if student else "user",
        target_id=student.id if student else user.id,
        after={"failures_by_account": by_account, "failures_for_student": by_student},
        actor=user,
    )
    if student is not None and not _alerted_since(key, now - ALERT_QUIET):
        attempt.alerted_at = now
        for staff in school_staff(student.cds_code):
            notify(
                staff.email,
                "portal_attempts_alert",
                staff.locale,
                student=student,
                account=user.email,
                by_account=by_account,
                by_student=by_student,
                minutes=int(ATTEMPT_WINDOW.total_seconds() // 60),
            )


def _alerted_since(key: str, since: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    FailedLinkAttempt.student_key == key, FailedLinkAttempt.alerted_at > since
                )
            )
        )
    )


def school_staff(cds_code: str) -> list[User]:
    """The accounts that hold the school-staff role for this school."""
    return list(
        db.session.scalars(
            select(User)
            .join(RoleGrant, RoleGrant.user_id == User.id)
            .where(RoleGrant.role == Role.SCHOOL_STAFF, RoleGrant.scope == cds_code)
            .order_by(User.id)
        )
    )


def _link(
    user: User,
    student: Student,
    contact: GuardianContact | None,
    method: str,
    approved_by: User | None = None,
    now: datetime | None = None,
) -> GuardianLink:
    link = active_link(user, student.id)
    if link is None:
        link = GuardianLink(
            student_id=student.id,
            user_id=user.id,
            contact_id=contact.id if contact else None,
            method=method,
            created_at=now or utcnow(),
            approved_by_id=approved_by.id if approved_by else None,
        )
        student.links.append(link)
        db.session.flush()
    record(
        "portal.link_created",
        target_type="student",
        target_id=student.id,
        after={"user_id": user.id, "contact_id": link.contact_id, "method": method},
        actor=approved_by or user,
    )
    if method == GuardianLink.CODE:
        notify(user.email, "portal_linked", user.locale, student=student, school=student.school)
    return link


# ------------------------------------------------------------------------- linking by request


@dataclass
class RequestDetails:
    student_key: str
    first_name: str
    last_name: str
    birth_date: date
    requester_name: str
    relation: str
    phone: str = ""
    message: str = ""


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def match_student(cds_code: str, details: RequestDetails) -> Student | None:
    """The student at this school the details describe: by ID and birth date when an ID is
    given, else by name and birth date (only when exactly one student fits)."""
    query = select(Student).where(
        Student.cds_code == cds_code, Student.birth_date == details.birth_date
    )
    if details.student_key:
        return db.session.scalar(query.where(Student.district_id == details.student_key))
    found = [
        s
        for s in db.session.scalars(query)
        if _folded(s.first_name) == _folded(details.first_name)
        and _folded(s.last_name) == _folded(details.last_name)
    ]
    return found[0] if len(found) == 1 else None


def request_link(user: User, school: School, details: RequestDetails) -> LinkRequest:
    """Ask the school to link ``user`` to a child; staff are told by email.

    The family is not told whether the details matched a student (that would let anyone
    test student IDs and birth dates); staff see it.

    :raises DuplicateRequest: the same child is already asked for and waiting.
    :raises TooManyRequests: the account has :data:`MAX_PENDING_REQUESTS` waiting.
    """
    pending = list(
        db.session.scalars(
            select(LinkRequest).where(
                LinkRequest.user_id == user.id, LinkRequest.status == LinkRequest.PENDING
            )
        )
    )
    for other in pending:
        if (
            other.cds_code == school.cds_code
            and other.birth_date == details.birth_date
            and (_folded(other.student_first_name) == _folded(details.first_name))
        ):
            raise DuplicateRequest
    if len(pending) >= MAX_PENDING_REQUESTS:
        raise TooManyRequests
    student = match_student(school.cds_code, details)
    link_request = LinkRequest(
        user_id=user.id,
        cds_code=school.cds_code,
        student_id=student.id if student else None,
        typed_student_id=details.student_key,
        student_first_name=details.first_name,
        student_last_name=details.last_name,
        birth_date=details.birth_date,
        requester_name=details.requester_name,
        relation=details.relation,
        phone=details.phone,
        message=details.message,
    )
    db.session.add(link_request)
    db.session.flush()
    record(
        "portal.request_created", target_type="link_request", target_id=link_request.id, actor=user
    )
    for staff in school_staff(school.cds_code):
        notify(
            staff.email,
            "portal_request_new",
            staff.locale,
            link_request=link_request,
            school=school,
        )
    return link_request


def approve_request(
    actor: User, request: LinkRequest, student: Student, contact: GuardianContact
) -> GuardianLink:
    """Link the requesting account to ``student`` as ``contact``, then tell the family.

    :raises AlreadyDecided:
    :raises NotAllowed: the student is at another school, the contact is not the student's
        or is restricted.
    """
    if request.status != LinkRequest.PENDING:
        raise AlreadyDecided
    if student.cds_code != request.cds_code or contact.student_id != student.id:
        raise NotAllowed
    if contact.restricted:
        raise NotAllowed
    link = _link(request.user, student, contact, GuardianLink.REQUEST, approved_by=actor)
    _decide(actor, request, LinkRequest.APPROVED)
    request.student_id = student.id
    request.link_id = link.id
    notify(
        request.user.email,
        "portal_request_approved",
        request.user.locale,
        student=student,
        school=student.school,
    )
    return link


def deny_request(actor: User, request: LinkRequest, reason: str, note: str = "") -> None:
    """:raises AlreadyDecided:"""
    if request.status != LinkRequest.PENDING:
        raise AlreadyDecided
    _decide(actor, request, LinkRequest.DENIED)
    request.deny_reason = reason
    request.staff_note = note
    notify(
        request.user.email,
        "portal_request_denied",
        request.user.locale,
        link_request=request,
        school=request.school,
        reason_text=DENY_REASONS[reason],
        note=note,
    )


def _decide(actor: User, request: LinkRequest, status: str) -> None:
    before = {"status": request.status}
    request.status = status
    request.decided_at = utcnow()
    request.decided_by_id = actor.id
    record(
        f"portal.request_{status}",
        target_type="link_request",
        target_id=request.id,
        before=before,
        after={"status": status},
        actor=actor,
    )


# ---------------------------------------------------------------------------------- ending links


def unlink_by_family(user: User, link: GuardianLink) -> None:
    """:raises NotAllowed: the link is not this account's, or has ended."""
    if link.user_id != user.id or link.ended_at is not None:
        raise NotAllowed
    _end(link, user, "parent", "")


def end_link_by_staff(actor: User, link: GuardianLink, reason: str, note: str = "") -> None:
    """End a link for a reason the family is told, in its language.

    :raises NotAllowed: the link has ended already.
    """
    if link.ended_at is not None:
        raise NotAllowed
    _end(link, actor, reason, note)
    user = link.user
    notify(
        user.email,
        "portal_link_ended",
        user.locale,
        student=link.student,
        school=link.student.school,
        reason_text=END_REASONS[reason],
        note=note,
    )


def _end(link: GuardianLink, actor: User, reason: str, note: str) -> None:
    link.ended_at = utcnow()
    link.ended_by_id = actor.id
    link.end_reason = reason
    link.end_note = note or None
    record(
        "portal.link_ended",
        target_type="student",
        target_id=link.student_id,
        before={"user_id": link.user_id, "contact_id": link.contact_id},
        after={"reason": reason},
        actor=actor,
    )
    db.session.flush()


# ------------------------------------------------------------------------------ staff listings


def student_query(cds_code: str, grade: int | None = None, q: str = "", unlinked: bool = True):
    """Students of one school for staff lists, by name; ``q`` matches a name or an ID."""
    query = select(Student).where(Student.cds_code == cds_code)
    if grade is not None:
        query = query.where(Student.grade == grade)
    if unlinked:
        query = query.where(
            ~exists().where(GuardianLink.student_id == Student.id, GuardianLink.ended_at.is_(None))
        )
    for word in q.split()[:4]:
        if word.isdigit():
            query = query.where(Student.district_id.startswith(word, autoescape=True))
        else:
            pattern = func.lower(Student.first_name + " " + Student.last_name)
            query = query.where(pattern.contains(word.lower(), autoescape=True))
    return query.order_by(Student.grade, Student.last_name, Student.first_name, Student.id)


def grades_at(cds_code: str) -> list[int]:
    return list(
        db.session.scalars(
            select(Student.grade)
            .where(Student.cds_code == cds_code)
            .distinct()
            .order_by(Student.grade)
        )
    )


def pending_requests(cds_codes: list[str] | None):
    """Requests waiting for a decision at these schools (None: every school), oldest first."""
    query = select(LinkRequest).where(LinkRequest.status == LinkRequest.PENDING)
    if cds_codes is not None:
        query = query.where(LinkRequest.cds_code.in_(cds_codes))
    return query.order_by(LinkRequest.created_at, LinkRequest.id)


def candidates_for(request: LinkRequest) -> list[Student]:
    """Students at the request's school born that day, for staff to choose among."""
    return list(
        db.session.scalars(
            select(Student)
            .where(Student.cds_code == request.cds_code, Student.birth_date == request.birth_date)
            .order_by(Student.last_name, Student.first_name)
            .limit(20)
        )
    )


def codes_of(student: Student) -> list[LinkCode]:
    return list(
        db.session.scalars(
            select(LinkCode)
            .where(LinkCode.student_id == student.id)
            .order_by(LinkCode.issued_at.desc(), LinkCode.id.desc())
            .limit(20)
        )
    )


def record_letters(actor: User, student: Student, issued: list[IssuedCode]) -> None:
    record(
        "portal.codes_issued",
        target_type="student",
        target_id=student.id,
        after={"contacts": [item.contact.id for item in issued]},
        actor=actor,
    )


def record_batch(actor: User, school: School, grade: int | None, count: int) -> None:
    record(
        "portal.codes_issued",
        target_type="school",
        target_id=school.cds_code,
        after={"grade": grade, "letters": count},
        actor=actor,
    )
