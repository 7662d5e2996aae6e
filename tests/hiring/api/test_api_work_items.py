"""The work item endpoints: shapes as API.md writes them, and every refusal writes nothing."""

from __future__ import annotations

import pytest

from team import members
from team.areas import create_skill
from team.models import WorkItem, WorkItemSkill

API = "/api/v1"

NEW = {"title": "Train the ranker", "area": "research", "points": 8, "skills": ["nlp"]}


@pytest.fixture
def skills(db):
    """Two skills to tag work with."""
    create_skill("research", "nlp", "Language models", session=db)
    create_skill("data", "streaming", "Streaming", session=db)
    db.rollback()


def test_a_work_item_reads_exactly_as_the_contract_says(api, make_work_item, skills):
    made = make_work_item(
        title="Feature store", area="data", points=5, status="in_progress", skills=["streaming"]
    )
    response = api("leadership").get(f"{API}/work-items/{made.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": made.id,
        "title": "Feature store",
        "area": "data",
        "points": 5,
        "status": "in_progress",
        "skills": ["streaming"],
        "assignee": None,
    }


def test_create_answers_201_with_the_item_and_where_it_lives(api, count, skills):
    client = api("hiring_manager")
    response = client.post(f"{API}/work-items", json=NEW)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "title": "Train the ranker",
        "area": "research",
        "points": 8,
        "status": "planned",
        "skills": ["nlp"],
        "assignee": None,
    }
    assert response.headers["Location"] == f"{API}/work-items/{body['id']}"
    assert client.get(response.headers["Location"]).get_json() == body
    assert (count(WorkItem), count(WorkItemSkill)) == (1, 1)


BAD_CREATES = [
    ({"points": 0}, "points"),
    ({"points": -3}, "points"),
    ({"points": 1001}, "points"),
    ({"points": "3"}, "points"),
    ({"status": "finished"}, "status"),
    ({"status": None}, "status"),
    ({"title": ""}, "title"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"area": "design"}, "area"),
    ({"area": ""}, "area"),
    ({"skills": ["nosuch"]}, "skills"),
    ({"skills": "nlp"}, "skills"),
    ({"id": 4}, "id"),
    ({"version": 1}, "version"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATES, ids=[f for _c, f in BAD_CREATES])
def test_bad_values_are_refused_naming_the_field(api, count, skills, change, field):
    response = api("admin").post(f"{API}/work-items", json=NEW | change)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert (count(WorkItem), count(WorkItemSkill)) == (0, 0)


@pytest.mark.parametrize("missing", ["title", "area", "points"])
def test_required_fields_must_be_sent(api, count, missing):
    body = {k: v for k, v in NEW.items() if k not in (missing, "skills")}
    response = api("admin").post(f"{API}/work-items", json=body)
    assert response.status_code == 422
    assert missing in response.get_json()["error"]["fields"]
    assert count(WorkItem) == 0


def test_create_needs_json_and_well_formed_json(api, count):
    client = api("admin")
    assert client.post(f"{API}/work-items", data="title=x").status_code == 415
    broken = client.post(f"{API}/work-items", data="{", content_type="application/json")
    assert broken.status_code == 400
    assert broken.get_json()["error"]["code"] == "validation_error"
    assert count(WorkItem) == 0


def test_unknown_work_item_is_404(api):
    client = api("admin")
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(f"{API}/work-items/999", json={"points": 2})
        assert response.status_code == 404, method
        assert response.get_json()["error"]["code"] == "not_found"


