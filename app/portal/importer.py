"""Loading students from the student information system (``flask data import-students FILE``).

One row per student; up to three guardians from the emergency card in ``guardian1_*`` to
``guardian3_*`` columns. Every row is checked first; if more rows are rejected than allowed,
nothing changes. Otherwise valid rows are written in one transaction. Running the same file
again changes nothing: students are matched by their district ID, guardians by their name on
the student's card, and only differences are written.

When a guardian becomes restricted (a court order) or leaves the card, their links end and
their unused codes are cancelled, so access follows the emergency card.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.extensions import db
from app.portal.labels import RELATIONS
from app.portal.models import GuardianContact, GuardianLink, LinkCode, Student
from app.schools.grades import BadGradeSpan, parse_grade
from app.schools.models import School
from app.timeutil import utcnow

STUDENT_COLUMNS = [
    "district_id",
    "first_name",
    "last_name",
    "birth_date",
    "cds_code",
    "grade",
    "home_language",
    "bus_eligible",
    "bus_route",
    "bus_stop",
    "pickup_time",
    "dropoff_time",
    "attendance_year",
    "days_enrolled",
    "days_attended",
    "attendance_as_of",
]
GUARDIAN_FIELDS = ["name", "relationship", "email", "phone", "restricted"]
MAX_GUARDIANS = 3
REQUIRED = ["district_id", "first_name", "last_name", "birth_date", "cds_code", "grade"]
CHUNK = 500

DISTRICT_ID = re.compile(r"^\d{10}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?$")
SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+().\- x]{7,32}$")
YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0", ""}


class ImportFailed(Exception):
    """The file cannot be imported; nothing was changed."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class Rejection:
    line: int
    district_id: str
    column: str
    reason: str


@dataclass
class ContactData:
    position: int
    name: str
    relation: str
    email: str | None
    phone: str | None
    restricted: bool


@dataclass
class StudentData:
    values: dict
    contacts: list[ContactData]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contacts_added: int = 0
    contacts_changed: int = 0
    contacts_removed: int = 0
    links_ended: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def rejected_rows(self) -> int:
        return len({r.line for r in self.rejected})

    def lines(self) -> list[str]:
        lines = [
            f"students: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.rejected_rows} rows rejected",
            f"guardians: {self.contacts_added} added, {self.contacts_changed} changed, "
            f"{self.contacts_removed} removed; links ended: {self.links_ended}",
        ]
        lines += [
            f"line {r.line} (student {r.district_id or '?'}): {r.column}: {r.reason}"
            for r in self.rejected
        ]
        return lines

    def write_rejects(self, path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "district_id", "column", "reason"])
            for r in self.rejected:
                writer.writerow([r.line, r.district_id, r.column, r.reason])


