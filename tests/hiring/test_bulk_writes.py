"""Rows written in bulk (team.bulk, team.imports.bulk) are stored exactly as the ORM stores them.

An import writes 100,000 items with COPY (PostgreSQL) or one executemany (SQLite) instead of the
ORM; everything that reads them later (listing, sorting by date, the forecast's history) must not
be able to tell the difference. Each test writes the same item both ways and compares the raw
stored values, on whichever database the suite runs against.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from team.bulk import Batch
from team.imports.bulk import ItemRow, insert_items, update_items
from team.models import Area, InputChange, Member, Skill, WorkItem, WorkItemSkill
from team.schemas import WorkItemCreate, WorkItemUpdate
from team.work import add_work_item, update_work_item


def _raw(db, item_id: int) -> dict:
    """The item's row as the database hands it back, timestamps as text."""
    row = db.execute(
        text(
            "SELECT title, area_id, points, status, assignee_id, version, "
            "CAST(created_at AS TEXT) AS created_text, CAST(updated_at AS TEXT) AS updated_text "
            "FROM work_item WHERE id = :id"
        ),
        {"id": item_id},
    ).one()
    return dict(row._mapping)


def _shape(stamp: str) -> str:
    """A timestamp's format with its digits masked: the same shape is all that must match
    (PostgreSQL drops a fraction's trailing zeros, so a fraction is one mark, any length)."""
    return "".join("9" if c.isdigit() else c for c in re.sub(r"\.\d+", ".0", stamp))


def _history(db, item_id: int) -> list:
    rows = db.exec(
        select(InputChange.state)
        .where(InputChange.kind == "work_item", InputChange.subject_id == item_id)
        .order_by(InputChange.id)
    ).all()
    return list(rows)


def test_a_bulk_insert_stores_what_the_orm_stores(db, make_member):
    member = make_member(email="ada@example.com")
    area = db.exec(select(Area).where(Area.key == "data")).one()
    skill = Skill(area_id=area.id, key="streaming", name="Streaming")
    db.add(skill)
    db.flush()
    by_orm = add_work_item(
        WorkItemCreate(
            title="Backfill", area="data", points=3, skills=["streaming"], assignee=member.email
        ),
        session=db,
    )
    db.flush()
    [bulk_id] = insert_items(
        [
            ItemRow(
                title="Backfill",
                area_id=area.id,
                points=3,
                status="planned",
                assignee_id=member.id,
                skill_ids=(skill.id,),
            )
        ],
        session=db,
    )
    db.commit()
    orm, bulk = _raw(db, by_orm.id), _raw(db, bulk_id)
    for name in ("title", "area_id", "points", "status", "assignee_id", "version"):
        assert orm[name] == bulk[name], name
    assert type(orm["points"]) is type(bulk["points"])
    stamps = [value for key, value in orm.items() if key.endswith("_text")]
    assert stamps and all(
        _shape(a) == _shape(b)
        for a, b in zip(stamps, [v for k, v in bulk.items() if k.endswith("_text")], strict=True)
    )
    assert _history(db, by_orm.id) == _history(db, bulk_id)
    links = db.exec(select(WorkItemSkill.skill_id).where(WorkItemSkill.work_item_id == bulk_id))
    assert links.all() == [skill.id]
    # Read back through the ORM, both times come back alike (aware or not) and in order.
    db.expire_all()
    one, two = db.get(WorkItem, by_orm.id), db.get(WorkItem, bulk_id)
    assert (one.created_at.tzinfo is None) == (two.created_at.tzinfo is None)
    assert one.created_at <= two.created_at


def test_a_bulk_update_stores_what_an_edit_stores(db):
    area = db.exec(select(Area).where(Area.key == "research")).one()
    first, second = insert_items(
        [
            ItemRow(title=t, area_id=area.id, points=2, status="planned", assignee_id=None)
            for t in "AB"
        ],
        session=db,
    )
    db.commit()
    update_work_item(first, WorkItemUpdate(title="Renamed", status="done"), session=db)
    update_items(
        [
            ItemRow(
                title="Renamed",
                area_id=area.id,
                points=2,
                status="done",
                assignee_id=None,
                id=second,
                version=1,
            )
        ],
        session=db,
    )
    db.commit()
    edited, bulk = _raw(db, first), _raw(db, second)
    for name in ("title", "area_id", "points", "status", "assignee_id", "version"):
        assert edited[name] == bulk[name], name
    assert [_shape(v) for k, v in edited.items() if k.endswith("_text")] == [
        _shape(v) for k, v in bulk.items() if k.endswith("_text")
    ]
    # Each has its record as added and as changed, the last one alike.
    assert len(_history(db, first)) == len(_history(db, second)) == 2
    assert _history(db, first)[-1] == _history(db, second)[-1]


