"""The audit log, for admins: who did what to which hiring record, and when, newest first, each
entry also as the sentence the page shows. The twin of the audit log page: both ask
`hiring.openings.audit_log`, so the filters mean the same, and the independence rule leaves out,
and does not count, the same entries.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import g, jsonify, request
from pydantic import BaseModel, Field

from hiring.access import AUDIT_READERS, allow
from hiring.api import bp
from hiring.api.inputs import QueryArgs
from hiring.api.openapi import operation
from hiring.db import get_session
from hiring.openings.audit_log import ACTION_LENGTH, ACTOR_LENGTH, Line, LogFilter, read_log


class AuditEntryPublic(BaseModel):
    """One entry of the log: entries are only ever added."""

    id: int
    at: datetime = Field(description="When, in UTC.")
    actor: str = Field(description="The email of who did it, as it was then.")
    actor_name: str = Field(description="Their name now (the email when no user has it).")
    action: str = Field(description="What was done, e.g. `candidate.status`, `scorecard.submit`.")
    subject_type: str = Field(description="What kind of record: `candidate`, `opening`, ...")
    subject_id: int | None
    details: str
    sentence: str = Field(
        description="The entry in words, with names, as the log page says it "
        "(e.g. `Maria moved Yuki to Offer made`); dates in it are ISO."
    )


class AuditPage(BaseModel):
    """One page of the entries the caller may read, newest first, and how many in all."""

    items: list[AuditEntryPublic]
    total: int = Field(ge=0)


def _public(line: Line) -> AuditEntryPublic:
    entry = line.entry
    return AuditEntryPublic(
        id=entry.id or 0,
        at=entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC),
        actor=entry.actor_email,
        actor_name=line.actor_name,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        details=entry.details,
        sentence=line.text,
    )


def _day(args: QueryArgs, name: str) -> date | None:
    """An ISO date (`YYYY-MM-DD`), or None when absent; anything else is named in the 422."""
    raw = request.args.get(name)
    if raw is None:
        return None
    value = raw.strip()
    try:
        if len(value) != 10:  # `fromisoformat` also reads `20270312`; the document says ISO
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        args.errors[name] = ["must be a date written YYYY-MM-DD"]
        return None


@bp.get("/audit")
@allow(*AUDIT_READERS)
@operation(
    "Read the audit log",
    response=AuditPage,
    query=("limit", "offset", "audit_actor", "action", "since", "until"),
)
def list_audit_entries():
    """A page of the log, newest first, optionally only by one person (`actor`, their email),
    of one `action`, and from `since` to `until` (days in UTC, both included). A person or an
    action with no entries gives an empty page; `until` before `since` is a 422. Entries about
    cards the independence rule hides from the caller (an admin on the panel who has not
    submitted their own card) are left out, and not counted, as on the page."""
    args = QueryArgs()
    limit, offset = args.page()
    wanted = LogFilter(
        actor=args.text("actor", ACTOR_LENGTH),
        action=args.text("action", ACTION_LENGTH),
        since=_day(args, "since"),
        until=_day(args, "until"),
    )
    args.check()
    log = read_log(wanted, viewer=g.api_user, session=get_session(), limit=limit, offset=offset)
    page = AuditPage(items=[_public(line) for line in log.lines], total=log.total)
    return jsonify(page.model_dump(mode="json"))
