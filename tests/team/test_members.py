"""Service tests of team/members.py on a real database: ratings, history, listing, conflicts."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, func, select

from team import members as service
from team.areas import create_skill
from team.errors import Conflict, InvalidInput, NotFound
from team.models import Member, MemberLevel, MemberSkill, RatingChange
from team.schemas import MemberCreate, MemberUpdate


def count(db: Session, table: type) -> int:
    """Rows of `table` as committed: the session's own unflushed or uncommitted work is dropped."""
    db.rollback()
    db.expire_all()
    return db.exec(select(func.count()).select_from(table)).one()


def new(db: Session, actor: str = "hm@example.com", **fields: Any):
    """Create a member through the service with sensible defaults."""
    data = {"name": "Ada Lovelace", "email": "ada@example.com"} | fields
    return service.create_member(MemberCreate(**data), session=db, actor=actor)


def level_rows(db: Session, member_id: int) -> dict[int, int]:
    """The stored area rating rows of a member, area id -> level."""
    db.expire_all()
    rows = db.exec(select(MemberLevel).where(MemberLevel.member_id == member_id)).all()
    return {row.area_id: row.level for row in rows}


def test_create_stores_levels_and_skips_zero(db: Session) -> None:
    """Level 0 is the default: it is not stored as a row, and reads back as absent."""
    member = new(db, levels={"research": 3, "engineering": 0, "data": 1}, fte=0.5)
    assert member.levels == {"research": 3, "data": 1}
    assert member.fte == 0.5 and member.active
    assert sorted(level_rows(db, member.id).values()) == [1, 3]


def test_level_zero_removes_the_rating_row(db: Session) -> None:
    """Setting an area back to 0 deletes its row rather than storing a 0."""
    member = new(db, levels={"research": 3, "data": 2})
    updated = service.update_member(
        member.id, MemberUpdate(levels={"research": 0}), session=db, actor="x@example.com"
    )
    assert updated.levels == {"data": 2}
    assert list(level_rows(db, member.id).values()) == [2]


def test_history_records_only_real_changes(db: Session) -> None:
    """A create logs each non-zero level; an update logs only levels that actually changed."""
    member = new(db, actor="creator@example.com", levels={"research": 2, "engineering": 0})
    history = service.rating_history(session=db, member_id=member.id)
    assert [(h.what, h.old_level, h.new_level, h.changed_by) for h in history] == [
        ("ML research", 0, 2, "creator@example.com")
    ]
    service.update_member(
        member.id,
        MemberUpdate(levels={"research": 2, "engineering": 3, "data": 0}, name="Ada L."),
        session=db,
        actor="editor@example.com",
    )
    history = service.rating_history(session=db, member_id=member.id)
    assert len(history) == 2
    newest = history[0]
    assert (newest.what, newest.kind, newest.old_level, newest.new_level) == (
        "Software and ML engineering",
        "area",
        0,
        3,
    )
    assert newest.changed_by == "editor@example.com"
    assert newest.member_name == "Ada L."
    assert count(db, RatingChange) == 2


def test_skill_levels_and_their_history(db: Session) -> None:
    """Skill levels are stored, changed and logged like area levels, with kind 'skill'."""
    create_skill("data", "streaming", "Streaming", session=db)
    member = new(db, skills={"streaming": 3})
    assert member.skills == {"streaming": 3}
    updated = service.update_member(
        member.id, MemberUpdate(skills={"streaming": 0}), session=db, actor="e@example.com"
    )
    assert updated.skills == {}
    assert count(db, MemberSkill) == 0
    history = service.rating_history(session=db, member_id=member.id)
    assert [(h.what, h.kind, h.old_level, h.new_level) for h in history] == [
        ("Streaming", "skill", 3, 0),
        ("Streaming", "skill", 0, 3),
    ]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"levels": {"quantum": 2}}, "levels.quantum"),
        ({"skills": {"juggling": 1}}, "skills.juggling"),
    ],
)
def test_unknown_keys_raise_invalid_input_and_write_nothing(
    db: Session, fields: dict, key: str
) -> None:
    """An area or skill that does not exist is named in the error, and no member is stored."""
    with pytest.raises(InvalidInput) as caught:
        new(db, **fields)
    assert key in caught.value.fields
    assert count(db, Member) == 0
    assert count(db, RatingChange) == 0


