"""The audit log through the API, `GET /audit` (admins): newest first, in sentences with names,
filtered by person, action and days as the page filters, paged, and the independence rule kept
as the page keeps it: an admin on a panel who has not submitted their card reads no entry about
the others' cards for that candidate, nor counts them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from hiring.openings import service
from hiring.openings.audit_log import record_import
from hiring.openings.models import AuditEntry
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
    manager = make_user("hiring_manager", email="manager@example.com", name="Manager")
    bo = make_user("interviewer", email="bo@example.com", name="Bo")
    panel_admin = make_user("admin", "interviewer", email="panel-admin@example.com")
    opening = make_opening(manager=manager, panel=[bo, panel_admin], title="ML")
    candidate = make_candidate(opening, email="cy@example.com", name="Cy")
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
        "actor_name": "Manager",
        "action": "candidate.status",
        "subject_type": "candidate",
        "subject_id": story["candidate"].id,
        "details": "applied -> interviewing: Panel",
        "sentence": "Manager moved Cy to Interviewing",
    }
    assert submit["sentence"] == "Bo submitted a scorecard for Cy"


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
        return int(re.search(r"newest first: ([\d,]+) entr", html).group(1).replace(",", ""))  # type: ignore[union-attr]

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
        ({"actor": "a" * 255}, "actor"),
        ({"since": "2027-02-30"}, "since"),
        ({"since": "20270301"}, "since"),
        ({"until": "soon"}, "until"),
        ({"since": "2027-03-02", "until": "2027-03-01"}, "until"),
    ],
)
def test_bad_parameters_are_a_422_naming_them(api, story, db, query, field):
    client = api("admin")
    before = snapshot(db)
    response = client.get(f"{API}/audit", query_string=query)
    assert field in _error(response, 422, "validation_error")["fields"]
    assert snapshot(db) == before


def test_filters_by_person_and_days_as_the_page_does(api, story, client_for, make_user, db):
    """`actor` (any case) and `since`/`until` (UTC days, both included) mean what the page's
    filter means: the same entries, the same total."""
    client = api("admin")
    by_manager = client.get(f"{API}/audit", query_string={"actor": "Manager@Example.com"})
    assert [e["action"] for e in by_manager.get_json()["items"]] == [
        "candidate.status",
        "candidate.add",
        "opening.create",
    ]
    assert client.get(f"{API}/audit?actor=nobody@example.com").get_json() == {
        "items": [],
        "total": 0,
    }
    db.rollback()
    created = db.exec(select(AuditEntry).where(AuditEntry.action == "opening.create")).one()
    created.at = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
    db.add(created)
    db.commit()
    one_day = {"since": "2026-03-01", "until": "2026-03-01"}
    answer = client.get(f"{API}/audit", query_string=one_day).get_json()
    assert [e["action"] for e in answer["items"]] == ["opening.create"]
    assert answer["items"][0]["at"].startswith("2026-03-01T00:00:00")
    later = client.get(f"{API}/audit", query_string={"since": "2026-03-02"}).get_json()
    assert later["total"] == 3
    far = {"since": "0001-01-01", "until": "9999-12-31"}
    assert client.get(f"{API}/audit", query_string=far).get_json()["total"] == 4
    page = client_for(make_user("admin")).get("/admin/audit/", query_string=one_day)
    assert "1 entry match the filter" in page.get_data(as_text=True)


def test_an_import_reads_with_its_counts(api, make_user, db):
    maria = make_user("hiring_manager", name="Maria")
    record_import(
        db,
        viewer_of(maria, db),
        "work_items",
        {"created": 1180, "updated": 20, "closed": 4},
        "jira",
    )
    db.commit()
    [entry] = api("admin").get(f"{API}/audit?action=import.work_items").get_json()["items"]
    assert entry["sentence"] == (
        "Maria imported 1,204 work items from Jira: 1,180 created, 20 updated, 4 closed"
    )
    assert (entry["subject_type"], entry["subject_id"]) == ("import", None)
    assert json.loads(entry["details"]) == {
        "source": "jira",
        "counts": {"created": 1180, "updated": 20, "closed": 4},
    }


def test_the_document_declares_the_filters_and_the_answer_matches_it(app, api, story):
    """The OpenAPI document names every filter with its type, and a real answer validates
    against the documented `AuditPage`."""
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    operation = document["paths"]["/audit"]["get"]
    parameters = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(parameters) == {"limit", "offset", "actor", "action", "since", "until"}
    assert parameters["since"] == parameters["until"] == {"type": "string", "format": "date"}
    assert parameters["actor"]["maxLength"] == 254
    assert "422" in operation["responses"]
    jsonschema = pytest.importorskip("jsonschema")
    schema = {"$ref": "#/components/schemas/AuditPage", "components": document["components"]}
    answer = api("admin").get(f"{API}/audit").get_json()
    jsonschema.Draft202012Validator(schema).validate(answer)
    assert {"actor_name", "sentence"} <= set(
        document["components"]["schemas"]["AuditEntryPublic"]["required"]
    )
