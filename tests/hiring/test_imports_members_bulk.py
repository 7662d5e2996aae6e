"""The members import writes in bulk (team/imports/members_bulk.py) and leaves the database
exactly as adding and changing the members one by one through the services did: the same
members, levels, skills, rating history and forecast history, field by field.

Each comparison imports the same file both ways on the same starting team: one by one
(`add_member` / `change_member`, as the import did before) in a transaction that is then rolled
back, and in bulk (`import_members`), and compares every row of every table they write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from team import absences, csvio
from team import history as history_service
from team import members as members_service
from team.areas import create_skill, list_areas, list_skills
from team.errors import Conflict
from team.imports import compact, import_members, members_bulk, members_stored
from team.models import (
    Area,
    InputChange,
    Member,
    MemberLevel,
    MemberSkill,
    RatingChange,
    Skill,
)
from team.schemas import AbsenceCreate, MemberCreate, MemberUpdate

ACTOR = "importer@example.com"


@pytest.fixture
def team(db: Session, make_member: Callable[..., Any]) -> dict[str, Any]:
    """A team with something of everything a members file can change: ratings in areas and
    skills, dates, an absence, someone who left and someone the files leave alone."""
    create_skill("research", "nlp", "NLP", session=db)
    create_skill("engineering", "python", "Python", session=db)
    create_skill("data", "sql", "SQL", session=db)
    db.commit()
    people = {
        "ada": make_member(
            name="Ada",
            email="ada@example.com",
            title="Scientist",
            fte=0.8,
            levels={"research": 3, "engineering": 1},
            skills={"nlp": 2, "python": 1},
        ),
        "bo": make_member(name="Bo", email="bo@example.com", levels={"data": 4}),
        "cy": make_member(
            name="Cy",
            email="cy@example.com",
            start_date=date(2026, 1, 5),
            end_date=date(2027, 6, 30),
            levels={"engineering": 2},
        ),
        "di": make_member(
            name="Di", email="di@example.com", title="Lead", levels={}, skills={"sql": 3}
        ),
        "eve": make_member(name="Eve", email="eve@example.com", levels={"research": 1}),
        "gone": make_member(name="Gone", email="gone@example.com", levels={"data": 2}),
        "stays": make_member(name="Stays", email="stays@example.com"),
    }
    members_service.mark_left(people["gone"].id, session=db, actor="test")
    absences.add_absence(
        people["cy"].id, AbsenceCreate(start=date(2026, 3, 2), end=date(2026, 3, 6)), session=db
    )
    db.commit()
    return people


# Rows for the team above: new people with and without ratings, dates, title or fte; known
# people changed in every way (name, title, fte, dates set and cleared, levels up, down and to 0,
# skills added and removed), one left as they are, one who left, one by an email in capitals.
FULL = (
    "name,email,title,fte,research,engineering,data,nlp,python,sql,start_date,end_date\n"
    "Ada,ada@example.com,Scientist,0.8,expert,0,,2,,4,,\n"
    "Bo Renamed,BO@example.com,Engineer,1,,,strong,,,,2026-02-02,\n"
    "Cy,cy@example.com,,0.5,,2,,,,,2026-01-05,\n"
    "Di,di@example.com,Lead,1,,,,,,3,,\n"
    "Eve,eve@example.com,Manager,1,1,,,,,,,\n"
    "Gone,gone@example.com,,1,,,3,,,,,\n"
    "New One,new1@example.com,Researcher,0.5,4,1,0,3,,,2026-04-06,2026-12-31\n"
    "New Two,new2@example.com,,,,,,,,,,\n"
    "New Three,new3@example.com,Engineer,1,working,basic,basic,,1,1,,\n"
)
# The same people, but a file with some columns only: levels, dates and skills it leaves out
# stay as they are; an empty fte cell keeps the fte.
NARROW = (
    "name,email,fte,engineering\n"
    "Ada Lovelace,ada@example.com,,3\n"
    "Bo,bo@example.com,0.25,\n"
    "Cy,cy@example.com,,2\n"
    "New Four,new4@example.com,,2\n"
)
NAMES_ONLY = (
    "name,email\nAda,ada@example.com\nDi Renamed,di@example.com\nNew Five,new5@example.com\n"
)


def one_by_one(text: str, *, session: Session, actor: str) -> None:
    """The members import as it was before it wrote in bulk: every row checked, then each new
    member added and each changed one changed through the services, in one flush at the end."""
    area_keys = [a.key for a in list_areas(session=session)]
    skill_keys = [s.key for s in list_skills(session=session)]
    known = csvio.member_columns(area_keys, skill_keys)
    table = csvio.read_table(text, required=csvio.MEMBER_REQUIRED, known=known)
    preview = import_members(text, session=session, actor=actor, apply=False)
    assert preview.ok, preview.errors
    stored = {m.email.lower(): m for m in session.exec(select(Member)).all()}
    with session.no_autoflush:
        for row, checked in zip(table.rows, preview.rows, strict=True):
            data, _ = csvio.member_fields(row, area_keys=area_keys, skill_keys=skill_keys)
            member = stored.get(str(data["email"]).lower())
            if member is None:
                members_service.add_member(MemberCreate(**data), session=session, actor=actor)
            elif checked.summary["changed"]:
                update = MemberUpdate(**{k: v for k, v in data.items() if k != "email"})
                members_service.change_member(member, update, session=session, actor=actor)
    session.flush()


def _utc(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def snapshot(session: Session, since: datetime) -> dict[str, Any]:
    """Every row the import may write, ids replaced by emails and keys (new rows get other ids
    on PostgreSQL, whose sequences a rollback does not turn back), times by whether they are
    from this import (`since`). The transaction stays open."""
    email = {m.id: m.email for m in session.exec(select(Member)).all()}
    areas = {a.id: a.key for a in session.exec(select(Area)).all()}
    skills = {s.id: s.key for s in session.exec(select(Skill)).all()}
    members = {
        m.email: (
            m.name,
            m.title,
            m.fte,
            m.start_date,
            m.end_date,
            m.left_at is not None,
            m.version,
            _utc(m.created_at) >= since,
            _utc(m.updated_at) >= since,
        )
        for m in session.exec(select(Member)).all()
    }
    levels = sorted(
        (email[r.member_id], areas[r.area_id], r.level)
        for r in session.exec(select(MemberLevel)).all()
    )
    skill_levels = sorted(
        (email[r.member_id], skills[r.skill_id], r.level)
        for r in session.exec(select(MemberSkill)).all()
    )
    ratings = [
        (
            email[r.member_id],
            areas.get(r.area_id),
            skills.get(r.skill_id),
            r.old_level,
            r.new_level,
            r.changed_by,
            _utc(r.changed_at) >= since,
        )
        for r in session.exec(select(RatingChange).order_by(col(RatingChange.id))).all()
    ]
    records = list(
        (
            r.kind,
            email[r.subject_id] if r.kind == "member" else r.subject_id,
            sorted((r.state or {}).items()),
            _utc(r.at) >= since,
        )
        for r in session.exec(select(InputChange)).all()
    )
    records.sort(key=repr)  # states hold None beside text
    return {
        "members": members,
        "levels": levels,
        "skills": skill_levels,
        "ratings": ratings,
        "records": records,
    }


def both_ways(db: Session, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The tables after importing `text` one by one (then rolled back) and in bulk."""
    db.rollback()
    since = datetime.now(UTC) - timedelta(microseconds=1)
    one_by_one(text, session=db, actor=ACTOR)
    expected = snapshot(db, since)
    db.rollback()
    result = import_members(text, session=db, actor=ACTOR, apply=True)
    assert result.ok, result.errors
    found = snapshot(db, since)
    db.rollback()
    return expected, found


