"""When a hire would start, through the API (API.md, "Time, plan and decisions"): an opening's
`start_date` and a candidate's `available_from` read back as sent (null clears them), every
candidate carries the start the forecast assumes for them (MODEL.md, "Start"), and
`PATCH /candidates/{id}` changes a status (recorded with who, when and the note, as the page
records it) and the first possible day: only for the opening's manager and admins, and a refused
request writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from hiring.openings.models import AuditEntry, Candidate, Opening, StatusChange
from team.models import Member
from team.settings import update_settings
from tests.conftest import post_form
from tests.hiring.security.conftest import snapshot

API = "/api/v1"
PLAN_START = date(2027, 1, 4)  # a Monday; notice_weeks (4) after it is 1 February 2027
NOTICE_START = "2027-02-01"


@pytest.fixture(autouse=True)
def fixed_plan_start(db):
    """The plan start is a fixed Monday, so no expected date depends on today."""
    update_settings(session=db, plan_start=PLAN_START)


@pytest.fixture
def people(make_user):
    """A hiring manager and two interviewers, by name."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
    }


@pytest.fixture
def opening(make_opening, people):
    """An open opening of `manager` with ada and bo on its panel, and no start date."""
    return make_opening(manager=people["manager"], panel=[people["ada"], people["bo"]])


def fresh(db):
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


# --- an opening's start date ----------------------------------------------------------------


