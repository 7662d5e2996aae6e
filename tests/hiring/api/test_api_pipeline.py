"""The opening and candidate pages' remaining steps through the API: a file of candidates added
at once, a saved draft submitted as it is, a submitted card reopened for a correction, and a
hire put on the team. The same services as the pages, so the same audit entries; every refusal
writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from hiring.openings.models import AuditEntry, Candidate, Scorecard, StatusChange
from team.models import Member
from team.settings import update_settings
from tests.hiring.security.conftest import snapshot

API = "/api/v1"
CSV = "text/csv"


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def fresh(db):
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def audited(db, action: str) -> list[AuditEntry]:
    """The audit entries of one action, oldest first."""
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
    found = list(fresh(db).exec(query).all())
    db.rollback()
    return found


@pytest.fixture
def people(make_user):
    """A hiring manager, two panel interviewers and an interviewer of another opening."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
        "outsider": make_user("interviewer", email="outsider@example.com"),
    }


@pytest.fixture
def opening(make_opening, people):
    """An open opening of the manager with ada and bo on its panel."""
    return make_opening(manager=people["manager"], panel=[people["ada"], people["bo"]])


# --- a file of candidates ------------------------------------------------------------------------


def _upload(client, opening_id: int, text: str | bytes, content_type: str = CSV):
    url = f"{API}/openings/{opening_id}/candidates/import"
    return client.post(url, data=text, content_type=content_type)


def test_a_file_of_candidates_is_added_as_the_page_adds_it(api_as, people, opening, db):
    text = "\ufeffName,Email\nAda Lovelace,ada@example.com\n\n Alan Turing , ALAN@example.com\n"
    response = _upload(api_as(people["manager"]), opening.id, text)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows = fresh(db).exec(select(Candidate).order_by(col(Candidate.id))).all()
    assert body == {"created": 2, "ids": [c.id for c in rows]}
    assert [(c.name, c.email, c.status) for c in rows] == [
        ("Ada Lovelace", "ada@example.com", "applied"),
        ("Alan Turing", "alan@example.com", "applied"),
    ]
    assert len(fresh(db).exec(select(StatusChange)).all()) == 2
    entries = audited(db, "candidate.add")
    assert [(e.subject_id, e.actor_email) for e in entries] == [
        (c.id, "manager@example.com") for c in rows
    ]


def test_bad_lines_are_a_422_naming_each_line_and_add_nobody(api_as, people, opening, db):
    client = api_as(people["manager"])
    before = snapshot(db)
    text = (
        "name,email\n"
        "Ada Lovelace,ada@example.com\n"
        "No Email,\n"
        "Bad Email,not-an-email\n"
        "Too,many@example.com,values\n"
    )
    error = _error(_upload(client, opening.id, text), 422, "validation_error")
    assert sorted(error["rows"]) == ["3", "4", "5"]
    assert error["rows"]["5"] == ["more values than the two columns name,email"]
    assert "email" in error["rows"]["4"][0]
    assert snapshot(db) == before


def test_emails_on_the_opening_or_twice_in_the_file_are_a_409_by_line(
    api_as, people, opening, make_candidate, db
):
    make_candidate(opening, email="taken@example.com")
    client = api_as(people["manager"])
    before = snapshot(db)
    text = "name,email\nAda,ada@example.com\nTaken,taken@example.com\nAda 2,ADA@example.com\n"
    error = _error(_upload(client, opening.id, text), 409, "conflict")
    assert error["rows"] == {
        "3": ["taken@example.com is already on this opening"],
        "4": ["ada@example.com is also in row 1 of the list"],
    }
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (b"email,first name\nada@example.com,Ada\n", "1", "header must be exactly"),
        (b"name,email\n", "body", "no candidates below its header"),
        (b"name,email\nAd\xe9,ada@example.com\n", "body", "UTF-8"),
        (b"", "body", "empty"),
        (b"\n\n", "body", "empty"),
    ],
)
def test_bad_files_are_a_422_and_add_nobody(api_as, people, opening, db, text, where, message):
    client = api_as(people["manager"])
    before = snapshot(db)
    error = _error(_upload(client, opening.id, text), 422, "validation_error")
    found = error["rows"].get(where) if where != "body" else error["fields"].get("body")
    assert found and message in found[0], error
    assert snapshot(db) == before


def test_a_file_must_be_sent_as_csv_to_an_open_opening(api_as, people, make_opening, db):
    closed = make_opening(manager=people["manager"], status="closed")
    client = api_as(people["manager"])
    before = snapshot(db)
    text = "name,email\nAda,ada@example.com\n"
    _error(_upload(client, closed.id, text, "application/json"), 415, "unsupported_media_type")
    error = _error(_upload(client, closed.id, text), 409, "conflict")
    assert "closed" in error["message"]
    assert snapshot(db) == before