@pytest.mark.parametrize("text", [FULL, NARROW, NAMES_ONLY], ids=["full", "narrow", "names"])
def test_bulk_import_leaves_the_tables_as_one_by_one_did(db, team, text):
    expected, found = both_ways(db, text)
    for table in expected:
        assert found[table] == expected[table], table


def test_what_the_full_file_does_in_detail(db, team):
    """Not only the same as before: what that is, spelled out for the full file."""
    _expected, found = both_ways(db, FULL)
    members, records = found["members"], found["records"]
    # name, title, fte, start, end, left, version, created now, updated now
    assert members["ada@example.com"] == (
        "Ada",
        "Scientist",
        0.8,
        None,
        None,
        False,
        2,
        False,
        True,
    )  # levels only: a new version, no forecast record
    assert members["bo@example.com"][:7] == (
        "Bo Renamed",
        "Engineer",
        1.0,
        date(2026, 2, 2),
        None,
        False,
        2,
    )
    assert members["cy@example.com"][:7] == ("Cy", "", 0.5, date(2026, 1, 5), None, False, 2)
    assert members["di@example.com"][6:] == (1, False, False)  # nothing changes: not written
    assert members["eve@example.com"][6:] == (2, False, True)  # the title only
    assert members["gone@example.com"][5:7] == (True, 3)  # marked left (2), updated, still gone
    assert members["stays@example.com"][6:] == (1, False, False)
    assert members["new1@example.com"] == (
        "New One",
        "Researcher",
        0.5,
        date(2026, 4, 6),
        date(2026, 12, 31),
        False,
        1,
        True,
        True,
    )
    assert members["new2@example.com"][:7] == ("New Two", "", 1.0, None, None, False, 1)
    new = [r for r in found["ratings"] if r[-1]]
    assert new == [
        ("ada@example.com", "research", None, 3, 4, ACTOR, True),
        ("ada@example.com", "engineering", None, 1, 0, ACTOR, True),
        ("ada@example.com", None, "python", 1, 0, ACTOR, True),
        ("ada@example.com", None, "sql", 0, 4, ACTOR, True),
        ("bo@example.com", "data", None, 4, 3, ACTOR, True),
        ("gone@example.com", "data", None, 2, 3, ACTOR, True),
        ("new1@example.com", "research", None, 0, 4, ACTOR, True),
        ("new1@example.com", "engineering", None, 0, 1, ACTOR, True),
        ("new1@example.com", None, "nlp", 0, 3, ACTOR, True),
        ("new3@example.com", "research", None, 0, 2, ACTOR, True),
        ("new3@example.com", "engineering", None, 0, 1, ACTOR, True),
        ("new3@example.com", "data", None, 0, 1, ACTOR, True),
        ("new3@example.com", None, "python", 0, 1, ACTOR, True),
        ("new3@example.com", None, "sql", 0, 1, ACTOR, True),
    ]
    recorded = {r[1] for r in records if r[0] == "member" and r[3]}
    # new people, and changes to what the forecast reads (name, fte, dates); not Ada's levels,
    # Eve's title or the unchanged Di
    assert recorded == {
        "bo@example.com",
        "cy@example.com",
        "new1@example.com",
        "new2@example.com",
        "new3@example.com",
    }
    new1 = next(r[2] for r in records if r[1] == "new1@example.com")
    assert dict(new1) == {
        "name": "New One",
        "fte": 0.5,
        "start_date": "2026-04-06",
        "end_date": "2026-12-31",
        "left": False,
    }


