"""Uploaded import files kept between their preview and their import, and how each one ended.

The import pages used to send the whole file back through the browser in a hidden field to
confirm it: fine for a few hundred rows, not for a 50 MB export. Now the upload is kept here,
compressed, and confirming names it. Its state says where it is:
`uploaded` (previewed, waiting), `running` (being imported: committed before the import starts,
so another tab sees it), then `done` or `refused`, written in the same transaction as the rows
(a crash mid-way leaves `running`, and nothing of the rows). So closing the tab loses nothing:
the request goes on, and the import page lists each recent upload with its outcome.

Only the person who uploaded a file sees it, previews it and imports it (`owned`).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import defer
from sqlmodel import Session, col, delete, select

from team.errors import NotFound
from team.models import ImportUpload, as_utc, utcnow

KINDS = ("members", "work")
# Uploads nobody imported are dropped after this long, with their bytes.
KEPT = timedelta(days=2)
# A `running` upload older than this was interrupted (the server stopped mid-way).
STALLED = timedelta(hours=1)
RECENT = 10


@dataclass(frozen=True)
class Upload:
    """An upload as the pages show it (no bytes)."""

    id: int
    kind: str
    filename: str
    size: int
    created_at: datetime
    state: str
    options: Mapping[str, Any]
    started_at: datetime | None
    finished_at: datetime | None
    outcome: Mapping[str, Any] | None

    @property
    def stalled(self) -> bool:
        """Whether an import that began never finished (its transaction was rolled back)."""
        return (
            self.state == "running"
            and self.started_at is not None
            and utcnow() - as_utc(self.started_at) > STALLED
        )


def _public(row: ImportUpload) -> Upload:
    return Upload(
        id=row.id or 0,
        kind=row.kind,
        filename=row.filename,
        size=row.size,
        created_at=row.created_at,
        state=row.state,
        options=dict(row.options or {}),
        started_at=row.started_at,
        finished_at=row.finished_at,
        outcome=dict(row.outcome) if row.outcome is not None else None,
    )


def store(
    kind: str, text: str, *, filename: str, actor: str, options: Mapping[str, Any], session: Session
) -> Upload:
    """Keep an uploaded file (text already decoded) for its preview; drops stale uploads."""
    assert kind in KINDS, kind
    session.exec(
        delete(ImportUpload).where(col(ImportUpload.created_at) < utcnow() - KEPT)  # type: ignore[call-overload]
    )
    raw = text.encode("utf-8")
    row = ImportUpload(
        kind=kind,
        filename=filename[:255],
        created_by=actor,
        size=len(raw),
        body=zlib.compress(raw, 1),
        options=dict(options),
    )
    session.add(row)
    session.commit()
    return _public(row)


def _row(upload_id: int, kind: str, actor: str, session: Session) -> ImportUpload:
    """The upload if `actor` made it (anyone else: NotFound, as if it did not exist)."""
    row = session.get(ImportUpload, upload_id)
    if row is None or row.kind != kind or row.created_by != actor:
        raise NotFound("no such upload")
    return row


def owned(upload_id: int, kind: str, *, actor: str, session: Session) -> Upload:
    """An upload its maker may see."""
    return _public(_row(upload_id, kind, actor, session))


def text_of(upload_id: int, kind: str, *, actor: str, session: Session) -> str:
    """The uploaded file's text (empty once it was imported: the bytes are let go)."""
    row = _row(upload_id, kind, actor, session)
    return zlib.decompress(row.body).decode("utf-8") if row.body else ""


def set_options(
    upload_id: int, kind: str, options: Mapping[str, Any], *, actor: str, session: Session
) -> Upload:
    """Remember what the person chose on the preview (source, mapping being edited)."""
    row = _row(upload_id, kind, actor, session)
    row.options = {**(row.options or {}), **options}
    session.add(row)
    session.commit()
    return _public(row)


def begin(upload_id: int, kind: str, *, actor: str, session: Session) -> bool:
    """Mark the upload `running` and commit, before the import's own transaction; False if it
    is not waiting (imported already, or running in another request)."""
    row = _row(upload_id, kind, actor, session)
    if row.state not in ("uploaded", "refused"):
        return False
    row.state, row.started_at = "running", utcnow()
    session.add(row)
    session.commit()
    return True


def stage_end(
    upload_id: int, outcome: Mapping[str, Any], *, imported: bool, session: Session
) -> None:
    """Stage how the import ended (no commit): with the rows it wrote, or alone when refused.
    An imported file's bytes are let go."""
    row = session.get(ImportUpload, upload_id)
    if row is None:
        return
    row.state = "done" if imported else "refused"
    row.finished_at = utcnow()
    row.outcome = dict(outcome)
    if imported:
        row.body = b""
    session.add(row)


def recent(kind: str, *, actor: str, session: Session) -> list[Upload]:
    """The person's latest uploads of this kind, newest first."""
    rows = session.exec(
        select(ImportUpload)
        .where(ImportUpload.kind == kind, ImportUpload.created_by == actor)
        .order_by(col(ImportUpload.id).desc())
        .limit(RECENT)
        .options(defer(ImportUpload.body))  # type: ignore[arg-type]
    ).all()
    return [_public(row) for row in rows]
