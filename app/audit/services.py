"""Recording staff and security events."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from app.audit.models import AuditEvent
from app.extensions import db


def record(
    action: str,
    *,
    target_type: str | None = None,
    target_id: object = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor=None,
) -> AuditEvent:
    """Add an audit event to the session (committed with the operation it describes).

    ``actor`` defaults to the signed-in user of the current request, if any.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        before=before,
        after=after,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
