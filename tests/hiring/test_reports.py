"""The coverage report page and CSV: numbers as MODEL.md computes them, per role, what-if."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlmodel import func, select

from team.models import Member, Settings
from team.settings import update_settings


def what_if_result(html: str) -> str:
    """The what-if's sentence as it reads: tags dropped, spaces collapsed."""
    found = re.search(r'id="what-if-result">(.*?)</p>', html, re.S)
    assert found, "no what-if result on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).replace(" :", ":").split())


@pytest.fixture
def small_team(make_member, make_work_item):
    """One strong researcher and 10 points of research: T = 10 / (5 * 1.0) = 2 weeks.

    A strong specialist in research doubles the speed there: 1 week, so pressure is 1 week (50%).
    """
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 1, "data": 0})
    make_work_item(title="Model", area="research", points=6)
    make_work_item(title="Eval", area="research", points=4)
    make_work_item(title="Shipped", area="data", points=50, status="done")
    return ada


def test_leadership_reads_the_forecast_and_the_weakest_area(client, as_role, small_team, db):
    # The finish date comes first (MODEL.md, "Finish date"): 2 weeks from Monday 1 March 2027
    # is the Friday of the week after.
    update_settings(session=db, plan_start=date(2027, 3, 1))
    as_role("leadership")
    page = client.get("/reports/coverage")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<div class="stat" id="finish-date">about 12 March 2027</div>' in html
    assert (
        '<div class="small" id="forecast-weeks">2 weeks from the plan start, 1 March 2027' in html
    )
    assert '<div class="stat" id="weakest-area">ML research</div>' in html
    # Why, in words a leader reads; 2 weeks -> 1 week with a strong specialist, and a week
    # is under 2 weeks, so it reads in working days.
    assert (
        '<div class="small" id="weakest-why">ML research: 100% of the open work, 1 of 1 person '
        "strong or better; one strong hire here saves 5 days.</div>"
    ) in html
    assert "takes 50% off the forecast: more than in any other area." in html


def test_empty_team_with_work_cannot_finish(client, as_role, make_work_item):
    make_work_item(area="data", points=3)
    as_role("hiring_manager")
    html = client.get("/reports/coverage").get_data(as_text=True)
    assert "cannot be finished" in html
    assert '<div class="stat" id="weakest-area">Data engineering</div>' in html


@pytest.mark.parametrize("role, status", [("interviewer", 403), ("admin", 200)])
def test_report_access(client, as_role, small_team, role, status):
    as_role(role)
    assert client.get("/reports/coverage").status_code == status
    assert client.get("/reports/coverage.csv").status_code == status


