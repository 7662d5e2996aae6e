"""The candidates endpoints: shapes as API.md writes them, levels as medians of submitted cards,
the rubric's verdicts in MODEL.md's order, who sees which candidate, and refusals that write
nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from hiring.openings.models import Candidate, StatusChange
from team.settings import update_settings

API = "/api/v1"
# A fixed Monday as the plan start, so the start the forecast assumes does not follow today.
PLAN_START = date(2027, 1, 4)


@pytest.fixture
def people(make_user):
    """A hiring manager and four interviewers (three on the panel, one elsewhere)."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
        "cy": make_user("interviewer", email="cy@example.com"),
        "outsider": make_user("interviewer", email="outsider@example.com"),
    }


@pytest.fixture
def opening(make_opening, people):
    """An open opening managed by `manager` with ada, bo and cy on its panel."""
    panel = [people["ada"], people["bo"], people["cy"]]
    return make_opening(manager=people["manager"], panel=panel, title="ML engineer")


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def _card(client, candidate_id: int, ratings: dict, submit: bool = True) -> None:
    """Save (and by default submit) a card through the API, as the client's user (recommending
    "yes": submitting needs a recommendation)."""
    body = {"ratings": ratings, "recommendation": "yes", "submit": submit}
    response = client.post(f"{API}/candidates/{candidate_id}/scorecards", json=body)
    assert response.status_code == 200, response.get_json()


def test_a_candidate_reads_exactly_as_the_contract_says(
    api_as, opening, make_candidate, people, db
):
    update_settings(session=db, plan_start=PLAN_START)
    made = make_candidate(opening, name="Grace Hopper", email="grace@example.com")
    response = api_as(people["ada"]).get(f"{API}/candidates/{made.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": made.id,
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "status": "applied",
        "levels": {"research": None, "engineering": None, "data": None},
        "rubric": {"passes": False, "verdict": "incomplete"},
        "available_from": None,
        "start_date": "2027-02-01",  # notice_weeks (4) after the plan start
    }


