"""Unified enrollment: cycles, programs with seats per grade, families' applications.

What the selection engine (:mod:`app.enrollment.selection`) needs is here: seats per program
and grade (:class:`GradeSeats`), each application's ranked choices (:class:`Choice`) with their
priority claims (:class:`Claim`, turned into a tier and points by the cycle's
:class:`PriorityRule` rows), one lottery number per application (``lottery_number``, empty
until a run) and the cycle's waitlist policy.

Times are naive UTC (``app.timeutil.utcnow``); staff enter and families read them in
Los Angeles time.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

MAX_CHOICES = 12

# Waitlist policies, spelled as ``selection.WaitlistPolicy`` spells them.
ABOVE_OFFER = "above_offer"
FIRST_CHOICE = "first_choice"
WAITLIST_POLICIES = {
    ABOVE_OFFER: _l("Waitlisted at every choice ranked above the offer"),
    FIRST_CHOICE: _l("Waitlisted at the first choice only"),
}

# Checks some programs need before a seat can be offered.
NO_CHECK = ""
GIFTED_CHECK = "gifted"
LANGUAGE_CHECK = "language_assessment"
ELIGIBILITY_CHECKS = {
    NO_CHECK: _l("none: every applicant in a served grade is eligible"),
    GIFTED_CHECK: _l("gifted or high-achieving identification, for Schools for Advanced Studies"),
    LANGUAGE_CHECK: _l("a language assessment, for dual language"),
}

# Application states.
DRAFT = "draft"
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
STATUS_LABELS = {
    DRAFT: _l("Draft, not sent"),
    SUBMITTED: _l("Submitted"),
    WITHDRAWN: _l("Withdrawn"),
}

ONLINE = "online"
PAPER = "paper"
SOURCE_LABELS = {ONLINE: _l("Online"), PAPER: _l("Paper, entered by staff")}

# A choice's eligibility check.
NOT_NEEDED = "not_needed"
PENDING = "pending"
VERIFIED = "verified"
NOT_ELIGIBLE = "not_eligible"
ELIGIBILITY_LABELS = {
    NOT_NEEDED: _l("No check needed"),
    PENDING: _l("Pending verification"),
    VERIFIED: _l("Eligibility confirmed"),
    NOT_ELIGIBLE: _l("Not eligible"),
}

# Priority claims. Which ones a cycle accepts, and their tier and points, are the office's
# settings (:class:`PriorityRule`); the district's documents fix none of them.
SIBLING = "sibling"
MATRICULATION = "matriculation"
ATTENDANCE_AREA = "attendance_area"
STAFF_CHILD = "staff_child"
CLAIM_KINDS = {
    SIBLING: _l("A brother or sister attends this school"),
    MATRICULATION: _l("Continuing from a program that leads to this one"),
    ATTENDANCE_AREA: _l("We live in this school's attendance area"),
    STAFF_CHILD: _l("A parent works at this school"),
}
CLAIM_STATUSES = {
    "claimed": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "rejected": _l("Not accepted"),
}
# Why a claim was not accepted: chosen by staff, shown to families in their language.
REJECTION_REASONS = {
    "not_enrolled": _l("The brother or sister is not enrolled at this school."),
    "leaving": _l("The brother or sister will not attend this school next year."),
    "id_mismatch": _l("The student ID does not match the name given."),
    "no_record": _l("We found no record that supports this claim."),
    "not_applicable": _l("This priority does not apply to this program or grade."),
}

# Home languages offered on the application (LAUSD's most common), then "other".
HOME_LANGUAGES = {
    "en": _l("English"),
    "es": _l("Spanish"),
    "ko": _l("Korean"),
    "hy": _l("Armenian"),
    "zh": _l("Chinese (Mandarin or Cantonese)"),
    "vi": _l("Vietnamese"),
    "tl": _l("Tagalog or Filipino"),
    "ru": _l("Russian"),
    "fa": _l("Persian (Farsi)"),
    "ar": _l("Arabic"),
    "ja": _l("Japanese"),
    "other": _l("Another language"),
}


class Cycle(db.Model):
    """One school year's application process and its deadlines."""

    __tablename__ = "enrollment_cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_year: Mapped[str] = mapped_column(String(9), unique=True)  # "2027-28"
    opens_at: Mapped[datetime]
    on_time_closes_at: Mapped[datetime]
    late_closes_at: Mapped[datetime]
    results_at: Mapped[datetime]
    respond_by: Mapped[datetime]
    waitlist_policy: Mapped[str] = mapped_column(String(16), default=ABOVE_OFFER)
    max_choices: Mapped[int] = mapped_column(default=MAX_CHOICES)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    programs: Mapped[list[CycleProgram]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="CycleProgram.id"
    )
    rules: Mapped[list[PriorityRule]] = relationship(
        back_populates="cycle", cascade="all, delete-orphan", order_by="PriorityRule.tier"
    )

    def __repr__(self) -> str:
        return f"<Cycle {self.school_year}>"


