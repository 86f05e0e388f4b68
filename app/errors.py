"""Error pages in the visitor's language (English when the URL names no language)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.web import render

MESSAGES = {
    400: (
        _l("We could not understand that request"),
        _l("Something in the address or the form was not valid. Go back and try again."),
    ),
    403: (
        _l("You do not have access to this page"),
        _l(
            "Your account is not allowed to see this. If you think it should be, ask your school "
            "or the office that gave you access."
        ),
    ),
    404: (
        _l("Page not found"),
        _l("We could not find this page. Check the address, or start again from the home page."),
    ),
    405: (
        _l("That action is not possible here"),
        _l("This page does not accept that kind of request. Go back and use the page's buttons."),
    ),
    413: (
        _l("That was too much to send"),
        _l("The text or file you sent is larger than we accept. Shorten it and try again."),
    ),
    429: (
        _l("Too many attempts"),
        _l("For your security, please wait a few minutes before you try again."),
    ),
    503: (
        _l("We are briefly unavailable"),
        _l(
            "Part of our system is restarting. Please try again in a minute; nothing you saved "
            "is lost."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("We are sorry. Nothing you did caused this. Please try again in a few minutes."),
    ),
}
CSRF_MESSAGE = _l(
    "This form had expired or came from another site, so it was not sent. Go back, reload the "
    "page and send it again; what you typed is still there when you go back."
)
RATE_LIMIT_MESSAGE = _l(
    "For your security, we paused this for %(minutes)d minutes after too many attempts. "
    "Please try again later, or reset your password if you have forgotten it."
)


def init_errors(app: Flask) -> None:
    app.before_request(_drop_nul_characters)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(Exception, _unexpected)


def _drop_nul_characters() -> None:
    """No one types a NUL character, and PostgreSQL refuses to store or compare one: it is
    taken out of every field before a form or a query sees it, so the field is validated as
    typed (a 422 that keeps the rest) or searched without it."""

    def cleaned(fields):
        if not any("\x00" in k or "\x00" in v for k, v in fields.items(multi=True)):
            return None
        return ImmutableMultiDict(
            [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in fields.items(multi=True)]
        )

    if (args := cleaned(request.args)) is not None:
        request.args = args
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ) and (form := cleaned(request.form)) is not None:
        request.form = form


def error_page(status: int, message=None, headers=None):
    title, default = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    response = render(
        "errors/error.html",
        block=None,
        status=status,
        code=status,
        title=title,
        message=message or default,
    )
    if headers:
        response.headers.extend(headers)
    return response


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    allowed = getattr(exc, "valid_methods", None)
    return error_page(exc.code, headers={"Allow": ", ".join(allowed)} if allowed else None)


def _csrf_error(exc: CSRFError):
    return error_page(400, CSRF_MESSAGE)


def _rate_limited(exc: RateLimitExceeded):
    seconds = exc.limit.limit.get_expiry() if exc.limit else 900
    minutes = max(1, round(seconds / 60))
    response = error_page(429, RATE_LIMIT_MESSAGE % {"minutes": minutes})
    response.headers["Retry-After"] = str(seconds)
    return response


def _database_unavailable(exc: OperationalError):
    """The database cannot be reached (a restart, a failover): say so, and when to retry."""
    db.session.rollback()
    from flask import current_app

    current_app.logger.warning(
        "Database unavailable on %s %s: %s", request.method, request.path, exc
    )
    response = error_page(503)
    response.headers["Retry-After"] = "30"
    return response


def _unexpected(exc: Exception):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    if current_app.config.get("TESTING") and current_app.config.get("PROPAGATE_TEST_ERRORS", True):
        raise exc
    return error_page(InternalServerError.code)
