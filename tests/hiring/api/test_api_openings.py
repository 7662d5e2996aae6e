"""The openings endpoints: shapes as API.md writes them, who sees and changes which opening,
and every refusal writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hiring.openings.models import AuditEntry, Opening, PanelSeat

API = "/api/v1"


@pytest.fixture
def people(make_user):
    """A hiring manager, two interviewers and an unrelated interviewer, by name."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
        "outsider": make_user("interviewer", email="outsider@example.com"),
    }


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_an_opening_reads_exactly_as_the_contract_says(api, make_opening, people):
    made = make_opening(
        manager=people["manager"],
        panel=[people["bo"], people["ada"]],
        title="Research engineer",
        description="Build the eval harness.\nOwn it.",
        target_area="research",
        headcount=2,
    )
    response = api("leadership").get(f"{API}/openings/{made.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": made.id,
        "title": "Research engineer",
        "description": "Build the eval harness.\nOwn it.",
        "target_area": "research",
        "headcount": 2,
        "status": "open",
        "hiring_manager": "manager@example.com",
        "panel": ["ada@example.com", "bo@example.com"],
        "start_date": None,
    }


def test_create_answers_201_with_the_opening_and_where_it_lives(api_as, count, people, db):
    client = api_as(people["manager"])
    body = {
        "title": "  Data engineer ",
        "target_area": "Data",
        "headcount": 1,
        "panel": ["Ada@Example.com"],
    }
    response = client.post(f"{API}/openings", json=body)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made == {
        "id": made["id"],
        "title": "Data engineer",
        "description": "",
        "target_area": "data",
        "headcount": 1,
        "status": "open",
        "hiring_manager": "manager@example.com",
        "panel": ["ada@example.com"],
        "start_date": None,
    }
    assert response.headers["Location"] == f"{API}/openings/{made['id']}"
    assert client.get(response.headers["Location"]).get_json() == made
    assert (count(Opening), count(PanelSeat)) == (1, 1)
    db.rollback()
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "opening.create")).one()
    assert (entry.actor_email, entry.subject_id) == ("manager@example.com", made["id"])


def test_an_admin_who_opens_a_role_manages_it(api_as, make_user):
    admin = make_user("admin", email="boss@example.com")
    response = api_as(admin).post(f"{API}/openings", json={"title": "Anything"})
    assert response.status_code == 201
    assert response.get_json()["hiring_manager"] == "boss@example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": None}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "A\x00B"}, "title"),
        ({"title": "A", "headcount": 0}, "headcount"),
        ({"title": "A", "headcount": "2"}, "headcount"),
        ({"title": "A", "headcount": 1.5}, "headcount"),
        ({"title": "A", "status": "paused"}, "status"),
        ({"title": "A", "target_area": "vision"}, "target_area"),
        ({"title": "A", "panel": ["nobody@example.com"]}, "panel"),
        ({"title": "A", "panel": ["manager@example.com"]}, "panel"),
        ({"title": "A", "panel": ["not-an-email"]}, "panel.0"),
        ({"title": "A", "hiring_manager_id": 1}, "hiring_manager_id"),
        ({"title": "A", "id": 7}, "id"),
        ({"title": "A", "version": 3}, "version"),
    ],
)
def test_bad_openings_are_refused_naming_the_field_and_write_nothing(
    api_as, count, people, body, field
):
    response = api_as(people["manager"]).post(f"{API}/openings", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert (count(Opening), count(PanelSeat), count(AuditEntry)) == (0, 0, 0)


def test_a_body_that_is_not_json_is_refused(api_as, count, people):
    client = api_as(people["manager"])
    assert client.post(f"{API}/openings", data="title=A").status_code == 415
    bad = client.post(f"{API}/openings", data="{", content_type="application/json")
    _error(bad, 400, "validation_error")
    _error(client.post(f"{API}/openings", json=["A"]), 422, "validation_error")
    assert count(Opening) == 0


def test_each_role_lists_only_the_openings_it_may_see(api, api_as, make_opening, people, make_user):
    mine = make_opening(manager=people["manager"], panel=[people["ada"]], title="Mine")
    theirs = make_opening(panel=[people["bo"]], title="Theirs")
    both = make_user("hiring_manager", "interviewer")
    make_opening(manager=both, title="Own")
    make_opening(panel=[both], title="Sits on")

    def titles(client) -> list[str]:
        body = client.get(f"{API}/openings").get_json()
        assert body["total"] == len(body["items"])
        return sorted(o["title"] for o in body["items"])

    everything = ["Mine", "Own", "Sits on", "Theirs"]
    assert titles(api("admin")) == everything
    assert titles(api("leadership")) == everything
    assert titles(api_as(people["manager"])) == ["Mine"]
    assert titles(api_as(people["ada"])) == ["Mine"]
    assert titles(api_as(people["bo"])) == ["Theirs"]
    assert titles(api_as(people["outsider"])) == []
    assert titles(api("hiring_manager")) == []
    assert titles(api_as(both)) == ["Own", "Sits on"]
    assert mine.id != theirs.id


def test_the_list_pages_open_openings_first_then_newest(api, make_opening):
    first = make_opening(title="First")
    closed = make_opening(title="Closed", status="closed")
    last = make_opening(title="Last")
    client = api("leadership")
    body = client.get(f"{API}/openings?limit=2").get_json()
    assert body["total"] == 3
    assert [o["id"] for o in body["items"]] == [last.id, first.id]
    rest = client.get(f"{API}/openings?limit=2&offset=2").get_json()
    assert [o["id"] for o in rest["items"]] == [closed.id]
    assert rest["total"] == 3


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("offset=-1", "offset")])
def test_bad_paging_is_refused_naming_the_parameter(api, query, field):
    error = _error(api("admin").get(f"{API}/openings?{query}"), 422, "validation_error")
    assert field in error["fields"]