class CycleProgram(db.Model):
    """A school's program taking applications in a cycle, with its rules and seats."""

    __tablename__ = "enrollment_cycle_programs"
    __table_args__ = (UniqueConstraint("cycle_id", "program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycles.id", ondelete="CASCADE"), index=True
    )
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    eligibility_check: Mapped[str] = mapped_column(String(32), default=NO_CHECK)

    cycle: Mapped[Cycle] = relationship(back_populates="programs")
    program = relationship("Program")
    seats: Mapped[list[GradeSeats]] = relationship(
        back_populates="cycle_program", cascade="all, delete-orphan", order_by="GradeSeats.grade"
    )

    @property
    def grades(self) -> list[int]:
        """The grades this program takes applications for in this cycle."""
        return [row.grade for row in self.seats]

    def seats_for(self, grade: int) -> int | None:
        return next((row.seats for row in self.seats if row.grade == grade), None)


class GradeSeats(db.Model):
    """Seats open in one program for one grade: the engine's unit ``f"{id}:{grade}"``."""

    __tablename__ = "enrollment_seats"
    __table_args__ = (UniqueConstraint("cycle_program_id", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_program_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycle_programs.id", ondelete="CASCADE")
    )
    grade: Mapped[int]
    seats: Mapped[int] = mapped_column(default=0)

    cycle_program: Mapped[CycleProgram] = relationship(back_populates="seats")


class PriorityRule(db.Model):
    """A priority the office accepts in a cycle: lower tier first, then more points."""

    __tablename__ = "enrollment_priority_rules"
    __table_args__ = (UniqueConstraint("cycle_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("enrollment_cycles.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    tier: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    cycle: Mapped[Cycle] = relationship(back_populates="rules")


class Application(db.Model):
    """One child's application in one cycle.

    ``version`` is checked on every save (optimistic locking): every save increments it,
    SQLAlchemy adds ``WHERE version = <read>`` to the UPDATE and raises ``StaleDataError`` when
    another request saved first; services compare the version a form was rendered with, too.
    """

    __tablename__ = "enrollment_applications"
    __table_args__ = (
        Index("ix_enrollment_applications_child", "cycle_id", "name_key", "date_of_birth"),
        UniqueConstraint("user_id", "client_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycles.id", ondelete="CASCADE"), index=True
    )
    # The family's account; empty for a paper application from a family without one.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    source: Mapped[str] = mapped_column(String(8), default=ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    child_first_name: Mapped[str] = mapped_column(String(100))
    child_last_name: Mapped[str] = mapped_column(String(100))
    # Lower-case "first last" without accents, for finding possible duplicates.
    name_key: Mapped[str] = mapped_column(String(201))
    date_of_birth: Mapped[date] = mapped_column(Date)
    grade: Mapped[int]  # the grade next school year: TK -1, K 0, 1 to 12
    current_school: Mapped[str] = mapped_column(String(200), default="")
    street: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100))
    zip_code: Mapped[str] = mapped_column(String(5))
    home_language: Mapped[str] = mapped_column(String(8))
    student_id: Mapped[str] = mapped_column(String(12), default="")
    # Paper applications: how to reach the family, and in which language.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    contact_locale: Mapped[str] = mapped_column(String(10), default="en")

    # Set once, at the first submission, and kept through later edits.
    submitted_at: Mapped[datetime | None]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmation_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    # The token of the form that submitted it: the same token again is the same submission.
    submission_token: Mapped[str | None] = mapped_column(String(64))
    # The token of the form that created it, so a double click creates one draft.
    client_token: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None]
    # Set by the selection run: one number per applicant per cycle.
    lottery_number: Mapped[int | None] = mapped_column(BigInteger)
    # Staff looked at a possible duplicate and found it is another child.
    duplicate_cleared_at: Mapped[datetime | None]
    duplicate_cleared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    cycle: Mapped[Cycle] = relationship()
    user = relationship("User", foreign_keys=[user_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    choices: Mapped[list[Choice]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="Choice.rank",
    )

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}".strip()

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status}>"


class Choice(db.Model):
    """A program the child is applied to, ranked 1 (most wanted) to 12."""

    __tablename__ = "enrollment_choices"
    __table_args__ = (UniqueConstraint("application_id", "cycle_program_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_applications.id", ondelete="CASCADE"), index=True
    )
    cycle_program_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycle_programs.id", ondelete="CASCADE"), index=True
    )
    rank: Mapped[int]
    eligibility: Mapped[str] = mapped_column(String(16), default=NOT_NEEDED)
    eligibility_decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    eligibility_decided_at: Mapped[datetime | None]

    application: Mapped[Application] = relationship(back_populates="choices")
    cycle_program: Mapped[CycleProgram] = relationship()
    claims: Mapped[list[Claim]] = relationship(
        back_populates="choice", cascade="all, delete-orphan", order_by="Claim.id"
    )

    def claim(self, kind: str) -> Claim | None:
        return next((claim for claim in self.claims if claim.kind == kind), None)


