"""The team as stored, compactly: what checking and writing a big members file read of it.

A file that updates 100,000 members needs every one of them with their ratings. As ORM objects
and `MemberPublic` models that took some 2 KB a member (400 MB for the file's check alone, and
the list of their ids was over the databases' limits on bound parameters); here a member is a
slotted record, read in three plain queries, and the many members with the same ratings or
title share one copy of them (`compact.Shared`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlmodel import Session, col

from team.imports.compact import Shared
from team.models import Area, Member, MemberLevel, MemberSkill, Skill


@dataclass(frozen=True, slots=True)
class StoredMember:
    """A member as stored (the fields of `MemberPublic`), with their levels by area and skill
    key (level 0 is stored as no row, so only the others)."""

    id: int
    name: str
    email: str
    title: str
    fte: float
    active: bool
    start_date: date | None
    end_date: date | None
    levels: Mapping[str, int]
    skills: Mapping[str, int]


def stored_members(session: Session, shared: Shared) -> dict[str, StoredMember]:
    """Every member (those who left too: emails stay unique) by email in lowercase, with their
    ratings, in three plain queries whatever the size of the team."""
    connection = session.connection()
    levels = _ratings(connection, MemberLevel, Area, col(MemberLevel.area_id), shared)
    skills = _ratings(connection, MemberSkill, Skill, col(MemberSkill.skill_id), shared)
    members: Table = Member.__table__  # type: ignore[attr-defined]
    query = select(
        *(
            members.c[name]
            for name in ("id", "name", "email", "title", "fte", "left_at", "start_date", "end_date")
        )
    )
    found: dict[str, StoredMember] = {}
    unrated = shared.mapping({})
    for member_id, name, email, title, fte, left_at, start, end in connection.execute(query):
        key = email.lower()
        found[email if key == email else key] = StoredMember(
            id=member_id,
            name=name,
            email=email,
            title=shared.value(title),
            fte=fte,
            active=left_at is None,
            start_date=start,
            end_date=end,
            levels=levels.get(member_id, unrated),
            skills=skills.get(member_id, unrated),
        )
    return found


def _ratings(
    connection: Connection, table: Any, target: Any, target_id: Any, shared: Shared
) -> dict[int, Mapping[str, int]]:
    """Every stored level of one kind (areas or skills) by member id, then key: one member's
    levels at a time, each shared as soon as it is whole."""
    found: dict[int, Mapping[str, int]] = {}
    query = (
        select(col(table.member_id), col(target.key), col(table.level))
        .join(target, col(target.id) == target_id)
        .order_by(col(table.member_id), target_id)
    )
    for member_id, rows in groupby(connection.execute(query), key=itemgetter(0)):
        found[member_id] = shared.mapping({key: level for _, key, level in rows})
    return found
