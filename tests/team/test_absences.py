"""A member's dates and absences on a real database: the calendar rules (team/absences.py) as
the member services, the absence services and the area keys apply them; nothing is written when
a rule is broken."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select

from team import absences
from team import members as service
from team.areas import create_area, create_skill
from team.errors import Conflict, InvalidInput, NotFound
from team.models import Absence, Area, Member, Skill
from team.schemas import AbsenceCreate, MemberCreate, MemberUpdate

JAN_4, MAR_1, MAR_5, JUN_30 = (
    date(2027, 1, 4),
    date(2027, 3, 1),
    date(2027, 3, 5),
    date(2027, 6, 30),
)


def count(db: Session, table: type) -> int:
    """Committed rows of `table` (the session's own unflushed work dropped)."""
    db.rollback()
    return db.exec(select(func.count()).select_from(table)).one()


def new(db: Session, **fields: Any):
    """A member made through the service (no dates unless given)."""
    data = {"name": "Ada Lovelace", "email": "ada@example.com"} | fields
    return service.create_member(MemberCreate(**data), session=db, actor="hm@example.com")


def away(start: date, end: date, note: str = "") -> AbsenceCreate:
    return AbsenceCreate(start=start, end=end, note=note)


def refusal(call: Any) -> InvalidInput:
    """The InvalidInput a call raises (the test fails if it raises nothing)."""
    with pytest.raises(InvalidInput) as caught:
        call()
    return caught.value


# --- the rules, as plain functions ------------------------------------------------------------


def test_member_dates_must_be_in_order():
    assert absences.date_problems(JAN_4, JUN_30) == {}
    assert absences.date_problems(JAN_4, JAN_4) == {}  # a one-day stay is a stay
    assert absences.date_problems(None, JAN_4) == {} and absences.date_problems(JAN_4, None) == {}
    assert absences.date_problems(JUN_30, JAN_4) == {
        "end_date": ["must be on or after the start date (30 June 2027)"]
    }


def test_an_absence_is_in_order_and_within_the_members_time():
    assert absences.absence_problems(MAR_1, MAR_5, JAN_4, JUN_30) == {}
    assert absences.absence_problems(JAN_4, JUN_30, JAN_4, JUN_30) == {}  # both ends included
    assert absences.absence_problems(MAR_5, MAR_1, None, None) == {
        "end": ["must be on or after the first day away (5 March 2027)"]
    }
    early = absences.absence_problems(date(2027, 1, 1), MAR_5, JAN_4, None)
    assert early == {"start": ["must be on or after their start date (4 January 2027)"]}
    late = absences.absence_problems(MAR_1, date(2027, 7, 1), None, JUN_30)
    assert late == {"end": ["must be on or before their end date (30 June 2027)"]}


def test_dates_that_strand_an_absence_name_it_on_the_date_that_does():
    conference = away(MAR_1, MAR_5, "Conference")
    assert absences.stranded(JAN_4, JUN_30, [conference]) == {}
    problems = absences.stranded(date(2027, 3, 2), date(2027, 3, 4), [conference])
    assert set(problems) == {"start_date", "end_date"}
    assert "absence 1 March 2027 to 5 March 2027 (Conference)" in problems["start_date"][0]
    assert "outside their time on the team" in problems["end_date"][0]


# --- member dates through the member services --------------------------------------------------


def test_dates_are_stored_published_and_cleared(db: Session):
    made = new(db, start_date=JAN_4, end_date=JUN_30)
    assert (made.start_date, made.end_date) == (JAN_4, JUN_30)
    (listed,), _total = service.list_members(session=db)
    assert (listed.start_date, listed.end_date) == (JAN_4, JUN_30)
    (on_team,) = service.active_members(session=db)
    assert (on_team.start_date, on_team.end_date) == (JAN_4, JUN_30)
    # Left out: unchanged. None: cleared.
    kept = service.update_member(made.id, MemberUpdate(title="Lead"), session=db)
    assert (kept.start_date, kept.end_date) == (JAN_4, JUN_30)
    cleared = service.update_member(made.id, MemberUpdate(end_date=None), session=db)
    assert (cleared.start_date, cleared.end_date) == (JAN_4, None)


def test_an_end_before_the_start_is_refused_and_nothing_is_written(db: Session):
    error = refusal(lambda: new(db, start_date=JUN_30, end_date=JAN_4))
    assert error.fields == {"end_date": ["must be on or after the start date (30 June 2027)"]}
    assert count(db, Member) == 0
    made = new(db, start_date=JAN_4)
    error = refusal(
        lambda: service.update_member(
            made.id, MemberUpdate(end_date=JAN_4.replace(day=3)), session=db
        )
    )
    assert list(error.fields) == ["end_date"]
    stored = service.get_member_row(made.id, session=db)
    assert (stored.end_date, stored.version) == (None, 1)


def test_a_date_change_that_strands_an_absence_is_refused_naming_it(db: Session):
    made = new(db)
    absences.add_absence(made.id, away(MAR_1, MAR_5, "Conference"), session=db)
    for change, field in (
        (MemberUpdate(start_date=date(2027, 3, 2)), "start_date"),
        (MemberUpdate(end_date=date(2027, 3, 4)), "end_date"),
        (MemberUpdate(start_date=date(2027, 4, 1), end_date=date(2027, 5, 1)), "start_date"),
    ):
        error = refusal(lambda change=change: service.update_member(made.id, change, session=db))
        assert field in error.fields, error.fields
        assert "1 March 2027 to 5 March 2027 (Conference)" in error.fields[field][0]
        assert error.message == "An absence would fall outside their time on the team."
        db.rollback()
        stored = service.get_member_row(made.id, session=db)
        assert (stored.start_date, stored.end_date, stored.version) == (None, None, 1)
    # Dates that keep the absence inside are fine, the absence's own days included.
    kept = service.update_member(
        made.id, MemberUpdate(start_date=MAR_1, end_date=MAR_5), session=db
    )
    assert (kept.start_date, kept.end_date) == (MAR_1, MAR_5)


# --- absences ---------------------------------------------------------------------------------


def test_absences_are_added_listed_in_date_order_and_deleted(db: Session):
    made = new(db, start_date=JAN_4, end_date=JUN_30)
    later = absences.add_absence(made.id, away(MAR_1, MAR_5, "  Conference "), session=db)
    earlier = absences.add_absence(made.id, away(JAN_4, JAN_4), session=db)
    assert later.note == "Conference"  # trimmed, as every text field
    items, total = absences.list_absences(made.id, session=db)
    assert [(a.id, a.start, a.end) for a in items] == [
        (earlier.id, JAN_4, JAN_4),
        (later.id, MAR_1, MAR_5),
    ]
    assert total == 2
    page, total = absences.list_absences(made.id, session=db, limit=1, offset=1)
    assert ([a.id for a in page], total) == ([later.id], 2)
    assert absences.get_absence(later.id, session=db) == later
    assert absences.delete_absence(later.id, session=db) == later
    assert count(db, Absence) == 1
    with pytest.raises(NotFound):
        absences.get_absence(later.id, session=db)
    with pytest.raises(NotFound):
        absences.delete_absence(later.id, session=db)


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (MAR_5, MAR_1, "end"),
        (date(2027, 1, 1), MAR_5, "start"),
        (MAR_1, date(2027, 7, 1), "end"),
        (date(2026, 12, 1), date(2026, 12, 24), "start"),
        (date(2027, 7, 1), date(2027, 7, 2), "end"),
    ],
    ids=["reversed", "before-start", "after-end", "wholly-before", "wholly-after"],
)
def test_an_absence_outside_the_members_time_is_refused(db: Session, start, end, field):
    made = new(db, start_date=JAN_4, end_date=JUN_30)
    error = refusal(lambda: absences.add_absence(made.id, away(start, end), session=db))
    assert field in error.fields and all(error.fields[field])
    assert count(db, Absence) == 0