class Claim(db.Model):
    """A priority a family claims for one choice; staff verify or reject it with a reason."""

    __tablename__ = "enrollment_claims"
    __table_args__ = (UniqueConstraint("choice_id", "kind"),)

    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_choices.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    sibling_name: Mapped[str] = mapped_column(String(200), default="")
    sibling_student_id: Mapped[str] = mapped_column(String(12), default="")
    status: Mapped[str] = mapped_column(String(16), default=CLAIMED, index=True)
    reason: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    choice: Mapped[Choice] = relationship(back_populates="claims")
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class DraftStash(db.Model):
    """What a family typed into a form its expired session could not save.

    Kept until they sign in again (the browser holds the token in a cookie, which sign-in
    does not clear), then shown in the form again for them to check and save.
    """

    __tablename__ = "enrollment_draft_stashes"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[int | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# --- selection: runs, offers and waitlists ----------------------------------------------------

# Offer states. An offer is "offered" until the family answers or its deadline passes.
OFFERED = "offered"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"  # no answer by the deadline: counts as declined
RELEASED = "released"  # given up by accepting a later offer
GIVEN_UP = "given_up"  # the family withdrew from the whole process after results
OFFER_STATUSES = {
    OFFERED: _l("Waiting for your answer"),
    ACCEPTED: _l("Accepted"),
    DECLINED: _l("Declined"),
    EXPIRED: _l("Declined: no answer by the deadline"),
    RELEASED: _l("Given up for a later offer you accepted"),
    GIVEN_UP: _l("Given up when you withdrew"),
}
HOLDING = (OFFERED, ACCEPTED)  # offers that take a seat

# Where an offer came from.
FROM_LOTTERY = "lottery"
FROM_WAITLIST = "waitlist"

# Waitlist places.
WAITING = "waiting"
MOVED_UP = "offered"  # offered a seat from this waitlist
LEFT = "left"  # no longer waiting: accepted a program ranked higher, or withdrew

# Why a seat was or was not offered, from the program's last offered applicant (the cutoff).
ROOM = "room"  # fewer applicants than seats
BY_PRIORITY = "priority"  # a different priority than the cutoff decided it
BY_LOTTERY = "lottery"  # the same priority as the cutoff: lottery numbers decided it
NO_SEATS = "no_seats"  # the program has no seats at this grade


class SelectionRun(db.Model):
    """One run of the selection engine over a cycle's submitted applications.

    Every run is a dry run until the office publishes it; at most one run per cycle is
    published. The seed, the checks, the statistics and the whole result are stored, so a run
    can be shown, compared and audited later (``result``: ``lottery``, ``admitted`` and
    ``waitlists`` keyed by application id and ``f"{cycle_program_id}:{grade}"``).
    ``input_digest`` fingerprints the applications it ran on: publishing refuses a run whose
    applications have changed since.
    """

    __tablename__ = "enrollment_selection_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycles.id", ondelete="CASCADE"), index=True
    )
    seed: Mapped[str] = mapped_column(String(64))
    waitlist_policy: Mapped[str] = mapped_column(String(16))
    input_digest: Mapped[str] = mapped_column(String(64))
    applicants: Mapped[int] = mapped_column(default=0)
    # Choices left out because their eligibility check was not done or failed.
    left_out: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    checks: Mapped[dict[str, Any]] = mapped_column(JSON)
    statistics: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cycle: Mapped[Cycle] = relationship()
    created_by = relationship("User", foreign_keys=[created_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])


class Offer(db.Model):
    """A seat offered to one application at one of its choices, and the family's answer."""

    __tablename__ = "enrollment_offers"
    __table_args__ = (Index("ix_enrollment_offers_seat", "cycle_program_id", "grade", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_selection_runs.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_applications.id", ondelete="CASCADE"), index=True
    )
    choice_id: Mapped[int] = mapped_column(ForeignKey("enrollment_choices.id", ondelete="CASCADE"))
    cycle_program_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycle_programs.id", ondelete="CASCADE")
    )
    grade: Mapped[int]
    source: Mapped[str] = mapped_column(String(16), default=FROM_LOTTERY)
    basis: Mapped[str] = mapped_column(String(16))
    # The verified priorities that counted at this program, e.g. "sibling" (comma-separated).
    priorities: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=OFFERED)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    respond_by: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    application: Mapped[Application] = relationship()
    choice: Mapped[Choice] = relationship()
    cycle_program: Mapped[CycleProgram] = relationship()


class WaitlistPlace(db.Model):
    """An application waiting for a seat at one of its choices, in the program's order."""

    __tablename__ = "enrollment_waitlist"
    __table_args__ = (
        Index("ix_enrollment_waitlist_seat", "run_id", "cycle_program_id", "grade", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_selection_runs.id", ondelete="CASCADE")
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_applications.id", ondelete="CASCADE"), index=True
    )
    choice_id: Mapped[int] = mapped_column(ForeignKey("enrollment_choices.id", ondelete="CASCADE"))
    cycle_program_id: Mapped[int] = mapped_column(
        ForeignKey("enrollment_cycle_programs.id", ondelete="CASCADE")
    )
    grade: Mapped[int]
    # The program's order: tier ascending, points descending, lottery number ascending.
    tier: Mapped[int]
    points: Mapped[int]
    lottery_number: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(String(16))
    priorities: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=WAITING)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship()
    choice: Mapped[Choice] = relationship()
    cycle_program: Mapped[CycleProgram] = relationship()