def test_an_opening_not_visible_to_the_caller_is_404(api, api_as, make_opening, people):
    opening = make_opening(panel=[people["ada"]])
    url = f"{API}/openings/{opening.id}"
    assert api_as(people["ada"]).get(url).status_code == 200
    _error(api_as(people["outsider"]).get(url), 404, "not_found")
    _error(api_as(people["manager"]).get(url), 404, "not_found")
    _error(api("admin").get(f"{API}/openings/{opening.id + 100}"), 404, "not_found")
    _error(api("admin").get(f"{API}/openings/2147483648"), 404, "not_found")


def test_the_manager_changes_their_opening(api_as, make_opening, people, db):
    opening = make_opening(manager=people["manager"], panel=[people["ada"]])
    client = api_as(people["manager"])
    body = {"title": "Renamed", "headcount": 3, "status": "closed", "panel": ["bo@example.com"]}
    response = client.patch(f"{API}/openings/{opening.id}", json=body)
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed == opening.model_dump() | body
    assert client.get(f"{API}/openings/{opening.id}").get_json() == changed
    db.rollback()
    assert db.get(Opening, opening.id).version == 2


def test_an_admin_changes_any_opening(api, make_opening):
    opening = make_opening(target_area="data")
    response = api("admin").patch(f"{API}/openings/{opening.id}", json={"target_area": "research"})
    assert response.status_code == 200
    assert response.get_json()["target_area"] == "research"


def test_null_clears_the_target_area_and_other_nulls_are_refused(api, make_opening):
    opening = make_opening(target_area="data")
    client = api("admin")
    cleared = client.patch(f"{API}/openings/{opening.id}", json={"target_area": None})
    assert cleared.status_code == 200
    assert cleared.get_json()["target_area"] is None
    refused = client.patch(f"{API}/openings/{opening.id}", json={"title": None})
    assert refused.status_code == 422
    assert "title" in refused.get_json()["error"]["fields"]


def test_who_may_see_but_not_change_gets_403_others_404(
    api, api_as, make_opening, make_user, people, db
):
    panelist = make_user("hiring_manager", "interviewer")
    watcher = make_user("leadership", "hiring_manager")
    opening = make_opening(manager=people["manager"], panel=[panelist], title="Kept")
    url = f"{API}/openings/{opening.id}"
    _error(api_as(panelist).patch(url, json={"title": "Taken"}), 403, "forbidden")
    _error(api_as(watcher).patch(url, json={"title": "Taken"}), 403, "forbidden")
    _error(api("leadership").patch(url, json={"title": "Taken"}), 403, "forbidden")
    _error(api_as(people["ada"]).patch(url, json={"title": "Taken"}), 403, "forbidden")
    _error(api("hiring_manager").patch(url, json={"title": "Taken"}), 404, "not_found")
    db.rollback()
    row = db.get(Opening, opening.id)
    assert (row.title, row.version) == ("Kept", 1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"headcount": 101}, "headcount"),
        ({"status": "open!"}, "status"),
        ({"title": "Changed", "target_area": "vision"}, "target_area"),
        ({"title": "Changed", "panel": ["manager@example.com"]}, "panel"),
        ({"hiring_manager": "ada@example.com"}, "hiring_manager"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(
    api_as, make_opening, people, db, count, body, field
):
    opening = make_opening(manager=people["manager"], panel=[people["ada"]], title="Kept")
    client = api_as(people["manager"])
    response = client.patch(f"{API}/openings/{opening.id}", json=body)
    error = _error(response, 422, "validation_error")
    assert field in error["fields"], error
    assert client.get(f"{API}/openings/{opening.id}").get_json() == opening.model_dump()
    db.rollback()
    assert db.get(Opening, opening.id).version == 1
    assert count(PanelSeat) == 1
