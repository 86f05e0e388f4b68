"""The outbox page: staff see what was (or will be) sent, which is how development shows mail."""

from flask import Blueprint, request
from sqlalchemy import select

from app.accounts.access import Role, requires
from app.notifications.models import OutboxMessage
from app.pagination import paginate
from app.web import render

bp = Blueprint("outbox", __name__, url_prefix="/staff/outbox")


@bp.route("/")
@requires(Role.ADMIN)
def messages():
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    page = paginate(query, request.args.get("page"), per_page=20)
    return render("notifications/outbox.html", page=page)