def test_importing_the_same_file_again_changes_nothing(db, team):
    first = import_members(FULL, session=db, actor=ACTOR, apply=True)
    assert (first.created, first.updated) == (3, 5)
    since = datetime.now(UTC)
    before = snapshot(db, since)
    db.rollback()
    again = import_members(FULL, session=db, actor=ACTOR, apply=True)
    assert (again.created, again.updated) == (0, 0)
    assert snapshot(db, since) == before
    db.rollback()


def test_a_second_file_updates_what_the_first_added(db, team):
    import_members(FULL, session=db, actor=ACTOR, apply=True)
    text = "name,email,research,sql,end_date\nNew One,new1@example.com,2,0,2027-01-29\n"
    expected, found = both_ways(db, text)
    assert found == expected
    stored = db.exec(select(Member).where(Member.email == "new1@example.com")).one()
    assert (stored.end_date, stored.version) == (date(2027, 1, 29), 2)
    public = members_service.get_member(stored.id or 0, session=db)
    assert public.levels == {"research": 2, "engineering": 1}
    assert public.skills == {"nlp": 3}


def counts(db: Session) -> dict[str, int]:
    tables = (Member, MemberLevel, MemberSkill, RatingChange, InputChange)
    found = {t.__name__: db.exec(select(func.count()).select_from(t)).one() for t in tables}
    db.rollback()
    return found


def test_a_file_with_a_bad_row_writes_nothing(db, team):
    before = counts(db)
    text = FULL + "Bad,not-an-email" + "," * 10 + "\n"
    result = import_members(text, session=db, actor=ACTOR, apply=True)
    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert list(result.errors) == [11]
    assert counts(db) == before


