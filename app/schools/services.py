"""Finding schools and assembling what a snapshot or a comparison shows."""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Row, exists, func, select
from sqlalchemy.orm import selectinload

from app.content.services import published_texts
from app.extensions import db
from app.schools.labels import INDICATORS
from app.schools.models import (
    DISTRICT_CDS,
    Demographic,
    DistrictOutcome,
    Metric,
    Outcome,
    Program,
    Resource,
    School,
    Source,
    Subgroup,
)
from app.schools.search import normalize

# Schools per page of results. Twelve keeps a page's htmx fragment under 8 KB in every
# language even for the longest cards (Armenian and Russian words are long, and two bytes a
# letter), and is about three screens on a phone.
PER_PAGE = 12
EARTH_RADIUS_MILES = 3958.8
COORDINATES = re.compile(r"^\s*(-?\d{1,3}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


class UnknownPlace(Exception):
    """``near`` names a ZIP code with no LAUSD school, or a point outside the region."""


@dataclass
class Filters:
    q: str = ""
    level: str = ""
    grade: int | None = None
    charter: bool = False
    magnet: bool = False
    program: str = ""
    language: str = ""
    near: str = ""


@dataclass
class Origin:
    latitude: float
    longitude: float
    zip_code: str | None = None  # set when the point is a ZIP code's schools' centre


@dataclass
class Result:
    schools: list[School]
    distances: dict[str, float]
    total: int
    page: int
    origin: Origin | None
    suggestions: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / PER_PAGE))


def find_schools(filters: Filters, page: int = 1) -> Result:
    """Schools matching ``filters``, nearest first when ``near`` is given, else by name.

    :raises UnknownPlace:
    """
    origin = locate(filters.near) if filters.near else None
    query = _filtered(filters)
    if origin is None:
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        schools = list(
            db.session.scalars(
                query.order_by(School.name).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
            )
        )
        distances: dict[str, float] = {}
    else:
        schools, distances, total = _nearest(query, origin, page)
    suggestions = _suggest(filters.q) if total == 0 and filters.q else []
    return Result(schools, distances, total or 0, page, origin, suggestions)


def _filtered(filters: Filters):
    query = select(School)
    for word in normalize(filters.q).split()[:8]:
        query = query.where(School.search_text.contains(word, autoescape=True))
    if filters.level:
        query = query.where(School.level == filters.level)
    if filters.grade is not None:
        query = query.where(School.grade_low <= filters.grade, School.grade_high >= filters.grade)
    if filters.charter:
        query = query.where(School.charter.is_(True))
    if filters.magnet:
        query = query.where(School.magnet.is_(True))
    if filters.program or filters.language:
        offered = select(Program.id).where(Program.cds_code == School.cds_code)
        if filters.program:
            offered = offered.where(Program.program_type == filters.program)
        if filters.language:
            offered = offered.where(
                Program.program_type == "dual_language", Program.language == filters.language
            )
        query = query.where(exists(offered))
    return query


def _nearest(query, origin: Origin, page: int):
    points = db.session.execute(
        query.with_only_columns(School.cds_code, School.latitude, School.longitude)
    ).all()
    ranked = sorted(
        ((miles_between(origin, lat, lon), code) for code, lat, lon in points),
    )
    window = ranked[(page - 1) * PER_PAGE : page * PER_PAGE]
    codes = [code for _, code in window]
    by_code = {
        s.cds_code: s for s in db.session.scalars(select(School).where(School.cds_code.in_(codes)))
    }
    return [by_code[c] for c in codes], {code: miles for miles, code in window}, len(ranked)


def miles_between(origin: Origin, latitude: float, longitude: float) -> float:
    lat1, lon1, lat2, lon2 = map(
        math.radians, (origin.latitude, origin.longitude, latitude, longitude)
    )
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def locate(near: str) -> Origin:
    """A point from a ZIP code (the centre of its schools) or "latitude,longitude".

    :raises UnknownPlace:
    """
    near = near.strip()
    if re.fullmatch(r"\d{5}", near):
        row = db.session.execute(
            select(func.avg(School.latitude), func.avg(School.longitude)).where(School.zip == near)
        ).one()
        if row[0] is None:
            raise UnknownPlace(near)
        return Origin(row[0], row[1], zip_code=near)
    match = COORDINATES.match(near)
    if match:
        latitude, longitude = float(match.group(1)), float(match.group(2))
        if 33.0 <= latitude <= 35.0 and -119.5 <= longitude <= -117.0:
            return Origin(latitude, longitude)
    raise UnknownPlace(near)


def _suggest(q: str) -> list[str]:
    names = db.session.scalars(select(School.name)).all()
    lowered = {normalize(name): name for name in names}
    close = difflib.get_close_matches(normalize(q), list(lowered), n=3, cutoff=0.6)
    if not close:  # a misspelt word inside a longer name
        words = defaultdict(set)
        for key, name in lowered.items():
            for word in key.split():
                words[word].add(name)
        for word in normalize(q).split():
            for match in difflib.get_close_matches(word, list(words), n=2, cutoff=0.75):
                close.extend(normalize(name) for name in sorted(words[match])[:2])
    return [lowered[key] for key in dict.fromkeys(close)][:3]