class _RowErrors(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def import_students(path: Path, max_rejected: int = 0) -> ImportReport:
    """Check every row, then write the valid ones (all or nothing beyond ``max_rejected``).

    :raises ImportFailed: unreadable file, missing columns, or too many rejected rows.
    """
    schools = {
        code: (low, high)
        for code, low, high in db.session.execute(
            select(School.cds_code, School.grade_low, School.grade_high)
        )
    }
    report = ImportReport()
    seen: set[str] = set()
    for line, row in _rows(path):
        key = (row.get("district_id") or "").strip()
        try:
            _parse(row, schools)
            if key in seen:
                raise _RowErrors([("district_id", "appears twice in the file")])
        except _RowErrors as exc:
            report.rejected += [Rejection(line, key[:10], col, why) for col, why in exc.errors]
        seen.add(key)
    if report.rejected_rows > max_rejected:
        raise ImportFailed(
            f"{report.rejected_rows} rows rejected (at most {max_rejected} allowed); "
            "nothing was imported",
            report,
        )
    rejected_lines = {r.line for r in report.rejected}
    batch: list[StudentData] = []
    for line, row in _rows(path):
        if line in rejected_lines:
            continue
        batch.append(_parse(row, schools))
        if len(batch) >= CHUNK:
            _apply(batch, report)
            batch = []
    _apply(batch, report)
    record(
        "portal.students_imported",
        target_type="file",
        target_id=path.name[:64],
        after={
            "created": report.created,
            "updated": report.updated,
            "rejected": report.rejected_rows,
            "links_ended": report.links_ended,
        },
    )
    return report


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFailed(f"{path.name}: missing columns: {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFailed(f"{path.name}: not a UTF-8 CSV file ({exc})") from exc


def _parse(row: dict, schools: dict[str, tuple[int, int]]) -> StudentData:
    errors: list[tuple[str, str]] = []
    text = {key: (value or "").strip() for key, value in row.items() if key}

    def check(column: str, parser, *args):
        try:
            return parser(text.get(column, ""), *args)
        except ValueError as exc:
            errors.append((column, str(exc)))
            return None

    values = {
        "district_id": check("district_id", _district_id),
        "first_name": check("first_name", _name, 100),
        "last_name": check("last_name", _name, 100),
        "birth_date": check("birth_date", _birth_date),
        "cds_code": check("cds_code", _school, schools),
        "grade": check("grade", _grade),
        "home_language": check("home_language", _language),
        "bus_eligible": check("bus_eligible", _yes_no),
        "bus_route": check("bus_route", _optional_text, 16),
        "bus_stop": check("bus_stop", _optional_text, 200),
        "pickup_time": check("pickup_time", _time),
        "dropoff_time": check("dropoff_time", _time),
        "attendance_year": check("attendance_year", _school_year),
        "days_enrolled": check("days_enrolled", _days),
        "days_attended": check("days_attended", _days),
        "attendance_as_of": check("attendance_as_of", _optional_date),
    }
    if (
        values["days_enrolled"] is not None
        and values["days_attended"] is not None
        and values["days_attended"] > values["days_enrolled"]
    ):
        errors.append(("days_attended", "more than days_enrolled"))
    contacts = []
    for number in range(1, MAX_GUARDIANS + 1):
        contact = _contact(text, number, errors)
        if contact is not None:
            contacts.append(contact)
    names = [c.name.casefold() for c in contacts]
    if len(names) != len(set(names)):
        errors.append(("guardian_name", "the same guardian is listed twice"))
    if errors:
        raise _RowErrors(errors)
    if not values["bus_eligible"]:
        values.update(bus_route=None, bus_stop=None, pickup_time=None, dropoff_time=None)
    return StudentData(values, contacts)


def _contact(text: dict, number: int, errors: list) -> ContactData | None:
    prefix = f"guardian{number}_"
    given = {name: text.get(prefix + name, "") for name in GUARDIAN_FIELDS}
    if not any(given.values()):
        return None
    before = len(errors)
    name = relation = email = phone = restricted = None
    for column, parse, args in (
        ("name", _name, (200,)),
        ("relationship", _relation, ()),
        ("email", _email, ()),
        ("phone", _phone, ()),
        ("restricted", _yes_no, ()),
    ):
        try:
            value = parse(given[column], *args)
        except ValueError as exc:
            errors.append((prefix + column, str(exc)))
            continue
        if column == "name":
            name = value
        elif column == "relationship":
            relation = value
        elif column == "email":
            email = value
        elif column == "phone":
            phone = value
        else:
            restricted = value
    if len(errors) > before:
        return None
    return ContactData(number, name, relation, email, phone, bool(restricted))


# ------------------------------------------------------------------------- one value each


def _district_id(value: str) -> str:
    if not DISTRICT_ID.match(value):
        raise ValueError("must be exactly 10 digits")
    return value


def _name(value: str, limit: int) -> str:
    if not value:
        raise ValueError("is required")
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters")
    return value


def _optional_text(value: str, limit: int) -> str | None:
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters")
    return value or None


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a real date in the form YYYY-MM-DD") from None


def _birth_date(value: str) -> date:
    born = _date(value)
    today = utcnow().date()
    if not (date(today.year - 25, 1, 1) <= born <= today):
        raise ValueError("not a plausible date of birth for a student")
    return born


def _optional_date(value: str) -> date | None:
    return _date(value) if value else None


def _school(value: str, schools: dict) -> str:
    if value not in schools:
        raise ValueError("no school with this CDS code is loaded")
    return value


def _grade(value: str) -> int:
    try:
        return parse_grade(value)
    except BadGradeSpan:
        raise ValueError("must be PK, TK, K or 1 to 12") from None


def _language(value: str) -> str:
    if not LANGUAGE.match(value):
        raise ValueError("must be an ISO 639 language code such as es, vi or yue")
    return value.lower().replace("_", "-")


def _yes_no(value: str) -> bool:
    if value.lower() in YES:
        return True
    if value.lower() in NO:
        return False
    raise ValueError("must be yes or no")


def _time(value: str) -> time | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, "%H:%M").time()
    except ValueError:
        raise ValueError("not a time in the form HH:MM (24-hour)") from None


def _school_year(value: str) -> str | None:
    match = SCHOOL_YEAR.match(value)
    if not value:
        return None
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError("not a school year such as 2026-27")
    return value


def _days(value: str) -> int | None:
    if not value:
        return None
    if not value.isdigit() or int(value) > 366:
        raise ValueError("must be a whole number of days from 0 to 366")
    return int(value)


def _relation(value: str) -> str:
    key = value.lower().replace(" ", "_").replace("-", "_")
    if key not in RELATIONS:
        raise ValueError("must be one of " + ", ".join(RELATIONS))
    return key


def _email(value: str) -> str | None:
    if value and (len(value) > 254 or not EMAIL.match(value)):
        raise ValueError("not an email address")
    return value.lower() or None


def _phone(value: str) -> str | None:
    if value and not PHONE.match(value):
        raise ValueError("not a phone number")
    return value or None


# -------------------------------------------------------------------------------- writing


def _apply(batch: list[StudentData], report: ImportReport) -> None:
    if not batch:
        return
    keys = [item.values["district_id"] for item in batch]
    existing = {
        s.district_id: s
        for s in db.session.scalars(
            select(Student)
            .where(Student.district_id.in_(keys))
            .options(selectinload(Student.contacts), selectinload(Student.links))
        )
    }
    for item in batch:
        student = existing.get(item.values["district_id"])
        if student is None:
            student = Student(**item.values)
            student.contacts = [_new_contact(c) for c in item.contacts]
            db.session.add(student)
            report.created += 1
            report.contacts_added += len(item.contacts)
            continue
        changed = _update_fields(student, item.values)
        changed |= _update_contacts(student, item.contacts, report)
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()


def _new_contact(data: ContactData) -> GuardianContact:
    return GuardianContact(
        position=data.position,
        name=data.name,
        relation=data.relation,
        email=data.email,
        phone=data.phone,
        restricted=data.restricted,
    )


def _update_fields(target, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


def _update_contacts(student: Student, contacts: list[ContactData], report: ImportReport) -> bool:
    current = {c.name.casefold(): c for c in student.contacts}
    wanted = {c.name.casefold(): c for c in contacts}
    changed = False
    for key, contact in current.items():
        if key not in wanted:
            report.links_ended += _end_access(student, contact, "not_guardian")
            student.contacts.remove(contact)
            report.contacts_removed += 1
            changed = True
    for key, data in wanted.items():
        contact = current.get(key)
        if contact is None:
            student.contacts.append(_new_contact(data))
            report.contacts_added += 1
            changed = True
            continue
        newly_restricted = data.restricted and not contact.restricted
        values = {
            "position": data.position,
            "name": data.name,
            "relation": data.relation,
            "email": data.email,
            "phone": data.phone,
            "restricted": data.restricted,
        }
        if _update_fields(contact, values):
            report.contacts_changed += 1
            changed = True
        if newly_restricted:
            report.links_ended += _end_access(student, contact, "court_order")
    return changed


def _end_access(student: Student, contact: GuardianContact, reason: str) -> int:
    """End the contact's links and cancel their codes; returns how many links ended."""
    now = utcnow()
    if contact.id is not None:
        db.session.execute(
            update(LinkCode)
            .where(LinkCode.contact_id == contact.id, LinkCode.used_at.is_(None))
            .values(cancelled_at=now)
            .execution_options(synchronize_session=False)
        )
    ended = 0
    for link in student.links:
        if link.contact_id == contact.id and link.ended_at is None:
            link.ended_at = now
            link.end_reason = reason
            record(
                "portal.link_ended",
                target_type="student",
                target_id=student.id,
                before={"user_id": link.user_id, "contact_id": link.contact_id},
                after={"reason": reason, "by": "import"},
            )
            ended += 1
        if link.contact_id == contact.id and reason == "not_guardian":
            link.contact_id = None
    if reason == "not_guardian" and contact.id is not None:
        db.session.execute(
            update(GuardianLink)
            .where(GuardianLink.contact_id == contact.id)
            .values(contact_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(LinkCode.__table__.delete().where(LinkCode.contact_id == contact.id))
    return ended
