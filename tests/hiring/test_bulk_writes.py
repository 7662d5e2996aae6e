"""Rows written in bulk (team.bulk, team.imports.bulk) are stored exactly as the ORM stores them.

An import writes 100,000 items with COPY (PostgreSQL) or one executemany (SQLite) instead of the
ORM; everything that reads them later (listing, sorting by date, the forecast's history) must not
be able to tell the difference. Each test writes the same item both ways and compares the raw
stored values, on whichever database the suite runs against.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlmodel import select

from team.imports.bulk import ItemRow, insert_items, update_items
from team.models import Area, InputChange, Skill, WorkItem, WorkItemSkill
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
