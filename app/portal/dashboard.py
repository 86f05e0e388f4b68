"""The linked share: students with at least one linked parent or guardian, against the district's
goal (81% in 2021-22, then 4 percentage points more each school year)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import and_, case, distinct, exists, func, or_, select

from app.extensions import db
from app.portal.labels import LOCAL_DISTRICTS
from app.portal.models import GuardianLink, Student
from app.schools.models import School
from app.timeutil import DISTRICT_TZ, to_district, utcnow

BASELINE = 81.0
BASELINE_YEAR = 2021  # the school year 2021-22
ANNUAL_GAIN = 4.0
TREND_MONTHS = 12


@dataclass
class Share:
    key: str
    students: int
    linked: int
    school: School | None = None

    @property
    def pct(self) -> float | None:
        """Percent linked, or None when there are no students to count."""
        return 100 * self.linked / self.students if self.students else None

    @property
    def unlinked(self) -> int:
        return self.students - self.linked


@dataclass
class TrendPoint:
    moment: datetime  # naive UTC: the end of the month, or now for the current month
    month: date  # the month's first day, for its label
    linked: int
    students: int

    @property
    def pct(self) -> float | None:
        return 100 * self.linked / self.students if self.students else None


def school_year_start(moment: datetime | None = None) -> int:
    """The school year (July to June) a moment falls in, named by the year it starts."""
    local = to_district(moment or utcnow())
    return local.year if local.month >= 7 else local.year - 1


def year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def target_for(start: int) -> float:
    """The goal for the school year starting in ``start``, at most 100%."""
    return min(100.0, BASELINE + ANNUAL_GAIN * (start - BASELINE_YEAR))


def targets(until: int) -> list[tuple[str, float]]:
    return [(year_label(y), target_for(y)) for y in range(BASELINE_YEAR, until + 1)]


def local_district_of(school: School) -> str | None:
    """A demo school's Local District, derived from its code (invented, like the school).
    Real data does not say which Local District a school belongs to, so it has none."""
    if not school.is_demo:
        return None
    return list(LOCAL_DISTRICTS)[int(school.cds_code) % len(LOCAL_DISTRICTS)]


def _is_linked():
    return exists().where(GuardianLink.student_id == Student.id, GuardianLink.ended_at.is_(None))


def _counts(*columns, cds_codes: list[str] | None):
    query = select(
        *columns,
        func.count(Student.id),
        func.coalesce(func.sum(case((_is_linked(), 1), else_=0)), 0),
    )
    if cds_codes is not None:
        query = query.where(Student.cds_code.in_(cds_codes))
    if columns:
        query = query.group_by(*columns).order_by(*columns)
    return db.session.execute(query).all()


def overall(cds_codes: list[str] | None = None) -> Share:
    ((students, linked),) = _counts(cds_codes=cds_codes)
    return Share("all", students, int(linked))


def by_grade(cds_codes: list[str] | None = None) -> list[Share]:
    return [
        Share(str(grade), students, int(linked))
        for grade, students, linked in _counts(Student.grade, cds_codes=cds_codes)
    ]


def by_school(cds_codes: list[str] | None = None) -> list[Share]:
    """Every school with students, lowest share first (the schools to help first)."""
    rows = _counts(Student.cds_code, cds_codes=cds_codes)
    schools = {
        s.cds_code: s
        for s in db.session.scalars(select(School).where(School.cds_code.in_([r[0] for r in rows])))
    }
    shares = [Share(code, students, int(linked), schools[code]) for code, students, linked in rows]
    return sorted(shares, key=lambda s: (s.pct if s.pct is not None else 101, s.school.name))


def by_local_district(schools: list[Share]) -> list[Share]:
    """``schools`` summed by Local District; key "" collects the schools without one."""
    students: dict[str, int] = defaultdict(int)
    linked: dict[str, int] = defaultdict(int)
    for share in schools:
        key = local_district_of(share.school) or ""
        students[key] += share.students
        linked[key] += share.linked
    order = [*LOCAL_DISTRICTS, ""]
    return [Share(key, students[key], linked[key]) for key in order if students.get(key)]


def month_ends(now: datetime, months: int = TREND_MONTHS) -> list[tuple[date, datetime]]:
    """The last ``months`` months as (first day, moment counted): the end of each month in
    Los Angeles, and ``now`` for the month still running."""
    local = to_district(now)
    first = date(local.year, local.month, 1)
    points = []
    for back in range(months - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        start = date(year, month + 1, 1)
        if back == 0:
            points.append((start, now))
            continue
        next_year, next_month = divmod(year * 12 + month + 1, 12)
        end = datetime.combine(date(next_year, next_month + 1, 1), time(), DISTRICT_TZ)
        points.append((start, end.astimezone(UTC).replace(tzinfo=None)))
    return points


def total(shares: list[Share]) -> Share:
    """The sum of ``shares`` (for example every grade: the whole school or district)."""
    return Share("all", sum(s.students for s in shares), sum(s.linked for s in shares))


def monthly_trend(
    cds_codes: list[str] | None = None, now: datetime | None = None, students: int | None = None
) -> list[TrendPoint]:
    """The share at the end of each of the last 12 months, of the students enrolled today
    (a student's earlier schools are not on record); ``students`` if already counted."""
    now = now or utcnow()
    ends = month_ends(now)
    columns = [
        func.count(
            distinct(
                case(
                    (
                        and_(
                            GuardianLink.created_at <= moment,
                            or_(GuardianLink.ended_at.is_(None), GuardianLink.ended_at > moment),
                        ),
                        GuardianLink.student_id,
                    )
                )
            )
        )
        for _, moment in ends
    ]
    query = select(*columns).select_from(GuardianLink).join(Student)
    if cds_codes is not None:
        query = query.where(Student.cds_code.in_(cds_codes))
    counts = db.session.execute(query).one()
    if students is None:
        students = overall(cds_codes).students
    return [
        TrendPoint(moment, month, int(count), students)
        for (month, moment), count in zip(ends, counts, strict=True)
    ]
