"""The audit log: who did what to which record, and when. Rows are only ever added."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session, col, func, select

from hiring.openings.independence import audit_filter
from hiring.openings.models import AuditEntry

if TYPE_CHECKING:  # `service` records through this module, so its types only.
    from hiring.openings.service import Viewer


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


def list_entries(
    *,
    viewer: Viewer,
    session: Session,
    limit: int = 100,
    offset: int = 0,
    action: str | None = None,
) -> tuple[list[AuditEntry], int]:
    """The newest entries this viewer may read first, and how many there are in all: entries
    about cards the independence rule hides from them are left out, and not counted."""
    query = select(AuditEntry).where(audit_filter(viewer))
    if action:
        query = query.where(AuditEntry.action == action)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def list_actions(*, session: Session) -> list[str]:
    """Every action the log holds, for the log page's filter."""
    rows = session.exec(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    return list(rows)
