"""Writing a checked members file in bulk: a few statements per thousand members, not several
queries per row, leaving every record the one-at-a-time services leave.

Each checked row's summary (`ImportRow.summary`: the member as the row leaves them, the same
the preview shows) is what is written, by the rule of `team.members.add_member` and
`change_member`, restated here for many rows at once (tests/hiring/test_imports_members_bulk.py
imports the same files both ways and compares every table, so that the two cannot drift apart):

- a new member: name, email, title, fte and dates as summarised, version 1, not left;
- a changed member: name, title, fte and dates as summarised (the columns a file leaves out are
  summarised as stored), a new `updated_at`, version + 1; a row that changes nothing is not
  written at all, not even a new version;
- each area or skill level that differs from the stored one (level 0 is stored as no row),
  with a `RatingChange` (old -> new, by whom) for each, areas first, then skills, in display
  order (the file's column order);
- a forecast history record (`team.history.state_rows`) for each new member and each change
  to a field the forecast reads, which the history's flush listener would have made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, update
from sqlmodel import Session

from team.bulk import Batch
from team.history import state_rows
from team.imports.members_stored import StoredMember
from team.levels import level_changes
from team.models import InputChange, Member, MemberLevel, MemberSkill, RatingChange, utcnow

# Members written per round of statements: a 100,000-row file never holds all its level and
# history rows at once, and a DELETE names at most this many members (bound parameters, far
# below SQLite's limit of 32,766 and PostgreSQL's of 65,535).
CHUNK = 1000
# The member fields a row sets (a file's email only finds the member; levels are apart).
FIELDS = ("name", "title", "fte", "start_date", "end_date")
# What the forecast's history keeps of a member besides whether they left (`team.history`;
# `record_states` refuses a state with other fields): a change to the title records nothing.
TRACKED = ("name", "fte", "start_date", "end_date")

_MEMBERS: Table = Member.__table__  # type: ignore[attr-defined]
_LEVELS: Table = MemberLevel.__table__  # type: ignore[attr-defined]
_SKILLS: Table = MemberSkill.__table__  # type: ignore[attr-defined]
_RATINGS: Table = RatingChange.__table__  # type: ignore[attr-defined]
_CHANGES: Table = InputChange.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class MemberWrite:
    """One checked row: its summary, and the member as stored (`current`) if it changes one."""

    summary: Mapping[str, Any]
    current: StoredMember | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Area and skill ids by key in display order, and who imports (in the rating history)."""

    area_ids: Mapping[str, int]
    skill_ids: Mapping[str, int]
    actor: str


def write_members(rows: Iterable[MemberWrite], vocabulary: Vocabulary, *, session: Session) -> int:
    """Stage every row in the session's transaction (no commit); returns how many.

    A row the database refuses (an email someone took after the file was checked) raises
    SQLAlchemy's IntegrityError (`team.bulk` turns the driver's own into it).
    """
    writer = MembersWriter(vocabulary, session=session)
    try:
        for row in rows:
            writer.add(row)
    except BaseException:
        writer.abandon()
        raise
    return writer.finish()


class MembersWriter:
    """Rows written as they come, a chunk at a time, through one `team.bulk.Batch`: an import
    hands each row over as soon as it is checked, so that on PostgreSQL the server stores the
    file's first chunks while the rest is still being checked.

    The caller ends it with `finish` (then commits) or `abandon` (then rolls back: a later row
    was refused, so nothing of the file may stay).
    """

    def __init__(self, vocabulary: Vocabulary, *, session: Session) -> None:
        self.vocabulary = vocabulary
        self.now = utcnow()
        self.batch = Batch(session)
        self.chunk: list[MemberWrite] = []
        self.written = 0

    def add(self, row: MemberWrite) -> None:
        self.chunk.append(row)
        if len(self.chunk) >= CHUNK:
            self._flush()

    def finish(self) -> int:
        """Write what is left and wait for the database; returns how many rows were written.
        Raises SQLAlchemy's IntegrityError if the database refused one."""
        try:
            self._flush()
        except BaseException:
            self.batch.abandon()
            raise
        self.batch.finish()
        return self.written

    def abandon(self) -> None:
        """Write nothing more; wait for what is under way (the caller rolls back)."""
        self.chunk = []
        self.batch.abandon()

    def _flush(self) -> None:
        if self.chunk:
            _write_chunk(self.chunk, self.vocabulary, self.now, self.batch)
            self.written += len(self.chunk)
            self.chunk = []


