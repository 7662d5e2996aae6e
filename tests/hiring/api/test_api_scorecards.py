"""The scorecard endpoints: drafts, submitting once, the independence rule on the API path, and
every refusal (bad ratings, a second submit, off the panel, a closed opening) writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.openings.models import AuditEntry, Scorecard, ScorecardRating

API = "/api/v1"
CARD = {
    "ratings": {"research": 3, "engineering": None, "data": 1},
    "recommendation": "yes",
    "notes": "Strong on evals.\nAsk about pipelines.",
}


@pytest.fixture
def people(make_user):
    """A hiring manager, three panel interviewers and one interviewer of another opening."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
        "cy": make_user("interviewer", email="cy@example.com"),
        "outsider": make_user("interviewer", email="outsider@example.com"),
    }


@pytest.fixture
def candidate(make_opening, make_candidate, people):
    """A candidate of an open opening whose panel is ada, bo and cy."""
    panel = [people["ada"], people["bo"], people["cy"]]
    return make_candidate(make_opening(manager=people["manager"], panel=panel))


@pytest.fixture
def cards_url(candidate) -> str:
    """The candidate's scorecards."""
    return f"{API}/candidates/{candidate.id}/scorecards"


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def written(count, db):
    """written() -> (scorecards, ratings, scorecard audit entries): what a refused request must
    not add. Making the opening and the candidate audited entries of their own."""

    def rows() -> tuple[int, int, int]:
        db.rollback()
        audited = db.exec(select(AuditEntry).where(AuditEntry.subject_type == "scorecard")).all()
        db.rollback()
        return count(Scorecard), count(ScorecardRating), len(audited)

    return rows


def _seen(client, url: str) -> list[tuple[str, str]]:
    """(interviewer, status) of every card the client's user may read, in a fixed order."""
    response = client.get(url)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return sorted((c["interviewer"], c["status"]) for c in body["items"])


def test_a_draft_is_saved_and_reads_back_as_the_interviewers_own(
    api_as, people, candidate, cards_url, written
):
    client = api_as(people["ada"])
    response = client.post(cards_url, json=CARD)
    assert response.status_code == 200, response.get_json()
    card = response.get_json()
    assert card == {
        "id": card["id"],
        "candidate_id": candidate.id,
        "interviewer": "ada@example.com",
        "revision": 1,
        "status": "draft",
        "ratings": {"research": 3, "engineering": None, "data": 1},
        "recommendation": "yes",
        "notes": "Strong on evals.\nAsk about pipelines.",
        "submitted_at": None,
        "revised_after_panel": False,
    }
    assert client.get(cards_url).get_json() == {"items": [card], "total": 1}
    assert written() == (1, 3, 0)  # a draft is not audited


def test_saving_again_replaces_the_draft_and_submitting_makes_it_final(
    api_as, people, cards_url, written, db
):
    client = api_as(people["ada"])
    first = client.post(cards_url, json=CARD).get_json()
    body = {"ratings": {"research": 4}, "recommendation": "no", "submit": True}
    response = client.post(cards_url, json=body)
    assert response.status_code == 200, response.get_json()
    card = response.get_json()
    assert card["id"] == first["id"]
    assert card["status"] == "submitted"
    assert card["submitted_at"]
    assert (card["ratings"], card["recommendation"], card["notes"]) == ({"research": 4}, "no", "")
    assert written() == (1, 1, 1)
    db.rollback()
    entry = db.exec(select(AuditEntry).where(AuditEntry.subject_type == "scorecard")).one()
    assert (entry.action, entry.actor_email) == ("scorecard.submit", "ada@example.com")


@pytest.mark.parametrize("again", [{"submit": True}, {"ratings": {"research": 1}}, {}])
def test_after_submitting_the_card_is_final(api_as, people, cards_url, written, again):
    client = api_as(people["ada"])
    submitted = client.post(cards_url, json=CARD | {"submit": True}).get_json()
    before = written()
    error = _error(client.post(cards_url, json=again), 409, "conflict")
    assert "submitted" in error["message"]
    assert written() == before
    assert client.get(cards_url).get_json()["items"] == [submitted]