def test_an_openings_start_date_reads_back_and_null_clears_it(api_as, people, db):
    client = api_as(people["manager"])
    response = client.post(f"{API}/openings", json={"title": "ML", "start_date": "2027-03-01"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["start_date"] == "2027-03-01"
    url = response.headers["Location"]
    assert client.get(url).get_json()["start_date"] == "2027-03-01"
    assert client.patch(url, json={"title": "ML engineer"}).get_json()["start_date"] == "2027-03-01"
    assert client.patch(url, json={"start_date": "2027-04-05"}).get_json()["start_date"] == (
        "2027-04-05"
    )
    fresh(db)
    assert db.exec(select(Opening.start_date)).one() == date(2027, 4, 5)
    cleared = client.patch(url, json={"start_date": None})
    assert cleared.status_code == 200 and cleared.get_json()["start_date"] is None
    assert client.get(url).get_json()["start_date"] is None
    fresh(db)
    assert db.exec(select(Opening.start_date)).one() is None
    made = client.post(f"{API}/openings", json={"title": "Data", "start_date": None})
    assert made.status_code == 201 and made.get_json()["start_date"] is None


@pytest.mark.parametrize("value", ["2027-02-30", "1 March 2027", "2027-3-1", 20270301, True, ""])
def test_bad_opening_start_dates_are_refused_and_write_nothing(api_as, people, opening, db, value):
    client = api_as(people["manager"])
    before = snapshot(db)
    error = _error(
        client.post(f"{API}/openings", json={"title": "ML", "start_date": value}),
        422,
        "validation_error",
    )
    assert "start_date" in error["fields"]
    error = _error(
        client.patch(f"{API}/openings/{opening.id}", json={"start_date": value}),
        422,
        "validation_error",
    )
    assert "start_date" in error["fields"]
    assert snapshot(db) == before


# --- a candidate's first possible day and assumed start -------------------------------------


def test_a_candidates_available_from_reads_back_everywhere(api_as, people, opening):
    client = api_as(people["manager"])
    body = {"name": "Lin", "email": "lin@example.com", "available_from": "2027-03-15"}
    response = client.post(f"{API}/openings/{opening.id}/candidates", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert (made["available_from"], made["start_date"]) == ("2027-03-15", "2027-03-15")
    assert client.get(response.headers["Location"]).get_json() == made
    listed = client.get(f"{API}/openings/{opening.id}/candidates").get_json()["items"]
    assert listed == [made]
    # A panelist before their card sees no levels, but the start is no card's: they see it.
    ada = api_as(people["ada"]).get(f"{API}/candidates/{made['id']}").get_json()
    assert (ada["available_from"], ada["start_date"]) == ("2027-03-15", "2027-03-15")
    unset = client.post(
        f"{API}/openings/{opening.id}/candidates",
        json={"name": "Mo", "email": "mo@example.com", "available_from": None},
    )
    assert unset.status_code == 201
    assert (unset.get_json()["available_from"], unset.get_json()["start_date"]) == (
        None,
        NOTICE_START,
    )


@pytest.mark.parametrize(
    ("available_from", "opening_start", "expected"),
    [
        ("2027-03-15", "2027-02-15", "2027-03-15"),  # their own date first
        (None, "2027-02-15", "2027-02-15"),  # else the opening's
        (None, None, NOTICE_START),  # else notice_weeks after the plan start
        ("2026-06-01", None, "2027-01-04"),  # a past date means the plan start
        (None, "2026-06-01", "2027-01-04"),
        ("2027-01-05", "2026-06-01", "2027-01-05"),  # never before the plan start, not after
    ],
)
def test_every_candidate_carries_the_start_the_forecast_assumes(
    api_as, people, available_from, opening_start, expected
):
    client = api_as(people["manager"])
    opening = client.post(
        f"{API}/openings", json={"title": "ML", "start_date": opening_start}
    ).get_json()
    body = {"name": "Lin", "email": "lin@example.com", "available_from": available_from}
    made = client.post(f"{API}/openings/{opening['id']}/candidates", json=body).get_json()
    assert made["start_date"] == expected
    assert client.get(f"{API}/candidates/{made['id']}").get_json()["start_date"] == expected


def test_the_notice_period_is_the_setting(api_as, people, opening, db):
    update_settings(session=db, calendar={"notice_weeks": 6})
    body = {"name": "Lin", "email": "lin@example.com"}
    made = api_as(people["manager"]).post(f"{API}/openings/{opening.id}/candidates", json=body)
    assert made.get_json()["start_date"] == "2027-02-15"


@pytest.mark.parametrize("value", ["2027-02-30", "next week", 5, ["2027-03-01"]])
def test_bad_available_from_on_create_is_refused_and_writes_nothing(
    api_as, people, opening, db, value
):
    client = api_as(people["manager"])
    before = snapshot(db)
    body = {"name": "Lin", "email": "lin@example.com", "available_from": value}
    response = client.post(f"{API}/openings/{opening.id}/candidates", json=body)
    assert "available_from" in _error(response, 422, "validation_error")["fields"]
    assert snapshot(db) == before


# --- PATCH /candidates/{id}: decisions ------------------------------------------------------


def test_a_status_change_is_recorded_with_who_when_and_the_note(
    api_as, people, opening, make_candidate, db
):
    candidate = make_candidate(opening)
    response = api_as(people["manager"]).patch(
        f"{API}/candidates/{candidate.id}",
        json={"status": "interviewing", "note": "Strong CV; book the panel."},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["status"]) == (candidate.id, "interviewing")
    fresh(db)
    change = db.exec(select(StatusChange).where(StatusChange.new_status == "interviewing")).one()
    assert (change.candidate_id, change.old_status, change.note, change.changed_by_id) == (
        candidate.id,
        "applied",
        "Strong CV; book the panel.",
        people["manager"].id,
    )
    assert change.changed_at is not None
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.status")).all()
    assert [(e.actor_email, e.subject_id) for e in entry] == [("manager@example.com", candidate.id)]
    assert entry[0].details == "applied -> interviewing: Strong CV; book the panel."
    assert db.get(Candidate, candidate.id).status == "interviewing"


def test_available_from_is_set_and_cleared_without_a_status_change(
    api_as, people, opening, make_candidate, db
):
    candidate = make_candidate(opening)
    client = api_as(people["manager"])
    url = f"{API}/candidates/{candidate.id}"
    response = client.patch(url, json={"available_from": "2027-05-03"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["available_from"], response.get_json()["start_date"]) == (
        "2027-05-03",
        "2027-05-03",
    )
    assert client.get(url).get_json()["available_from"] == "2027-05-03"
    fresh(db)
    assert db.get(Candidate, candidate.id).available_from == date(2027, 5, 3)
    assert db.exec(select(StatusChange.new_status)).all() == ["applied"]  # no decision made
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.available_from"))
    assert [e.details for e in entry.all()] == ["none -> 2027-05-03"]
    fresh(db)
    cleared = client.patch(url, json={"available_from": None}).get_json()
    assert (cleared["available_from"], cleared["start_date"]) == (None, NOTICE_START)
    fresh(db)
    assert db.get(Candidate, candidate.id).available_from is None


def test_status_and_date_change_together(api_as, people, opening, make_candidate, db):
    candidate = make_candidate(opening)
    response = api_as(people["manager"]).patch(
        f"{API}/candidates/{candidate.id}",
        json={"status": "offer", "note": "Offer sent", "available_from": "2027-03-01"},
    )
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["start_date"]) == (
        "offer",
        "2027-03-01",
    )
    fresh(db)
    row = db.get(Candidate, candidate.id)
    assert (row.status, row.available_from) == ("offer", date(2027, 3, 1))
    change = db.exec(select(StatusChange).where(StatusChange.new_status == "offer")).one()
    assert (change.note, change.changed_by_id) == ("Offer sent", people["manager"].id)


def test_hired_records_the_decision_and_the_hire_joins_through_the_page(
    api_as, people, opening, make_candidate, client_for, db
):
    """`hired` is what the candidate page's status form makes it: a recorded decision; the
    team record is the page's own "Add to the team" step (with the panel's levels)."""
    candidate = make_candidate(opening, available_from=date(2027, 3, 8))
    response = api_as(people["manager"]).patch(
        f"{API}/candidates/{candidate.id}", json={"status": "hired", "note": "Accepted"}
    )
    assert response.status_code == 200 and response.get_json()["status"] == "hired"
    fresh(db)
    assert db.exec(select(Member)).all() == []
    assert db.get(Candidate, candidate.id).member_id is None
    change = db.exec(select(StatusChange).where(StatusChange.new_status == "hired")).one()
    assert (change.note, change.changed_by_id) == ("Accepted", people["manager"].id)
    fresh(db)
    page = client_for(people["manager"]).get(f"/candidates/{candidate.id}")
    assert f'href="/candidates/{candidate.id}/hire">Add to the team' in page.get_data(as_text=True)


def test_the_start_date_cannot_change_here_once_they_are_on_the_team(
    api_as, people, opening, make_candidate, client_for, db
):
    candidate = make_candidate(opening, status="hired")
    hire = {
        "name": "Lin",
        "email": "lin@example.com",
        "title": "",
        "fte": "1",
        "level_research": "1",
        "level_engineering": "1",
        "level_data": "1",
    }
    url = f"/candidates/{candidate.id}/hire"
    assert post_form(client_for(people["manager"]), url, hire).status_code == 302
    client = api_as(people["manager"])
    before = snapshot(db)
    response = client.patch(
        f"{API}/candidates/{candidate.id}", json={"available_from": "2027-06-07"}
    )
    assert "available_from" in _error(response, 409, "conflict")["fields"]
    assert snapshot(db) == before


# --- who may PATCH --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("admin", 200),
        ("admin on the panel", 200),  # an admin decides, whatever else they are
        ("manager of another opening", 404),  # does not see it at all
        ("interviewer on the panel", 403),
        ("leadership", 403),
        ("manager on the panel, not the owner", 403),
        ("leadership and manager", 403),  # sees every opening, owns none of them
        ("leadership on the panel", 403),
    ],
)
def test_only_the_openings_manager_and_admins_may_patch(
    api_as, make_user, make_opening, make_candidate, who, status, db
):
    owner = make_user("hiring_manager")
    users = {
        "manager": owner,
        "admin": make_user("admin"),
        "admin on the panel": make_user("admin", "interviewer"),
        "manager of another opening": make_user("hiring_manager"),
        "interviewer on the panel": make_user("interviewer"),
        "leadership": make_user("leadership"),
        "manager on the panel, not the owner": make_user("hiring_manager", "interviewer"),
        "leadership and manager": make_user("leadership", "hiring_manager"),
        "leadership on the panel": make_user("leadership", "interviewer"),
    }
    panel = [u for name, u in users.items() if "on the panel" in name]
    opening = make_opening(manager=owner, panel=panel)
    make_opening(manager=users["manager of another opening"])
    candidate = make_candidate(opening)
    client = api_as(users[who])
    before = snapshot(db)
    url = f"{API}/candidates/{candidate.id}"
    body = {"status": "rejected", "note": "Not now", "available_from": "2027-03-01"}
    if status != 200:
        code = {403: "forbidden", 404: "not_found"}[status]
        for sent in (body, {"available_from": "2027-03-01"}, {"status": "offer"}):
            _error(client.patch(url, json=sent), status, code)
        assert snapshot(db) == before
        return
    response = client.patch(url, json=body)
    assert response.status_code == 200, response.get_json()
    fresh(db)
    row = db.get(Candidate, candidate.id)
    assert (row.status, row.available_from) == ("rejected", date(2027, 3, 1))
    change = db.exec(select(StatusChange).where(StatusChange.new_status == "rejected")).one()
    assert change.changed_by_id == users[who].id


def test_patch_needs_a_token_and_a_known_candidate(app, api_as, people, db):
    client = api_as(people["manager"])
    before = snapshot(db)
    response = app.test_client().patch(f"{API}/candidates/1", json={"status": "offer"})
    _error(response, 401, "unauthorized")
    response = client.patch(f"{API}/candidates/4242", json={"status": "offer"})
    _error(response, 404, "not_found")
    assert snapshot(db) == before


# --- bad input writes nothing ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "promoted"}, "status"),
        ({"status": "Hired"}, "status"),
        ({"status": 3}, "status"),
        ({"status": None}, "status"),
        ({"status": "offer", "note": "x" * 2001}, "note"),
        ({"status": "offer", "note": "a\x00b"}, "note"),
        ({"status": "offer", "note": None}, "note"),
        ({"note": "A note with no decision"}, "note"),
        ({"available_from": "2027-02-30"}, "available_from"),
        ({"available_from": "soon"}, "available_from"),
        ({"available_from": 20270301}, "available_from"),
        # One bad field refuses the good ones sent with it.
        ({"status": "offer", "note": "ok", "available_from": "2027-13-01"}, "available_from"),
        ({"status": "no-such", "available_from": "2027-03-01"}, "status"),
        ({"status": "offer", "version": 9}, "version"),
        ({"status": "offer", "member_id": 1}, "member_id"),
        ({"status": "offer", "email": "eve@example.com"}, "email"),
    ],
)
def test_bad_patches_are_refused_naming_the_field_and_write_nothing(
    api_as, people, opening, make_candidate, db, body, field
):
    candidate = make_candidate(opening)
    client = api_as(people["manager"])
    before = snapshot(db)
    response = client.patch(f"{API}/candidates/{candidate.id}", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert snapshot(db) == before


def test_bodies_that_are_not_a_json_object_are_refused(api_as, people, opening, make_candidate, db):
    candidate = make_candidate(opening)
    client = api_as(people["manager"])
    url = f"{API}/candidates/{candidate.id}"
    before = snapshot(db)
    assert client.patch(url, data="status=offer").status_code == 415
    _error(client.patch(url, data="{", content_type="application/json"), 400, "validation_error")
    _error(client.patch(url, json=["offer"]), 422, "validation_error")
    assert snapshot(db) == before


def test_an_empty_patch_changes_nothing(api_as, people, opening, make_candidate, db):
    candidate = make_candidate(opening)
    client = api_as(people["manager"])
    before = snapshot(db)
    response = client.patch(f"{API}/candidates/{candidate.id}", json={})
    assert response.status_code == 200 and response.get_json()["status"] == "applied"
    assert snapshot(db) == before


def test_the_document_describes_the_patch(app):
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    operation = document["paths"]["/candidates/{candidate_id}"]["patch"]
    assert operation["x-roles"] == ["admin", "hiring_manager"]
    assert {"403", "404", "409", "422"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    body = schemas["CandidateUpdate"]
    assert set(body["properties"]) == {"status", "note", "available_from"}
    assert body["additionalProperties"] is False
    assert body["dependentRequired"] == {"note": ["status"]}
    assert body["properties"]["note"]["maxLength"] == 2000
    assert {"type": "null"} in body["properties"]["available_from"]["anyOf"]
    assert "start_date" in schemas["OpeningUpdate"]["properties"]
    assert {"available_from", "start_date"} <= set(schemas["CandidatePublic"]["required"])
