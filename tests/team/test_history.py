"""The forecast's history (API.md `GET /coverage/history`): every change to its inputs is
recorded whichever way it was written, and each past day is rebuilt and forecast with that
day's plan start.

The days are made by moving what was recorded back in time, in the database itself: the
records are real, only their dates are set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from team.history import change_days, forecast_history
from team.models import InputChange, RatingChange, WorkItem
from team.schemas import WorkItemUpdate
from team.work import update_work_item


def _move_to(db, day: date) -> None:
    """Date everything recorded so far that is not dated yet (today's) on `day`, at noon."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    db.exec(update(InputChange).where(col(InputChange.at) >= today).values(at=noon))
    db.exec(
        update(RatingChange).where(col(RatingChange.changed_at) >= today).values(changed_at=noon)
    )
    db.commit()


def test_each_day_is_rebuilt_and_forecast_from_its_own_monday(db, make_member, make_work_item):
    """Ada (strong research, 5 points a week) and 10 research points on Monday 2 November:
    2 weeks, Friday 13 November. Wednesday 4th, 5 more points: 3 weeks from the 2nd, Friday
    20th. Tuesday 10th the first item is closed: 1 week from Monday 9th, Friday 13th."""
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    first = make_work_item(title="Drift model", area="research", points=10)
    _move_to(db, date(2026, 11, 2))
    make_work_item(title="Eval harness", area="research", points=5)
    _move_to(db, date(2026, 11, 4))
    update_work_item(first.id, WorkItemUpdate(status="done"), session=db)
    _move_to(db, date(2026, 11, 10))

    points = forecast_history(session=db)
    assert [p.day for p in points] == [date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 10)]
    assert [p.forecast_weeks for p in points] == pytest.approx([2.0, 3.0, 1.0])
    assert [p.plan_start for p in points] == [
        date(2026, 11, 2),
        date(2026, 11, 2),
        date(2026, 11, 9),
    ]
    assert [p.finish_date for p in points] == [
        date(2026, 11, 13),
        date(2026, 11, 20),
        date(2026, 11, 13),
    ]
    assert "joined the team: Ada" in points[0].changes
    assert "1 item added (10 points): Drift model" in points[0].changes
    assert points[1].changes == ("1 item added (5 points): Eval harness",)
    assert points[2].changes == ("1 item closed (10 points): Drift model",)


def test_every_way_of_writing_an_input_is_recorded(client, api, db, as_role):
    """The API, a CSV import and a page each leave a record of what they changed."""

    def records() -> int:
        db.commit()
        return len(db.exec(select(InputChange)).all())

    before = records()
    answer = api("admin").post(
        "/api/v1/work-items", json={"title": "By the API", "area": "data", "points": 2}
    )
    assert answer.status_code == 201
    assert records() == before + 1
    answer = api("admin").post(
        "/api/v1/import/work-items",
        data="title,area,points\nFrom a file,data,3\nAnother,research,1\n",
        content_type="text/csv",
    )
    assert answer.status_code == 200
    assert records() == before + 3
    item = db.exec(select(WorkItem).where(WorkItem.title == "By the API")).one()
    answer = api("admin").patch(f"/api/v1/work-items/{item.id}", json={"status": "done"})
    assert answer.status_code == 200
    db.commit()
    newest = db.exec(select(InputChange).order_by(col(InputChange.id).desc())).first()
    assert newest.kind == "work_item" and newest.subject_id == item.id
    assert newest.state["status"] == "done"
    answer = api("admin").delete(f"/api/v1/work-items/{item.id}")
    assert answer.status_code == 204
    db.commit()
    newest = db.exec(select(InputChange).order_by(col(InputChange.id).desc())).first()
    assert newest.subject_id == item.id and newest.state is None
    # The settings page: holidays added and removed day by day.
    answer = api("admin").patch("/api/v1/settings", json={"holidays": ["2026-12-25"]})
    assert answer.status_code == 200
    db.commit()
    holidays = db.exec(select(InputChange).where(InputChange.kind == "holiday")).all()
    assert [h.state for h in holidays] == [{"day": "2026-12-25"}]


def test_history_over_the_api(api, make_member, make_work_item):
    make_member(name="Bo", levels={"research": 0, "engineering": 0, "data": 3})
    make_work_item(area="data", points=10)
    body = api("leadership").get("/api/v1/coverage/history").get_json()
    assert body["total"] == 1
    (today,) = body["items"]
    assert today["date"] == datetime.now(UTC).date().isoformat()
    assert today["forecast_weeks"] == pytest.approx(2.0)
    assert today["finish_date"] is not None
    assert api("interviewer").get("/api/v1/coverage/history").status_code == 403
    bad = api("admin").get("/api/v1/coverage/history?limit=0")
    assert bad.status_code == 422 and "limit" in bad.get_json()["error"]["fields"]


def test_only_the_last_days_asked_are_forecast(db, make_member, make_work_item):
    """Each point is a forecast of its own: `days` keeps the newest, the replay stays whole."""
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_work_item(title="First", area="research", points=10)
    _move_to(db, date(2026, 11, 2))
    make_work_item(title="Second", area="research", points=5)
    _move_to(db, date(2026, 11, 4))
    (last,) = forecast_history(session=db, days=1)
    assert last.day == date(2026, 11, 4)
    assert last.forecast_weeks == pytest.approx(3.0)  # both items: the first day's replayed
    assert change_days(session=db) == 2


def test_a_skill_rating_alone_makes_no_day_of_history(db, make_member):
    """Skills do not move the forecast: a day with only a skill changed is no point."""
    from team.areas import create_skill
    from team.members import update_member
    from team.schemas import MemberUpdate

    create_skill("research", "modeling", "Modeling", session=db)
    db.commit()
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    _move_to(db, date(2026, 11, 2))
    update_member(ada.id, MemberUpdate(skills={"modeling": 3}), session=db)
    db.commit()
    skill_changes = db.exec(
        select(RatingChange).where(col(RatingChange.skill_id).is_not(None))
    ).all()
    assert len(skill_changes) == 1  # today's, a day with nothing else
    assert [p.day for p in forecast_history(session=db)] == [date(2026, 11, 2)]
    assert change_days(session=db) == 1
