"""Students, the guardians on their emergency cards, and the links between accounts and students.

A link code is stored only as a keyed hash (:mod:`app.portal.codes`); a failed linking attempt
is a row, so that limits hold across every app server.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow


class Student(db.Model):
    __tablename__ = "portal_students"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The 10-digit district student ID, as printed on report cards and letters.
    district_id: Mapped[str] = mapped_column(String(10), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    cds_code: Mapped[str] = mapped_column(ForeignKey("schools.cds_code"), index=True)
    # As schools count them: PK -2, TK -1, K 0, then 1 to 12.
    grade: Mapped[int] = mapped_column(index=True)
    # The home language from the Home Language Survey, an ISO 639 code ("es", "vi", "yue").
    home_language: Mapped[str] = mapped_column(String(16), default="en")
    bus_eligible: Mapped[bool] = mapped_column(Boolean, default=False)
    bus_route: Mapped[str | None] = mapped_column(String(16))
    bus_stop: Mapped[str | None] = mapped_column(String(200))
    pickup_time: Mapped[time | None] = mapped_column(Time)
    dropoff_time: Mapped[time | None] = mapped_column(Time)
    # This school year's attendance so far, as the student information system reports it.
    attendance_year: Mapped[str | None] = mapped_column(String(7))
    days_enrolled: Mapped[int | None]
    days_attended: Mapped[int | None]
    attendance_as_of: Mapped[date | None] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    school = relationship("School")
    contacts: Mapped[list[GuardianContact]] = relationship(
        back_populates="student",
        cascade="all, delete-orphan",
        order_by="GuardianContact.position",
    )
    links: Mapped[list[GuardianLink]] = relationship(
        back_populates="student",
        cascade="all, delete-orphan",
        order_by="GuardianLink.created_at",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def active_links(self) -> list[GuardianLink]:
        return [link for link in self.links if link.ended_at is None]

    @property
    def attendance_rate(self) -> float | None:
        if not self.days_enrolled or self.days_attended is None:
            return None
        return self.days_attended / self.days_enrolled

    def __repr__(self) -> str:
        return f"<Student {self.id}>"


class GuardianContact(db.Model):
    """A person on the student's emergency card."""

    __tablename__ = "portal_guardian_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("portal_students.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=1)  # order on the card
    name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(32))
    # A court order limits this person's access: never linked by code, never by request.
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)

    student: Mapped[Student] = relationship(back_populates="contacts")


class GuardianLink(db.Model):
    """An account that may see a student. Ended links are kept for the record and the trend."""

    __tablename__ = "portal_guardian_links"
    __table_args__ = (
        # At most one active link per account and student, whichever server writes it.
        Index(
            "uq_portal_guardian_links_active",
            "student_id",
            "user_id",
            unique=True,
            sqlite_where=db.text("ended_at IS NULL"),
            postgresql_where=db.text("ended_at IS NULL"),
        ),
    )

    CODE = "code"
    REQUEST = "request"
    DEMO = "demo"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("portal_students.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_guardian_contacts.id", ondelete="SET NULL")
    )
    method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # "parent", or a staff reason from app.portal.labels.END_REASONS.
    end_reason: Mapped[str | None] = mapped_column(String(32))
    end_note: Mapped[str | None] = mapped_column(String(1000))

    student: Mapped[Student] = relationship(back_populates="links")
    user = relationship("User", foreign_keys=[user_id])
    contact = relationship("GuardianContact")

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class LinkCode(db.Model):
    """A one-time code printed on a letter for one guardian contact; only its hash is kept."""

    __tablename__ = "portal_link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("portal_students.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("portal_guardian_contacts.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # A newer code for the same contact cancels this one.
    cancelled_at: Mapped[datetime | None]

    contact = relationship("GuardianContact")
    issued_by = relationship("User", foreign_keys=[issued_by_id])

    def status(self, now: datetime) -> str:
        if self.used_at:
            return "used"
        if self.cancelled_at:
            return "cancelled"
        if self.expires_at <= now:
            return "expired"
        return "active"


class FailedLinkAttempt(db.Model):
    """A wrong student ID, date of birth or code. Counted per account and per student ID."""

    __tablename__ = "portal_failed_attempts"
    __table_args__ = (
        Index("ix_portal_failed_attempts_user_time", "user_id", "created_at"),
        Index("ix_portal_failed_attempts_student_time", "student_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The student ID as typed (10 digits), whether or not such a student exists.
    student_key: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set on the attempt that reached the limit and made the school be told.
    alerted_at: Mapped[datetime | None]


class LinkRequest(db.Model):
    """A family asks to be linked without a code; school staff verify and decide."""

    __tablename__ = "portal_link_requests"

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cds_code: Mapped[str] = mapped_column(ForeignKey("schools.cds_code"), index=True)
    # The student the typed details match at that school, if any (staff may correct it).
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_students.id", ondelete="SET NULL"), index=True
    )
    typed_student_id: Mapped[str] = mapped_column(String(10), default="")
    student_first_name: Mapped[str] = mapped_column(String(100))
    student_last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    requester_name: Mapped[str] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(32))
    phone: Mapped[str] = mapped_column(String(32), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    deny_reason: Mapped[str | None] = mapped_column(String(32))
    staff_note: Mapped[str] = mapped_column(Text, default="")
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("portal_guardian_links.id", ondelete="SET NULL")
    )

    user = relationship("User", foreign_keys=[user_id])
    school = relationship("School")
    student = relationship("Student")
    decided_by = relationship("User", foreign_keys=[decided_by_id])
