"""School finder, snapshots and comparison (public)."""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_babel import gettext, ngettext

from app.accounts.access import public
from app.content.services import digest
from app.i18n import current_language
from app.pagination import page_number
from app.schools import services
from app.schools.formatting import figure_text, gap_text, sparkline
from app.schools.forms import AddToCompareForm, FinderForm
from app.schools.grades import short_grade
from app.schools.labels import (
    DEMOGRAPHICS,
    DUAL_LANGUAGES,
    INDICATORS,
    LEVELS,
    PROGRAM_TYPES,
    RESOURCE_DIMENSIONS,
    SCHOOL_TYPES,
    SUBGROUPS,
    program_name,
)
from app.web import render, render_cached

bp = Blueprint("schools", __name__, url_prefix="/schools")

MAX_COMPARE = 3


@bp.app_context_processor
def _school_helpers():
    return {
        "figure_text": figure_text,
        "gap_text": gap_text,
        "sparkline": sparkline,
        "short_grade": short_grade,
        "program_name": program_name,
        "LEVELS": LEVELS,
        "SCHOOL_TYPES": SCHOOL_TYPES,
        "PROGRAM_TYPES": PROGRAM_TYPES,
        "DUAL_LANGUAGES": DUAL_LANGUAGES,
        "SUBGROUPS": SUBGROUPS,
        "DEMOGRAPHICS": DEMOGRAPHICS,
        "RESOURCE_DIMENSIONS": RESOURCE_DIMENSIONS,
        "INDICATORS": INDICATORS,
        "content_digest": digest,
    }


@bp.route("")
@public
def finder():
    def make() -> dict:
        form = FinderForm(request.args)
        title = gettext("Find a school")
        if not form.validate():
            return {"form": form, "result": None, "title": title, "status": 422}
        return {"form": form, **_search(form), "title": title}

    # The filters are checked inside make(): whether they are valid depends only on the
    # query string, so a cached answer (a 422 included) needs no form at all.
    key = tuple(sorted(request.args.items(multi=True)))
    return render_cached(
        "schools/finder.html", key=key, stamp_name="schools", make=make, fragment_block="results"
    )


def _search(form: FinderForm) -> dict:
    filters = services.Filters(
        q=form.q.data or "",
        level=form.level.data or "",
        grade=int(form.grade.data) if form.grade.data else None,
        charter=form.charter.data,
        magnet=form.magnet.data,
        program=form.program.data or "",
        language=form.language.data or "",
        near=form.near.data or "",
    )
    try:
        result = services.find_schools(filters, page_number(request.args.get("page")))
    except services.UnknownPlace:
        return {"result": None, "place_unknown": form.near.data, "announce": None}
    announce = ngettext("%(num)d school found", "%(num)d schools found", result.total)
    return {"result": result, "place_unknown": None, "announce": announce}


@bp.route("/compare")
@public
def compare():
    codes = [c for c in dict.fromkeys(request.args.getlist("cds")) if c.isdigit() and len(c) == 14]
    too_many = len(codes) > MAX_COMPARE
    schools = services.schools_by_code(codes[:MAX_COMPARE])
    snapshots = [services.snapshot(s.cds_code, current_language().code) for s in schools]
    add_form = AddToCompareForm(request.args)
    candidates = []
    if add_form.validate() and add_form.q.data and len(schools) < MAX_COMPARE:
        found = services.find_schools(services.Filters(q=add_form.q.data))
        candidates = [s for s in found.schools if s.cds_code not in codes][:8]
    return render(
        "schools/compare.html",
        block=None,
        snapshots=snapshots,
        codes=[s.cds_code for s in schools],
        too_many=too_many,
        add_form=add_form,
        candidates=candidates,
        status=422 if add_form.errors else 200,
    )


@bp.route("/<cds_code>")
@public
def snapshot(cds_code: str):
    if not (cds_code.isdigit() and len(cds_code) == 14):
        abort(404)

    def make() -> dict:
        data = services.snapshot(cds_code, current_language().code)
        if data is None:
            abort(404)
        return {"snap": data, "school": data.school, "title": data.school.name}

    return render_cached("schools/snapshot.html", key=(cds_code,), stamp_name="schools", make=make)