def test_unknown_key_on_update_changes_nothing(db: Session) -> None:
    """A rejected update leaves name, levels and history as they were."""
    member = new(db, levels={"research": 1})
    with pytest.raises(InvalidInput) as caught:
        service.update_member(
            member.id,
            MemberUpdate(name="Changed", levels={"research": 4, "nope": 1}),
            session=db,
            actor="e@example.com",
        )
    assert "levels.nope" in caught.value.fields
    db.rollback()
    again = service.get_member(member.id, session=db)
    assert again.name == "Ada Lovelace" and again.levels == {"research": 1}
    assert count(db, RatingChange) == 1


def test_duplicate_email_is_taken(db: Session) -> None:
    """Emails are unique regardless of case, on create and on update."""
    new(db, email="ada@example.com")
    with pytest.raises(Conflict) as caught:
        new(db, name="Other", email="ADA@example.com")
    assert caught.value.fields == {"email": ["is taken"]}
    db.rollback()
    other = new(db, name="Grace", email="grace@example.com")
    with pytest.raises(Conflict):
        service.update_member(other.id, MemberUpdate(email="ada@example.com"), session=db)
    db.rollback()
    assert service.get_member(other.id, session=db).email == "grace@example.com"
    # Keeping one's own email is not a conflict.
    service.update_member(other.id, MemberUpdate(email="grace@example.com"), session=db)


def test_stale_expected_version_is_a_conflict(db: Session) -> None:
    """An update based on an old version is refused and writes nothing; the current one works."""
    member = new(db)
    version = service.get_member_row(member.id, session=db).version
    service.update_member(
        member.id, MemberUpdate(title="Lead"), session=db, expected_version=version
    )
    with pytest.raises(Conflict):
        service.update_member(
            member.id, MemberUpdate(title="Stale"), session=db, expected_version=version
        )
    db.rollback()
    db.expire_all()
    row = service.get_member_row(member.id, session=db)
    assert row.title == "Lead"
    assert row.version == version + 1


def test_explicit_none_is_refused(db: Session) -> None:
    """Sending null for a required field is a field error, not a crash in the database."""
    member = new(db)
    with pytest.raises(InvalidInput) as caught:
        service.update_member(member.id, MemberUpdate(name=None), session=db)
    assert "name" in caught.value.fields


def test_missing_member_is_not_found(db: Session) -> None:
    """Unknown ids raise NotFound on read, update and leave."""
    with pytest.raises(NotFound):
        service.get_member(999, session=db)
    with pytest.raises(NotFound):
        service.update_member(999, MemberUpdate(title="x"), session=db)
    with pytest.raises(NotFound):
        service.mark_left(999, session=db)


def test_mark_left_keeps_the_member_but_drops_them_from_the_team(db: Session) -> None:
    """A leaver keeps ratings and history but leaves the active team and the matrix counts."""
    stays = new(db, name="Stays", email="s@example.com", levels={"research": 3})
    leaves = new(db, name="Leaves", email="l@example.com", levels={"research": 4})
    assert service.matrix_summary(session=db).strong_by_area["research"] == 2
    left = service.mark_left(leaves.id, session=db, actor="hm@example.com")
    assert not left.active and left.levels == {"research": 4}
    version = service.get_member_row(leaves.id, session=db).version
    service.mark_left(leaves.id, session=db)  # again: nothing changes
    assert service.get_member_row(leaves.id, session=db).version == version
    assert [m.id for m in service.active_members(session=db)] == [stays.id]
    assert service.matrix_summary(session=db).strong_by_area == {"research": 1}
    assert len(service.rating_history(session=db, member_id=leaves.id)) == 1


def test_matrix_summary_counts_strong_or_better(db: Session) -> None:
    """Strong (3) and expert (4) count; working (2) does not; per area and per skill."""
    create_skill("research", "nlp", "NLP", session=db)
    new(db, name="A", email="a@example.com", levels={"research": 3, "data": 2}, skills={"nlp": 4})
    new(db, name="B", email="b@example.com", levels={"research": 4, "engineering": 3})
    new(db, name="C", email="c@example.com", levels={"research": 2}, skills={"nlp": 2})
    summary = service.matrix_summary(session=db)
    assert summary.strong_by_area.get("research") == 2
    assert summary.strong_by_area.get("engineering") == 1
    assert summary.strong_by_area.get("data", 0) == 0
    assert summary.strong_by_skill == {"nlp": 1}


