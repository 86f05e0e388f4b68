"""The home page, the language redirect at ``/`` and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.accounts.access import public
from app.extensions import db, limiter
from app.i18n import LANG_COOKIE
from app.i18n.locales import DEFAULT, LANGUAGES, best_match
from app.web import render

bp = Blueprint("main", __name__)
root_bp = Blueprint("root", __name__)


@root_bp.route("/")
@limiter.exempt
@public
def choose_language():
    """Send a visitor to their language: the cookie, else the browser's, else English."""
    code = request.cookies.get(LANG_COOKIE)
    if code not in LANGUAGES:
        code = best_match(list(request.accept_languages)) or DEFAULT
    response = redirect(f"/{code}/", code=302)
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@root_bp.route("/healthz")
@limiter.exempt
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/")
@public
def home():
    return render("main/home.html")
