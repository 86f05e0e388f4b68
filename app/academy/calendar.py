"""Calendar files (.ics) that phones add to their calendar, in the district's time zone."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.academy.models import ONLINE, Registration
from app.timeutil import to_district, utcnow
from app.web import external_url


def registration_calendar(registration: Registration, lang_code: str) -> bytes:
    """Every session of the offering (all eight for a pathway) as events in one calendar.

    Times carry ``TZID=America/Los_Angeles`` with its VTIMEZONE, so a 6:00 pm session stays
    6:00 pm on both sides of a daylight-saving change. The join link is included: only the
    family holding the seat downloads this file.
    """
    offering = registration.offering
    text = offering.text(lang_code)
    title = text.title if text else offering.slug
    page = external_url("academy.offering", lang_code=lang_code, slug=offering.slug)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "families"

    calendar = Calendar()
    calendar.add("prodid", "-//LAUSD Families//Family Academy//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    sessions = offering.sessions
    stamp = utcnow().replace(tzinfo=UTC)
    for number, session in enumerate(sessions, start=1):
        event = Event()
        event.add("uid", f"academy-session-{session.id}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", to_district(session.starts_at))
        event.add("dtend", to_district(session.ends_at))
        if len(sessions) > 1:
            summary = _(
                "%(title)s (session %(number)d of %(count)d)",
                title=title,
                number=number,
                count=len(sessions),
            )
        else:
            summary = title
        event.add("summary", summary)
        event.add("description", _description(offering, page))
        event.add(
            "location",
            offering.join_url
            if offering.format == ONLINE
            else ", ".join(p for p in (offering.school_name, offering.address) if p),
        )
        event.add("url", page)
        if session.cancelled_at is not None or offering.cancelled_at is not None:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _description(offering, page: str) -> str:
    lines = [_("Family Academy, Los Angeles Unified.")]
    if offering.format == ONLINE and offering.join_url:
        lines.append(_("Join online: %(url)s", url=offering.join_url))
    lines.append(_("Details and your registration: %(url)s", url=page))
    return "\n".join(lines)