def test_bad_rows_after_written_chunks_roll_all_back_and_are_all_listed(db, team, monkeypatch):
    """On PostgreSQL rows are written as they are checked: the chunks written before the first
    bad row are rolled back, and the checking goes on, so that every bad row is listed (on
    SQLite, checked whole first, the answer is the same)."""
    monkeypatch.setattr(members_bulk, "CHUNK", 2)
    before = counts(db)
    rows = [f"New {n},new{n}@example.com,2" for n in range(7)]
    rows.insert(5, "Bad,not-an-email,1")
    rows.append("Worse,worse@example.com,9")
    text = "name,email,research\n" + "\n".join(rows) + "\n"
    result = import_members(text, session=db, actor=ACTOR, apply=True)
    assert not result.ok and (result.created, result.updated) == (0, 0)
    assert list(result.errors) == [7, 10]
    assert counts(db) == before
    # and the session goes on as before: the same file without its bad rows imports
    good = "name,email,research\n" + "\n".join(r for r in rows if r.startswith("New")) + "\n"
    assert import_members(good, session=db, actor=ACTOR, apply=True).created == 7
    assert counts(db)["Member"] == before["Member"] + 7


def test_a_refused_write_rolls_back_every_chunk_and_is_a_conflict(db, team, monkeypatch):
    """Someone adds a member with one of the file's new emails after the file was checked:
    the database refuses the duplicate, and nothing of the file stays, not even the members
    of chunks written before."""
    monkeypatch.setattr(members_bulk, "CHUNK", 2)
    before = counts(db)
    real = members_stored.stored_members

    def missing_ada(session: Session, shared: compact.Shared) -> dict[str, Any]:
        found = real(session, shared)
        found.pop("ada@example.com")  # as if added after the file was checked
        return found

    monkeypatch.setattr("team.imports.members.stored_members", missing_ada)
    text = "name,email,research\nNew A,a1@example.com,2\nNew B,b1@example.com,1\n"
    text += "New C,c1@example.com,3\nAda Again,ada@example.com,1\n"
    with pytest.raises(Conflict, match="nothing was imported"):
        import_members(text, session=db, actor=ACTOR, apply=True)
    assert counts(db) == before


def test_what_else_the_caller_stages_is_written_in_the_same_transaction(db, team):
    seen = []

    def also(result):
        seen.append((result.created, result.updated))
        db.add(Area(key="extra", name="Written with the import", position=9))

    import_members(NAMES_ONLY, session=db, actor=ACTOR, apply=True, also=also)
    assert seen == [(1, 1)]
    assert db.exec(select(Area).where(Area.key == "extra")).one()
    db.rollback()


def test_the_forecast_history_sees_bulk_imported_members(db, team):
    import_members(FULL, session=db, actor=ACTOR, apply=True)
    points = history_service.forecast_history(session=db)
    db.rollback()
    # one day: the team and the file's three new people joined, with the file's names
    assert "joined the team: Ada, Bo Renamed, Cy and 7 more" in points[-1].changes


def big_file(rows: int) -> str:
    lines = ["name,email,title,fte,research,engineering,data,sql"]
    lines += [
        f"Person {n},person{n}@example.com,Engineer,{1 if n % 4 else 0.5},"
        f"{n % 5},{(n + 1) % 5},{(n + 2) % 5},{n % 3}"
        for n in range(rows)
    ]
    return "\n".join(lines) + "\n"


def test_a_100000_row_members_file_imports_through_the_api(db, team, api):
    """The issue's size, all in one request, in bulk statements (the same file one by one took
    minutes); nothing to preview, so the answer counts what was written."""
    client = api("hiring_manager")
    levels_before = db.exec(select(func.count()).select_from(MemberLevel)).one()
    db.rollback()
    started = time.perf_counter()
    response = client.post(
        "/api/v1/import/members", data=big_file(100_000), content_type="text/csv"
    )
    took = time.perf_counter() - started
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.get_json() == {"created": 100_000, "updated": 0}
    db.rollback()
    assert db.exec(select(func.count()).select_from(Member)).one() == 100_000 + len(team)
    # levels 1-4 of three areas and a skill: 4 of 5 of each are stored, each with its history
    stored = db.exec(select(func.count()).select_from(MemberLevel)).one()
    assert stored == levels_before + 240_000
    records = db.exec(
        select(func.count()).select_from(InputChange).where(InputChange.kind == "member")
    ).one()
    assert records >= 100_000
    last = members_service.get_member(
        db.exec(select(Member.id).where(Member.email == "person99999@example.com")).one() or 0,
        session=db,
    )
    assert last.levels == {"research": 4, "data": 1} and last.skills == {}
    db.rollback()
    print(f"100,000 members imported through the API in {took:.1f} s")
