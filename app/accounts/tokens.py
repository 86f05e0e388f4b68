"""Signed, expiring tokens for links sent by email."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from app.accounts.models import User
from app.extensions import db


class InvalidToken(Exception):
    """The link is malformed, expired, already used, or for another account."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"accounts.{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def make_verify_token(user: User) -> str:
    return _serializer("verify").dumps({"u": user.id, "e": _fingerprint(user.email)})


def make_reset_token(user: User) -> str:
    # Bound to the current password hash: the link stops working once it has been used.
    return _serializer("reset").dumps({"u": user.id, "p": _fingerprint(user.password_hash)})


def read_verify_token(token: str) -> User:
    """:raises InvalidToken:"""
    data = _load("verify", token, current_app.config["EMAIL_VERIFY_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("e") != _fingerprint(user.email):
        raise InvalidToken
    return user


def read_reset_token(token: str) -> User:
    """:raises InvalidToken:"""
    data = _load("reset", token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("u"))
    if user is None or data.get("p") != _fingerprint(user.password_hash):
        raise InvalidToken
    return user


def _load(purpose: str, token: str, max_age: int) -> dict:
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except (BadData, UnicodeError) as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise InvalidToken
    return data
