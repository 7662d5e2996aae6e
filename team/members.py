"""Members of the team and their ratings: the skills matrix, with a history of every change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, desc, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from team.absences import check_member_dates
from team.errors import Conflict, InvalidInput, NotFound
from team.levels import level_changes
from team.models import Area, Member, MemberLevel, MemberSkill, RatingChange, Skill, utcnow
from team.schemas import MEMBER_DATES, MemberCreate, MemberPublic, MemberUpdate
from team.search import LIKE_ESCAPE, contains_pattern

# Names sort ignoring case, so that the order is the same on SQLite and PostgreSQL.
SORTS: dict[str, tuple[Any, ...]] = {
    "name": (func.lower(Member.name), Member.id),
    "email": (Member.email, Member.id),
    "title": (func.lower(Member.title), func.lower(Member.name), Member.id),
    "fte": (Member.fte, func.lower(Member.name), Member.id),
}


@dataclass(frozen=True)
class RatingChangeView:
    """One line of the rating history, in names rather than ids."""

    member_id: int
    member_name: str
    what: str
    kind: str
    old_level: int | None
    new_level: int | None
    changed_by: str
    changed_at: datetime


def _area_ids(session: Session) -> dict[str, int]:
    return {a.key: a.id for a in session.exec(select(Area)).all() if a.id is not None}


def _skill_ids(session: Session) -> dict[str, int]:
    return {s.key: s.id for s in session.exec(select(Skill)).all() if s.id is not None}


# Levels by member id, then by area or skill key.
Ratings = dict[int, dict[str, int]]


def _ratings(member_ids: list[int], session: Session) -> tuple[Ratings, Ratings]:
    """Area and skill levels of many members in two queries, keyed by member id then key."""
    levels: Ratings = defaultdict(dict)
    skills: Ratings = defaultdict(dict)
    if not member_ids:
        return levels, skills
    area_rows = session.exec(
        select(MemberLevel.member_id, Area.key, MemberLevel.level)
        .join(Area, col(Area.id) == MemberLevel.area_id)
        .where(col(MemberLevel.member_id).in_(member_ids))
    ).all()
    for member_id, key, level in area_rows:
        levels[member_id][key] = level
    skill_rows = session.exec(
        select(MemberSkill.member_id, Skill.key, MemberSkill.level)
        .join(Skill, col(Skill.id) == MemberSkill.skill_id)
        .where(col(MemberSkill.member_id).in_(member_ids))
    ).all()
    for member_id, key, level in skill_rows:
        skills[member_id][key] = level
    return levels, skills


def _public(member: Member, levels: Mapping[str, int], skills: Mapping[str, int]) -> MemberPublic:
    return MemberPublic(
        id=member.id or 0,
        name=member.name,
        email=member.email,
        title=member.title,
        fte=member.fte,
        active=member.active,
        levels=dict(levels),
        skills=dict(skills),
        start_date=member.start_date,
        end_date=member.end_date,
    )


def publish(members: Iterable[Member], *, session: Session) -> list[MemberPublic]:
    """Members with their ratings, loaded in a fixed number of queries (no N+1)."""
    members = list(members)
    levels, skills = _ratings([m.id for m in members if m.id is not None], session)
    return [_public(m, levels.get(m.id or 0, {}), skills.get(m.id or 0, {})) for m in members]


def list_members(
    *,
    session: Session,
    active: bool | None = None,
    search: str | None = None,
    sort: str = "name",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[MemberPublic], int]:
    """A page of members, filtered and sorted, and how many match in all."""
    query = select(Member)
    if active is True:
        query = query.where(col(Member.left_at).is_(None))
    elif active is False:
        query = query.where(col(Member.left_at).is_not(None))
    if search:
        pattern = contains_pattern(search)
        query = query.where(
            or_(
                func.lower(Member.name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Member.email).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Member.title).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    order = SORTS.get(sort, SORTS["name"])
    order_by = [desc(c) for c in order] if descending else list(order)
    rows = session.exec(query.order_by(*order_by).limit(limit).offset(offset)).all()
    return publish(rows, session=session), total


def active_members(*, session: Session) -> list[MemberPublic]:
    """Everyone still on the team, with ratings: the input of the matrix and the forecast.

    Three plain-tuple queries joined on "still on the team" (no list of a thousand ids to bind),
    and the public models built without re-validating what the database already holds: the
    coverage report and every ranking start here, so at 1,000 members this is most of their
    loading time.
    """
    on_team = col(Member.left_at).is_(None)
    connection = session.connection()
    levels: Ratings = defaultdict(dict)
    for member_id, key, level in connection.execute(
        sa_select(col(MemberLevel.member_id), col(Area.key), col(MemberLevel.level))
        .join(Area, col(Area.id) == MemberLevel.area_id)
        .join(Member, col(Member.id) == MemberLevel.member_id)
        .where(on_team)
    ):
        levels[member_id][key] = level
    skills: Ratings = defaultdict(dict)
    for member_id, key, level in connection.execute(
        sa_select(col(MemberSkill.member_id), col(Skill.key), col(MemberSkill.level))
        .join(Skill, col(Skill.id) == MemberSkill.skill_id)
        .join(Member, col(Member.id) == MemberSkill.member_id)
        .where(on_team)
    ):
        skills[member_id][key] = level
    rows = connection.execute(
        sa_select(
            col(Member.id),
            col(Member.name),
            col(Member.email),
            col(Member.title),
            col(Member.fte),
            col(Member.start_date),
            col(Member.end_date),
        )
        .where(on_team)
        .order_by(func.lower(Member.name), col(Member.id))
    )
    return [
        MemberPublic.model_construct(
            id=member_id,
            name=name,
            email=email,
            title=title,
            fte=float(fte),
            active=True,
            levels=levels.get(member_id or 0, {}),
            skills=skills.get(member_id or 0, {}),
            start_date=start_date,
            end_date=end_date,
        )
        for member_id, name, email, title, fte, start_date, end_date in rows
    ]


def get_member_row(member_id: int, *, session: Session, for_update: bool = False) -> Member:
    """The stored member, or NotFound.

    `for_update` locks the row until commit (PostgreSQL's SELECT ... FOR UPDATE), so that the
    version check of a concurrent edit sees the other edit's commit instead of racing it; SQLite
    already serialises writers with BEGIN IMMEDIATE.
    """
    member = session.get(
        Member, member_id, with_for_update=for_update or None, populate_existing=for_update
    )
    if member is None:
        raise NotFound("no such member")
    return member


def get_member(member_id: int, *, session: Session) -> MemberPublic:
    """One member with ratings."""
    return publish([get_member_row(member_id, session=session)], session=session)[0]


def _check_keys(
    values: Mapping[str, int], known: Mapping[str, int], field: str, what: str
) -> dict[str, list[str]]:
    return {f"{field}.{key}": [f"is not a known {what}"] for key in values if key not in known}


def _set_levels(
    member: Member,
    levels: Mapping[str, int],
    skills: Mapping[str, int],
    *,
    session: Session,
    actor: str,
    new: bool = False,
) -> None:
    """Write the given levels (0 removes a rating) and record each real change in the history.

    A `new` member has no ratings yet, so there is nothing to read first (a CSV import of
    thousands of people saves a query and the deletes per row).
    """
    area_ids, skill_ids = _area_ids(session), _skill_ids(session)
    errors = _check_keys(levels, area_ids, "levels", "area")
    errors |= _check_keys(skills, skill_ids, "skills", "skill")
    if errors:
        raise InvalidInput(errors)
    assert member.id is not None
    empty: tuple[Ratings, Ratings] = (defaultdict(dict), defaultdict(dict))
    current_levels, current_skills = empty if new else _ratings([member.id], session)
    for table, column, ids, given, current in (
        (MemberLevel, "area_id", area_ids, levels, current_levels[member.id]),
        (MemberSkill, "skill_id", skill_ids, skills, current_skills[member.id]),
    ):
        for key, old, level in level_changes(given, current, given):
            _store(table, column, ids[key], member.id, old, level, session)
            session.add(
                RatingChange(
                    member_id=member.id,
                    area_id=ids[key] if column == "area_id" else None,
                    skill_id=ids[key] if column == "skill_id" else None,
                    old_level=old,
                    new_level=level,
                    changed_by=actor,
                )
            )


def _store(
    table: type[MemberLevel] | type[MemberSkill],
    column: str,
    target_id: int,
    member_id: int,
    old: int,
    level: int,
    session: Session,
) -> None:
    """Change one stored level (area or skill). Level 0 is stored as no row, so 0 -> n adds
    a row, n -> 0 deletes it, and n -> m updates it in place."""
    where = (col(table.member_id) == member_id, getattr(table, column) == target_id)
    if old == 0:
        session.add(table(member_id=member_id, level=level, **{column: target_id}))
    elif level == 0:
        session.exec(delete(table).where(*where))
    else:
        session.exec(update(table).where(*where).values(level=level))


def _email_taken(email: str, *, session: Session, other_than: int | None = None) -> bool:
    query = select(Member.id).where(Member.email == email)
    found = session.exec(query).first()
    return found is not None and found != other_than


def add_member(data: MemberCreate, *, session: Session, actor: str = "") -> Member:
    """Stage a new member with ratings (no commit): shared by the form, the API and CSV import."""
    if _email_taken(data.email, session=session):
        raise Conflict("A member with that email exists already.", {"email": ["is taken"]})
    check_member_dates(data.start_date, data.end_date, member_id=None, session=session)
    member = Member(
        name=data.name,
        email=data.email,
        title=data.title,
        fte=data.fte,
        start_date=data.start_date,
        end_date=data.end_date,
    )
    session.add(member)
    session.flush()
    _set_levels(member, data.levels, data.skills, session=session, actor=actor, new=True)
    return member


def change_member(
    member: Member,
    data: MemberUpdate,
    *,
    session: Session,
    actor: str = "",
    expected_version: int | None = None,
) -> Member:
    """Stage changes to a member (no commit); a stale `expected_version` is a Conflict.

    Dates sent as None are cleared; dates that would strand one of their absences are refused.
    """
    if expected_version is not None and expected_version != member.version:
        raise Conflict("Someone else changed this member meanwhile; reload and try again.")
    changes = data.model_dump(exclude_unset=True, exclude={"levels", "skills"})
    if empty := [k for k, v in changes.items() if v is None and k not in MEMBER_DATES]:
        raise InvalidInput({k: ["may not be empty"] for k in empty})
    if "email" in changes and _email_taken(changes["email"], session=session, other_than=member.id):
        raise Conflict("A member with that email exists already.", {"email": ["is taken"]})
    start = changes.get("start_date", member.start_date)
    end = changes.get("end_date", member.end_date)
    if (start, end) != (member.start_date, member.end_date):
        check_member_dates(start, end, member_id=member.id, session=session)
    for field, value in changes.items():
        setattr(member, field, value)
    _set_levels(member, data.levels or {}, data.skills or {}, session=session, actor=actor)
    member.updated_at = utcnow()
    member.version += 1
    session.add(member)
    return member


def create_member(data: MemberCreate, *, session: Session, actor: str = "") -> MemberPublic:
    """Add a member to the team."""
    member = add_member(data, session=session, actor=actor)
    session.commit()
    return get_member(member.id or 0, session=session)


def update_member(
    member_id: int,
    data: MemberUpdate,
    *,
    session: Session,
    actor: str = "",
    expected_version: int | None = None,
) -> MemberPublic:
    """Change a member's details or ratings."""
    member = get_member_row(member_id, session=session, for_update=True)
    change_member(member, data, session=session, actor=actor, expected_version=expected_version)
    session.commit()
    return get_member(member_id, session=session)


def mark_left(member_id: int, *, session: Session, actor: str = "") -> MemberPublic:
    """Mark a member as having left: kept with ratings for history, counted for nothing."""
    member = get_member_row(member_id, session=session, for_update=True)
    if member.left_at is None:
        member.left_at = utcnow()
        member.updated_at = member.left_at
        member.version += 1
        session.add(member)
        session.commit()
    return get_member(member_id, session=session)


def rating_history(
    *, session: Session, member_id: int | None = None, limit: int = 200
) -> list[RatingChangeView]:
    """The newest rating changes first, for one member or the whole team."""
    query = (
        select(RatingChange, Member.name, Area.name, Skill.name)
        .join(Member, col(Member.id) == RatingChange.member_id)
        .outerjoin(Area, col(Area.id) == RatingChange.area_id)
        .outerjoin(Skill, col(Skill.id) == RatingChange.skill_id)
        .order_by(col(RatingChange.changed_at).desc(), col(RatingChange.id).desc())
        .limit(limit)
    )
    if member_id is not None:
        query = query.where(RatingChange.member_id == member_id)
    return [
        RatingChangeView(
            member_id=change.member_id,
            member_name=member_name,
            what=area_name or skill_name or "?",
            kind="area" if area_name else "skill",
            old_level=change.old_level,
            new_level=change.new_level,
            changed_by=change.changed_by,
            changed_at=change.changed_at,
        )
        for change, member_name, area_name, skill_name in session.exec(query).all()
    ]


@dataclass(frozen=True)
class MatrixSummary:
    """How many active members are strong or better in each area and skill (the bus factor)."""

    strong_by_area: Mapping[str, int]
    strong_by_skill: Mapping[str, int]


def matrix_summary(*, session: Session) -> MatrixSummary:
    """Strong-or-better counts per area and skill over the active team."""
    team = active_members(session=session)
    by_area: dict[str, int] = defaultdict(int)
    by_skill: dict[str, int] = defaultdict(int)
    for member in team:
        for key, level in member.levels.items():
            by_area[key] += level >= 3
        for key, level in member.skills.items():
            by_skill[key] += level >= 3
    return MatrixSummary(strong_by_area=dict(by_area), strong_by_skill=dict(by_skill))
