"""Enrollment rules: windows and deadlines, applications, choices, claims, staff decisions.

Functions take plain arguments, add to the session and flush; the request (or command) commits
once. Rules are enforced here, on the server, in the district's time zone: every deadline is
stored as naive UTC and compared with ``app.timeutil.utcnow()``; a staff member's local entry
becomes UTC through :func:`from_district`.

Saving an application checks the version the form was rendered with (optimistic locking),
and the database checks it again in the UPDATE, so two tabs never silently overwrite each
other: the later save raises :class:`StaleVersion`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record
from app.enrollment.models import (
    DRAFT,
    NOT_ELIGIBLE,
    NOT_NEEDED,
    PAPER,
    PENDING,
    SIBLING,
    SUBMITTED,
    VERIFIED,
    WITHDRAWN,
    Application,
    Choice,
    Claim,
    Cycle,
    CycleProgram,
    DraftStash,
    GradeSeats,
    PriorityRule,
)
from app.extensions import db
from app.notifications.services import notify
from app.schools.grades import grade_label, short_grade
from app.schools.models import Program, School
from app.schools.search import normalize
from app.timeutil import DISTRICT_TZ, to_district, utcnow

# --- errors -----------------------------------------------------------------------------------


class EnrollmentError(Exception):
    """A rule refused the operation; ``message`` says why, in words for the person acting."""

    message = _l("This could not be saved.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class StaleVersion(EnrollmentError):
    """Someone (another tab, another device) saved the application after this form was shown."""

    message = _l(
        "This application was changed in another window or on another device after you "
        "opened this page, so we did not save over it. What you typed is still here: check "
        "it against the saved application below, then save again."
    )


class Locked(EnrollmentError):
    """The application's deadline has passed, or it was withdrawn."""


class CycleClosed(EnrollmentError):
    message = _l("Applications are not being accepted now.")


class NotEligible(EnrollmentError):
    """The child's grade is not one the program takes."""


class TooManyChoices(EnrollmentError):
    pass


class AlreadyChosen(EnrollmentError):
    message = _l("This program is already on the list.")


class LastChoice(EnrollmentError):
    message = _l(
        "A submitted application needs at least one choice. To cancel the application, "
        "withdraw it instead."
    )


class NotReady(EnrollmentError):
    """The application cannot be submitted yet; ``problems`` lists why."""

    def __init__(self, problems: list):
        self.problems = problems
        super().__init__(problems[0])


class GradeConflict(EnrollmentError):
    """A new grade would make choices of a submitted application ineligible."""


# --- time -------------------------------------------------------------------------------------

UPCOMING = "upcoming"
ON_TIME = "on_time"
LATE = "late"
CLOSED = "closed"
RESULTS = "results"


def from_district(local: datetime) -> datetime:
    """A wall-clock time in Los Angeles (naive) as naive UTC, the form every table stores."""
    return local.replace(tzinfo=DISTRICT_TZ).astimezone(UTC).replace(tzinfo=None)


def phase(cycle: Cycle, now: datetime | None = None) -> str:
    """Where ``cycle`` stands at ``now``: upcoming, on_time, late, closed or results."""
    now = now or utcnow()
    if now < cycle.opens_at:
        return UPCOMING
    if now < cycle.on_time_closes_at:
        return ON_TIME
    if now < cycle.late_closes_at:
        return LATE
    if now < cycle.results_at:
        return CLOSED
    return RESULTS


def accepting(cycle: Cycle, now: datetime | None = None) -> bool:
    return phase(cycle, now) in (ON_TIME, LATE)


def current_cycle(now: datetime | None = None) -> Cycle | None:
    """The cycle families deal with now: the open one, else the next, else the latest."""
    now = now or utcnow()
    open_now = db.session.scalar(
        select(Cycle)
        .where(Cycle.opens_at <= now, Cycle.late_closes_at > now)
        .order_by(Cycle.opens_at.desc())
        .limit(1)
    )
    if open_now is not None:
        return open_now
    upcoming = db.session.scalar(
        select(Cycle).where(Cycle.opens_at > now).order_by(Cycle.opens_at).limit(1)
    )
    return upcoming or db.session.scalar(select(Cycle).order_by(Cycle.opens_at.desc()).limit(1))


def edit_deadline(application: Application) -> datetime:
    """Until when the family may change the application: its window's close."""
    cycle = application.cycle
    if application.status == SUBMITTED and not application.late:
        return cycle.on_time_closes_at
    return cycle.late_closes_at


