"""Planned work: tickets with an area and points, as the forecast's demand."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, delete, desc
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from team import assignees
from team.coverage import OpenDemand
from team.errors import Conflict, InvalidInput, NotFound
from team.models import Area, Member, Skill, WorkItem, WorkItemSkill, utcnow
from team.schemas import WorkItemCreate, WorkItemPublic, WorkItemUpdate
from team.search import LIKE_ESCAPE, contains_pattern

SORTS: dict[str, tuple[Any, ...]] = {
    "title": (func.lower(WorkItem.title), WorkItem.id),  # same order on SQLite and PostgreSQL
    "points": (WorkItem.points, WorkItem.id),
    "status": (WorkItem.status, WorkItem.id),
    "id": (WorkItem.id,),
}


def _area_by_key(key: str, session: Session) -> Area:
    area = session.exec(select(Area).where(Area.key == key)).first()
    if area is None:
        raise InvalidInput({"area": ["is not a known area"]})
    return area


def publish(items: list[WorkItem], *, session: Session) -> list[WorkItemPublic]:
    """Work items with their area and skill keys and their assignee's email, in a fixed number
    of queries."""
    areas = {a.id: a.key for a in session.exec(select(Area)).all()}
    emails = assignees.emails_by_id((item.assignee_id for item in items), session=session)
    skills: dict[int, list[str]] = defaultdict(list)
    ids = [item.id for item in items if item.id is not None]
    if ids:
        rows = session.exec(
            select(WorkItemSkill.work_item_id, Skill.key)
            .join(Skill, col(Skill.id) == WorkItemSkill.skill_id)
            .where(col(WorkItemSkill.work_item_id).in_(ids))
            .order_by(col(Skill.position), col(Skill.id))
        ).all()
        for item_id, key in rows:
            skills[item_id].append(key)
    return [
        WorkItemPublic(
            id=item.id or 0,
            title=item.title,
            area=areas.get(item.area_id, "?"),
            points=item.points,
            status=item.status,
            skills=skills.get(item.id or 0, []),
            assignee=emails.get(item.assignee_id) if item.assignee_id is not None else None,
        )
        for item in items
    ]


def list_work_items(
    *,
    session: Session,
    area: str | None = None,
    status: str | None = None,
    search: str | None = None,
    sort: str = "id",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[WorkItemPublic], int]:
    """A page of work items, filtered by area key and status, and how many match in all."""
    query = select(WorkItem)
    if area:
        query = query.join(Area, col(Area.id) == WorkItem.area_id).where(Area.key == area)
    if status:
        query = query.where(WorkItem.status == status)
    if search:
        query = query.where(
            func.lower(WorkItem.title).like(contains_pattern(search), escape=LIKE_ESCAPE)
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = SORTS.get(sort, SORTS["id"])
    order_by = [desc(c) for c in order] if descending else list(order)
    rows = list(session.exec(query.order_by(*order_by).limit(limit).offset(offset)).all())
    return publish(rows, session=session), total


@dataclass(frozen=True)
class AreaTotal:
    """Points of one area's work: still open (the forecast's demand) and in all."""

    key: str
    name: str
    open_points: float
    total_points: float
    open_items: int


def area_totals(*, session: Session) -> list[AreaTotal]:
    """Open and total points per area, every area present, in display order."""
    is_open = case((col(WorkItem.status) != "done", col(WorkItem.points)), else_=0.0)
    counts_open = case((col(WorkItem.status) != "done", 1), else_=0)
    # The whole Area row (every column is grouped on): SQLModel's select is typed for at most
    # four entities, and the key and name would make five.
    query = (
        select(
            Area,
            func.coalesce(func.sum(is_open), 0.0),
            func.coalesce(func.sum(WorkItem.points), 0.0),
            func.coalesce(func.sum(counts_open), 0),
        )
        .outerjoin(WorkItem, col(WorkItem.area_id) == Area.id)
        .group_by(col(Area.id), col(Area.key), col(Area.name), col(Area.position))
        .order_by(col(Area.position), col(Area.id))
    )
    return [
        AreaTotal(
            key=a.key, name=a.name, open_points=float(o), total_points=float(t), open_items=int(c)
        )
        for a, o, t, c in session.exec(query).all()
    ]


def open_items(*, session: Session) -> list[WorkItemPublic]:
    """Every item not done, in id order: the demand the forecast plans for.

    Read as plain tuples in two queries and built without re-validating what the database
    already holds: a member's page sizes every open ticket for them, and 20,000 ORM objects
    turned into validated schemas took over a second.
    """
    is_open = col(WorkItem.status) != "done"
    skills: dict[int, list[str]] = defaultdict(list)
    for item_id, key in session.exec(
        select(WorkItemSkill.work_item_id, Skill.key)
        .join(Skill, col(Skill.id) == WorkItemSkill.skill_id)
        .join(WorkItem, col(WorkItem.id) == WorkItemSkill.work_item_id)
        .where(is_open)
        .order_by(col(Skill.position), col(Skill.id))
    ).all():
        skills[item_id].append(key)
    query = (
        sa_select(
            col(WorkItem.id),
            col(WorkItem.title),
            col(Area.key),
            col(WorkItem.points),
            col(WorkItem.status),
            col(Member.email),
        )
        .join(Area, col(Area.id) == WorkItem.area_id)
        .outerjoin(Member, col(Member.id) == WorkItem.assignee_id)
        .where(is_open)
        .order_by(col(WorkItem.id))
    )
    return [
        WorkItemPublic.model_construct(
            id=item_id or 0,
            title=title,
            area=area,
            points=points,
            status=status,
            skills=skills.get(item_id or 0, []),
            assignee=email,
        )
        for item_id, title, area, points, status, email in session.connection().execute(query).all()
    ]


def open_demand(*, session: Session) -> OpenDemand:
    """The open work summed by the database: points per area and per skill, and the skills
    some open item names (what the coverage report and the forecast take of the work).

    Two grouped queries, whatever the size of the backlog: reading 20,000 items into Python to
    add them up took seconds. An item names a skill at most once (the link's primary key).
    """
    is_open = col(WorkItem.status) != "done"
    by_area = {
        key: float(points)
        for key, points in session.exec(
            select(Area.key, func.sum(WorkItem.points))
            .join(Area, col(Area.id) == WorkItem.area_id)
            .where(is_open)
            .group_by(col(Area.key))
        ).all()
    }
    by_skill: dict[str, float] = {}
    for key, points in session.exec(
        select(Skill.key, func.sum(WorkItem.points))
        .select_from(WorkItemSkill)
        .join(Skill, col(Skill.id) == WorkItemSkill.skill_id)
        .join(WorkItem, col(WorkItem.id) == WorkItemSkill.work_item_id)
        .where(is_open)
        .group_by(col(Skill.key))
    ).all():
        by_skill[key] = float(points)
    return OpenDemand(by_area=by_area, by_skill=by_skill, named_skills=frozenset(by_skill))


def get_item_row(item_id: int, *, session: Session, for_update: bool = False) -> WorkItem:
    """The stored item, or NotFound; `for_update` locks it until commit (as for members)."""
    item = session.get(
        WorkItem, item_id, with_for_update=for_update or None, populate_existing=for_update
    )
    if item is None:
        raise NotFound("no such work item")
    return item


def get_work_item(item_id: int, *, session: Session) -> WorkItemPublic:
    """One work item."""
    return publish([get_item_row(item_id, session=session)], session=session)[0]


def _set_skills(item: WorkItem, keys: list[str], session: Session) -> None:
    assert item.id is not None, "the item is flushed before its skills are set"
    known = {s.key: s.id for s in session.exec(select(Skill)).all() if s.id is not None}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InvalidInput({"skills": [f"{key} is not a known skill" for key in unknown]})
    session.exec(delete(WorkItemSkill).where(col(WorkItemSkill.work_item_id) == item.id))
    for key in dict.fromkeys(keys):
        session.add(WorkItemSkill(work_item_id=item.id, skill_id=known[key]))


def add_work_item(
    data: WorkItemCreate, *, session: Session, members: assignees.Roster | None = None
) -> WorkItem:
    """Stage a new work item (no commit): shared by the form, the API and CSV import.

    The assignee must pass `team.assignees`' rule (`members`: a roster loaded beforehand)."""
    area = _area_by_key(data.area, session)
    assert area.id is not None, "a stored area has an id"
    assignee = assignees.assignee_id(data.assignee, session=session, members=members)
    item = WorkItem(
        title=data.title,
        area_id=area.id,
        points=data.points,
        status=data.status,
        assignee_id=assignee,
    )
    session.add(item)
    session.flush()
    _set_skills(item, data.skills, session)
    return item


def create_work_item(data: WorkItemCreate, *, session: Session) -> WorkItemPublic:
    """Add a work item to the planned work."""
    item = add_work_item(data, session=session)
    session.commit()
    return get_work_item(item.id or 0, session=session)


def update_work_item(
    item_id: int,
    data: WorkItemUpdate,
    *,
    session: Session,
    expected_version: int | None = None,
) -> WorkItemPublic:
    """Change a work item; a stale `expected_version` is a Conflict. `assignee`, when sent,
    sets (None: clears) the assignee, who must pass `team.assignees`' rule unless they are the
    item's assignee already."""
    item = get_item_row(item_id, session=session, for_update=True)
    if expected_version is not None and expected_version != item.version:
        raise Conflict("Someone else changed this item meanwhile; reload and try again.")
    if "assignee" in data.model_fields_set:
        item.assignee_id = assignees.assignee_id(
            data.assignee, session=session, current=item.assignee_id
        )
    changes = data.model_dump(exclude_unset=True, exclude={"skills", "area", "assignee"})
    if any(value is None for value in changes.values()):
        raise InvalidInput({k: ["may not be empty"] for k, v in changes.items() if v is None})
    for field, value in changes.items():
        setattr(item, field, value)
    if data.area is not None:
        item.area_id = _area_by_key(data.area, session).id or 0
    if data.skills is not None:
        _set_skills(item, data.skills, session)
    item.updated_at = utcnow()
    item.version += 1
    session.add(item)
    session.commit()
    return get_work_item(item_id, session=session)


def delete_work_item(item_id: int, *, session: Session) -> None:
    """Remove a work item from the planned work (no decision rests on a ticket)."""
    item = get_item_row(item_id, session=session)
    session.exec(delete(WorkItemSkill).where(col(WorkItemSkill.work_item_id) == item_id))
    session.delete(item)
    session.commit()
