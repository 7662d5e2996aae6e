"""Service tests of team/work.py on a real database: items, filters, totals, conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, func, select

from team import work as service
from team.areas import create_skill
from team.errors import Conflict, InvalidInput, NotFound
from team.models import WorkItem, WorkItemSkill
from team.schemas import WorkItemCreate, WorkItemUpdate


def count(db: Session, table: type) -> int:
    """Rows of `table` as committed: the session's own uncommitted work is dropped first."""
    db.rollback()
    db.expire_all()
    return db.exec(select(func.count()).select_from(table)).one()


def new(db: Session, **fields: Any):
    """Create a work item through the service with sensible defaults."""
    data = {"title": "Ticket", "area": "engineering", "points": 3} | fields
    return service.create_work_item(WorkItemCreate(**data), session=db)


@pytest.fixture
def skills(db: Session) -> None:
    """Two skills: streaming (data) and serving (engineering)."""
    create_skill("data", "streaming", "Streaming", session=db)
    create_skill("engineering", "serving", "Model serving", session=db)


def test_create_and_read_back(db: Session, skills: None) -> None:
    """An item keeps its title, area key, points, status and skills (deduplicated)."""
    item = new(
        db,
        title="  Feature store  ",
        area="Data",
        points=2.5,
        status="in_progress",
        skills=["streaming", "serving", "streaming"],
    )
    again = service.get_work_item(item.id, session=db)
    assert again == item
    assert (item.title, item.area, item.points, item.status) == (
        "Feature store",
        "data",
        2.5,
        "in_progress",
    )
    assert sorted(item.skills) == ["serving", "streaming"]
    assert count(db, WorkItemSkill) == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"area": "quantum"}, "area"), ({"skills": ["juggling"]}, "skills")],
)
def test_unknown_area_or_skill_writes_nothing(
    db: Session, skills: None, fields: dict, field: str
) -> None:
    """Keys that do not exist are named in the error and no item is stored."""
    with pytest.raises(InvalidInput) as caught:
        new(db, **fields)
    assert field in caught.value.fields
    assert count(db, WorkItem) == 0
    assert count(db, WorkItemSkill) == 0


def test_update_changes_fields_and_version(db: Session, skills: None) -> None:
    """Only the fields sent change; area and skills are replaced; the version goes up."""
    item = new(db, title="Old", skills=["serving"])
    version = service.get_item_row(item.id, session=db).version
    updated = service.update_work_item(
        item.id,
        WorkItemUpdate(area="data", skills=["streaming"]),
        session=db,
        expected_version=version,
    )
    assert (updated.title, updated.area, updated.skills, updated.points) == (
        "Old",
        "data",
        ["streaming"],
        3,
    )
    db.expire_all()
    assert service.get_item_row(item.id, session=db).version == version + 1


def test_stale_update_is_a_conflict_and_changes_nothing(db: Session) -> None:
    """An edit based on an old version is refused; the stored item stays as it was."""
    item = new(db, title="Original")
    service.update_work_item(item.id, WorkItemUpdate(points=5), session=db, expected_version=1)
    with pytest.raises(Conflict):
        service.update_work_item(
            item.id, WorkItemUpdate(title="Stale"), session=db, expected_version=1
        )
    db.rollback()
    db.expire_all()
    row = service.get_item_row(item.id, session=db)
    assert (row.title, row.points, row.version) == ("Original", 5, 2)


def test_update_refuses_unknown_area_skill_and_null(db: Session, skills: None) -> None:
    """Bad updates name the field and leave the stored item alone."""
    item = new(db, title="Keep")
    with pytest.raises(InvalidInput) as caught:
        service.update_work_item(item.id, WorkItemUpdate(title="New", area="nope"), session=db)
    assert "area" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        service.update_work_item(item.id, WorkItemUpdate(skills=["nope"]), session=db)
    assert "skills" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        service.update_work_item(item.id, WorkItemUpdate(points=None), session=db)
    assert "points" in caught.value.fields
    db.rollback()
    db.expire_all()
    assert service.get_work_item(item.id, session=db).title == "Keep"


def test_delete_removes_item_and_its_skills(db: Session, skills: None) -> None:
    """Delete takes the item and its skill links; a second delete is NotFound."""
    item = new(db, skills=["serving"])
    keep = new(db, title="Keep", skills=["serving"])
    service.delete_work_item(item.id, session=db)
    assert count(db, WorkItem) == 1
    assert count(db, WorkItemSkill) == 1
    assert service.get_work_item(keep.id, session=db).skills == ["serving"]
    with pytest.raises(NotFound):
        service.delete_work_item(item.id, session=db)
    with pytest.raises(NotFound):
        service.update_work_item(item.id, WorkItemUpdate(points=1), session=db)


def test_area_totals_exclude_done_from_open_points(db: Session) -> None:
    """Open points (demand) skip done items; totals include them; empty areas show zeros."""
    new(db, area="research", points=3, status="planned")
    new(db, area="research", points=2, status="in_progress")
    new(db, area="research", points=5, status="done")
    new(db, area="engineering", points=1.5)
    totals = service.area_totals(session=db)
    assert [(t.key, t.open_points, t.total_points, t.open_items) for t in totals] == [
        ("research", 5.0, 10.0, 2),
        ("engineering", 1.5, 1.5, 1),
        ("data", 0.0, 0.0, 0),
    ]


def test_open_items_are_the_demand(db: Session) -> None:
    """open_items lists everything not done, in id order."""
    a = new(db, status="planned")
    new(db, status="done")
    c = new(db, status="in_progress")
    assert [i.id for i in service.open_items(session=db)] == [a.id, c.id]


def test_list_filters_search_sort_and_pages(db: Session) -> None:
    """Filters combine; search is literal and case-insensitive; pages count all matches."""
    for i in range(7):
        new(db, title=f"Item {i}", area="research" if i % 2 else "data", points=i + 1)
    new(db, title="100% coverage", area="data", points=1, status="done")
    items, total = service.list_work_items(session=db, area="research")
    assert total == 3 and {i.area for i in items} == {"research"}
    items, total = service.list_work_items(session=db, area="data", status="done")
    assert [i.title for i in items] == ["100% coverage"] and total == 1
    assert service.list_work_items(session=db, search="ITEM 3")[1] == 1
    assert service.list_work_items(session=db, search="%")[1] == 1
    assert service.list_work_items(session=db, search="_")[1] == 0
    items, _ = service.list_work_items(session=db, sort="points", descending=True)
    assert [i.points for i in items][:3] == [7, 6, 5]
    page, total = service.list_work_items(session=db, limit=5, offset=5)
    assert total == 8 and len(page) == 3


def test_title_sort_ignores_case(db: Session) -> None:
    """Titles sort alike on SQLite and PostgreSQL: by letters, not by upper before lower case."""
    for title in ("beta", "Alpha", "gamma", "Delta"):
        new(db, title=title)
    items, _ = service.list_work_items(session=db, sort="title")
    assert [i.title for i in items] == ["Alpha", "beta", "Delta", "gamma"]
    items, _ = service.list_work_items(session=db, sort="title", descending=True)
    assert [i.title for i in items] == ["gamma", "Delta", "beta", "Alpha"]