def _member(n: int) -> dict:
    stamp = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    return {
        "name": f"Person {n}",
        "email": f"batch{n}@example.com",
        "title": "",
        "fte": 1.0,
        "start_date": None,
        "end_date": None,
        "left_at": None,
        "created_at": stamp,
        "updated_at": stamp,
        "version": 1,
    }


def _emails(db) -> dict[int, str]:
    return dict(db.exec(select(Member.id, Member.email)).all())


def test_a_batch_runs_its_statements_in_order_and_its_ids_are_the_rows_ids(db):
    """On PostgreSQL a batch's statements run on a thread of their own, and the ids it hands
    out come from blocks reserved ahead: each must be the id its row was stored with, and a
    statement must see the rows given before it (on SQLite, the same, at once)."""
    members = Member.__table__  # type: ignore[attr-defined]
    with Batch(db) as batch:
        first = batch.insert(members, [_member(n) for n in range(3)], ids=True)
        second = batch.insert(members, [_member(n) for n in range(3, 1503)], ids=True)
        batch.execute(
            update(members).where(members.c.id == second[-1]).values(title="the last of them")
        )
    db.commit()
    stored = _emails(db)
    assert [stored[i] for i in first + second] == [f"batch{n}@example.com" for n in range(1503)]
    assert db.get(Member, second[-1]).title == "the last of them"


def test_a_refused_statement_stops_the_batch_and_finish_raises_it(db):
    members = Member.__table__  # type: ignore[attr-defined]
    before = _emails(db)
    batch = Batch(db)
    batch.insert(members, [_member(1)])
    with pytest.raises(IntegrityError):  # at once on SQLite; at `finish` on PostgreSQL
        batch.insert(members, [_member(2), _member(1)])  # the same email twice: refused
        batch.insert(members, [_member(3)])  # raises the refusal, or is never run
        batch.finish()
    batch.abandon()  # closed: safe to call after `finish`
    db.rollback()
    assert _emails(db) == before


def test_an_abandoned_batch_raises_nothing_and_its_rows_roll_back(db):
    members = Member.__table__  # type: ignore[attr-defined]
    before = _emails(db)
    batch = Batch(db)
    batch.insert(members, [_member(n) for n in range(10)], ids=True)
    batch.abandon()
    db.rollback()
    assert _emails(db) == before
    with pytest.raises(RuntimeError, match="closed"):
        batch.insert(members, [_member(11)])


def test_values_that_copy_must_escape_are_stored_as_given(db):
    """PostgreSQL's COPY text format gives a tab, a newline, a carriage return, a backslash and
    `\\N` their own meanings: values holding them, an empty one and JSON holding them are stored
    exactly as given (on SQLite, where no COPY is made, the same)."""
    members, changes = Member.__table__, InputChange.__table__  # type: ignore[attr-defined]
    tricky = "Tab\there, line\nbreak, CR\r, back\\slash, \\N, \\t, Zoë 李"
    row = _member(7) | {"name": tricky, "title": ""}
    state = {"name": tricky, "fte": 0.5, "left": False, "nested": ["\\", "\t"]}
    with Batch(db) as batch:
        (member_id,) = batch.insert(members, [row], ids=True)
        batch.insert(
            changes,
            [{"at": row["created_at"], "kind": "probe", "subject_id": member_id, "state": state}],
        )
    db.commit()
    stored = db.get(Member, member_id)
    assert (stored.name, stored.title, stored.fte, stored.left_at) == (tricky, "", 1.0, None)
    record = db.exec(select(InputChange).where(InputChange.kind == "probe")).one()
    assert record.state == state and record.subject_id == member_id
