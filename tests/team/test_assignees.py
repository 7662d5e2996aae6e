"""A work item's assignee (team/assignees.py and its use in team/work.py), on a real database:
who may be given work, how emails match, that a refusal writes nothing, and that an item keeps
an assignee who has left since."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, func, select

from team import assignees
from team import members as members_service
from team import work as service
from team.areas import get_settings
from team.errors import InvalidInput
from team.history import forecast_history
from team.models import InputChange, RatingChange, WorkItem
from team.schemas import WorkItemCreate, WorkItemUpdate

PLAN_START = date(2027, 1, 4)  # a Monday


@pytest.fixture
def plan_start(db: Session) -> date:
    """Today's plan start, fixed by the setting so that end dates around it mean the same
    whatever day the tests run."""
    settings = get_settings(session=db)
    settings.plan_start = PLAN_START
    db.add(settings)
    db.commit()
    return PLAN_START


@pytest.fixture
def team(make_member, db: Session, plan_start: date) -> dict:
    """Ada (staying), Oliver (marked as left), Ines (last day before the plan start), Bo (last
    day on the plan start: still counted) and Nadia (starts later: counted)."""
    people = {
        "ada": make_member(name="Ada Lovelace", email="ada@example.com"),
        "oliver": make_member(name="Oliver Smith", email="oliver@example.com"),
        "ines": make_member(name="Ines Park", email="ines@example.com", end_date="2026-12-31"),
        "bo": make_member(name="Bo Chen", email="bo@example.com", end_date="2027-01-04"),
        "nadia": make_member(
            name="Nadia Petrova", email="nadia@example.com", start_date="2027-03-01"
        ),
    }
    members_service.mark_left(people["oliver"].id, session=db, actor="test")
    db.commit()
    return people


def _new(db: Session, **fields):
    data = {"title": "Ticket", "area": "engineering", "points": 3} | fields
    return service.create_work_item(WorkItemCreate(**data), session=db)


def _items(db: Session) -> int:
    db.rollback()
    return db.exec(select(func.count()).select_from(WorkItem)).one()


def test_the_rule_names_who_may_not_be_given_work(db: Session, team: dict) -> None:
    found = assignees.roster(session=db)
    assert found.plan_start == PLAN_START
    for email in ("ada@example.com", "  BO@Example.com ", "nadia@example.com"):
        member, problem = found.check(email)
        assert problem is None and member is not None, email
    assert found.check("nobody@example.com") == (
        None,
        "no member has the email nobody@example.com",
    )
    assert found.check("oliver@example.com") == (None, "Oliver Smith has left the team")
    assert found.check("ines@example.com")[1] == (
        "Ines Park had their last working day on 2026-12-31, before the plan start (2027-01-04)"
    )
    assert [m.name for m in assignees.assignable(session=db)] == [
        "Ada Lovelace",
        "Bo Chen",
        "Nadia Petrova",
    ]


def test_an_item_is_assigned_by_email_in_any_case_and_cleared_with_none(
    db: Session, team: dict
) -> None:
    item = _new(db, assignee="  Ada@EXAMPLE.com ")
    assert item.assignee == "ada@example.com"
    row = service.get_item_row(item.id, session=db)
    assert row.assignee_id == team["ada"].id
    moved = service.update_work_item(item.id, WorkItemUpdate(assignee="bo@example.com"), session=db)
    assert moved.assignee == "bo@example.com"
    kept = service.update_work_item(item.id, WorkItemUpdate(points=5), session=db)
    assert (kept.assignee, kept.points) == ("bo@example.com", 5)
    cleared = service.update_work_item(item.id, WorkItemUpdate(assignee=None), session=db)
    assert cleared.assignee is None
    assert service.get_item_row(item.id, session=db).assignee_id is None


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("x@y.com", "no member has the email x@y.com"),
        ("oliver@example.com", "Oliver Smith has left the team"),
        ("ines@example.com", "Ines Park had their last working day on 2026-12-31"),
    ],
)
def test_a_refused_assignee_writes_nothing(db: Session, team: dict, email: str, message: str):
    with pytest.raises(InvalidInput) as refused:
        _new(db, assignee=email)
    assert refused.value.fields["assignee"][0].startswith(message)
    assert _items(db) == 0
    item = _new(db, assignee="ada@example.com")
    version = service.get_item_row(item.id, session=db).version
    db.commit()
    with pytest.raises(InvalidInput) as refused:
        service.update_work_item(
            item.id, WorkItemUpdate(title="Changed", assignee=email), session=db
        )
    assert refused.value.fields["assignee"][0].startswith(message)
    db.rollback()
    assert service.get_work_item(item.id, session=db) == item
    assert service.get_item_row(item.id, session=db).version == version


def test_an_item_keeps_an_assignee_who_has_left_since(db: Session, team: dict) -> None:
    """Marking a member as left keeps their items' assignee (the plan flags them), and the item
    can still be changed, with them sent again or left out; someone else who left cannot be
    assigned, and clearing works."""
    item = _new(db, assignee="ada@example.com", status="in_progress")
    members_service.mark_left(team["ada"].id, session=db, actor="test")
    db.commit()
    assert service.get_work_item(item.id, session=db).assignee == "ada@example.com"
    same = service.update_work_item(
        item.id, WorkItemUpdate(title="Renamed", assignee="ADA@example.com"), session=db
    )
    assert (same.title, same.assignee) == ("Renamed", "ada@example.com")
    with pytest.raises(InvalidInput):
        service.update_work_item(item.id, WorkItemUpdate(assignee="oliver@example.com"), session=db)
    db.rollback()
    assert (
        service.update_work_item(item.id, WorkItemUpdate(assignee=None), session=db).assignee
        is None
    )
    with pytest.raises(InvalidInput, match="Ada Lovelace has left the team"):
        service.update_work_item(item.id, WorkItemUpdate(assignee="ada@example.com"), session=db)


def test_lists_and_open_items_carry_the_assignee(db: Session, team: dict) -> None:
    mine = _new(db, title="Mine", assignee="bo@example.com")
    nobody = _new(db, title="Nobody's")
    items, _ = service.list_work_items(session=db)
    assert [(i.title, i.assignee) for i in items] == [
        ("Mine", "bo@example.com"),
        ("Nobody's", None),
    ]
    assert [(i.id, i.assignee) for i in service.open_items(session=db)] == [
        (mine.id, "bo@example.com"),
        (nobody.id, None),
    ]
    names = assignees.names_by_email(["bo@example.com", "oliver@example.com", None], session=db)
    assert names == {
        "bo@example.com": assignees.Assignee("Bo Chen", None),
        "oliver@example.com": assignees.Assignee("Oliver Smith", "has left the team"),
    }


def test_the_history_records_the_assignee(db: Session, team: dict) -> None:
    """A work item's recorded state holds its assignee, and a day on which only assignees
    changed says so."""
    item = _new(db, title="Drift model", assignee="ada@example.com")
    noon = datetime(2026, 11, 2, 12, tzinfo=UTC)
    db.exec(update(InputChange).values(at=noon))
    db.exec(update(RatingChange).values(changed_at=noon))
    db.commit()
    service.update_work_item(item.id, WorkItemUpdate(assignee="bo@example.com"), session=db)
    states = db.exec(
        select(InputChange.state)
        .where(InputChange.kind == "work_item", InputChange.subject_id == item.id)
        .order_by(col(InputChange.id))
    ).all()
    assert [s["assignee_id"] for s in states if s] == [team["ada"].id, team["bo"].id]
    first, latest = forecast_history(session=db)
    assert "1 item added (3 points): Drift model" in first.changes
    assert latest.changes == ("1 item reassigned: Drift model",)
    assert latest.forecast_weeks == first.forecast_weeks
