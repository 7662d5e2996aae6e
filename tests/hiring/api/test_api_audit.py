"""The audit log through the API, `GET /audit` (admins): newest first, one action at a time, paged,
and the independence rule kept as the page keeps it: an admin on a panel who has not submitted
their card reads no entry about the others' cards for that candidate, nor counts them."""

from __future__ import annotations

import re

import pytest

from hiring.openings import service
from tests.hiring.conftest import viewer_of
from tests.hiring.security.conftest import snapshot

API = "/api/v1"


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


@pytest.fixture
def story(make_user, make_opening, make_candidate, write_card, db):
    """An opening with a candidate moved to interviewing and one submitted card, by its panel of
    bo and an admin who interviews too (and has not written their card)."""
    manager = make_user("hiring_manager", email="manager@example.com")
    bo = make_user("interviewer", email="bo@example.com")
    panel_admin = make_user("admin", "interviewer", email="panel-admin@example.com")
    opening = make_opening(manager=manager, panel=[bo, panel_admin], title="ML")
    candidate = make_candidate(opening, email="cy@example.com")
    service.set_status(
        candidate.id, "interviewing", viewer=viewer_of(manager, db), session=db, note="Panel"
    )
    db.commit()
    card = write_card(candidate, bo, {"research": 3})
    return {"candidate": candidate, "card": card, "panel_admin": panel_admin, "bo": bo}


def test_an_admin_reads_the_log_newest_first(api, story):
    page = api("admin").get(f"{API}/audit").get_json()
    actions = [entry["action"] for entry in page["items"]]
    assert actions == ["scorecard.submit", "candidate.status", "candidate.add", "opening.create"]
    assert page["total"] == 4
    submit, status = page["items"][0], page["items"][1]
    assert (submit["actor"], submit["subject_type"], submit["subject_id"]) == (
        "bo@example.com",
        "scorecard",
        story["card"].id,
    )
    assert status == {
        "id": status["id"],
        "at": status["at"],
        "actor": "manager@example.com",
        "action": "candidate.status",
        "subject_type": "candidate",
        "subject_id": story["candidate"].id,
        "details": "applied -> interviewing: Panel",
    }


def test_one_action_and_pages_of_it(api, story):
    client = api("admin")
    only = client.get(f"{API}/audit", query_string={"action": "candidate.status"}).get_json()
    assert [e["action"] for e in only["items"]] == ["candidate.status"] and only["total"] == 1
    none = client.get(f"{API}/audit", query_string={"action": "nothing.yet"}).get_json()
    assert none == {"items": [], "total": 0}
    second = client.get(f"{API}/audit?limit=1&offset=1").get_json()
    assert [e["action"] for e in second["items"]] == ["candidate.status"]
    assert second["total"] == 4


def test_the_independence_rule_keeps_the_panels_entries_back_as_on_the_page(
    api_as, client_for, story, write_card
):
    """The admin on the panel has not submitted: the card's entry is left out and not counted,
    by the API as by the page; once their own card is in, both show it."""
    admin = story["panel_admin"]
    client, page = api_as(admin), client_for(admin)

    def page_total() -> int:
        html = page.get("/admin/audit/").get_data(as_text=True)
        return int(re.search(r"newest first: (\d+) entr", html).group(1))  # type: ignore[union-attr]

    hidden = client.get(f"{API}/audit").get_json()
    assert "scorecard.submit" not in [e["action"] for e in hidden["items"]]
    assert hidden["total"] == 3 == page_total()
    write_card(story["candidate"], admin, {"research": 2})
    shown = client.get(f"{API}/audit").get_json()
    assert [e["action"] for e in shown["items"]][:2] == ["scorecard.submit", "scorecard.submit"]
    assert shown["total"] == 5 == page_total()


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer", "leadership"])
def test_only_admins_read_the_log(api, story, db, role):
    client = api(role)
    before = snapshot(db)
    _error(client.get(f"{API}/audit"), 403, "forbidden")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "ten"}, "limit"),
        ({"action": "a" * 61}, "action"),
        ({"action": "candidate.status\u0000"}, "action"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(api, story, query, field):
    response = api("admin").get(f"{API}/audit", query_string=query)
    assert field in _error(response, 422, "validation_error")["fields"]
