"""Regression tests for what the fuzzers found in the API, each pinned by one plain example."""

from __future__ import annotations

import re

import pytest

from hiring.api.openapi import FREE_TEXT, NO_CONTROLS
from team.text import has_control

API = "/api/v1"


@pytest.fixture
def people(make_user):
    return {
        "manager": make_user("hiring_manager"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
    }


def test_an_interviewer_reads_no_levels_before_submitting_their_own_card(
    api_as, people, make_opening, make_candidate
):
    """Found by the state machine: GET /candidates/{id} (and the opening's candidate list) gave
    an interviewer who had not submitted the medians of the others' cards, which with one other
    card is that card's ratings, while the pages hid them (the independence rule)."""
    opening = make_opening(manager=people["manager"], panel=[people["ada"], people["bo"]])
    candidate = make_candidate(opening)
    ada, bo = api_as(people["ada"]), api_as(people["bo"])
    card = {
        "ratings": {"research": 4, "engineering": 1, "data": 1},
        "recommendation": "yes",
        "submit": True,
    }
    assert ada.post(f"{API}/candidates/{candidate.id}/scorecards", json=card).status_code == 200
    unknown = {"research": None, "engineering": None, "data": None}
    hidden = {"passes": False, "verdict": "incomplete"}
    for reader in (
        bo.get(f"{API}/candidates/{candidate.id}").get_json(),
        bo.get(f"{API}/openings/{opening.id}/candidates").get_json()["items"][0],
    ):
        assert (reader["levels"], reader["rubric"]) == (unknown, hidden)
    # A draft of one's own reveals nothing either; submitting does.
    draft = {"ratings": {"research": 2}, "submit": False}
    assert bo.post(f"{API}/candidates/{candidate.id}/scorecards", json=draft).status_code == 200
    assert bo.get(f"{API}/candidates/{candidate.id}").get_json()["levels"] == unknown
    submit = {
        "ratings": {"research": 2, "engineering": 1, "data": 1},
        "recommendation": "yes",
        "submit": True,
    }
    assert bo.post(f"{API}/candidates/{candidate.id}/scorecards", json=submit).status_code == 200
    seen = bo.get(f"{API}/candidates/{candidate.id}").get_json()
    assert seen["levels"] == {"research": 3.0, "engineering": 1.0, "data": 1.0}
    assert seen["rubric"] == {"passes": True, "verdict": "passes"}
    # The hiring manager always read them.
    manager = api_as(people["manager"]).get(f"{API}/candidates/{candidate.id}").get_json()
    assert manager == seen


def test_the_document_says_what_the_api_checks(app):
    """Found by schemathesis: schema-valid values the API refused. The document now says the
    offset's maximum, a search's characters, the work item statuses, that free text holds no
    control characters and that a CSV file is not empty."""
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    members = {p["name"]: p["schema"] for p in document["paths"]["/members"]["get"]["parameters"]}
    assert members["offset"]["maximum"] == 10**12 - 1
    assert members["q"]["pattern"] == NO_CONTROLS
    schemas = document["components"]["schemas"]
    for model in ("WorkItemCreate", "WorkItemUpdate"):
        assert schemas[model]["properties"]["status"]["enum"] == ["planned", "in_progress", "done"]
    assert schemas["ScorecardIn"]["properties"]["notes"]["pattern"] == FREE_TEXT
    assert schemas["OpeningCreate"]["properties"]["description"]["pattern"] == FREE_TEXT
    body = document["paths"]["/import/members"]["post"]["requestBody"]["content"]
    assert body["text/csv"]["schema"] == {"type": "string", "minLength": 1}


@pytest.mark.parametrize(("pattern", "line_breaks"), [(NO_CONTROLS, False), (FREE_TEXT, True)])
def test_the_documented_patterns_are_the_text_rule(pattern, line_breaks):
    """The document's patterns let through exactly the characters team.text lets through, so
    schema-valid text is never refused for its characters, nor refused text schema-valid."""
    for code in [*range(0x3000), 0xFEFF, 0x1F600]:
        ch = chr(code)
        assert (re.fullmatch(pattern, ch) is None) == has_control(ch, line_breaks=line_breaks), hex(
            code
        )


def test_query_values_are_checked_as_sent(api):
    """The search is checked before its ends are trimmed, as its documented pattern and
    maxLength say; the offset up to its documented maximum."""
    client = api("hiring_manager")
    assert client.get(f"{API}/members", query_string={"q": "\tada"}).status_code == 422
    assert client.get(f"{API}/members", query_string={"q": "a" * 100 + " "}).status_code == 422
    assert client.get(f"{API}/members", query_string={"q": " ada "}).status_code == 200
    assert client.get(f"{API}/members?offset=999999999999").get_json()["items"] == []
    response = client.get(f"{API}/members?offset=1000000000000")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "offset": ["must be between 0 and 999999999999"]
    }
