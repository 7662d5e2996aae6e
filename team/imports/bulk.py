"""Writing a file's work items in bulk: a few statements per thousand rows, not several per row.

Adding items one by one through the ORM (`team.work.add_work_item`) cost a flush and a few
queries per row: 20,000 items took 16 s, and a tracker's backlog of 100,000 would outlast a
server's 30 s timeout. Here each table gets one multi-row statement per chunk: the items (their
ids come back in the order sent), their skills, their updates and their history records
(`team.history.record_states`, since Core statements pass the flush listener by). The caller
has checked every row against the same schemas and rules as the forms; this module only writes,
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, update
from sqlmodel import Session

from team.bulk import insert_rows
from team.history import record_states
from team.models import WorkItem, WorkItemSkill, utcnow

# Rows per statement: under SQLite's and PostgreSQL's limits on bound parameters (32,766 and
# 65,535) at ten columns a row, and small enough to keep memory flat.
CHUNK = 1000

# Items written per round of statements (see `insert_items`).
SLICE = 5000

_ITEMS = WorkItem.__table__  # type: ignore[attr-defined]
_SKILLS = WorkItemSkill.__table__  # type: ignore[attr-defined]


# Slotted: a 100,000-row file holds one per row.
@dataclass(frozen=True, slots=True)
class ItemRow:
    """A work item's fields as they are to be stored (ids resolved), new or changed.

    `id` is None for a new item; `version` is the stored version of a changed one."""

    title: str
    area_id: int
    points: float
    status: str
    assignee_id: int | None
    skill_ids: tuple[int, ...] = ()
    external_source: str | None = None
    external_key: str | None = None
    id: int | None = None
    version: int = 0

    def state(self) -> dict[str, object]:
        """What the forecast's history keeps of the item (`team.history`)."""
        return {
            "title": self.title,
            "area_id": self.area_id,
            "points": float(self.points),
            "status": self.status,
            "assignee_id": self.assignee_id,
        }


def _chunks(rows: Sequence, size: int = CHUNK):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def insert_items(items: Sequence[ItemRow], *, session: Session) -> list[int]:
    """Add new items with their skills; returns their ids in the order given.

    Written a slice at a time, so that the rows as the database takes them (dicts, then
    tuples or COPY lines) exist for one slice only: a 100,000-row file stays in a small worker.
    """
    now = utcnow()
    ids: list[int] = []
    for part in _chunks(items, SLICE):
        rows = [
            {
                "title": item.title,
                "area_id": item.area_id,
                "points": float(item.points),
                "status": item.status,
                "assignee_id": item.assignee_id,
                "external_source": item.external_source,
                "external_key": item.external_key,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for item in part
        ]
        new = insert_rows(_ITEMS, rows, session=session, ids=True)
        del rows
        links = [
            {"work_item_id": item_id, "skill_id": skill_id}
            for item_id, item in zip(new, part, strict=True)
            for skill_id in dict.fromkeys(item.skill_ids)
        ]
        insert_rows(_SKILLS, links, session=session)
        states = zip(new, (item.state() for item in part), strict=True)
        record_states("work_item", states, session=session)
        ids += new
    return ids


def update_items(items: Sequence[ItemRow], *, session: Session) -> None:
    """Overwrite title, area, points, status and assignee of stored items (their skills and
    external key stay), bumping version and updated_at as an edit does."""
    connection = session.connection()
    now = utcnow()
    statement = (
        update(_ITEMS)
        .where(_ITEMS.c.id == bindparam("item_id"))
        .values(
            title=bindparam("title"),
            area_id=bindparam("area_id"),
            points=bindparam("points"),
            status=bindparam("status"),
            assignee_id=bindparam("assignee_id"),
            version=bindparam("new_version"),
            updated_at=now,
        )
    )
    for chunk in _chunks(items):
        connection.execute(
            statement,
            [
                {
                    "item_id": item.id,
                    "title": item.title,
                    "area_id": item.area_id,
                    "points": float(item.points),
                    "status": item.status,
                    "assignee_id": item.assignee_id,
                    "new_version": item.version + 1,
                }
                for item in chunk
            ],
        )
    for part in _chunks(items, SLICE):
        states = ((item.id or 0, item.state()) for item in part)
        record_states("work_item", states, session=session)