def test_patch_changes_only_what_is_sent(api, make_work_item, skills):
    made = make_work_item(title="ETL", area="data", points=3, skills=["streaming"])
    client = api("hiring_manager")
    response = client.patch(
        f"{API}/work-items/{made.id}", json={"status": "done", "skills": ["nlp", "streaming"]}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == made.model_dump() | {
        "status": "done",
        "skills": ["nlp", "streaming"],
    }
    moved = client.patch(f"{API}/work-items/{made.id}", json={"area": "engineering", "skills": []})
    assert moved.get_json() == made.model_dump() | {
        "status": "done",
        "area": "engineering",
        "skills": [],
    }


BAD_PATCHES = [
    ({"points": 0}, "points"),
    ({"status": "finished"}, "status"),
    ({"title": ""}, "title"),
    ({"area": "design"}, "area"),
    ({"area": None}, "area"),
    ({"skills": None}, "skills"),
    ({"skills": ["nosuch"]}, "skills"),
    ({"id": 1}, "id"),
    ({"title": "Fine", "points": -1}, "points"),
    ({"title": "Fine", "skills": ["nlp", "nosuch"]}, "skills"),
]


@pytest.mark.parametrize(("change", "field"), BAD_PATCHES, ids=[f for _c, f in BAD_PATCHES])
def test_bad_patches_are_refused_and_change_nothing(
    api, make_work_item, skills, count, change, field
):
    made = make_work_item(title="ETL", area="data", points=3, skills=["streaming"])
    client = api("admin")
    response = client.patch(f"{API}/work-items/{made.id}", json=change)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(f"{API}/work-items/{made.id}").get_json() == made.model_dump()
    assert count(WorkItemSkill) == 1


def test_delete_answers_204_and_removes_the_item(api, make_work_item, count, skills):
    made = make_work_item(skills=["nlp"])
    kept = make_work_item()
    client = api("hiring_manager")
    response = client.delete(f"{API}/work-items/{made.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get(f"{API}/work-items/{made.id}").status_code == 404
    assert client.delete(f"{API}/work-items/{made.id}").status_code == 404
    assert (count(WorkItem), count(WorkItemSkill)) == (1, 0)
    assert client.get(f"{API}/work-items/{kept.id}").status_code == 200


def test_list_answers_items_and_total_in_the_order_added(api, make_work_item):
    first = make_work_item(title="B")
    second = make_work_item(title="A")
    response = api("leadership").get(f"{API}/work-items")
    assert response.status_code == 200
    assert response.get_json() == {"items": [first.model_dump(), second.model_dump()], "total": 2}


def test_list_pages_and_filters(api, make_work_item):
    made = [make_work_item(area="data" if i % 2 else "research") for i in range(6)]
    make_work_item(area="data", status="done")
    client = api("admin")

    def ids(query: str) -> tuple[list[int], int]:
        page = client.get(f"{API}/work-items?{query}").get_json()
        return [item["id"] for item in page["items"]], page["total"]

    data = [item.id for item in made if item.area == "data"]
    assert ids("area=data&status=planned") == (data, 3)
    assert ids("area=data&status=planned&limit=2&offset=1") == (data[1:3], 3)
    assert ids("status=done")[1] == 1
    assert ids("area=engineering") == ([], 0)
    assert ids("limit=2&offset=6")[1] == 7


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("area=design", "area"),
        ("status=finished", "status"),
    ],
)
def test_bad_list_parameters_are_422_naming_them(api, query, field):
    response = api("admin").get(f"{API}/work-items?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


@pytest.mark.parametrize("field", ["area", "title", "status"])
def test_nul_bytes_are_refused_not_a_crash(api, count, field):
    response = api("admin").post(f"{API}/work-items", json=NEW | {field: "da\x00ta", "skills": []})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert field in response.get_json()["error"]["fields"]
    assert count(WorkItem) == 0


# --- the assignee (API.md "Time, plan and decisions": a member's email or null) -------------


@pytest.fixture
def people(db, make_member):
    """Ada on the team, Oliver marked as left, Ines whose last working day has passed."""
    ada = make_member(name="Ada Lovelace", email="ada@example.com")
    oliver = make_member(name="Oliver Smith", email="oliver@example.com")
    make_member(name="Ines Park", email="ines@example.com", end_date="2020-01-03")
    members.mark_left(oliver.id, session=db, actor="test")
    db.commit()
    return {"ada": ada, "oliver": oliver}


def test_an_assignee_is_set_read_kept_and_cleared_by_email(api, people):
    client = api("hiring_manager")
    response = client.post(
        f"{API}/work-items", json=NEW | {"skills": [], "assignee": " ADA@example.com"}
    )
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["assignee"] == "ada@example.com"
    url = f"{API}/work-items/{made['id']}"
    assert client.get(url).get_json() == made
    assert client.get(f"{API}/work-items").get_json()["items"] == [made]
    kept = client.patch(url, json={"points": 2}).get_json()
    assert (kept["points"], kept["assignee"]) == (2, "ada@example.com")
    cleared = client.patch(url, json={"assignee": None})
    assert cleared.status_code == 200, cleared.get_json()
    assert cleared.get_json() == kept | {"assignee": None}
    again = client.patch(url, json={"assignee": "ada@example.com"}).get_json()
    assert again["assignee"] == "ada@example.com"
    nobody = client.post(f"{API}/work-items", json=NEW | {"skills": [], "assignee": None})
    assert nobody.status_code == 201 and nobody.get_json()["assignee"] is None


REFUSED_ASSIGNEES = [
    ("nobody@example.com", "no member has the email nobody@example.com"),
    ("oliver@example.com", "Oliver Smith has left the team"),
    ("ines@example.com", "Ines Park had their last working day on 2020-01-03, before the plan"),
    ("Oliver", "no member has the email oliver"),
    ("", "String should have at least 1 character"),
    ("  ", "String should have at least 1 character"),
    ("a\x00@example.com", "must not contain control characters"),
    ("a" * 250 + "@x.io", "at most 254 characters"),
    (3, "Input should be a valid string"),
    (["ada@example.com"], "Input should be a valid string"),
]


@pytest.mark.parametrize(("assignee", "message"), REFUSED_ASSIGNEES)
def test_a_refused_assignee_is_422_naming_it_and_writes_nothing(
    api, count, people, make_work_item, assignee, message
):
    client = api("admin")
    response = client.post(f"{API}/work-items", json=NEW | {"skills": [], "assignee": assignee})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert any(m.startswith(message) or message in m for m in error["fields"]["assignee"]), error
    assert count(WorkItem) == 0
    made = make_work_item(title="Stays", assignee="ada@example.com")
    url = f"{API}/work-items/{made.id}"
    response = client.patch(url, json={"title": "Changed", "assignee": assignee})
    assert response.status_code == 422, response.get_json()
    assert "assignee" in response.get_json()["error"]["fields"]
    assert client.get(url).get_json() == made.model_dump()


def test_an_item_keeps_an_assignee_who_left_and_may_be_changed(api, db, people, make_work_item):
    """The assignee of an item stays when they are marked as left (the plan flags it); the
    item can still be changed, with or without sending them again."""
    made = make_work_item(title="Drift", status="in_progress", assignee="ada@example.com")
    client = api("hiring_manager")
    assert client.delete(f"{API}/members/{people['ada'].id}").status_code == 200
    url = f"{API}/work-items/{made.id}"
    assert client.get(url).get_json()["assignee"] == "ada@example.com"
    same = client.patch(url, json={"title": "Drift v2", "assignee": "ada@example.com"})
    assert same.status_code == 200, same.get_json()
    assert same.get_json()["assignee"] == "ada@example.com"
    other = client.patch(url, json={"assignee": "oliver@example.com"})
    assert other.status_code == 422
    assert client.patch(url, json={"assignee": None}).get_json()["assignee"] is None
    refused = client.patch(url, json={"assignee": "ada@example.com"})
    assert refused.get_json()["error"]["fields"] == {"assignee": ["Ada Lovelace has left the team"]}
