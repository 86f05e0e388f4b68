"""Finding offerings: the catalog's filters and search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, exists, func, or_, select

from app.academy.models import (
    PUBLISHED,
    VIDEO,
    AcademySession,
    Offering,
    OfferingLanguage,
    OfferingText,
    Registration,
)
from app.extensions import db
from app.timeutil import DISTRICT_TZ, to_district, utcnow


@dataclass
class Filters:
    q: str = ""
    kind: str = ""
    topic: str = ""
    lang: str = ""
    format: str = ""
    month: tuple[int, int] | None = None


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """A Los Angeles calendar month as a naive-UTC [start, end) range."""
    start = datetime(year, month, 1, tzinfo=DISTRICT_TZ)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=DISTRICT_TZ)
    return (
        start.astimezone(UTC).replace(tzinfo=None),
        end.astimezone(UTC).replace(tzinfo=None),
    )


def search(filters: Filters, lang_code: str, now: datetime | None = None) -> Select:
    """Published offerings matching ``filters``, soonest first; on-demand videos last.

    Without a month, offerings that are over are left out.
    """
    now = now or utcnow()
    session = AcademySession
    live = session.cancelled_at.is_(None)
    if filters.month:
        start, end = month_bounds(*filters.month)
        window = (session.starts_at >= start, session.starts_at < end)
    else:
        window = (session.ends_at > now,)
    in_window = select(session.offering_id).where(live, *window)
    query = select(Offering).where(Offering.status == PUBLISHED)
    if filters.month:
        query = query.where(Offering.id.in_(in_window))
    else:
        query = query.where(or_(Offering.kind == VIDEO, Offering.id.in_(in_window)))
    for name in ("kind", "topic", "format"):
        if getattr(filters, name):
            query = query.where(getattr(Offering, name) == getattr(filters, name))
    if filters.lang:
        query = query.where(
            Offering.id.in_(
                select(OfferingLanguage.offering_id).where(OfferingLanguage.code == filters.lang)
            )
        )
    if filters.q:
        needle = filters.q.lower()
        query = query.where(
            exists().where(
                OfferingText.offering_id == Offering.id,
                OfferingText.locale.in_({lang_code, "en"}),
                or_(
                    func.lower(OfferingText.title).contains(needle, autoescape=True),
                    func.lower(OfferingText.description).contains(needle, autoescape=True),
                ),
            )
        )
    next_start = (
        select(func.min(session.starts_at))
        .where(session.offering_id == Offering.id, live, *window)
        .scalar_subquery()
    )
    return query.order_by(next_start.is_(None), next_start, Offering.id)


def months_with_sessions(now: datetime | None = None) -> list[tuple[int, int]]:
    """Months (Los Angeles time) with a published session, from a year ago on."""
    now = now or utcnow()
    since = now - timedelta(days=365)
    starts = db.session.scalars(
        select(AcademySession.starts_at)
        .join(Offering)
        .where(
            Offering.status == PUBLISHED,
            AcademySession.cancelled_at.is_(None),
            AcademySession.starts_at >= since,
        )
    )
    return sorted({(local.year, local.month) for local in map(to_district, starts)})


def seat_counts(offering_ids: list[int]) -> dict[int, int]:
    """Seats taken per offering, in one query."""
    if not offering_ids:
        return {}
    rows = db.session.execute(
        select(Registration.offering_id, func.count())
        .where(
            Registration.offering_id.in_(offering_ids),
            Registration.status == Registration.REGISTERED,
        )
        .group_by(Registration.offering_id)
    )
    return dict(rows.all())
