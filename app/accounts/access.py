"""Who may use which view: one mechanism, declared on every view and checked on the server.

Each view carries an ``access`` rule (see :func:`public`, :func:`signed_in`, :func:`requires`).
A test walks the URL map and fails for any view without one, so a new route cannot be
added without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from flask import Flask, abort, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db, login_manager


class Role(StrEnum):
    FAMILY = "family"
    SCHOOL_STAFF = "school_staff"
    ENROLLMENT = "enrollment"
    ACADEMY = "academy"
    TRANSLATOR = "translator"
    REVIEWER = "reviewer"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.FAMILY: _l("Family (parent or guardian)"),
    Role.SCHOOL_STAFF: _l("School staff"),
    Role.ENROLLMENT: _l("Enrollment office"),
    Role.ACADEMY: _l("Family Academy staff"),
    Role.TRANSLATOR: _l("Translator"),
    Role.REVIEWER: _l("Translation reviewer"),
    Role.ADMIN: _l("Administrator"),
}

# Roles that only make sense for one school or one language.
SCOPE_KIND = {Role.SCHOOL_STAFF: "school", Role.TRANSLATOR: "language", Role.REVIEWER: "language"}


@dataclass(frozen=True)
class Access:
    """The rule a view declares. ``roles`` empty with ``signed_in`` means any account."""

    public: bool = False
    signed_in: bool = True
    roles: tuple[Role, ...] = ()
    scope_arg: str | None = None


def _declare(rule: Access, view: Callable) -> Callable:
    view.access = rule  # type: ignore[attr-defined]
    return view


def public(view: Callable) -> Callable:
    """Anyone, signed in or not."""
    return _declare(Access(public=True, signed_in=False), view)


def signed_in(view: Callable) -> Callable:
    """Any signed-in account."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    return _declare(Access(), wrapper)


def requires(*roles: Role, scope_arg: str | None = None) -> Callable[[Callable], Callable]:
    """A signed-in account holding one of ``roles``; administrators hold every role.

    With ``scope_arg``, a scoped role must be granted for the value of that URL argument, or
    of that query or form field when the URL has none (a school's CDS code, a language).
    ``scope_arg="lang_code"`` means the language of the page itself; English, the source
    language, needs only the role. Anonymous users are sent to sign in; others get 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            scope = None
            if scope_arg == "lang_code":
                code = g.get("lang_code") or "en"
                scope = None if code == "en" else code
            elif scope_arg:
                scope = kwargs.get(scope_arg, request.values.get(scope_arg, ""))
            if not may_act_as(current_user, roles, scope):
                abort(403)
            return view(*args, **kwargs)

        return _declare(Access(roles=tuple(roles), scope_arg=scope_arg), wrapper)

    return decorator


def may_act_as(user, roles: tuple[Role, ...], scope: str | None = None) -> bool:
    if user.has_role(Role.ADMIN):
        return True
    return any(user.has_role(role, scope if role in SCOPE_KIND else None) for role in roles)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


def _load_user(user_id: str):
    from app.accounts.models import User

    ident, _, version = user_id.partition(".")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or user.session_version != int(version):
        return None
    return user


def _unauthorized():
    from flask import flash

    from app.accounts.redirects import safe_next

    flash(login_manager.login_message, login_manager.login_message_category)
    target = url_for("accounts.sign_in", next=safe_next(request.full_path))
    if request.headers.get("HX-Request") == "true":
        from app.web import redirect_to

        return redirect_to(target)  # the browser would follow a 302 inside the swap first
    return redirect(target)