def test_only_the_openings_manager_or_an_admin_adds_a_file(
    api, api_as, people, opening, make_user, db
):
    text = "name,email\nAda,ada@example.com\n"
    refused = [api("leadership"), api("interviewer"), api_as(people["ada"])]
    # Another hiring manager does not see the opening; a manager who sees it but does not
    # manage it (with leadership) may not change it.
    stranger, reader, admin = (
        api("hiring_manager"),
        api("hiring_manager", "leadership"),
        api("admin"),
    )
    before = snapshot(db)
    for client in refused:
        _error(_upload(client, opening.id, text), 403, "forbidden")
    _error(_upload(stranger, opening.id, text), 404, "not_found")
    _error(_upload(reader, opening.id, text), 403, "forbidden")
    _error(_upload(admin, 2**31 - 1, text), 404, "not_found")
    assert snapshot(db) == before
    assert _upload(admin, opening.id, text).get_json()["created"] == 1


# --- submitting a saved draft, and correcting a submitted card -----------------------------------

DRAFT = {"ratings": {"research": 3, "engineering": None, "data": 1}, "recommendation": "yes"}


@pytest.fixture
def candidate(make_candidate, opening):
    """A candidate of the opening."""
    return make_candidate(opening, name="Cy", email="cy@example.com")


def test_a_saved_draft_is_submitted_as_it_is(api_as, people, candidate, db):
    client = api_as(people["ada"])
    cards = f"{API}/candidates/{candidate.id}/scorecards"
    draft = client.post(cards, json=DRAFT | {"notes": "Good."}).get_json()
    response = client.post(f"{cards}/submit", json={})
    assert response.status_code == 200, response.get_json()
    card = response.get_json()
    assert card["status"] == "submitted" and card["submitted_at"]
    assert {k: card[k] for k in ("id", "ratings", "recommendation", "notes", "revision")} == {
        k: draft[k] for k in ("id", "ratings", "recommendation", "notes", "revision")
    }
    entries = audited(db, "scorecard.submit")
    assert [(e.subject_id, e.actor_email) for e in entries] == [(card["id"], "ada@example.com")]
    # Submitted is final: a second submit is a conflict and writes nothing.
    before = snapshot(db)
    _error(client.post(f"{cards}/submit", json={}), 409, "conflict")
    assert snapshot(db) == before


def test_submitting_needs_a_draft_that_says_something(api_as, people, candidate, db):
    cards = f"{API}/candidates/{candidate.id}/scorecards"
    client = api_as(people["ada"])
    before = snapshot(db)
    error = _error(client.post(f"{cards}/submit", json={}), 409, "conflict")
    assert "no draft" in error["message"]
    client.post(cards, json={"ratings": {"research": None}, "notes": "Undecided."})
    before = snapshot(db)
    error = _error(client.post(f"{cards}/submit", json={}), 422, "validation_error")
    assert set(error["fields"]) == {"recommendation", "ratings"}
    assert snapshot(db) == before


def test_a_submitted_card_is_reopened_as_a_new_draft_and_corrected(
    api_as, people, candidate, write_card, db
):
    write_card(candidate, people["bo"], {"research": 2})  # the panel's other card is in
    client = api_as(people["ada"])
    cards = f"{API}/candidates/{candidate.id}/scorecards"
    first = client.post(cards, json=DRAFT | {"submit": True}).get_json()
    response = client.post(f"{cards}/revise", json={})
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()
    assert (draft["status"], draft["revision"]) == ("draft", 2)
    assert (draft["ratings"], draft["recommendation"]) == (first["ratings"], "yes")
    # The submitted card still counts, and stays in the history.
    assert len(fresh(db).exec(select(Scorecard)).all()) == 3
    db.rollback()
    _error(client.post(f"{cards}/revise", json={}), 409, "conflict")  # a draft is open
    corrected = client.post(cards, json=DRAFT | {"recommendation": "no", "submit": True})
    assert corrected.status_code == 200, corrected.get_json()
    assert corrected.get_json()["revised_after_panel"] is True
    [entry] = audited(db, "scorecard.revise")
    assert "recommendation yes -> no" in entry.details
    assert "revised after reading the panel" in entry.details


@pytest.mark.parametrize("step", ["submit", "revise"])
def test_steps_on_cards_take_an_empty_object_and_only_the_panel(
    api, api_as, people, candidate, db, step
):
    url = f"{API}/candidates/{candidate.id}/scorecards/{step}"
    client, outsider = api_as(people["ada"]), api_as(people["outsider"])
    refused = [api_as(people["manager"]), api("admin"), api("leadership"), api("hiring_manager")]
    before = snapshot(db)
    error = _error(client.post(url, json={"submit": True}), 422, "validation_error")
    assert error["fields"] == {"submit": ["is not a field you can set"]}
    _error(client.post(url, json=[]), 422, "validation_error")
    _error(client.post(url, data="{}"), 415, "unsupported_media_type")
    _error(outsider.post(url, json={}), 404, "not_found")
    for other in refused:
        _error(other.post(url, json={}), 403, "forbidden")
    missing = f"{API}/candidates/{2**31 - 1}/scorecards/{step}"
    _error(client.post(missing, json={}), 404, "not_found")
    assert snapshot(db) == before


