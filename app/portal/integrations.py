"""Providers for :mod:`app.portal.sections` that read another feature's tables.

Each imports that feature inside the function, so importing this module never needs it.
"""

from __future__ import annotations

from flask_babel import format_date, gettext
from sqlalchemy import select

from app.extensions import db
from app.i18n import current_language
from app.portal.sections import Item
from app.web import url_if_exists


def academy_registrations(user, students) -> list[Item]:
    """The family's current Family Academy registrations (the academy registers families,
    not children, so this is shown once on the page)."""
    from app.academy.models import Registration

    rows = db.session.scalars(
        select(Registration)
        .where(Registration.user_id == user.id, Registration.status != Registration.CANCELLED)
        .order_by(Registration.created_at.desc())
        .limit(10)
    )
    lang = current_language().code
    items = []
    for registration in rows:
        offering = registration.offering
        text = offering.text(lang)
        if registration.completed_at:
            status = gettext("Completed")
        elif registration.status == Registration.WAITLISTED:
            status = gettext(
                "On the waiting list (number %(position)d)",
                position=registration.waitlist_position or 0,
            )
        else:
            status = gettext("Registered")
        starts = offering.starts_at
        detail = gettext("Starts %(date)s", date=format_date(starts, "medium")) if starts else ""
        items.append(
            Item(
                title=text.title if text else offering.slug,
                status=status,
                detail=detail,
                url=url_if_exists("academy.offering", slug=offering.slug),
            )
        )
    return items


def enrollment_applications(user, students) -> dict[int, list[Item]]:
    """Each child's choice-program applications made from this account: those that name the
    child's student ID, or the child's first name and date of birth."""
    from app.enrollment import models as enrollment
    from app.schools.labels import program_name

    rows = list(
        db.session.scalars(
            select(enrollment.Application)
            .where(enrollment.Application.user_id == user.id)
            .order_by(enrollment.Application.created_at.desc())
        )
    )
    found: dict[int, list[Item]] = {}
    for student in students:
        found[student.id] = [
            Item(
                title=gettext("Applications for %(year)s", year=application.cycle.school_year),
                status=str(enrollment.STATUS_LABELS.get(application.status, application.status)),
                detail=", ".join(
                    program_name(c.cycle_program.program) for c in application.choices
                ),
                url=url_if_exists("enrollment.application", application_id=application.id),
            )
            for application in rows
            if _same_child(application, student)
        ]
    return found


def _same_child(application, student) -> bool:
    if application.student_id:
        return application.student_id == student.district_id
    return (
        application.date_of_birth == student.birth_date
        and application.child_first_name.casefold().strip() == student.first_name.casefold()
    )
