"""The academy's figures against the district's targets, for one school year (July to June)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.academy.models import (
    PUBLISHED,
    WEBINAR,
    AcademySession,
    Attendance,
    Offering,
    Registration,
)
from app.extensions import db
from app.timeutil import DISTRICT_TZ, to_district, utcnow

WEBINAR_TARGET = 300
GRADUATE_TARGET = 1000


def school_year_of(moment: datetime) -> int:
    """The school year a naive-UTC moment falls in, named by the year it starts."""
    local = to_district(moment)
    return local.year if local.month >= 7 else local.year - 1


def school_year_bounds(year: int) -> tuple[datetime, datetime]:
    start = datetime(year, 7, 1, tzinfo=DISTRICT_TZ).astimezone(UTC).replace(tzinfo=None)
    end = datetime(year + 1, 7, 1, tzinfo=DISTRICT_TZ).astimezone(UTC).replace(tzinfo=None)
    return start, end


@dataclass
class WebinarRow:
    offering: Offering
    starts_at: datetime
    registered: int
    participants: int | None  # None: attendance was not taken


@dataclass
class Dashboard:
    year: int
    webinars: list[WebinarRow]
    graduates: int
    by_language: list[tuple[str, int]]
    by_district: list[tuple[str | None, int]]
    zip_only: int
    not_given: int
    by_zip: list[tuple[str, int]] = field(default_factory=list)

    @property
    def counted_webinars(self) -> list[WebinarRow]:
        return [row for row in self.webinars if row.participants is not None]

    @property
    def average_participants(self) -> float | None:
        counted = self.counted_webinars
        if not counted:
            return None
        return sum(row.participants for row in counted) / len(counted)

    @property
    def total_registrations(self) -> int:
        return sum(count for _, count in self.by_language)


def build(year: int, now: datetime | None = None) -> Dashboard:
    start, end = school_year_bounds(year)
    return Dashboard(
        year=year,
        webinars=_webinars(start, min(end, now or utcnow())),
        graduates=_graduates(start, end),
        by_language=_registrations_by(Registration.family_language, start, end),
        by_district=_registrations_by(Registration.local_district, start, end),
        zip_only=_area_counts(start, end)[0],
        not_given=_area_counts(start, end)[1],
        by_zip=_registrations_by(Registration.zip_code, start, end, limit=10, given=True),
    )


def _webinars(start: datetime, until: datetime) -> list[WebinarRow]:
    """Webinars held in the period (their first session has started)."""
    first = (
        select(AcademySession.offering_id, func.min(AcademySession.starts_at).label("first"))
        .where(AcademySession.cancelled_at.is_(None))
        .group_by(AcademySession.offering_id)
        .subquery()
    )
    offerings = db.session.execute(
        select(Offering, first.c.first)
        .join(first, first.c.offering_id == Offering.id)
        .where(
            Offering.kind == WEBINAR,
            Offering.status == PUBLISHED,
            first.c.first >= start,
            first.c.first < until,
        )
        .order_by(first.c.first)
    ).all()
    ids = [offering.id for offering, _ in offerings]
    registered = _count_by_offering(ids, Registration.status == Registration.REGISTERED)
    taken, present = _attendance_by_offering(ids)
    return [
        WebinarRow(
            offering=offering,
            starts_at=starts_at,
            registered=registered.get(offering.id, 0),
            participants=present.get(offering.id, 0) if offering.id in taken else None,
        )
        for offering, starts_at in offerings
    ]


def _count_by_offering(ids: list[int], *conditions) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Registration.offering_id, func.count())
        .where(Registration.offering_id.in_(ids), *conditions)
        .group_by(Registration.offering_id)
    )
    return dict(rows.all())


def _attendance_by_offering(ids: list[int]) -> tuple[set[int], dict[int, int]]:
    """Offerings whose attendance was taken, and how many families attended each."""
    if not ids:
        return set(), {}
    rows = db.session.execute(
        select(
            AcademySession.offering_id,
            func.count(func.distinct(Attendance.registration_id)),
            Attendance.present,
        )
        .join(Attendance, Attendance.session_id == AcademySession.id)
        .where(AcademySession.offering_id.in_(ids), AcademySession.cancelled_at.is_(None))
        .group_by(AcademySession.offering_id, Attendance.present)
    ).all()
    taken = {offering_id for offering_id, _, _ in rows}
    present = {offering_id: count for offering_id, count, is_present in rows if is_present}
    return taken, present


def _graduates(start: datetime, end: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(Registration.completed_at >= start, Registration.completed_at < end)
    )


def _in_year(start: datetime, end: datetime):
    """Registrations (seats and waitlist places, not cancelled) made in the school year."""
    return (
        Registration.status.in_((Registration.REGISTERED, Registration.WAITLISTED)),
        Registration.created_at >= start,
        Registration.created_at < end,
    )


def _registrations_by(column, start, end, limit=None, given=False) -> list[tuple]:
    query = (
        select(column, func.count())
        .where(*_in_year(start, end))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    if given:
        query = query.where(column.is_not(None))
    if limit:
        query = query.limit(limit)
    return [tuple(row) for row in db.session.execute(query).all()]


def _area_counts(start, end) -> tuple[int, int]:
    """(ZIP code given but no local district, neither given)."""
    no_district = (*_in_year(start, end), Registration.local_district.is_(None))
    zip_only = db.session.scalar(
        select(func.count()).where(*no_district, Registration.zip_code.is_not(None))
    )
    neither = db.session.scalar(
        select(func.count()).where(*no_district, Registration.zip_code.is_(None))
    )
    return zip_only, neither


def years_available(now: datetime | None = None) -> list[int]:
    current = school_year_of(now or utcnow())
    first = db.session.scalar(select(func.min(AcademySession.starts_at)))
    earliest = school_year_of(first) if first else current
    return list(range(min(earliest, current), current + 2))