@pytest.mark.parametrize(
    ("ratings", "field"),
    [
        ({"research": 5}, "ratings.research"),
        ({"data": -1}, "ratings.data"),
        ({"research": 2.5}, "ratings.research"),
        ({"research": 2.0}, "ratings.research"),
        ({"research": "3"}, "ratings.research"),
        ({"research": True}, "ratings.research"),
        ({"research": 3, "vision": 2}, "ratings.vision"),
        ({"Vision": None}, "ratings.vision"),
    ],
)
def test_bad_ratings_are_refused_naming_the_area_and_write_nothing(
    api_as, people, cards_url, written, ratings, field
):
    client = api_as(people["ada"])
    draft = client.post(cards_url, json=CARD).get_json()
    before = written()
    response = client.post(
        cards_url, json={"ratings": ratings, "recommendation": "yes", "submit": True}
    )
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert written() == before
    assert client.get(cards_url).get_json()["items"] == [draft]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"recommendation": "maybe"}, "recommendation"),
        ({"notes": 3}, "notes"),
        ({"notes": None}, "notes"),
        ({"notes": "fine\x00"}, "notes"),
        ({"submit": "yes"}, "submit"),
        ({"ratings": [3, 1, 2]}, "ratings"),
        ({"interviewer_id": 1}, "interviewer_id"),
        ({"submitted_at": "2024-01-01T00:00:00"}, "submitted_at"),
    ],
)
def test_bad_cards_are_refused_naming_the_field(api_as, people, cards_url, written, body, field):
    error = _error(api_as(people["ada"]).post(cards_url, json=body), 422, "validation_error")
    assert field in error["fields"], error
    assert written() == (0, 0, 0)


def test_only_the_panel_writes_cards(
    api, api_as, people, make_opening, make_candidate, cards_url, make_user, written
):
    managing = make_user("hiring_manager", "interviewer")
    watching = make_user("leadership", "interviewer")
    managed = make_candidate(make_opening(manager=managing, panel=[people["ada"]]))
    body = CARD | {"submit": True}
    # Able to see the candidate, allowed to interview, but off this panel: forbidden.
    _error(api_as(watching).post(cards_url, json=body), 403, "forbidden")
    managed_url = f"{API}/candidates/{managed.id}/scorecards"
    _error(api_as(managing).post(managed_url, json=body), 403, "forbidden")
    # Roles that never sit on a panel are refused before the candidate is looked at.
    _error(api_as(people["manager"]).post(cards_url, json=body), 403, "forbidden")
    for role in ("admin", "leadership", "hiring_manager"):
        _error(api(role).post(cards_url, json=body), 403, "forbidden")
    # An interviewer who cannot see the opening does not even learn the candidate exists.
    _error(api_as(people["outsider"]).post(cards_url, json=body), 404, "not_found")
    _error(api_as(managing).post(cards_url, json=body), 404, "not_found")
    assert written() == (0, 0, 0)


def test_an_interviewer_reaching_for_another_openings_candidate_gets_404(
    api_as, people, make_opening, make_candidate, candidate, cards_url, written
):
    own = make_candidate(make_opening(panel=[people["outsider"]]))
    client = api_as(people["outsider"])
    assert client.get(f"{API}/candidates/{own.id}/scorecards").status_code == 200
    _error(client.get(f"{API}/candidates/{candidate.id}"), 404, "not_found")
    _error(client.get(cards_url), 404, "not_found")
    _error(client.post(cards_url, json=CARD), 404, "not_found")
    _error(client.post(f"{API}/candidates/{own.id + 100}/scorecards", json=CARD), 404, "not_found")
    assert written() == (0, 0, 0)


