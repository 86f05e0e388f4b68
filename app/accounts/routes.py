"""Sign-up, email verification, sign-in and out, password reset, the account page."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.accounts import services, tokens
from app.accounts.access import ROLE_LABELS, public, signed_in
from app.accounts.forms import (
    ConfirmForm,
    EmailOnlyForm,
    NewPasswordForm,
    PreferencesForm,
    SignInForm,
    SignUpForm,
)
from app.accounts.redirects import safe_next
from app.extensions import db, limiter
from app.i18n import current_language
from app.web import render

bp = Blueprint("accounts", __name__, url_prefix="/account")

INVALID = 422


def _failed(response) -> bool:
    return response.status_code == INVALID


def _account_key() -> str:
    return "account:" + services.normalize_email(request.form.get("email", ""))[:254]


def _signin_limit_account() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"]


def _signin_limit_address() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ADDRESS"]


def _mail_limit() -> str:
    return current_app.config["MAIL_LIMIT_PER_ADDRESS"]


@bp.route("/sign-up", methods=["GET", "POST"])
@limiter.limit(_mail_limit, methods=["POST"])
@public
def sign_up():
    form = SignUpForm()
    if request.method == "GET":
        form.locale.data = current_language().code
    if form.validate_on_submit():
        services.sign_up(form.email.data, form.password.data, form.locale.data)
        db.session.commit()
        session["pending_email"] = services.normalize_email(form.email.data)
        return redirect(url_for(".check_email"))
    return render("accounts/sign_up.html", form=form, status=INVALID if form.errors else 200)


@bp.route("/check-email")
@public
def check_email():
    return render(
        "accounts/check_email.html",
        email=session.get("pending_email"),
        form=EmailOnlyForm(email=session.get("pending_email")),
    )


@bp.route("/verify/resend", methods=["POST"])
@limiter.limit(_mail_limit)
@public
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and not user.is_verified:
            services.send_verification(user)
            db.session.commit()
        session["pending_email"] = services.normalize_email(form.email.data)
        flash(_("If that address has an account waiting for confirmation, we sent a new link."))
        return redirect(url_for(".check_email"))
    return render("accounts/check_email.html", form=form, email=None, status=INVALID)


@bp.route("/verify/<token>")
@public
def verify(token: str):
    try:
        services.verify_email(token)
    except tokens.InvalidToken:
        return render("accounts/link_invalid.html", form=EmailOnlyForm(), status=400)
    db.session.commit()
    flash(_("Thank you. Your email address is confirmed; you can sign in now."), "success")
    return redirect(url_for(".sign_in"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_signin_limit_account, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(_signin_limit_address, methods=["POST"], deduct_when=_failed)
@public
def sign_in():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    form = SignInForm(next=request.args.get("next"))
    error = None
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.InvalidCredentials:
            error = _("That email address and password do not match an account.")
        except services.EmailNotVerified:
            error = _("Please confirm your email address first: open the link we sent you.")
            session["pending_email"] = services.normalize_email(form.email.data)
        else:
            db.session.commit()
            _start_session(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data) or url_for("main.home"))
        db.session.commit()
    status = INVALID if (form.errors or error) else 200
    return render("accounts/sign_in.html", form=form, error=error, status=status)


def _start_session(user, remember: bool) -> None:
    # A fresh session on sign-in: nothing set before it (by anyone) carries over.
    flashes = session.get("_flashes")
    session.clear()
    if flashes:
        session["_flashes"] = flashes
    login_user(user, remember=remember)
    session.permanent = True


@bp.route("/sign-out", methods=["POST"])
@public
def sign_out():
    if ConfirmForm().validate_on_submit():
        session.clear()
        logout_user()  # after clear(): it leaves the note that deletes the remember cookie
        flash(_("You are signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_mail_limit, methods=["POST"])
@public
def request_reset():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        session["pending_email"] = services.normalize_email(form.email.data)
        return redirect(url_for(".reset_sent"))
    return render("accounts/reset_request.html", form=form, status=INVALID if form.errors else 200)


@bp.route("/reset/sent")
@public
def reset_sent():
    return render("accounts/reset_sent.html", email=session.get("pending_email"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        tokens.read_reset_token(token)
    except tokens.InvalidToken:
        return render("accounts/link_invalid.html", form=EmailOnlyForm(), reset=True, status=400)
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        db.session.commit()
        session.clear()
        logout_user()  # after clear(): it leaves the note that deletes the remember cookie
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for(".sign_in"))
    return render("accounts/reset_password.html", form=form, status=INVALID if form.errors else 200)


@bp.route("/", methods=["GET", "POST"])
@signed_in
def account():
    form = PreferencesForm(locale=current_user.locale)
    if form.validate_on_submit():
        services.set_locale(current_user, form.locale.data)
        db.session.commit()
        flash(_("Saved. We will write to you in the language you chose."), "success")
        return redirect(url_for(".account"))
    return render(
        "accounts/account.html",
        form=form,
        role_labels=ROLE_LABELS,
        status=INVALID if form.errors else 200,
    )