def test_csv_has_one_row_per_area_with_the_pressures(client, as_role, small_team):
    as_role("leadership")
    response = client.get("/reports/coverage.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["area"] for r in rows] == ["research", "engineering", "data"]
    research = rows[0]
    assert float(research["demand_points"]) == 10
    assert float(research["pressure_weeks"]) == pytest.approx(1.0, rel=1e-6)
    assert float(research["forecast_weeks"]) == pytest.approx(2.0, rel=1e-6)
    assert research["strong"] == "1"


def test_what_if_adds_a_person_and_saves_nothing(client, as_role, db, small_team):
    as_role("hiring_manager")
    before = db.exec(select(func.count()).select_from(Member)).one()
    page = client.get(
        "/reports/coverage?what_if=1&name=Grace&fte=1&level_research=3"
        "&level_engineering=1&level_data=1"
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    # The finish date depends on today (the plan start is this week's Monday).
    assert what_if_result(html).startswith("This would save 5 days: 2 weeks → 5 days, landing")
    assert db.exec(select(func.count()).select_from(Member)).one() == before


def test_what_if_from_a_start_date_ramps_up_and_takes_a_mentors_time(
    client, as_role, db, small_team
):
    """Grace from the plan start at full speed saves 1 week (above); from a start date she is
    a newcomer: 25% speed in her first week and a fifth of Ada's time to show her around.
    Ada alone does 5 - 1 = 4 points, Grace 5 x 0.25 = 1.25: 5.25 of 10 points in week 0;
    week 1: Ada 4 and Grace 5 x 0.3125 = 1.5625, so the last 4.75 take 4.75 / 5.5625 of it."""
    update_settings(session=db, plan_start=date(2027, 3, 1))
    as_role("hiring_manager")
    html = client.get(
        "/reports/coverage?what_if=1&name=Grace&fte=1&level_research=3"
        "&level_engineering=1&level_data=1&start=2027-03-01"
    ).get_data(as_text=True)
    # 2 weeks -> 1.854 weeks, which reads 9 days (9.27 rounded): the saving is the difference
    # of those ends, 1 day (0.146 weeks before rounding, which used to read "0.1 weeks").
    assert 1 + 4.75 / 5.5625 == pytest.approx(1.854, abs=1e-3)
    assert what_if_result(html) == (
        "This would save 1 day: 2 weeks → 9 days, landing about 12 March 2027."
    )
    bad = client.get("/reports/coverage?what_if=1&level_research=3&start=2027-02-30")
    assert bad.status_code == 400
    assert "Not a valid date value." in bad.get_data(as_text=True)


def test_what_if_removing_the_only_researcher_makes_the_work_unfinishable(
    client, as_role, small_team
):
    as_role("leadership")
    html = client.get(f"/reports/coverage?what_if=1&remove={small_team.id}").get_data(as_text=True)
    assert "With this change the planned work cannot be finished." in html


def test_what_if_with_a_bad_fte_is_a_form_error(client, as_role, small_team):
    as_role("leadership")
    page = client.get("/reports/coverage?what_if=1&fte=7&level_research=3")
    assert page.status_code == 400
    assert "Number must be between" in page.get_data(as_text=True)


def test_settings_change_moves_the_forecast(client, as_role, post_admin_settings, small_team):
    response = post_admin_settings(velocity_3="2", velocity_4="2.5")
    assert response.status_code == 302
    html = client.get("/reports/coverage").get_data(as_text=True)
    assert '<div class="small" id="forecast-weeks">5 days from the plan start' in html


@pytest.fixture
def post_admin_settings(client, as_role):
    """Log in as an admin and post the settings form with the given overrides."""
    from tests.conftest import post_form

    as_role("admin")
    defaults = {
        "points_per_week": "5",
        "velocity_0": "0.1",
        "velocity_1": "0.35",
        "velocity_2": "0.65",
        "velocity_3": "1",
        "velocity_4": "1.3",
        # The calendar's fields, as the page sends them with their defaults.
        "plan_start": "",
        "holidays": "",
        "ramp_weeks": "12",
        "ramp_start": "0.25",
        "mentoring_fte": "0.2",
        "mentoring_weeks": "8",
        "notice_weeks": "4",
        "horizon_weeks": "520",
        "card_due_days": "2",
    }

    def post(**overrides):
        return post_form(client, "/admin/settings/", defaults | overrides)

    return post


def test_settings_that_do_not_rise_with_the_level_are_refused(db, post_admin_settings):
    response = post_admin_settings(velocity_2="1.2")
    assert response.status_code == 400
    assert "must be higher than level 2" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Settings, 1).velocity_2 == 0.65


@pytest.mark.parametrize("role", ["hiring_manager", "leadership", "interviewer"])
def test_only_admins_change_settings(client, as_role, role):
    as_role(role)
    assert client.get("/admin/settings/").status_code == 403


def test_member_page_sizes_open_tickets_for_that_person(
    client, as_role, make_member, make_work_item
):
    ada = make_member(name="Ada Byron", levels={"research": 1, "engineering": 3, "data": 0})
    make_work_item(title="Model the drift", area="research", points=3)
    make_work_item(title="Old one", area="research", points=3, status="done")
    as_role("leadership")
    html = client.get(f"/team/members/{ada.id}").get_data(as_text=True)
    # 3 points / velocity(basic) 0.35 = 8.57 days, shown in whole days under 2 weeks (9); a
    # strong engineer takes 3 days.
    assert "A 3-point ticket: about <strong>9 days</strong> for Ada." in html
    assert "A 3-point ticket: about <strong>3 days</strong> for Ada." in html
    assert "Model the drift" in html and "Old one" not in html


def test_work_list_names_who_would_finish_each_ticket_soonest(
    client, as_role, make_member, make_work_item
):
    make_member(name="Slow", levels={"data": 1})
    make_member(name="Fast", levels={"data": 4}, fte=1.0)
    make_member(name="Half", levels={"data": 4}, fte=0.5)
    make_work_item(title="Pipeline", area="data", points=2.6)
    as_role("hiring_manager")
    html = client.get("/work/").get_data(as_text=True)
    # Fast: 2.6 / 1.3 = 2 days; Half: 2.6 / 0.65 = 4 days; Slow (2.6 / 0.35) is third.
    assert 'Fast <span class="text-secondary">2 d</span><br>Half' in html
    assert "Slow <span" not in html


def test_the_calendar_settings_are_checked_saved_and_shown(db, post_admin_settings, client):
    """Each calendar setting on the page: a bad value is an error on its field and nothing
    is written; good ones are saved, holidays one a line, and shown again."""
    from team.areas import get_settings, holidays

    for bad, field in (
        ({"plan_start": "2027-01-05"}, "plan_start"),  # a Tuesday
        ({"plan_start": "9999-12-27"}, "plan_start"),  # a Monday past every date's end
        ({"horizon_weeks": "0"}, "horizon_weeks"),
        ({"ramp_start": "1.5"}, "ramp_start"),
        ({"mentoring_weeks": "53"}, "mentoring_weeks"),
        ({"holidays": "2027-12-24\nChristmas"}, "holidays"),
        ({"holidays": "2027-12-24\n2027-12-24"}, "holidays"),
    ):
        response = post_admin_settings(**bad)
        assert response.status_code == 400, bad
        assert f'is-invalid" id="{field}"' in response.get_data(as_text=True), bad
        db.rollback()
        assert get_settings(session=db).horizon_weeks == 520 and holidays(session=db) == []
    response = post_admin_settings(
        plan_start="2027-01-04",
        holidays="2027-12-24\n\n2027-01-01",
        ramp_weeks="0",
        mentoring_fte="0",
        horizon_weeks="104",
    )
    assert response.status_code == 302
    db.rollback()
    saved = get_settings(session=db)
    assert (saved.plan_start.isoformat(), saved.ramp_weeks, saved.mentoring_fte) == (
        "2027-01-04",
        0,
        0.0,
    )
    assert [d.isoformat() for d in holidays(session=db)] == ["2027-01-01", "2027-12-24"]
    page = client.get("/admin/settings/").get_data(as_text=True)
    assert "2027-01-01\n2027-12-24</textarea>" in page and 'value="2027-01-04"' in page


def test_key_people_page_says_how_much_later_the_work_would_land(
    client, as_role, make_member, make_work_item, make_user, client_for
):
    """Together: Ada researches at 5 a week, Bo does the 5 data points (1 week) then helps at
    0.5: 5T + 0.5(T - 1) = 10, T = 10.5 / 5.5 = 1.909 weeks. Without Bo, Ada also does data at
    0.5 a week: 2 + 10 = 12 weeks, 10.1 later. Without Ada, Bo does research at 0.5 a week
    after data: 1 + 20 = 21 weeks, 19.1 later."""
    make_member(name="Ada <i>", levels={"research": 3, "engineering": 0, "data": 0})
    make_member(name="Bo", levels={"research": 0, "engineering": 0, "data": 3})
    make_work_item(area="research", points=10)
    make_work_item(area="data", points=5)
    as_role("leadership")
    coverage = client.get("/reports/coverage").get_data(as_text=True)
    assert 'href="/reports/key-people"' in coverage
    page = client.get("/reports/key-people")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    rows = html[html.index('id="key-people"') :]
    assert rows.index("Ada &lt;i&gt;") < rows.index("Bo")  # the most missed first
    assert "<strong>19.1 weeks later</strong>" in rows
    assert "<strong>10.1 weeks later</strong>" in rows
    interviewer = client_for(make_user("interviewer"))
    assert interviewer.get("/reports/key-people").status_code == 403
