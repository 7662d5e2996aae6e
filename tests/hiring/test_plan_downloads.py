"""The plan's downloads: the whole plan as CSV, and a member's queue as an iCalendar file that
a calendar program reads (parsed here with the same `icalendar` package)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import update
from sqlmodel import col

from team.members import mark_left
from team.models import Settings, WorkItem

PLAN_START = date(2027, 1, 4)  # a Monday


@pytest.fixture
def planned(db, make_member, make_work_item):
    """Ada (strong research) and Bo (strong engineering), two items each, one of them moved
    to Ada's queue as started; plans start on 4 January 2027."""
    settings = db.get(Settings, 1)
    settings.plan_start = PLAN_START
    db.add(settings)
    db.commit()
    ada = make_member(
        name="Ada Lovelace",
        email="ada@example.com",
        levels={"research": 3, "engineering": 0, "data": 0},
    )
    bo = make_member(name="Bo", levels={"research": 0, "engineering": 3, "data": 0})
    items = [
        make_work_item(title="=Drift model", area="research", points=5),
        make_work_item(title="Eval harness, v2", area="research", points=2.5),
        make_work_item(title="Serving", area="engineering", points=10),
        make_work_item(title="Feature store", area="engineering", points=1),
    ]
    db.exec(update(WorkItem).where(col(WorkItem.id) == items[1].id).values(status="in_progress"))
    db.commit()
    return ada, bo, items


def _rows(response) -> list[dict[str, str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_plan_as_csv(client, as_role, planned):
    ada, bo, items = planned
    as_role("leadership")
    response = client.get("/plan.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment; filename=plan.csv" in response.headers["Content-Disposition"]
    assert response.get_data().startswith(b"\xef\xbb\xbf")  # a BOM, for spreadsheets
    rows = _rows(response)
    header = next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header == [
        "member",
        "member_email",
        "item_id",
        "title",
        "area",
        "points",
        "personal_weeks",
        "start_date",
        "finish_date",
        "status",
        "moved",
    ]
    # Ada's two research items (a week, then half a week), then Bo's (two weeks, a fifth)
    assert [(r["member"], r["item_id"]) for r in rows] == [
        ("Ada Lovelace", str(items[0].id)),
        ("Ada Lovelace", str(items[1].id)),
        ("Bo", str(items[2].id)),
        ("Bo", str(items[3].id)),
    ]
    first, second = rows[0], rows[1]
    assert first["title"] == "'=Drift model"  # a formula is not run by a spreadsheet
    assert first["member_email"] == "ada@example.com"
    assert (first["area"], first["points"], first["personal_weeks"]) == ("research", "5", "1")
    assert (first["start_date"], first["finish_date"]) == ("2027-01-04", "2027-01-08")
    assert (first["status"], first["moved"]) == ("planned", "false")
    assert second["title"] == "Eval harness, v2"
    assert (second["points"], second["personal_weeks"]) == ("2.5", "0.5")
    assert (second["start_date"], second["finish_date"]) == ("2027-01-11", "2027-01-13")
    assert second["status"] == "in_progress"
    assert rows[2]["finish_date"] == "2027-01-15" and rows[2]["member_email"] == bo.email


@pytest.mark.parametrize(("role", "status"), [("interviewer", 403), ("hiring_manager", 200)])
def test_who_may_download_the_csv(client, as_role, planned, role, status):
    as_role(role)
    assert client.get("/plan.csv").status_code == status


def test_a_members_queue_as_an_icalendar_file(client, as_role, planned):
    ada, _, items = planned
    as_role("hiring_manager")
    response = client.get(f"/plan/members/{ada.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert f"plan-member-{ada.id}.ics" in response.headers["Content-Disposition"]
    calendar = Calendar.from_ical(response.get_data())
    assert str(calendar["X-WR-CALNAME"]) == "Plan: Ada Lovelace"
    events = list(calendar.walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [
        f"plan-item-{items[0].id}@plan.team-gaps",
        f"plan-item-{items[1].id}@plan.team-gaps",
    ]
    assert [str(e["SUMMARY"]) for e in events] == [
        "=Drift model (5 points)",
        "Eval harness, v2 (2.5 points)",
    ]
    # all-day events: from the start date to the day after the finish date (DTEND exclusive)
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in events] == [
        (date(2027, 1, 4), date(2027, 1, 9)),
        (date(2027, 1, 11), date(2027, 1, 14)),
    ]
    assert all(type(e.decoded("DTSTART")) is date for e in events)
    assert "DTSTAMP" in events[0]
    # the same UIDs on the next download: a calendar updates the items, not adds them again
    again = Calendar.from_ical(client.get(f"/plan/members/{ada.id}.ics").get_data())
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_a_member_with_nothing_planned_gets_an_empty_calendar(
    client, as_role, db, planned, make_member
):
    gone = make_member(name="Gone", levels={"research": 4, "engineering": 4, "data": 4})
    mark_left(gone.id, session=db)
    as_role("leadership")
    response = client.get(f"/plan/members/{gone.id}.ics")
    assert response.status_code == 200
    assert list(Calendar.from_ical(response.get_data()).walk("VEVENT")) == []


def test_the_calendar_of_no_such_member_is_not_found(client, as_role, planned):
    as_role("admin")
    assert client.get("/plan/members/999999.ics").status_code == 404


def test_interviewers_get_no_calendar(client, as_role, planned):
    ada, _, _ = planned
    as_role("interviewer")
    assert client.get(f"/plan/members/{ada.id}.ics").status_code == 403


def test_a_long_plan_dates_its_events_past_the_first_weeks(
    client, as_role, planned, make_work_item
):
    """Ten more weeks of research for Ada: the last event ends in March, on a weekday + 1."""
    ada, _, _ = planned
    make_work_item(title="Big", area="research", points=50)
    as_role("admin")
    calendar = Calendar.from_ical(client.get(f"/plan/members/{ada.id}.ics").get_data())
    last = list(calendar.walk("VEVENT"))[-1]
    end = last.decoded("DTEND") - timedelta(days=1)
    assert end.weekday() < 5 and end > date(2027, 3, 1)