# --- snapshot --------------------------------------------------------------------------------


@dataclass
class Figure:
    """One published number with what makes it honest: its year, source and reliability."""

    value: float | None
    school_year: str
    reliability: str
    denominator: float | None = None
    source: Source | None = None

    @property
    def reported(self) -> bool:
        return self.value is not None and self.reliability in ("reliable", "small-sample")

    @property
    def small_sample(self) -> bool:
        return self.reliability == "small-sample"


@dataclass
class Indicator:
    metric: Metric
    label: object
    explanation: object
    trend: list[Figure]  # oldest first, one per school year the data has
    district: dict[str, Figure]  # by school year
    groups: list[tuple[str, Figure]]  # latest year, by student group

    @property
    def latest(self) -> Figure:
        return self.trend[-1]


@dataclass
class Snapshot:
    school: School
    indicators: list[Indicator]
    resources: dict[str, list[Row]]  # rows of school_resources
    demographics: dict[str, Row]  # rows of school_demographics
    sources: dict[int, Source]
    profile: object  # app.content.services.Text or None
    program_texts: dict


def snapshot(cds_code: str, locale: str) -> Snapshot | None:
    """Everything a school's page shows, in a bounded number of queries.

    The hundreds of published figures are read as plain rows rather than ORM objects: they
    are only displayed, and building an object for each was a large part of a page's cost.
    """
    school = db.session.scalar(
        select(School).where(School.cds_code == cds_code).options(selectinload(School.programs))
    )
    if school is None:
        return None
    sources = {s.id: s for s in db.session.scalars(select(Source))}
    metrics = {m.id: m for m in db.session.scalars(select(Metric))}
    outcomes = _rows(Outcome, Outcome.cds_code == cds_code)
    district = _rows(
        DistrictOutcome,
        DistrictOutcome.cds_code == DISTRICT_CDS,
        DistrictOutcome.subgroup_id == "all",
    )
    resources = _rows(Resource, Resource.cds_code == cds_code, order_by=Resource.school_year)
    demographics = _rows(Demographic, Demographic.cds_code == cds_code)
    texts = published_texts("program", [p.id for p in school.programs], locale)
    profile = published_texts("school_profile", [cds_code], locale).get(cds_code)
    return Snapshot(
        school=school,
        indicators=_indicators(outcomes, district, metrics, sources),
        resources=_group_resources(resources),
        demographics={d.group_id: d for d in demographics},
        sources=sources,
        profile=profile,
        program_texts=texts,
    )


def _rows(model, *where, order_by=None) -> list[Row]:
    """``model``'s table rows (every column, by attribute) matching ``where``."""
    query = select(*model.__table__.c).where(*where)
    if order_by is not None:
        query = query.order_by(order_by)
    return db.session.execute(query).all()


def _figure(row, sources) -> Figure:
    return Figure(
        row.value, row.school_year, row.reliability, row.denominator, sources.get(row.source_id)
    )


def _indicators(outcomes, district, metrics, sources) -> list[Indicator]:
    by_metric = defaultdict(list)
    for row in outcomes:
        by_metric[row.metric_id].append(row)
    district_by_metric = defaultdict(dict)
    for row in district:
        district_by_metric[row.metric_id][row.school_year] = _figure(row, sources)
    indicators = []
    for metric_id, (label, explanation) in INDICATORS.items():
        rows = by_metric.get(metric_id, [])
        overall = sorted((r for r in rows if r.subgroup_id == "all"), key=lambda r: r.school_year)
        if not overall or metric_id not in metrics:
            continue
        latest_year = overall[-1].school_year
        groups = sorted(
            (
                (r.subgroup_id, _figure(r, sources))
                for r in rows
                if r.subgroup_id != "all" and r.school_year == latest_year
            ),
        )
        indicators.append(
            Indicator(
                metric=metrics[metric_id],
                label=label,
                explanation=explanation,
                trend=[_figure(r, sources) for r in overall],
                district=district_by_metric.get(metric_id, {}),
                groups=groups,
            )
        )
    return indicators


def _group_resources(resources) -> dict[str, list[Row]]:
    """The latest year of each metric and dimension, grouped by metric."""
    latest: dict[tuple[str, str], Row] = {}
    for row in resources:  # ordered by year, so later years win
        latest[(row.metric_id, row.dimension)] = row
    grouped = defaultdict(list)
    for (metric_id, _), row in sorted(latest.items()):
        grouped[metric_id].append(row)
    return dict(grouped)


def subgroup_labels() -> dict[str, str]:
    return dict(db.session.execute(select(Subgroup.id, Subgroup.label)).all())


def schools_by_code(codes: list[str]) -> list[School]:
    found = {
        s.cds_code: s for s in db.session.scalars(select(School).where(School.cds_code.in_(codes)))
    }
    return [found[c] for c in codes if c in found]
