"""The audit log, for administrators."""

from flask import Blueprint, request
from sqlalchemy import select

from app.accounts.access import Role, requires
from app.audit.models import AuditEvent
from app.pagination import paginate
from app.web import render

bp = Blueprint("audit", __name__, url_prefix="/staff/audit")


@bp.route("/")
@requires(Role.ADMIN)
def events():
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "")[:64]
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    page = paginate(query, request.args.get("page"), per_page=50)
    return render("audit/events.html", block="results", page=page, action=action)