# --- the hire on the team ------------------------------------------------------------------------

HIRE = {
    "name": "Cy Young",
    "email": "cy@example.com",
    "title": "ML engineer",
    "levels": {"research": 3},
}


@pytest.fixture
def hired(make_candidate, opening, db):
    """A candidate marked hired, who could start on 1 March 2027 (a Monday)."""
    update_settings(session=db, plan_start=date(2027, 1, 4))
    db.commit()
    return make_candidate(
        opening, name="Cy", email="cy@example.com", status="hired", available_from=date(2027, 3, 1)
    )


def test_a_hire_joins_the_team_from_their_first_possible_day(api_as, people, hired, db):
    client = api_as(people["manager"])
    response = client.post(f"{API}/candidates/{hired.id}/hire", json=HIRE)
    assert response.status_code == 201, response.get_json()
    member = response.get_json()
    assert response.headers["Location"].endswith(f"{API}/members/{member['id']}")
    assert (member["name"], member["email"], member["title"]) == (
        "Cy Young",
        "cy@example.com",
        "ML engineer",
    )
    assert member["levels"] == {"research": 3}  # areas left out are 0, as for POST /members
    assert member["start_date"] == "2027-03-01"
    assert client.get(response.headers["Location"]).get_json() == member
    assert fresh(db).get(Candidate, hired.id).member_id == member["id"]
    [entry] = audited(db, "candidate.join_team")
    assert (entry.subject_id, entry.actor_email) == (hired.id, "manager@example.com")
    before = snapshot(db)
    again = _error(client.post(f"{API}/candidates/{hired.id}/hire", json=HIRE), 409, "conflict")
    assert "already on the team" in again["message"]
    assert snapshot(db) == before


def test_a_start_date_sent_is_kept(api, hired):
    body = HIRE | {"start_date": "2027-04-05"}
    response = api("admin").post(f"{API}/candidates/{hired.id}/hire", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["start_date"] == "2027-04-05"


def test_only_a_candidate_marked_hired_joins(api_as, people, candidate, db):
    client = api_as(people["manager"])
    before = snapshot(db)
    error = _error(
        client.post(f"{API}/candidates/{candidate.id}/hire", json=HIRE),
        409,
        "conflict",
    )
    assert "hired first" in error["message"]
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "cy@example.com"}, "name"),
        (HIRE | {"email": "cy"}, "email"),
        (HIRE | {"fte": 2}, "fte"),
        (HIRE | {"fte": float("nan")}, "fte"),
        (HIRE | {"fte": "1"}, "fte"),
        (HIRE | {"levels": {"research": 5}}, "levels.research"),
        (HIRE | {"levels": {"research": 2.0}}, "levels.research"),
        (HIRE | {"levels": {"robotics": 2}}, "levels.robotics"),
        (HIRE | {"start_date": "2027-02-30"}, "start_date"),
        (HIRE | {"candidate_id": 1}, "candidate_id"),
        (HIRE | {"name": "Cy\u0000"}, "name"),
    ],
)
def test_a_bad_hire_is_a_422_and_writes_nothing(api_as, people, hired, db, body, field):
    client = api_as(people["manager"])
    before = snapshot(db)
    response = client.post(f"{API}/candidates/{hired.id}/hire", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert snapshot(db) == before


def test_an_email_of_a_member_is_taken(api_as, people, hired, make_member, db):
    make_member(email="cy@example.com")
    client = api_as(people["manager"])
    before = snapshot(db)
    response = client.post(f"{API}/candidates/{hired.id}/hire", json=HIRE)
    assert response.status_code in (409, 422), response.get_json()
    assert "email" in response.get_json()["error"]["fields"]
    assert snapshot(db) == before
    assert fresh(db).get(Candidate, hired.id).member_id is None


def test_only_the_openings_manager_or_an_admin_hires(api, api_as, people, hired, db):
    url = f"{API}/candidates/{hired.id}/hire"
    refused = [api("leadership"), api("interviewer"), api_as(people["ada"])]
    stranger, reader, admin = (
        api("hiring_manager"),
        api("hiring_manager", "leadership"),
        api("admin"),
    )
    before = snapshot(db)
    for client in refused:
        _error(client.post(url, json=HIRE), 403, "forbidden")
    _error(stranger.post(url, json=HIRE), 404, "not_found")
    _error(reader.post(url, json=HIRE), 403, "forbidden")
    _error(admin.post(f"{API}/candidates/{2**31 - 1}/hire", json=HIRE), 404, "not_found")
    assert snapshot(db) == before
    assert fresh(db).exec(select(Member)).all() == []
    db.rollback()
    assert admin.post(url, json=HIRE).status_code == 201
