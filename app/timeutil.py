"""Time in one place: stored in UTC, shown and enforced in the district's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

DISTRICT_TZ = ZoneInfo("America/Los_Angeles")


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (the form every table stores)."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_district(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as an aware datetime in Los Angeles."""
    return moment.replace(tzinfo=UTC).astimezone(DISTRICT_TZ)
