"""The audit log, for admins: who did what to which hiring record, and when, newest first; the
twin of the audit log page, asking the same service (`hiring.openings.audit.list_entries`), so
the independence rule leaves out, and does not count, the entries it leaves out on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g, jsonify
from pydantic import BaseModel, Field

from hiring.access import allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings import audit
from hiring.openings.models import AuditEntry

ACTION_LENGTH = 60  # `AuditEntry.action`


class AuditEntryPublic(BaseModel):
    """One entry of the log: entries are only ever added."""

    id: int
    at: datetime = Field(description="When, in UTC.")
    actor: str = Field(description="The email of who did it, as it was then.")
    action: str = Field(description="What was done, e.g. `candidate.status`, `scorecard.submit`.")
    subject_type: str = Field(description="What kind of record: `candidate`, `opening`, ...")
    subject_id: int | None
    details: str


class AuditPage(BaseModel):
    """One page of the entries the caller may read, newest first, and how many in all."""

    items: list[AuditEntryPublic]
    total: int = Field(ge=0)


def _public(entry: AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic(
        id=entry.id or 0,
        at=entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC),  # SQLite: naive
        actor=entry.actor_email,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        details=entry.details,
    )


@bp.get("/audit")
@allow("admin")
@operation("Read the audit log", response=AuditPage, query=("limit", "offset", "action"))
def list_audit_entries():
    """A page of the log, newest first, optionally of one `action` only (an action nothing was
    recorded for gives an empty page). Entries about cards the independence rule hides from the
    caller (an admin on the panel who has not submitted their own card) are left out, and not
    counted, as on the page."""
    args = QueryArgs()
    limit, offset = args.page()
    action = args.text("action", ACTION_LENGTH)
    args.check()
    entries, total = audit.list_entries(
        viewer=g.api_user, session=get_session(), limit=limit, offset=offset, action=action
    )
    page = AuditPage(items=[_public(e) for e in entries], total=total)
    return jsonify(page.model_dump(mode="json"))
