"""What an import leaves on record, whichever way it came (a page or the API, our format or a
tracker's export): the counts its upload keeps and the audit log's entry, both staged in the
import's own transaction so that they exist exactly when the rows do.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from hiring.openings.audit import Actor
from hiring.openings.audit_log import record_import
from team.imports.common import ImportResult
from team.imports.trackers import TrackerImport

Outcome = ImportResult | TrackerImport

# The audit log's kinds of import, by the import pages' kinds.
AUDIT_KINDS = {"members": "members", "work": "work_items"}


def import_counts(outcome: Outcome) -> dict[str, int]:
    """The numbers an import's upload record and its audit entry keep."""
    if isinstance(outcome, TrackerImport):
        counts = {
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "closed": outcome.closed,
            "skipped": len(outcome.skipped),
        }
    else:
        counts = {"created": outcome.created, "updated": outcome.updated}
    if outcome.unknown_assignees:
        counts["unknown_assignees"] = outcome.unknown_assignees
    return counts


def audited(
    kind: str,
    actor: Actor,
    session: Session,
    then: Callable[[Outcome], object] | None = None,
) -> Callable[[Outcome], None]:
    """The `also` an import service takes: stage the audit entry of a successful import of
    `kind` ("members" or "work"), by `actor`, then `then(outcome)` (a page's upload record)."""

    def stage(outcome: Outcome) -> None:
        source = outcome.source if isinstance(outcome, TrackerImport) else None
        record_import(session, actor, AUDIT_KINDS[kind], import_counts(outcome), source=source)
        if then is not None:
            then(outcome)

    return stage