def new_member(summary: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The member row `add_member` stores."""
    return {name: summary[name] for name in FIELDS} | {
        "email": summary["email"],
        "left_at": None,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def member_state(values: Mapping[str, Any], *, left: bool) -> dict[str, Any]:
    """What the forecast's history records of a member with these fields."""
    return {name: values[name] for name in TRACKED} | {"left": left}


@dataclass
class _Round:
    """The rows of one chunk's statements."""

    actor: str
    now: datetime
    # by column (area or skill), by area or skill id: the members whose stored level goes
    gone: dict[str, dict[int, list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    new: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    history: list[dict[str, Any]] = field(default_factory=list)
    states: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _write_chunk(
    chunk: Sequence[MemberWrite], vocabulary: Vocabulary, now: datetime, batch: Batch
) -> None:
    """Insert the chunk's new members, update its changed ones, then levels and history."""
    new_rows = [new_member(row.summary, now) for row in chunk if row.current is None]
    new_ids = iter(batch.insert(_MEMBERS, new_rows, ids=True))
    updates: list[dict[str, Any]] = []
    work = _Round(vocabulary.actor, now)
    for row in chunk:  # in file order, so that the history's ids follow the file
        summary, current = row.summary, row.current
        if current is None:
            member_id = next(new_ids)
            work.states.append((member_id, member_state(summary, left=False)))
        else:
            member_id = current.id
            updates.append({"member_id": member_id} | {f"new_{k}": summary[k] for k in FIELDS})
            if any(summary[name] != getattr(current, name) for name in TRACKED):
                work.states.append((member_id, member_state(summary, left=not current.active)))
        _ratings(work, member_id, row, vocabulary)
    _update_members(updates, now, batch)
    for table, column in ((_LEVELS, "area_id"), (_SKILLS, "skill_id")):
        _delete_levels(table, column, work.gone[column], batch)
        batch.insert(table, work.new[column])
    batch.insert(_RATINGS, work.history)
    batch.insert(_CHANGES, state_rows("member", work.states))


def _ratings(work: _Round, member_id: int, row: MemberWrite, vocabulary: Vocabulary) -> None:
    """The row's changed levels: the stored level goes (0 is stored as no row), the new one
    comes (likewise), and one history row each, areas first, then skills (`_set_levels`)."""
    current = row.current
    for kind, ids, column in (
        ("levels", vocabulary.area_ids, "area_id"),
        ("skills", vocabulary.skill_ids, "skill_id"),
    ):
        before = getattr(current, kind) if current is not None else {}
        for key, old, level in level_changes(ids, before, row.summary[kind]):
            target = ids[key]
            if old:
                work.gone[column][target].append(member_id)
            if level:
                work.new[column].append({"member_id": member_id, column: target, "level": level})
            work.history.append(
                {
                    "member_id": member_id,
                    "area_id": target if column == "area_id" else None,
                    "skill_id": target if column == "skill_id" else None,
                    "old_level": old,
                    "new_level": level,
                    "changed_by": work.actor,
                    "changed_at": work.now,
                }
            )


def _update_members(rows: Sequence[Mapping[str, Any]], now: datetime, batch: Batch) -> None:
    """One executemany UPDATE of the changed members' fields, `updated_at` and version + 1
    (counted by the database, so that an edit committed meanwhile is not undone)."""
    if not rows:
        return
    values: dict[str, Any] = {name: bindparam(f"new_{name}") for name in FIELDS}
    values |= {"updated_at": now, "version": _MEMBERS.c.version + 1}
    query = update(_MEMBERS).where(_MEMBERS.c.id == bindparam("member_id")).values(values)
    batch.execute(query, list(rows))


def _delete_levels(
    table: Table, column: str, gone: Mapping[int, Sequence[int]], batch: Batch
) -> None:
    """Delete stored levels: for each area or skill, one DELETE of the chunk's members whose
    level there goes (found by the primary key; pairs in one IN list made PostgreSQL scan the
    whole table for each statement)."""
    for target, members in gone.items():
        batch.execute(
            delete(table).where(table.c[column] == target, table.c.member_id.in_(members))
        )
