"""The coverage report's what-if through the API, `POST /coverage/what-if`: the same numbers as
the page's what-if (and the member page's "take off the team"), nothing saved, and typed ids and
keys checked where the page offers only valid choices."""

from __future__ import annotations

from datetime import date

import pytest

from team.settings import update_settings
from tests.hiring.security.conftest import snapshot

API = "/api/v1"
URL = f"{API}/coverage/what-if"
GRACE = {"name": "Grace", "levels": {"research": 3, "engineering": 1, "data": 1}}


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def small_team(make_member, make_work_item, db):
    """One strong researcher and 10 points of research: 2 weeks (tests/hiring/test_reports.py);
    a second strong researcher halves it."""
    update_settings(session=db, plan_start=date(2027, 3, 1))
    db.commit()
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 1, "data": 0})
    make_work_item(title="Model", area="research", points=6)
    make_work_item(title="Eval", area="research", points=4)
    return ada


def test_a_person_tried_on_the_team_saves_what_the_page_says_and_nothing_is_saved(
    api, client, as_role, small_team, db
):
    caller = api("hiring_manager")
    before = snapshot(db)
    response = caller.post(URL, json={"add": [GRACE]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["current"]["forecast_weeks"] == pytest.approx(2.0)
    assert body["changed"]["forecast_weeks"] == pytest.approx(1.0)
    assert body["weeks_saved"] == pytest.approx(1.0)
    assert body["current"] == caller.get(f"{API}/coverage").get_json()
    [grace] = body["added"]
    assert (grace["name"], grace["fte"], grace["start"]) == ("Grace", 1.0, None)
    assert grace["levels"] == {"research": 3, "engineering": 1, "data": 1}
    assert grace["shares"]["research"] == pytest.approx(1.0)
    # The people tried are not members: the changed plan lists members only.
    assert [a["member_id"] for a in body["changed"]["allocation"]] == [small_team.id]
    assert body["removed"] == []
    assert snapshot(db) == before
    as_role("hiring_manager")
    page = client.get(
        "/reports/coverage?what_if=1&name=Grace&fte=1&level_research=3"
        "&level_engineering=1&level_data=1"
    ).get_data(as_text=True)
    assert "This would save <strong>5 days</strong>" in page  # 2 weeks -> 1 week (5 days)


def test_a_start_date_makes_them_a_newcomer_as_on_the_page(api, small_team, db):
    """The page's test works it out: 2 - (1 + 4.75 / 5.5625) weeks saved."""
    person = GRACE | {"start": "2027-03-01"}
    body = api("leadership").post(URL, json={"add": [person]}).get_json()
    assert body["weeks_saved"] == pytest.approx(2 - (1 + 4.75 / 5.5625))
    assert body["added"][0]["start"] == "2027-03-01"


def test_taking_the_only_researcher_off_means_never_finishing(api, client, as_role, small_team):
    body = api("admin").post(URL, json={"remove": [small_team.id]}).get_json()
    assert body["changed"]["forecast_weeks"] is None
    assert body["changed"]["finish_date"] is None
    assert body["weeks_saved"] is None
    assert body["removed"] == [{"member_id": small_team.id, "name": "Ada"}]
    # The member page's "take off the team" shows the same what-if.
    as_role("hiring_manager")
    html = client.get(f"/team/members/{small_team.id}/leave").get_data(as_text=True)
    assert "Without Ada the team could not finish the planned work" in html


def test_several_people_and_an_empty_question(api, small_team):
    client = api("admin")
    two = client.post(URL, json={"add": [GRACE, GRACE | {"name": "Hal", "fte": 0.5}]})
    assert two.status_code == 200, two.get_json()
    assert [p["name"] for p in two.get_json()["added"]] == ["Grace", "Hal"]
    nothing = client.post(URL, json={}).get_json()
    assert nothing["weeks_saved"] == 0 and nothing["changed"] == nothing["current"]


@pytest.mark.parametrize("role", ["admin", "hiring_manager", "leadership"])
def test_those_who_read_the_report_may_ask(api, small_team, role):
    assert api(role).post(URL, json={"add": [GRACE]}).status_code == 200


def test_interviewers_may_not(api, small_team, db):
    client = api("interviewer")
    before = snapshot(db)
    _error(client.post(URL, json={"add": [GRACE]}), 403, "forbidden")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"add": [GRACE | {"levels": {"robotics": 3}}]}, "add.0.levels.robotics"),
        ({"add": [GRACE | {"levels": {"research": 5}}]}, "add.0.levels.research"),
        ({"add": [GRACE | {"levels": {"research": 2.5}}]}, "add.0.levels.research"),
        ({"add": [GRACE | {"levels": {"research": "3"}}]}, "add.0.levels.research"),
        ({"add": [GRACE | {"fte": 0}]}, "add.0.fte"),
        ({"add": [GRACE | {"fte": 1.5}]}, "add.0.fte"),
        ({"add": [GRACE | {"fte": float("nan")}]}, "add.0.fte"),
        ({"add": [GRACE | {"fte": float("inf")}]}, "add.0.fte"),
        ({"add": [GRACE | {"start": "2027-02-30"}]}, "add.0.start"),
        ({"add": [GRACE | {"name": ""}]}, "add.0.name"),
        ({"add": [GRACE | {"name": "x\u0000"}]}, "add.0.name"),
        ({"add": [GRACE | {"id": 7}]}, "add.0.id"),
        ({"add": [GRACE] * 6}, "add"),
        ({"add": GRACE}, "add"),
        ({"remove": [999_999]}, "remove.0"),
        ({"remove": ["1"]}, "remove.0"),
        ({"remove": [0]}, "remove.0"),
        ({"remove": [2**31]}, "remove.0"),
        ({"remove": None}, "remove"),
        ({"save": True}, "save"),
    ],
)
def test_bad_questions_are_a_422_naming_the_field(api, small_team, db, body, field):
    client = api("hiring_manager")
    before = snapshot(db)
    error = _error(client.post(URL, json=body), 422, "validation_error")
    assert field in error["fields"], error["fields"]
    assert snapshot(db) == before


def test_a_member_who_left_or_is_past_their_last_day_cannot_be_removed(
    api, make_member, small_team, db
):
    gone = make_member(name="Gone", end_date=date(2027, 1, 29))
    client = api("hiring_manager")
    error = _error(client.post(URL, json={"remove": [gone.id]}), 422, "validation_error")
    assert error["fields"] == {
        "remove.0": ["is not a member the forecast counts (on the team, not past their last day)"]
    }


def test_many_bad_entries_get_a_short_answer(api, small_team):
    body = {"remove": list(range(100_000, 100_500))}
    response = api("admin").post(URL, json=body)
    fields = _error(response, 422, "validation_error")["fields"]
    assert len(fields) == 21 and "and 480 more problems not listed here" in fields["body"]
    assert len(response.get_data()) < 4_000


def test_a_body_that_is_not_json_is_refused(api, small_team):
    client = api("admin")
    _error(client.post(URL, data="add=1"), 415, "unsupported_media_type")
    _error(client.post(URL, data="{", content_type="application/json"), 400, "validation_error")