def test_adding_answers_201_with_the_candidate_and_where_it_lives(
    api_as, opening, people, count, db
):
    update_settings(session=db, plan_start=PLAN_START)
    client = api_as(people["manager"])
    body = {"name": " Lin Chen ", "email": "Lin@Example.com"}
    response = client.post(f"{API}/openings/{opening.id}/candidates", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made == {
        "id": made["id"],
        "name": "Lin Chen",
        "email": "lin@example.com",
        "status": "applied",
        "levels": {"research": None, "engineering": None, "data": None},
        "rubric": {"passes": False, "verdict": "incomplete"},
        "available_from": None,
        "start_date": "2027-02-01",
    }
    assert response.headers["Location"] == f"{API}/candidates/{made['id']}"
    assert client.get(response.headers["Location"]).get_json() == made
    assert count(Candidate) == 1
    db.rollback()
    change = db.exec(select(StatusChange)).one()
    assert (change.candidate_id, change.new_status) == (made["id"], "applied")


def test_an_admin_adds_to_any_opening(api, opening, count):
    body = {"name": "Lin", "email": "lin@example.com"}
    response = api("admin").post(f"{API}/openings/{opening.id}/candidates", json=body)
    assert response.status_code == 201
    assert count(Candidate) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "lin@example.com"}, "name"),
        ({"name": "  ", "email": "lin@example.com"}, "name"),
        ({"name": "Lin\nChen", "email": "lin@example.com"}, "name"),
        ({"name": "Lin", "email": "not-an-email"}, "email"),
        ({"name": "Lin", "email": None}, "email"),
        ({"name": "Lin", "email": "lin@example.com", "status": "hired"}, "status"),
        ({"name": "Lin", "email": "lin@example.com", "opening_id": 9}, "opening_id"),
    ],
)
def test_bad_candidates_are_refused_naming_the_field(api_as, opening, people, count, body, field):
    response = api_as(people["manager"]).post(f"{API}/openings/{opening.id}/candidates", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert (count(Candidate), count(StatusChange)) == (0, 0)


def test_a_candidate_on_a_closed_opening_is_refused(api_as, make_opening, people, count):
    closed = make_opening(manager=people["manager"], status="closed")
    body = {"name": "Lin", "email": "lin@example.com"}
    response = api_as(people["manager"]).post(f"{API}/openings/{closed.id}/candidates", json=body)
    error = _error(response, 409, "conflict")
    assert "closed" in error["message"]
    assert error["fields"] == {"opening": ["is closed"]}
    assert (count(Candidate), count(StatusChange)) == (0, 0)


def test_the_same_email_twice_on_one_opening_is_a_conflict(
    api_as, opening, make_opening, make_candidate, people, count
):
    make_candidate(opening, email="lin@example.com")
    client = api_as(people["manager"])
    body = {"name": "Lin again", "email": "LIN@example.com"}
    response = client.post(f"{API}/openings/{opening.id}/candidates", json=body)
    error = _error(response, 409, "conflict")
    assert error["fields"] == {"email": ["is taken"]}
    assert count(Candidate) == 1
    other = make_opening(manager=people["manager"])
    assert client.post(f"{API}/openings/{other.id}/candidates", json=body).status_code == 201


def test_only_the_manager_or_an_admin_adds_candidates(
    api, api_as, opening, make_user, people, count
):
    url = f"{API}/openings/{opening.id}/candidates"
    body = {"name": "Lin", "email": "lin@example.com"}
    sees_it = make_user("hiring_manager", "leadership")
    _error(api_as(sees_it).post(url, json=body), 403, "forbidden")
    _error(api_as(people["ada"]).post(url, json=body), 403, "forbidden")
    _error(api("leadership").post(url, json=body), 403, "forbidden")
    _error(api("hiring_manager").post(url, json=body), 404, "not_found")
    assert count(Candidate) == 0


def test_the_list_pages_candidates_by_name(api_as, opening, make_candidate, people):
    for name in ("cleo", "Ana", "Bert"):
        make_candidate(opening, name=name)
    client = api_as(people["bo"])
    first = client.get(f"{API}/openings/{opening.id}/candidates?limit=2").get_json()
    assert first["total"] == 3
    assert [c["name"] for c in first["items"]] == ["Ana", "Bert"]
    assert set(first["items"][0]) == {
        "id",
        "name",
        "email",
        "status",
        "levels",
        "rubric",
        "available_from",
        "start_date",
    }
    rest = client.get(f"{API}/openings/{opening.id}/candidates?limit=2&offset=2").get_json()
    assert ([c["name"] for c in rest["items"]], rest["total"]) == (["cleo"], 3)
    too_many = client.get(f"{API}/openings/{opening.id}/candidates?limit=501")
    error = _error(too_many, 422, "validation_error")
    assert "limit" in error["fields"]


def test_candidates_are_404_to_those_who_cannot_see_the_opening(
    api, api_as, opening, make_opening, make_candidate, people
):
    candidate = make_candidate(opening)
    elsewhere = make_opening(panel=[people["outsider"]])
    for client in (api_as(people["outsider"]), api("hiring_manager")):
        _error(client.get(f"{API}/candidates/{candidate.id}"), 404, "not_found")
        _error(client.get(f"{API}/openings/{opening.id}/candidates"), 404, "not_found")
    own = api_as(people["outsider"]).get(f"{API}/openings/{elsewhere.id}/candidates")
    assert own.status_code == 200
    for client in (api("leadership"), api("admin"), api_as(people["manager"])):
        assert client.get(f"{API}/candidates/{candidate.id}").status_code == 200
    _error(api("admin").get(f"{API}/candidates/{candidate.id + 100}"), 404, "not_found")
    _error(api("admin").get(f"{API}/candidates/99999999999"), 404, "not_found")


def test_levels_are_medians_of_submitted_cards_and_drafts_count_for_nothing(
    api_as, opening, make_candidate, people
):
    candidate = make_candidate(opening)
    url = f"{API}/candidates/{candidate.id}"
    manager = api_as(people["manager"])
    _card(api_as(people["ada"]), candidate.id, {"research": 4, "engineering": 1}, submit=False)
    assert manager.get(url).get_json()["levels"] == {
        "research": None,
        "engineering": None,
        "data": None,
    }
    _card(api_as(people["bo"]), candidate.id, {"research": 2, "engineering": 1, "data": None})
    _card(api_as(people["cy"]), candidate.id, {"research": 3, "engineering": 2})
    # Two submitted cards: the mean of the middle two; ada's draft (4, 1) is not counted.
    assert manager.get(url).get_json()["levels"] == {
        "research": 2.5,
        "engineering": 1.5,
        "data": None,
    }
    _card(api_as(people["ada"]), candidate.id, {"research": 4, "engineering": 0, "data": 2})
    body = manager.get(url).get_json()
    assert body["levels"] == {"research": 3.0, "engineering": 1.0, "data": 2.0}
    assert body["rubric"] == {"passes": True, "verdict": "passes"}
    listed = manager.get(f"{API}/openings/{opening.id}/candidates").get_json()["items"]
    assert listed == [body]


@pytest.mark.parametrize(
    ("cards", "verdict"),
    [
        # An unrated area makes the verdict incomplete, even with another area below basic.
        ([{"research": 0, "engineering": 0}], "incomplete"),
        # Nothing strong is checked before below basic: a 0 here does not make it below_basic.
        ([{"research": 2, "engineering": 0, "data": 2}, {"research": 3}], "no_strong_area"),
        # Strong in one area (median 3), but 0 and 1 give 0.5 in data: below basic.
        ([{"research": 3, "engineering": 1, "data": 0}, {"research": 3, "data": 1}], "below_basic"),
        ([{"research": 4, "engineering": 1, "data": 1}], "passes"),
    ],
)
def test_the_rubric_verdict_follows_the_models_order(
    api_as, opening, make_candidate, people, cards, verdict
):
    candidate = make_candidate(opening)
    for interviewer, ratings in zip(("ada", "bo"), cards, strict=False):
        _card(api_as(people[interviewer]), candidate.id, ratings)
    body = api_as(people["manager"]).get(f"{API}/candidates/{candidate.id}").get_json()
    assert body["rubric"] == {"passes": verdict == "passes", "verdict": verdict}