def lock_reason(application: Application, now: datetime | None = None):
    """Why the family can no longer change ``application`` (a message), or None."""
    now = now or utcnow()
    cycle = application.cycle
    if application.status == WITHDRAWN:
        return _l("This application was withdrawn, so it cannot be changed.")
    if now < cycle.opens_at:
        return _l("Applications open on %(when)s.", when=_local(cycle.opens_at))
    if now >= edit_deadline(application):
        if application.status == SUBMITTED:
            return _l(
                "The deadline for changes was %(when)s. Your application was received and "
                "is kept as you sent it; it can no longer be changed.",
                when=_local(edit_deadline(application)),
            )
        return _l(
            "The last day to apply was %(when)s. This draft was not sent and can no longer "
            "be sent.",
            when=_local(cycle.late_closes_at),
        )
    return None


def may_withdraw(application: Application, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return application.status in (DRAFT, SUBMITTED) and now < application.cycle.results_at


def _local(moment: datetime) -> str:
    return local_when(moment)


def local_when(moment: datetime) -> str:
    """A stored moment as families read it: the date and time in Los Angeles."""
    from flask_babel import format_date, format_time, gettext

    return gettext(
        "%(date)s at %(time)s (Los Angeles time)",
        date=format_date(moment, "long"),
        time=format_time(moment, "short"),
    )


def _require_editable(application: Application, now: datetime) -> None:
    reason = lock_reason(application, now)
    if reason is not None:
        raise Locked(reason)


def _check_version(application: Application, version: int | None) -> None:
    if version is None or version != application.version:
        raise StaleVersion()


def _touch(application: Application, now: datetime) -> None:
    # Every save is a new version; SQLAlchemy checks the old one in the UPDATE's WHERE.
    application.version = application.version + 1
    application.updated_at = now


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise StaleVersion() from exc


# --- programs ---------------------------------------------------------------------------------


@dataclass
class ProgramFilters:
    q: str = ""
    grade: int | None = None
    program_type: str = ""
    language: str = ""


def cycle_programs(cycle: Cycle, schools: list[str] | None = None):
    """A query of the cycle's programs by school name, with school and seats loaded; only
    those of ``schools`` (CDS codes) if given."""
    query = (
        select(CycleProgram)
        .join(Program, CycleProgram.program_id == Program.id)
        .join(School, Program.cds_code == School.cds_code)
        .where(CycleProgram.cycle_id == cycle.id)
        .options(
            joinedload(CycleProgram.program).joinedload(Program.school),
            selectinload(CycleProgram.seats),
        )
        .order_by(School.name, Program.id)
    )
    if schools is not None:
        query = query.where(Program.cds_code.in_(schools))
    return query


def find_programs(cycle: Cycle, filters: ProgramFilters):
    """A query of the cycle's programs matching ``filters``, by school name."""
    query = cycle_programs(cycle)
    for word in normalize(filters.q).split()[:8]:
        query = query.where(School.search_text.contains(word, autoescape=True))
    if filters.grade is not None:
        query = query.where(
            exists(
                select(GradeSeats.id).where(
                    GradeSeats.cycle_program_id == CycleProgram.id,
                    GradeSeats.grade == filters.grade,
                )
            )
        )
    if filters.program_type:
        query = query.where(Program.program_type == filters.program_type)
    if filters.language:
        query = query.where(
            Program.program_type == "dual_language", Program.language == filters.language
        )
    return query


def get_cycle_program(cycle_program_id: int) -> CycleProgram | None:
    """A cycle's program with its school and seats, in two queries."""
    return db.session.scalar(
        select(CycleProgram)
        .where(CycleProgram.id == cycle_program_id)
        .options(
            joinedload(CycleProgram.program).joinedload(Program.school),
            selectinload(CycleProgram.seats),
        )
    )


def cycle_program_for(cycle: Cycle, program_id: int | None) -> CycleProgram | None:
    if program_id is None:
        return None
    return db.session.scalar(
        select(CycleProgram).where(
            CycleProgram.cycle_id == cycle.id, CycleProgram.program_id == program_id
        )
    )


def ineligibility(cycle_program: CycleProgram, grade: int):
    """Why a child entering ``grade`` cannot apply to the program (a message), or None."""
    grades = cycle_program.grades
    if grade in grades:
        return None
    if not grades:
        return _l("This program takes no new students this year.")
    return _l(
        "This program takes applications for %(grades)s only, not for %(grade)s.",
        grades=grade_list(grades),
        grade=grade_label(grade),
    )


def grade_list(grades: list[int]) -> str:
    """``grades K to 5`` for a run of grades, ``grades K, 1, 6`` otherwise."""
    from flask_babel import gettext

    low, high = min(grades), max(grades)
    if low == high:
        return str(grade_label(low))
    if len(grades) == high - low + 1:
        return gettext("grades %(low)s to %(high)s", low=short_grade(low), high=short_grade(high))
    return gettext("grades %(list)s", list=", ".join(short_grade(g) for g in grades))


# --- applications -----------------------------------------------------------------------------


@dataclass
class ChildDetails:
    first_name: str
    last_name: str
    date_of_birth: date
    grade: int
    current_school: str
    street: str
    city: str
    zip_code: str
    home_language: str
    student_id: str = ""


def _apply_details(application: Application, details: ChildDetails) -> None:
    application.child_first_name = details.first_name
    application.child_last_name = details.last_name
    application.name_key = name_key(details.first_name, details.last_name)
    application.date_of_birth = details.date_of_birth
    application.grade = details.grade
    application.current_school = details.current_school
    application.street = details.street
    application.city = details.city
    application.zip_code = details.zip_code
    application.home_language = details.home_language
    application.student_id = details.student_id


def name_key(first: str, last: str) -> str:
    return " ".join(normalize(f"{first} {last}").split())[:201]


def details_of(application: Application) -> ChildDetails:
    return ChildDetails(
        first_name=application.child_first_name,
        last_name=application.child_last_name,
        date_of_birth=application.date_of_birth,
        grade=application.grade,
        current_school=application.current_school,
        street=application.street,
        city=application.city,
        zip_code=application.zip_code,
        home_language=application.home_language,
        student_id=application.student_id,
    )


def start_application(
    user, cycle: Cycle, details: ChildDetails, client_token: str, now: datetime | None = None
) -> Application:
    """A new draft for a child; the same ``client_token`` again returns the same draft.

    :raises CycleClosed:
    """
    now = now or utcnow()
    existing = _by_client_token(user.id, client_token)
    if existing is not None:
        return existing
    if not accepting(cycle, now):
        raise CycleClosed()
    application = Application(
        cycle=cycle,
        user_id=user.id,
        client_token=client_token or None,
        created_at=now,
        updated_at=now,
    )
    _apply_details(application, details)
    db.session.add(application)
    try:
        db.session.flush()
    except IntegrityError:
        # The same form arrived twice at once and the other request created the draft.
        # Nothing else was written in this request, so the whole transaction can go.
        db.session.rollback()
        return _by_client_token(user.id, client_token)
    return application


def _by_client_token(user_id: int, token: str) -> Application | None:
    if not token:
        return None
    return db.session.scalar(
        select(Application).where(Application.user_id == user_id, Application.client_token == token)
    )


def update_child(
    application: Application, details: ChildDetails, version: int | None, now=None
) -> None:
    """:raises Locked, StaleVersion, GradeConflict:"""
    now = now or utcnow()
    _require_editable(application, now)
    _check_version(application, version)
    if application.status == SUBMITTED and details.grade != application.grade:
        blocked = [c for c in application.choices if ineligibility(c.cycle_program, details.grade)]
        if blocked:
            raise GradeConflict(
                _l(
                    "%(programs)s do not take applications for %(grade)s. Remove them from "
                    "the list first, or keep the grade as it was.",
                    programs=", ".join(choice_title(c.cycle_program) for c in blocked),
                    grade=grade_label(details.grade),
                )
            )
    _apply_details(application, details)
    _touch(application, now)
    _flush()


def choice_title(cycle_program: CycleProgram) -> str:
    from flask_babel import gettext

    from app.schools.labels import program_name

    return gettext(
        "%(program)s at %(school)s",
        program=program_name(cycle_program.program),
        school=cycle_program.program.school.name,
    )


def add_choice(
    application: Application, cycle_program: CycleProgram, version: int | None, now=None
) -> Choice:
    """Add a program at the bottom of the list.

    ``version`` may be None: appending overwrites nothing a family typed, so a page shown
    before another change may still add (the database still refuses two saves at once).

    :raises Locked, StaleVersion, TooManyChoices, AlreadyChosen, NotEligible:
    """
    now = now or utcnow()
    _require_editable(application, now)
    if version is not None:
        _check_version(application, version)
    if cycle_program.cycle_id != application.cycle_id:
        raise NotEligible(_l("This program is not part of this year's applications."))
    if any(c.cycle_program_id == cycle_program.id for c in application.choices):
        raise AlreadyChosen()
    limit = application.cycle.max_choices
    if len(application.choices) >= limit:
        raise TooManyChoices(
            lazy_ngettext(
                "You can choose up to %(num)d program. Remove it to add another.",
                "You can choose up to %(num)d programs. Remove one to add another.",
                limit,
            )
        )
    reason = ineligibility(cycle_program, application.grade)
    if reason is not None:
        raise NotEligible(reason)
    choice = Choice(
        cycle_program=cycle_program,
        rank=len(application.choices) + 1,
        eligibility=PENDING if cycle_program.eligibility_check else NOT_NEEDED,
    )
    application.choices.append(choice)
    _touch(application, now)
    _flush()
    return choice


def move_choice(
    application: Application, choice: Choice, direction: str, version: int | None, now=None
) -> None:
    """Swap ``choice`` with its neighbour ("up" towards rank 1, or "down").

    :raises Locked, StaleVersion:
    """
    now = now or utcnow()
    _require_editable(application, now)
    _check_version(application, version)
    ordered = list(application.choices)
    index = ordered.index(choice)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(ordered)
    application.choices.sort(key=lambda c: c.rank)  # the loaded list in its new order
    _touch(application, now)
    _flush()


def remove_choice(application: Application, choice: Choice, version: int | None, now=None):
    """:raises Locked, StaleVersion, LastChoice:"""
    now = now or utcnow()
    _require_editable(application, now)
    _check_version(application, version)
    if application.status == SUBMITTED and len(application.choices) == 1:
        raise LastChoice()
    application.choices.remove(choice)
    _renumber(application.choices)
    _touch(application, now)
    _flush()


def _renumber(choices: Iterable[Choice]) -> None:
    for rank, choice in enumerate(choices, start=1):
        choice.rank = rank


@dataclass
class ClaimInput:
    """What a family claims for one choice."""

    kinds: set[str] = field(default_factory=set)
    sibling_name: str = ""
    sibling_student_id: str = ""


def save_claims(
    application: Application, claims: dict[int, ClaimInput], version: int | None, now=None
) -> None:
    """Set each choice's claims to exactly ``claims[choice.id]``.

    A changed sibling's name or ID goes back to "waiting for verification".

    :raises Locked, StaleVersion:
    """
    now = now or utcnow()
    _require_editable(application, now)
    _check_version(application, version)
    accepted = {rule.kind for rule in application.cycle.rules if rule.active}
    for choice in application.choices:
        wanted = claims.get(choice.id, ClaimInput())
        kinds = wanted.kinds & accepted
        for claim in list(choice.claims):
            if claim.kind not in kinds:
                choice.claims.remove(claim)
        for kind in sorted(kinds):
            claim = choice.claim(kind)
            if claim is None:
                claim = Claim(kind=kind, created_at=now)
                choice.claims.append(claim)
            if kind == SIBLING and (
                claim.sibling_name != wanted.sibling_name
                or claim.sibling_student_id != wanted.sibling_student_id
            ):
                claim.sibling_name = wanted.sibling_name
                claim.sibling_student_id = wanted.sibling_student_id
                _reopen(claim)
    _touch(application, now)
    _flush()


def _reopen(claim: Claim) -> None:
    claim.status = Claim.CLAIMED
    claim.reason = ""
    claim.note = ""
    claim.decided_by_id = None
    claim.decided_at = None


def submission_problems(application: Application, now=None) -> list:
    """What stops ``application`` from being submitted now, as messages (empty: nothing)."""
    now = now or utcnow()
    reason = lock_reason(application, now)
    if reason is not None:
        return [reason]
    problems = []
    if not application.choices:
        problems.append(_l("Choose at least one program."))
    for choice in application.choices:
        why = ineligibility(choice.cycle_program, application.grade)
        if why is not None:
            problems.append(
                _l(
                    "%(program)s: %(reason)s Remove it from the list.",
                    program=choice_title(choice.cycle_program),
                    reason=why,
                )
            )
    return problems


def lock_application(application_id: int, user_id: int) -> bool:
    """Lock the family's application row until the transaction ends (PostgreSQL), so
    concurrent submissions of it queue up and each sees the one before. False: not theirs."""
    locked = db.session.scalar(
        select(Application.id)
        .where(Application.id == application_id, Application.user_id == user_id)
        .with_for_update()
    )
    return locked is not None


def submit(application: Application, token: str, version: int | None, now=None, actor=None) -> bool:
    """Send the application. Returns False when this ``token`` already sent it (a double
    click, a retry), True when this call sent or re-sent it.

    The first submission fixes ``submitted_at``, ``late`` and the confirmation number; a
    later one (after changes, before the deadline) keeps them and confirms again by email.
    Lock the row first (:func:`lock_application`) so concurrent submissions queue up.

    :raises Locked, StaleVersion, NotReady:
    """
    now = now or utcnow()
    if token and application.submission_token == token and application.status == SUBMITTED:
        return False
    _check_version(application, version)
    problems = submission_problems(application, now)
    if problems:
        raise NotReady(problems)
    first = application.submitted_at is None
    if first:
        application.submitted_at = now
        application.late = now >= application.cycle.on_time_closes_at
        application.confirmation_number = _new_confirmation_number(application.cycle)
    application.status = SUBMITTED
    application.submission_token = token or None
    _touch(application, now)
    _flush()
    _confirm_by_email(application, first)
    if actor is not None:
        record(
            "enrollment.submit", target_type="application", target_id=application.id, actor=actor
        )
    return True


CONFIRMATION_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def _new_confirmation_number(cycle: Cycle) -> str:
    """``UE27-K3M9-QT4A``: the cycle's year, then 8 characters no one misreads."""
    for _ in range(10):
        body = "".join(secrets.choice(CONFIRMATION_ALPHABET) for _ in range(8))
        number = f"UE{cycle.school_year[2:4]}-{body[:4]}-{body[4:]}"
        taken = db.session.scalar(
            select(Application.id).where(Application.confirmation_number == number)
        )
        if taken is None:
            return number
    raise RuntimeError("no free confirmation number")  # pragma: no cover


def recipient(application: Application) -> tuple[str, str] | None:
    """Where and in which language to write to the family, or None (no email known)."""
    if application.user is not None:
        return application.user.email, application.user.locale
    if application.contact_email:
        return application.contact_email, application.contact_locale
    return None


def _confirm_by_email(application: Application, first: bool) -> None:
    to = recipient(application)
    if to is not None:
        notify(to[0], "enrollment_submitted", to[1], application=application, first=first)


def withdraw(application: Application, version: int | None, now=None, actor=None) -> None:
    """:raises Locked, StaleVersion:"""
    now = now or utcnow()
    if not may_withdraw(application, now):
        raise Locked(_l("This application can no longer be withdrawn."))
    _check_version(application, version)
    was = application.status
    application.status = WITHDRAWN
    application.withdrawn_at = now
    _touch(application, now)
    _flush()
    to = recipient(application)
    if was == SUBMITTED and to is not None:
        notify(to[0], "enrollment_withdrawn", to[1], application=application)
    if actor is not None:
        record(
            "enrollment.withdraw", target_type="application", target_id=application.id, actor=actor
        )


def family_applications(user_id: int) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.user_id == user_id)
            .options(selectinload(Application.choices))
            .order_by(Application.created_at, Application.id)
        )
    )