def test_no_card_changes_once_the_opening_is_closed(api_as, people, candidate, cards_url, written):
    ada = api_as(people["ada"])
    draft = ada.post(cards_url, json=CARD).get_json()
    opening_url = f"{API}/openings/{candidate.opening_id}"
    response = api_as(people["manager"]).patch(opening_url, json={"status": "closed"})
    assert response.status_code == 200
    before = written()
    for body in (CARD | {"submit": True}, {"ratings": {"data": 4}}):
        error = _error(ada.post(cards_url, json=body), 409, "conflict")
        assert "closed" in error["message"]
    _error(api_as(people["bo"]).post(cards_url, json=CARD), 409, "conflict")
    assert written() == before
    assert ada.get(cards_url).get_json()["items"] == [draft]


def test_interviewers_see_others_cards_only_after_submitting_their_own(
    api, api_as, people, cards_url
):
    ada, bo, cy = (api_as(people[name]) for name in ("ada", "bo", "cy"))
    manager = api_as(people["manager"])
    ada.post(cards_url, json=CARD | {"submit": True})
    bo.post(cards_url, json={"ratings": {"research": 1}})
    # bo has only a draft: bo sees bo's own card and nothing of ada's.
    assert _seen(bo, cards_url) == [("bo@example.com", "draft")]
    # ada has submitted, but bo's draft is nobody else's to read.
    assert _seen(ada, cards_url) == [("ada@example.com", "submitted")]
    assert _seen(cy, cards_url) == []
    for reader in (manager, api("leadership"), api("admin")):
        assert _seen(reader, cards_url) == [("ada@example.com", "submitted")]
    assert (
        bo.post(
            cards_url, json={"ratings": {"research": 2}, "recommendation": "yes", "submit": True}
        ).status_code
        == 200
    )
    both = [("ada@example.com", "submitted"), ("bo@example.com", "submitted")]
    assert _seen(bo, cards_url) == both
    assert _seen(ada, cards_url) == both
    cy.post(cards_url, json={"ratings": {"research": 4}})
    assert _seen(cy, cards_url) == [("cy@example.com", "draft")]
    for reader in (ada, bo, manager, api("leadership"), api("admin")):
        assert _seen(reader, cards_url) == both


def test_a_submitted_card_shows_its_ratings_to_those_who_may_read_it(api_as, people, cards_url):
    ada, bo = api_as(people["ada"]), api_as(people["bo"])
    mine = ada.post(cards_url, json=CARD | {"submit": True}).get_json()
    bo.post(cards_url, json={"ratings": {"data": 2}, "recommendation": "no", "submit": True})
    seen = {c["interviewer"]: c for c in bo.get(cards_url).get_json()["items"]}
    assert seen["ada@example.com"] == mine
    page = bo.get(f"{cards_url}?limit=1&offset=1").get_json()
    assert (len(page["items"]), page["total"]) == (1, 2)
    _error(bo.get(f"{cards_url}?limit=x"), 422, "validation_error")


def test_the_document_describes_what_the_hiring_routes_take_and_answer(
    app, api_as, people, candidate, cards_url
):
    jsonschema = pytest.importorskip("jsonschema")
    document = app.test_client().get(f"{API}/openapi.json").get_json()

    def validator(name: str):
        schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
        return jsonschema.Draft202012Validator(schema)

    body = validator("ScorecardIn")
    assert body.is_valid({"ratings": {"research": None, "data": 4}, "recommendation": None})
    for bad in ({"ratings": {"data": 5}}, {"recommendation": "maybe"}, {"interviewer": "x"}):
        assert not body.is_valid(bad), bad
    ada = api_as(people["ada"])
    ada.post(cards_url, json=CARD | {"submit": True})
    opening = f"{API}/openings/{candidate.opening_id}"
    answers = {
        "ScorecardList": ada.get(cards_url),
        "CandidatePublic": ada.get(f"{API}/candidates/{candidate.id}"),
        "CandidatePage": ada.get(f"{opening}/candidates"),
        "OpeningPublic": ada.get(opening),
        "OpeningPage": ada.get(f"{API}/openings"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        validator(name).validate(response.get_json())
    paths = document["paths"]
    assert paths["/candidates/{candidate_id}/scorecards"]["post"]["x-roles"] == ["interviewer"]
    assert "409" in paths["/openings/{opening_id}/candidates"]["post"]["responses"]
