"""The audit log of account, role and membership changes: who did what to whom, and when."""

from __future__ import annotations

import logging

from rallies.db import db
from rallies.models import AuditEvent, User

log = logging.getLogger(__name__)

ACTIONS = (
    "account_created", "account_invited", "invitation_resent", "invitation_accepted", "role_changed",
    "memberships_changed", "account_deactivated", "account_reactivated", "profile_changed",
    "password_changed", "password_reset",
)


def record(action: str, *, actor: User | None, subject: User | None, **details) -> AuditEvent:
    """Add one event; the caller's transaction stores it together with the change it describes."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        action=action, details=details,
        actor_id=getattr(actor, "id", None), actor_email=getattr(actor, "email", "") or "",
        subject_id=getattr(subject, "id", None), subject_email=getattr(subject, "email", "") or "",
    )
    db.session.add(event)
    log.info("audit %s: %s by %s %s", action, event.subject_email, event.actor_email or "system", details or "")
    return event


def recent(*, limit: int = 100, before_id: int | None = None, subject_id: int | None = None) -> list[AuditEvent]:
    """Newest first; `before_id` pages back through older events."""
    query = db.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return list(db.session.scalars(query))