def owned_application(
    application_id: int, user_id: int, claims: bool = True
) -> Application | None:
    """The application if it belongs to the account ``user_id``; otherwise None.

    Loads what its pages show in three queries (two without ``claims``).
    """
    program = joinedload(Choice.cycle_program).options(
        joinedload(CycleProgram.program).joinedload(Program.school),
        selectinload(CycleProgram.seats),
    )
    choices = joinedload(Application.choices).options(
        program, *([selectinload(Choice.claims)] if claims else [])
    )
    application = (
        db.session.scalars(
            select(Application)
            .where(Application.id == application_id)
            .options(joinedload(Application.cycle), choices)
        )
        .unique()
        .first()
    )
    if application is None or application.user_id != user_id:
        return None
    return application


# --- priority (for the selection run) ---------------------------------------------------------


def choice_priority(choice: Choice, rules: Iterable[PriorityRule]) -> tuple[int, int]:
    """``(tier, points)`` of a choice from its verified claims and the cycle's active rules.

    Without a verified claim in a tier, a choice is in the tier after the last one.
    """
    active = {rule.kind: rule for rule in rules if rule.active}
    default_tier = max((rule.tier for rule in active.values()), default=-1) + 1
    verified = [active[c.kind] for c in choice.claims if c.status == VERIFIED and c.kind in active]
    tier = min((rule.tier for rule in verified), default=default_tier)
    return tier, sum(rule.points for rule in verified)


