"""Account rules: sign-up, verification, sign-in, password reset, roles.

Functions add to the session and flush; the request or command commits once.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.accounts import tokens
from app.accounts.access import SCOPE_KIND, Role
from app.accounts.models import RoleGrant, User
from app.audit.services import record
from app.extensions import db
from app.notifications.services import notify
from app.timeutil import utcnow


class InvalidCredentials(Exception):
    """No account with that email and password."""


class EmailNotVerified(Exception):
    """The password is right but the address has not been confirmed yet."""

    def __init__(self, user: User):
        super().__init__(user.email)
        self.user = user


class GrantError(Exception):
    """A role change that would leave the system in a bad state."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def sign_up(email: str, password: str, locale: str) -> User:
    """Create a family account and email a verification link.

    If the address already has an account, nothing is created; its owner is told by email
    instead, so the form never reveals which addresses have accounts.
    """
    existing = find_user(email)
    if existing is not None:
        notify(existing.email, "account_exists", existing.locale)
        return existing
    user = User(email=normalize_email(email), locale=locale)
    user.set_password(password)
    user.grants.append(RoleGrant(role=Role.FAMILY))
    db.session.add(user)
    db.session.flush()
    record("account.sign_up", target_type="user", target_id=user.id, actor=user)
    send_verification(user)
    return user


def send_verification(user: User) -> None:
    notify(user.email, "verify_email", user.locale, token=tokens.make_verify_token(user))


def verify_email(token: str) -> User:
    """:raises tokens.InvalidToken:"""
    user = tokens.read_verify_token(token)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record("account.verify_email", target_type="user", target_id=user.id, actor=user)
    return user


def authenticate(email: str, password: str) -> User:
    """The account for these credentials.

    :raises InvalidCredentials: unknown address or wrong password (indistinguishable).
    :raises EmailNotVerified: right password, unconfirmed address.
    """
    user = find_user(email)
    if user is None or not user.check_password(password):
        record(
            "account.sign_in_failed",
            target_type="user",
            target_id=user.id if user else None,
            after={"email": normalize_email(email)[:254]},
        )
        raise InvalidCredentials
    if not user.is_verified:
        raise EmailNotVerified(user)
    user.last_sign_in_at = utcnow()
    record("account.sign_in", target_type="user", target_id=user.id, actor=user)
    return user


def request_password_reset(email: str) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user(email)
    if user is not None:
        notify(user.email, "reset_password", user.locale, token=tokens.make_reset_token(user))
        record("account.reset_requested", target_type="user", target_id=user.id, actor=user)


def reset_password(token: str, password: str) -> User:
    """Set a new password; signs out every session of the account.

    :raises tokens.InvalidToken: expired, tampered or already used.
    """
    user = tokens.read_reset_token(token)
    user.set_password(password)
    user.session_version += 1
    if user.email_verified_at is None:
        # The link arrived by email, which proves the address.
        user.email_verified_at = utcnow()
    record("account.password_reset", target_type="user", target_id=user.id, actor=user)
    notify(user.email, "password_changed", user.locale)
    return user


def set_locale(user: User, locale: str) -> None:
    """The language of the emails and letters ``user`` receives."""
    user.locale = locale


def grant_role(actor: User, user: User, role: Role, scope: str = "") -> RoleGrant:
    """Give ``user`` the role; granting one already held changes nothing."""
    scope = scope if role in SCOPE_KIND else ""
    for grant in user.grants:
        if grant.role == role and grant.scope == scope:
            return grant
    grant = RoleGrant(role=role, scope=scope, granted_by_id=actor.id)
    user.grants.append(grant)
    db.session.flush()
    record(
        "role.grant",
        target_type="user",
        target_id=user.id,
        after={"role": str(role), "scope": scope},
        actor=actor,
    )
    return grant


def revoke_role(actor: User, grant: RoleGrant) -> None:
    """:raises GrantError: when it would remove the last administrator."""
    if grant.role == Role.ADMIN and _admin_count() <= 1:
        raise GrantError
    user = grant.user
    record(
        "role.revoke",
        target_type="user",
        target_id=user.id,
        before={"role": grant.role, "scope": grant.scope},
        actor=actor,
    )
    user.grants.remove(grant)
    db.session.flush()


def _admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(RoleGrant).where(RoleGrant.role == Role.ADMIN)
    )