def test_someone_who_left_gets_no_absences(db: Session):
    made = new(db)
    service.mark_left(made.id, session=db)
    with pytest.raises(Conflict, match="has left the team"):
        absences.add_absence(made.id, away(MAR_1, MAR_5), session=db)
    assert count(db, Absence) == 0


def test_unknown_members_have_no_absences(db: Session):
    with pytest.raises(NotFound):
        absences.list_absences(999, session=db)
    with pytest.raises(NotFound):
        absences.add_absence(999, away(MAR_1, MAR_5), session=db)
    assert count(db, Absence) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"start": "2027-02-30", "end": "2027-03-01"},
        {"start": "NaN", "end": "2027-03-01"},
        {"start": "2027-03-01", "end": "04/03/2027"},
        {"start": "2027-03-01"},
        {"start": "2027-03-01", "end": "2027-03-02", "note": "x" * 201},
        {"start": "2027-03-01", "end": "2027-03-02", "note": "bell\x07"},
        {"start": "2027-03-01", "end": "2027-03-02", "member_id": 2},
    ],
)
def test_the_absence_schema_refuses_bad_shapes(body):
    with pytest.raises(ValidationError):
        AbsenceCreate.model_validate(body, strict=True)


# --- area and skill keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["start_date", "end_date", "name", "fte", "points", "skills", "assignee"]
)
def test_csv_column_names_are_no_area_or_skill_keys(db: Session, key: str):
    areas_before, skills_before = count(db, Area), count(db, Skill)
    error = refusal(lambda: create_area(key, "Clashes", session=db))
    assert error.fields == {"key": [f"'{key}' is a CSV column name; choose another key"]}
    error = refusal(lambda: create_skill("data", key.upper(), "Clashes", session=db))
    assert error.fields == {"key": [f"'{key}' is a CSV column name; choose another key"]}
    assert (count(db, Area), count(db, Skill)) == (areas_before, skills_before)
    assert create_area("start", "Not a column", session=db).key == "start"  # a prefix is fine