# --- signed-out drafts ------------------------------------------------------------------------

STASH_LIFETIME = timedelta(days=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def stash_form(endpoint: str, application_id: int | None, data: dict) -> str:
    """Keep what was typed; returns the token the browser keeps to get it back."""
    db.session.execute(delete(DraftStash).where(DraftStash.created_at < utcnow() - STASH_LIFETIME))
    token = secrets.token_urlsafe(24)
    db.session.add(
        DraftStash(
            token_hash=_hash(token), endpoint=endpoint, application_id=application_id, data=data
        )
    )
    db.session.flush()
    return token


def take_stash(token: str | None, endpoint: str, application_id: int | None) -> dict | None:
    """The stashed form for this form and application (removed once taken), or None."""
    if not token:
        return None
    stash = db.session.scalar(select(DraftStash).where(DraftStash.token_hash == _hash(token)))
    if stash is None or utcnow() - stash.created_at > STASH_LIFETIME:
        return None
    if stash.endpoint != endpoint or stash.application_id != application_id:
        return None
    db.session.delete(stash)
    db.session.flush()
    return stash.data


# --- staff: cycles, programs, seats, rules ----------------------------------------------------

CYCLE_DATES = ("opens_at", "on_time_closes_at", "late_closes_at", "results_at", "respond_by")


@dataclass
class CycleFields:
    school_year: str
    opens_at: datetime
    on_time_closes_at: datetime
    late_closes_at: datetime
    results_at: datetime
    respond_by: datetime
    waitlist_policy: str
    max_choices: int = 12


def _cycle_snapshot(cycle: Cycle) -> dict:
    values = {name: getattr(cycle, name).isoformat() for name in CYCLE_DATES}
    values.update(waitlist_policy=cycle.waitlist_policy, max_choices=cycle.max_choices)
    return values


def save_cycle(cycle: Cycle | None, fields: CycleFields, actor) -> Cycle:
    """Create or change a cycle; the change is audited."""
    before = _cycle_snapshot(cycle) if cycle is not None else None
    if cycle is None:
        cycle = Cycle(school_year=fields.school_year)
        db.session.add(cycle)
    for name in (*CYCLE_DATES, "waitlist_policy", "max_choices", "school_year"):
        setattr(cycle, name, getattr(fields, name))
    db.session.flush()
    record(
        "enrollment.cycle_saved",
        target_type="enrollment_cycle",
        target_id=cycle.id,
        before=before,
        after=_cycle_snapshot(cycle),
        actor=actor,
    )
    return cycle


WINDOWS = {"on_time": "on_time_closes_at", "late": "late_closes_at"}


def extend_window(cycle: Cycle, window: str, closes_at: datetime, reason: str, actor) -> None:
    """Move a window's close later (never earlier); audited with the reason.

    :raises EnrollmentError: the new close is not later, or passes the next date.
    """
    column = WINDOWS[window]
    current = getattr(cycle, column)
    if closes_at <= current:
        raise EnrollmentError(_l("An extension must end later than the window ends now."))
    if window == "on_time" and closes_at > cycle.late_closes_at:
        raise EnrollmentError(_l("The on-time window cannot end after the late window."))
    if window == "late" and closes_at > cycle.results_at:
        raise EnrollmentError(_l("The late window cannot end after results are released."))
    setattr(cycle, column, closes_at)
    db.session.flush()
    record(
        "enrollment.window_extended",
        target_type="enrollment_cycle",
        target_id=cycle.id,
        before={column: current.isoformat()},
        after={column: closes_at.isoformat(), "reason": reason},
        actor=actor,
    )


def add_program(cycle: Cycle, program: Program, check: str, actor) -> CycleProgram:
    """Open ``program`` in ``cycle`` with no seats yet (or return it if already there)."""
    existing = cycle_program_for(cycle, program.id)
    if existing is not None:
        return existing
    cycle_program = CycleProgram(cycle=cycle, program=program, eligibility_check=check)
    db.session.add(cycle_program)
    db.session.flush()
    record(
        "enrollment.program_added",
        target_type="enrollment_cycle_program",
        target_id=cycle_program.id,
        after={"program_id": program.id, "check": check},
        actor=actor,
    )
    return cycle_program


def set_seats(cycle_program: CycleProgram, seats: dict[int, int | None], check: str, actor):
    """Seats per grade (None: the grade is not open) and the eligibility check; audited."""
    before = {
        "seats": {str(r.grade): r.seats for r in cycle_program.seats},
        "check": cycle_program.eligibility_check,
    }
    rows = {row.grade: row for row in cycle_program.seats}
    for grade, count in seats.items():
        row = rows.get(grade)
        if count is None and row is not None:
            cycle_program.seats.remove(row)
        elif count is not None and row is None:
            cycle_program.seats.append(GradeSeats(grade=grade, seats=count))
        elif count is not None:
            row.seats = count
    cycle_program.eligibility_check = check
    db.session.flush()
    after = {
        "seats": {str(g): c for g, c in sorted(seats.items()) if c is not None},
        "check": check,
    }
    record(
        "enrollment.seats_saved",
        target_type="enrollment_cycle_program",
        target_id=cycle_program.id,
        before=before,
        after=after,
        actor=actor,
    )


def save_rules(cycle: Cycle, rules: dict[str, tuple[bool, int, int]], actor) -> None:
    """Each claim kind's (active, tier, points) in ``cycle``; audited."""
    existing = {rule.kind: rule for rule in cycle.rules}
    before = {k: [r.active, r.tier, r.points] for k, r in existing.items()}
    for kind, (active, tier, points) in rules.items():
        rule = existing.get(kind)
        if rule is None:
            rule = PriorityRule(kind=kind)
            cycle.rules.append(rule)
        rule.active, rule.tier, rule.points = active, tier, points
    db.session.flush()
    record(
        "enrollment.rules_saved",
        target_type="enrollment_cycle",
        target_id=cycle.id,
        before=before,
        after={k: list(v) for k, v in rules.items()},
        actor=actor,
    )


# --- staff: reviewing applications ------------------------------------------------------------


@dataclass
class StaffFilters:
    q: str = ""
    status: str = ""
    grade: int | None = None
    cds_code: str = ""
    program_type: str = ""
    late: str = ""  # "", "on_time", "late"
    source: str = ""
    claims: str = ""  # "", "pending"
    duplicates: bool = False


def staff_query(cycle: Cycle, filters: StaffFilters, schools: list[str] | None = None):
    """Applications of ``cycle`` matching ``filters``; ``schools`` limits them to applications
    with a choice at those schools (school staff), None means all (the office)."""
    query = (
        select(Application)
        .where(Application.cycle_id == cycle.id)
        .options(
            selectinload(Application.choices)
            .joinedload(Choice.cycle_program)
            .joinedload(CycleProgram.program)
            .joinedload(Program.school),
            selectinload(Application.choices).selectinload(Choice.claims),
        )
        .order_by(Application.child_last_name, Application.child_first_name, Application.id)
    )
    if schools is not None:
        query = query.where(Application.status != DRAFT)
        query = query.where(_has_choice(Program.cds_code.in_(schools)))
    if filters.q:
        text = filters.q.strip()
        words = normalize(text).split()[:6]
        match = Application.confirmation_number == text.upper()
        if words:
            name = Application.name_key.contains(words[0], autoescape=True)
            for word in words[1:]:
                name = name & Application.name_key.contains(word, autoescape=True)
            match = match | name
        query = query.where(match)
    if filters.status:
        query = query.where(Application.status == filters.status)
    if filters.grade is not None:
        query = query.where(Application.grade == filters.grade)
    if filters.cds_code:
        query = query.where(_has_choice(Program.cds_code == filters.cds_code))
    if filters.program_type:
        query = query.where(_has_choice(Program.program_type == filters.program_type))
    if filters.late:
        query = query.where(Application.late.is_(filters.late == "late"))
    if filters.source:
        query = query.where(Application.source == filters.source)
    if filters.claims == "pending":
        query = query.where(
            exists(
                select(Claim.id)
                .join(Choice, Claim.choice_id == Choice.id)
                .where(Choice.application_id == Application.id, Claim.status == Claim.CLAIMED)
            )
        )
    if filters.duplicates:
        query = query.where(Application.id.in_(duplicate_ids(cycle)))
    return query


def _has_choice(condition):
    return exists(
        select(Choice.id)
        .join(CycleProgram, Choice.cycle_program_id == CycleProgram.id)
        .join(Program, CycleProgram.program_id == Program.id)
        .where(Choice.application_id == Application.id, condition)
    )


def visible_choices(application: Application, schools: list[str] | None) -> list[Choice]:
    """The choices a staff member may see: all for the office, their schools' for school staff."""
    if schools is None:
        return list(application.choices)
    return [c for c in application.choices if c.cycle_program.program.cds_code in schools]


def possible_duplicates(cycle: Cycle) -> list[list[Application]]:
    """Groups of submitted applications with the same child name and date of birth that
    staff have not yet reviewed (each group has at least two)."""
    keys = db.session.execute(
        select(Application.name_key, Application.date_of_birth)
        .where(Application.cycle_id == cycle.id, Application.status == SUBMITTED)
        .group_by(Application.name_key, Application.date_of_birth)
        .having(func.count() > 1)
    ).all()
    groups = []
    for key, born in keys:
        members = list(
            db.session.scalars(
                select(Application)
                .where(
                    Application.cycle_id == cycle.id,
                    Application.status == SUBMITTED,
                    Application.name_key == key,
                    Application.date_of_birth == born,
                )
                .order_by(Application.submitted_at, Application.id)
            )
        )
        if any(member.duplicate_cleared_at is None for member in members):
            groups.append(members)
    return groups


def duplicate_ids(cycle: Cycle) -> set[int]:
    return {member.id for group in possible_duplicates(cycle) for member in group}


def clear_duplicates(applications: list[Application], actor) -> None:
    """Staff checked these applications: they are different children."""
    now = utcnow()
    for application in applications:
        application.duplicate_cleared_at = now
        application.duplicate_cleared_by_id = actor.id
    db.session.flush()
    record(
        "enrollment.duplicates_cleared",
        target_type="application",
        target_id=",".join(str(a.id) for a in applications)[:64],
        actor=actor,
    )


def decide_claim(claim: Claim, verified: bool, reason: str, note: str, actor) -> None:
    """Verify or reject a claim; a rejection needs a ``reason`` (a REJECTION_REASONS key).

    The family is told by email, in its language.
    """
    if not verified and not reason:
        raise EnrollmentError(_l("Choose the reason the claim is not accepted."))
    before = {"status": claim.status, "reason": claim.reason}
    claim.status = Claim.VERIFIED if verified else Claim.REJECTED
    claim.reason = "" if verified else reason
    claim.note = note
    claim.decided_by_id = actor.id
    claim.decided_at = utcnow()
    db.session.flush()
    record(
        "enrollment.claim_decided",
        target_type="enrollment_claim",
        target_id=claim.id,
        before=before,
        after={"status": claim.status, "reason": claim.reason},
        actor=actor,
    )
    application = claim.choice.application
    to = recipient(application)
    if to is not None:
        notify(to[0], "enrollment_claim_decision", to[1], application=application, claim=claim)


def decide_eligibility(choice: Choice, eligible: bool, actor) -> None:
    before = choice.eligibility
    choice.eligibility = VERIFIED if eligible else NOT_ELIGIBLE
    choice.eligibility_decided_by_id = actor.id
    choice.eligibility_decided_at = utcnow()
    db.session.flush()
    record(
        "enrollment.eligibility_decided",
        target_type="enrollment_choice",
        target_id=choice.id,
        before={"eligibility": before},
        after={"eligibility": choice.eligibility},
        actor=actor,
    )


@dataclass
class PaperChoice:
    cycle_program: CycleProgram
    claims: ClaimInput


@dataclass
class Contact:
    name: str
    email: str
    phone: str
    locale: str


def enter_paper_application(
    cycle: Cycle,
    details: ChildDetails,
    contact: Contact,
    choices: list[PaperChoice],
    actor,
    now=None,
) -> Application:
    """A paper application, submitted at once, marked as paper and with the staff member.

    :raises CycleClosed, NotReady:
    """
    now = now or utcnow()
    if not accepting(cycle, now):
        raise CycleClosed()
    application = Application(
        cycle=cycle,
        source=PAPER,
        entered_by_id=actor.id,
        created_at=now,
        updated_at=now,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        contact_locale=contact.locale,
    )
    _apply_details(application, details)
    accepted = {rule.kind for rule in cycle.rules if rule.active}
    for rank, item in enumerate(choices, start=1):
        choice = Choice(
            cycle_program=item.cycle_program,
            rank=rank,
            eligibility=PENDING if item.cycle_program.eligibility_check else NOT_NEEDED,
        )
        for kind in sorted(item.claims.kinds & accepted):
            claim = Claim(kind=kind, created_at=now)
            if kind == SIBLING:
                claim.sibling_name = item.claims.sibling_name
                claim.sibling_student_id = item.claims.sibling_student_id
            choice.claims.append(claim)
        application.choices.append(choice)
    db.session.add(application)
    db.session.flush()
    submit(application, secrets.token_hex(16), application.version, now)
    record(
        "enrollment.paper_entered",
        target_type="application",
        target_id=application.id,
        after={"confirmation_number": application.confirmation_number},
        actor=actor,
    )
    return application


# --- staff: demand report ---------------------------------------------------------------------

RANK_BANDS = (1, 2, 3)  # then "4 or lower"


@dataclass
class DemandRow:
    cycle_program: CycleProgram
    grade: int
    seats: int
    by_rank: dict[int, int]  # 1, 2, 3, and 4 for "4 or lower"

    @property
    def total(self) -> int:
        return sum(self.by_rank.values())

    @property
    def first_choice(self) -> int:
        return self.by_rank.get(1, 0)


def demand_report(cycle: Cycle, schools: list[str] | None = None) -> list[DemandRow]:
    """Submitted applicants per program and grade, by the rank they gave it, against seats."""
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    rows = db.session.execute(
        select(Choice.cycle_program_id, Application.grade, Choice.rank)
        .join(Application, Choice.application_id == Application.id)
        .where(Application.cycle_id == cycle.id, Application.status == SUBMITTED)
    ).all()
    for cycle_program_id, grade, rank in rows:
        counts[(cycle_program_id, grade)][min(rank, 4)] += 1
    programs = db.session.scalars(cycle_programs(cycle, schools)).unique()
    report = []
    for cycle_program in programs:
        for row in cycle_program.seats:
            found = counts.get((cycle_program.id, row.grade), Counter())
            report.append(DemandRow(cycle_program, row.grade, row.seats, dict(found)))
    return report


# --- display helpers --------------------------------------------------------------------------


def window_summary(cycle: Cycle) -> dict[str, datetime]:
    return {name: getattr(cycle, name) for name in CYCLE_DATES}


def district_today() -> date:
    return to_district(utcnow()).date()
