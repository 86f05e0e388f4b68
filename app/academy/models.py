"""Family Academy: offerings (webinars, pathway courses, videos), their sessions, registrations,
attendance and the reminders already queued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

WEBINAR = "webinar"
PATHWAY = "pathway"
VIDEO = "video"
KINDS = (WEBINAR, PATHWAY, VIDEO)

ONLINE = "online"
IN_PERSON = "in_person"
FORMATS = (ONLINE, IN_PERSON)

# The four webinar topics and the four Equity Pathways (run with DACE).
WEBINAR_TOPICS = ("achievement", "healthy_families", "civic", "career")
PATHWAY_TOPICS = ("multilingual", "black_families", "disabilities", "early_childhood")
TOPICS = WEBINAR_TOPICS + PATHWAY_TOPICS

GRADE_BANDS = ("all", "early", "elementary", "middle", "high")

# LAUSD's six regions.
LOCAL_DISTRICTS = ("central", "east", "northeast", "northwest", "south", "west")

DRAFT = "draft"
PUBLISHED = "published"
CANCELLED = "cancelled"

INSTRUCTION = "instruction"
INTERPRETATION = "interpretation"
CAPTIONS = "captions"


class Offering(db.Model):
    __tablename__ = "academy_offerings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key for links and the demo; never changes once published.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)
    format: Mapped[str] = mapped_column(String(16), default=ONLINE)
    join_url: Mapped[str] = mapped_column(String(500), default="")
    school_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    grade_band: Mapped[str] = mapped_column(String(16), default="all")
    partner: Mapped[str] = mapped_column(String(200), default="")
    # None: no limit (on-demand videos).
    capacity: Mapped[int | None]
    # Pathways: sessions attended to graduate (for example 6 of 8).
    completion_required: Mapped[int | None]
    video_url: Mapped[str] = mapped_column(String(500), default="")
    duration_minutes: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    texts: Mapped[list[OfferingText]] = relationship(
        back_populates="offering", cascade="all, delete-orphan", order_by="OfferingText.locale"
    )
    languages: Mapped[list[OfferingLanguage]] = relationship(
        back_populates="offering",
        cascade="all, delete-orphan",
        order_by="OfferingLanguage.role, OfferingLanguage.code",
    )
    sessions: Mapped[list[AcademySession]] = relationship(
        back_populates="offering",
        cascade="all, delete-orphan",
        order_by="AcademySession.starts_at, AcademySession.id",
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="offering", cascade="all, delete-orphan"
    )

    def text(self, locale: str) -> OfferingText | None:
        """The published title and description in ``locale``, else in English, else any."""
        by_locale = {text.locale: text for text in self.texts}
        return by_locale.get(locale) or by_locale.get("en") or next(iter(by_locale.values()), None)

    def codes(self, role: str) -> list[str]:
        return [language.code for language in self.languages if language.role == role]

    @property
    def active_sessions(self) -> list[AcademySession]:
        return [s for s in self.sessions if s.cancelled_at is None]

    @property
    def starts_at(self) -> datetime | None:
        sessions = self.active_sessions
        return sessions[0].starts_at if sessions else None

    @property
    def ends_at(self) -> datetime | None:
        sessions = self.active_sessions
        return max(s.ends_at for s in sessions) if sessions else None

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    def __repr__(self) -> str:
        return f"<Offering {self.slug}>"


class OfferingText(db.Model):
    """An offering's published words in one language, for the catalog's search and every page
    that shows a title. A copy of the newest published content version (entity type
    ``academy_offering``), written only when a version is published (:mod:`app.academy.texts`);
    the versions hold the history, drafts and review."""

    __tablename__ = "academy_offering_texts"
    __table_args__ = (UniqueConstraint("offering_id", "locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("academy_offerings.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Videos: the transcript in this language.
    transcript: Mapped[str] = mapped_column(Text, default="")

    offering: Mapped[Offering] = relationship(back_populates="texts")


class OfferingLanguage(db.Model):
    """A language an offering is taught in, interpreted into, or captioned in."""

    __tablename__ = "academy_offering_languages"
    __table_args__ = (UniqueConstraint("offering_id", "role", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("academy_offerings.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(10), index=True)

    offering: Mapped[Offering] = relationship(back_populates="languages")


class AcademySession(db.Model):
    """One meeting of an offering (a webinar has one, a pathway eight)."""

    __tablename__ = "academy_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("academy_offerings.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]

    offering: Mapped[Offering] = relationship(back_populates="sessions")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> int:
        return self.offering.sessions.index(self) + 1


class Registration(db.Model):
    """A family's place in an offering: registered, on the waitlist, or cancelled.

    One row per family and offering; registering again after cancelling reuses it.
    """

    __tablename__ = "academy_registrations"
    __table_args__ = (UniqueConstraint("offering_id", "user_id"),)

    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(
        ForeignKey("academy_offerings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # 1 is next in line; positions have no gaps.
    waitlist_position: Mapped[int | None]
    interpretation: Mapped[str | None] = mapped_column(String(10))
    # As the family wants it on a pathway's certificate (accounts hold only an email).
    participant_name: Mapped[str] = mapped_column(String(120), default="")
    # The family's interface language when they registered, for the dashboard.
    family_language: Mapped[str] = mapped_column(String(10), default="en")
    zip_code: Mapped[str | None] = mapped_column(String(5))
    local_district: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # Set when the family met the pathway's completion rule (graduated).
    completed_at: Mapped[datetime | None] = mapped_column(index=True)

    offering: Mapped[Offering] = relationship(back_populates="registrations")
    user = relationship("User")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.status in (self.REGISTERED, self.WAITLISTED)


class Attendance(db.Model):
    __tablename__ = "academy_attendance"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("academy_sessions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("academy_registrations.id", ondelete="CASCADE"), index=True
    )
    present: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    session: Mapped[AcademySession] = relationship(back_populates="attendance")
    registration: Mapped[Registration] = relationship(back_populates="attendance")


class Reminder(db.Model):
    """A reminder queued for one session and one registration; the unique pair is what keeps
    ``flask academy send-reminders`` from sending twice, however often and wherever it runs."""

    __tablename__ = "academy_reminders"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("academy_sessions.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("academy_registrations.id", ondelete="CASCADE"), index=True
    )
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
