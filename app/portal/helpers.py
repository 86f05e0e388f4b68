"""What the portal's templates use to show stored codes and numbers in the viewer's language."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import format_time
from flask_babel import lazy_gettext as _l

from app.portal.charts import percent
from app.portal.dashboard import local_district_of
from app.portal.labels import (
    DENY_REASONS,
    END_REASONS,
    LOCAL_DISTRICTS,
    RELATIONS,
    language_name,
    letter_language,
)
from app.schools.grades import grade_label
from app.timeutil import to_district


def clock(value: time | None) -> str:
    """A bus time ("7:05 AM", "07:05"): a time of day in Los Angeles, never converted."""
    return format_time(value, "short", rebase=False) if value else ""


def last_day(expires_at: datetime) -> date:
    """The last day (in Los Angeles) a code that stops at ``expires_at`` still works."""
    return to_district(expires_at - timedelta(seconds=1)).date()


def grade_rows(shares) -> list[tuple[object, object]]:
    """Dashboard rows labelled by grade ("Kindergarten", "Grade 3")."""
    return [(grade_label(int(share.key)), share) for share in shares]


def district_rows(shares) -> list[tuple[object, object]]:
    """Dashboard rows labelled by Local District; schools without one are "not assigned"."""
    return [(LOCAL_DISTRICTS.get(share.key) or _l("Not assigned"), share) for share in shares]


def local_district_label(school):
    return LOCAL_DISTRICTS.get(local_district_of(school) or "") or _l("Not assigned")


def template_helpers() -> dict:
    return {
        "grade_label": grade_label,
        "language_name": language_name,
        "letter_language": letter_language,
        "percent": percent,
        "clock": clock,
        "last_day": last_day,
        "grade_rows": grade_rows,
        "district_rows": district_rows,
        "local_district_label": local_district_label,
        "RELATIONS": RELATIONS,
        "DENY_REASONS": DENY_REASONS,
        "END_REASONS": END_REASONS,
        "LOCAL_DISTRICTS": LOCAL_DISTRICTS,
    }
