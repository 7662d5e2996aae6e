"""The audit log: who did what to which record, and when. Rows are only ever added.

This module writes entries; `hiring.openings.audit_log` reads them, in sentences.
"""

from __future__ import annotations

from typing import Protocol

from sqlmodel import Session

from hiring.openings.models import AuditEntry


class Actor(Protocol):
    """Who acts: a user's id and email (the email is kept as text, so history outlives users)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...


def record(
    session: Session,
    actor: Actor,
    action: str,
    subject_type: str,
    subject_id: int | None,
    details: str = "",
) -> None:
    """Stage an audit entry in the caller's transaction, so it commits (or not) with the change."""
    session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_email=actor.email,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=details[:4000],
        )
    )
