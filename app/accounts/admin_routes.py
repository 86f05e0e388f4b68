"""Administrators grant and revoke roles; every change is audited."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services
from app.accounts.access import ROLE_LABELS, Role, requires
from app.accounts.forms import ConfirmForm, GrantRoleForm, UserSearchForm
from app.accounts.models import RoleGrant, User
from app.extensions import db
from app.pagination import paginate
from app.web import render

bp = Blueprint("admin", __name__, url_prefix="/staff/accounts")


@bp.route("/")
@requires(Role.ADMIN)
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.email)
    if form.validate() and form.q.data:
        query = query.where(User.email.contains(services.normalize_email(form.q.data)))
    page = paginate(query, request.args.get("page"), per_page=25)
    return render(
        "accounts/admin_users.html",
        block="results",
        announce=ngettext("%(num)d account", "%(num)d accounts", page.total),
        form=form,
        page=page,
        role_labels=ROLE_LABELS,
    )


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def user(user_id: int):
    subject = db.get_or_404(User, user_id)
    form = GrantRoleForm()
    if form.validate_on_submit():
        services.grant_role(current_user, subject, Role(form.role.data), form.scope.data)
        db.session.commit()
        flash(_("Role granted."), "success")
        return redirect(url_for(".user", user_id=subject.id))
    return render(
        "accounts/admin_user.html",
        subject=subject,
        form=form,
        revoke_form=ConfirmForm(),
        role_labels=ROLE_LABELS,
        status=422 if form.errors else 200,
    )


@bp.route("/<int:user_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@requires(Role.ADMIN)
def revoke(user_id: int, grant_id: int):
    grant = db.get_or_404(RoleGrant, grant_id)
    if grant.user_id != user_id:
        abort(404)
    try:
        services.revoke_role(current_user, grant)
    except services.GrantError:
        flash(_("This is the last administrator; grant the role to someone else first."), "error")
    else:
        db.session.commit()
        flash(_("Role revoked."), "success")
    return redirect(url_for(".user", user_id=user_id))
