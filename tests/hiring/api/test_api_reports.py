"""GET /coverage and PATCH /settings: shapes as API.md gives them, numbers as MODEL.md computes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from team.models import Settings


@pytest.fixture
def two_people(make_member, make_work_item):
    """Ada (research strong, data basic) and Bo (data working), 10 research and 13 data points.

    Research: Ada 5/wk, Bo 0.5/wk (level none is 0.10). Data: Ada 1.75/wk, Bo 3.25/wk.
    Ada is relatively better at research, Bo at data: Ada does research (10 / 5 = 2 weeks) and
    data after; Bo does data: 3.25 T + 1.75 (T - 2) = 13 -> 5 T = 16.5 -> T = 3.3 weeks.
    """
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 1})
    bo = make_member(name="Bo", levels={"research": 0, "engineering": 0, "data": 2})
    make_work_item(area="research", points=10)
    make_work_item(area="data", points=13)
    return ada, bo


def test_coverage_answers_the_forecast_and_per_area_numbers(api, two_people):
    ada, bo = two_people
    body = api("leadership").get("/api/v1/coverage").get_json()
    assert set(body) == {
        "forecast_weeks",
        "plan_start",
        "finish_date",
        "points_per_week",
        "weakest_area",
        "weakest_area_why",
        "areas",
        "allocation",
    }
    assert body["forecast_weeks"] == pytest.approx(3.3, rel=1e-6)
    # 3.3 weeks from the plan start (this week's Monday): the Tuesday of week 3 (MODEL.md).
    monday = date.fromisoformat(body["plan_start"])
    assert monday.weekday() == 0
    assert date.fromisoformat(body["finish_date"]) == monday + timedelta(days=3 * 7 + 1)
    assert body["points_per_week"] == 5
    research, engineering, data = body["areas"]
    assert research == {
        "key": "research",
        "name": "ML research",
        "demand_points": 10,
        "demand_share": pytest.approx(10 / 23),
        "members_by_level": [1, 0, 0, 1, 0],
        "strong_or_better": 1,
        "pressure_weeks": pytest.approx(research["pressure_weeks"]),
        "pressure_share": pytest.approx(research["pressure_weeks"] / 3.3),
    }
    assert engineering["pressure_weeks"] == 0
    # A strong data specialist (5/wk): finishing under 2 weeks needs Bo's research too (level
    # none still does 0.5/wk). Ada does research all T, Bo tr_B = (10 - 5T) / 0.5 = 20 - 10T of
    # it and data the rest: 3.25 (T - 20 + 10T) + 5T = 13 -> 40.75 T = 78 -> T = 1.914...
    # A research specialist frees Ada for data: (3.25 + 1.75) T = 13 -> T = 2.6, saving 0.7.
    assert data["pressure_weeks"] == pytest.approx(3.3 - 78 / 40.75, rel=1e-6)
    assert research["pressure_weeks"] == pytest.approx(0.7, rel=1e-6)
    assert body["weakest_area"] == "data"
    # Why, in words: 13 of 23 points (57%), nobody strong; 3.3 weeks -> 1.914 weeks, shown as
    # 9.5 days, so a strong hire saves 3.3 weeks - 9.5 days = 7 days (the shown ends' difference).
    assert body["weakest_area_why"] == {
        "sentence": "Data engineering: 57% of the open work, 0 of 2 people strong or better; "
        "one strong hire here saves 7 days.",
        "demand_share": pytest.approx(13 / 23),
        "strong_or_better": 0,
        "people": 2,
        "saves": "7 days",
    }
    shares = {row["member_id"]: row["shares"] for row in body["allocation"]}
    assert shares[ada.id]["research"] == pytest.approx(2 / 3.3, rel=1e-6)
    assert shares[bo.id] == {"data": pytest.approx(1.0)}


def test_coverage_writes_null_when_the_work_cannot_be_finished(api, make_work_item):
    make_work_item(area="engineering", points=2)
    body = api("hiring_manager").get("/api/v1/coverage").get_json()
    assert body["forecast_weeks"] is None
    assert body["weakest_area"] == "engineering"
    assert body["weakest_area_why"] == {
        "sentence": "Software and ML engineering: 100% of the open work, and nobody on the "
        "team to do it.",
        "demand_share": 1.0,
        "strong_or_better": 0,
        "people": 0,
        "saves": None,
    }
    assert all(a["pressure_weeks"] is None for a in body["areas"])
    assert body["allocation"] == []


def test_interviewers_cannot_read_coverage(api):
    response = api("interviewer").get("/api/v1/coverage")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_admin_changes_settings_and_coverage_follows(api, two_people):
    admin = api("admin")
    response = admin.patch("/api/v1/settings", json={"points_per_week": 10})
    assert response.status_code == 200
    assert response.get_json()["points_per_week"] == 10
    forecast = admin.get("/api/v1/coverage").get_json()["forecast_weeks"]
    assert forecast == pytest.approx(3.3 / 2, rel=1e-6)  # twice the points a week: half the time


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"velocity": {"2": 1.2}}, "velocity.3"),  # 1.2 > strong's 1.0: must rise
        ({"velocity": {"0": 0.5}}, "velocity.1"),
        ({"velocity": {"5": 2}}, "velocity.5"),
        ({"points_per_week": 0}, "points_per_week"),
        ({"points_per_week": "5"}, "points_per_week"),
        ({"velocity": {"1": -1}}, "velocity.1"),
        ({"id": 2}, "id"),
        ({"plan_start": "2027-01-06"}, "plan_start"),  # a Wednesday
        ({"plan_start": "1900-01-01"}, "plan_start"),  # a Monday, long before anyone planned
        ({"plan_start": "next monday"}, "plan_start"),
        ({"horizon_weeks": 0}, "horizon_weeks"),
        ({"horizon_weeks": 1041}, "horizon_weeks"),
        ({"ramp_weeks": 2.5}, "ramp_weeks"),
        ({"ramp_start": 1.01}, "ramp_start"),
        ({"mentoring_fte": -0.1}, "mentoring_fte"),
        ({"notice_weeks": 53}, "notice_weeks"),
        ({"holidays": ["2027-12-24", "2027-12-24"]}, "holidays"),
        ({"holidays": ["24/12/2027"]}, "holidays.0"),
        ({"ramp_weeks": None}, "ramp_weeks"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(api, db, body, field):
    response = api("admin").patch("/api/v1/settings", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    db.rollback()
    settings = db.get(Settings, 1)
    assert settings.velocities == (0.10, 0.35, 0.65, 1.00, 1.30)
    assert settings.points_per_week == 5


def test_only_admins_patch_settings(api):
    assert api("hiring_manager").patch("/api/v1/settings", json={}).status_code == 403


def test_admin_sets_the_calendar_and_null_clears_the_plan_start(api, db):
    from team.areas import holidays

    admin = api("admin")
    body = {
        "plan_start": "2027-01-04",
        "holidays": ["2027-12-24", "2027-01-01"],
        "ramp_weeks": 6,
        "ramp_start": 0.5,
        "mentoring_fte": 0,
        "mentoring_weeks": 4,
        "notice_weeks": 2,
        "horizon_weeks": 104,
    }
    response = admin.patch("/api/v1/settings", json=body)
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()
    assert shown | {"holidays": sorted(body["holidays"])} == shown
    assert {k: shown[k] for k in body} == body | {"holidays": ["2027-01-01", "2027-12-24"]}
    assert admin.get("/api/v1/settings").get_json() == shown
    # Sending one field changes only that one; null clears the plan start.
    response = admin.patch("/api/v1/settings", json={"plan_start": None})
    assert response.get_json()["plan_start"] is None
    assert response.get_json()["ramp_weeks"] == 6
    db.rollback()
    assert [d.isoformat() for d in holidays(session=db)] == ["2027-01-01", "2027-12-24"]
    response = admin.patch("/api/v1/settings", json={"holidays": []})
    assert response.get_json()["holidays"] == []