@pytest.fixture
def team(db: Session) -> list:
    """A small team of five, one of whom has left."""
    people = [
        ("Carol", "carol@example.com", "Data engineer", 1.0),
        ("alice", "alice@example.com", "Research scientist", 0.5),
        ("Bob", "bob@example.com", "ML engineer", 0.8),
        ("Dave", "dave@corp.example", "ML engineer", 0.2),
        ("Eve", "eve@example.com", "Manager", 1.0),
    ]
    created = [new(db, name=n, email=e, title=t, fte=f) for n, e, t, f in people]
    service.mark_left(created[-1].id, session=db)
    return created


def names(result: tuple[list, int]) -> list[str]:
    """The names on a page of list_members."""
    return [m.name for m in result[0]]


def test_list_members_filters_by_active(db: Session, team) -> None:
    """active=True hides leavers, False shows only them, None shows everyone."""
    assert service.list_members(session=db, active=True)[1] == 4
    assert names(service.list_members(session=db, active=False)) == ["Eve"]
    assert service.list_members(session=db)[1] == 5


def test_list_members_search(db: Session, team) -> None:
    """Search is case-insensitive over name, email and title, and the total counts matches."""
    assert names(service.list_members(session=db, search="ALICE")) == ["alice"]
    assert names(service.list_members(session=db, search="corp.example")) == ["Dave"]
    assert sorted(names(service.list_members(session=db, search="ml eng"))) == ["Bob", "Dave"]
    assert service.list_members(session=db, search="nobody") == ([], 0)


def test_list_members_search_treats_wildcards_literally(db: Session, team) -> None:
    """`%` and `_` in a search are characters to find, not patterns matching everyone."""
    assert service.list_members(session=db, search="%")[1] == 0
    assert service.list_members(session=db, search="_")[1] == 0
    new(db, name="Frank", email="frank_x@example.com", title="100% remote")
    assert names(service.list_members(session=db, search="100%")) == ["Frank"]
    assert names(service.list_members(session=db, search="k_x")) == ["Frank"]


def test_list_members_sorts(db: Session, team) -> None:
    """Sort by name ignoring case, by FTE either way; unknown sorts fall back to name."""
    by_name = names(service.list_members(session=db, active=True))
    assert by_name == ["alice", "Bob", "Carol", "Dave"]
    by_name_desc = names(service.list_members(session=db, active=True, descending=True))
    assert by_name_desc == ["Dave", "Carol", "Bob", "alice"]
    by_fte = names(service.list_members(session=db, active=True, sort="fte"))
    assert by_fte == ["Dave", "alice", "Bob", "Carol"]
    by_fte_desc = names(service.list_members(session=db, active=True, sort="fte", descending=True))
    assert by_fte_desc == ["Carol", "Bob", "alice", "Dave"]
    by_email = names(service.list_members(session=db, active=True, sort="email"))
    assert by_email == ["alice", "Bob", "Carol", "Dave"]
    fallback = names(service.list_members(session=db, active=True, sort="drop table"))
    assert fallback == names(service.list_members(session=db, active=True, sort="name"))


def test_list_members_paginates(db: Session) -> None:
    """Pages of `limit` from `offset`; the total is of all matches, not of the page."""
    for i in range(55):
        new(db, name=f"Person {i:02d}", email=f"p{i}@example.com")
    first, total = service.list_members(session=db, limit=50, offset=0)
    second, total_again = service.list_members(session=db, limit=50, offset=50)
    assert total == total_again == 55
    assert len(first) == 50 and len(second) == 5
    assert first[0].name == "Person 00" and second[-1].name == "Person 54"
    assert not {m.id for m in first} & {m.id for m in second}


def test_rating_history_is_newest_first_and_limited(db: Session) -> None:
    """The team-wide history lists the newest change first and honours the limit."""
    a = new(db, name="A", email="a@example.com", levels={"research": 1})
    b = new(db, name="B", email="b@example.com", levels={"data": 2})
    service.update_member(a.id, MemberUpdate(levels={"research": 2}), session=db, actor="z@x.org")
    history = service.rating_history(session=db)
    assert [(h.member_name, h.new_level) for h in history] == [("A", 2), ("B", 2), ("A", 1)]
    assert len(service.rating_history(session=db, limit=1)) == 1
    assert [h.member_id for h in service.rating_history(session=db, member_id=b.id)] == [b.id]
