"""Academy fixtures: offerings made directly in the database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.academy import texts
from app.academy.models import (
    INSTRUCTION,
    INTERPRETATION,
    AcademySession,
    Offering,
    OfferingLanguage,
    Registration,
)
from app.content import services as content
from app.extensions import db as _db
from app.notifications.models import OutboxMessage
from app.timeutil import DISTRICT_TZ, utcnow


def local(year, month, day, hour=18, minute=0) -> datetime:
    """A Los Angeles wall-clock time as the naive UTC that tables store."""
    from datetime import UTC

    moment = datetime(year, month, day, hour, minute, tzinfo=DISTRICT_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


@pytest.fixture
def make_offering(app):
    """Create a published offering; returns its id. Sessions are weekly from ``starts``."""

    def factory(
        slug: str = "reading-at-home",
        title: str = "Reading at home",
        kind: str = "webinar",
        topic: str = "achievement",
        capacity: int | None = 10,
        starts: datetime | None = None,
        sessions: int = 1,
        minutes: int = 90,
        status: str = "published",
        format: str = "online",
        instruction=("en",),
        interpretation=("es", "ko"),
        completion_required: int | None = None,
        translations: dict[str, str] | None = None,
        description: str = "Habits that build strong readers.",
        transcript: str = "",
    ) -> int:
        starts = starts or utcnow().replace(microsecond=0) + timedelta(days=10)
        with app.app_context():
            offering = Offering(
                slug=slug,
                kind=kind,
                topic=topic,
                capacity=capacity,
                status=status,
                format=format,
                join_url="https://meet.example.org/" + slug if format == "online" else "",
                school_name="" if format == "online" else "Demo Elementary School",
                address="" if format == "online" else "333 S Beaudry Ave, Los Angeles",
                completion_required=completion_required,
                partner="Division of Adult and Career Education",
            )
            for code in instruction:
                offering.languages.append(OfferingLanguage(role=INSTRUCTION, code=code))
            for code in interpretation:
                offering.languages.append(OfferingLanguage(role=INTERPRETATION, code=code))
            if kind == "video":
                offering.video_url = "https://video.example.org/" + slug
                offering.capacity = None
            else:
                for week in range(sessions):
                    start = _weekly(starts, week)
                    offering.sessions.append(
                        AcademySession(starts_at=start, ends_at=start + timedelta(minutes=minutes))
                    )
            _db.session.add(offering)
            _db.session.flush()
            # The words go where staff and translators put them: published content versions.
            texts.publish_english(offering, texts.fields(title, description, transcript), None)
            for locale, text in (translations or {}).items():
                publish_translation(offering.id, locale, text)
            _db.session.commit()
            return offering.id

    return factory


def publish_translation(offering_id: int, locale: str, title: str, description: str = ""):
    """A translation as a reviewer publishes it (made from the current English)."""
    version = content.save_draft(
        texts.ENTITY, str(offering_id), locale, texts.fields(title, description), None
    )
    return content.publish(version, None)


def _weekly(first: datetime, week: int) -> datetime:
    """The same Los Angeles wall-clock time ``week`` weeks later (across DST changes)."""
    from datetime import UTC

    local_first = first.replace(tzinfo=UTC).astimezone(DISTRICT_TZ)
    moment = (local_first.replace(tzinfo=None) + timedelta(weeks=week)).replace(tzinfo=DISTRICT_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


def registration_of(email: str, offering_id: int) -> Registration | None:
    from app.accounts.models import User

    return _db.session.scalar(
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(User.email == email, Registration.offering_id == offering_id)
    )


def outbox(recipient: str | None = None, template: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    if template:
        query = query.where(OutboxMessage.template == template)
    return list(_db.session.scalars(query))
