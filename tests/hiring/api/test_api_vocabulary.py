"""The areas page's actions through the API (admins): add, rename and move an area, add and
rename a skill. The same `team.areas` services as the page, so the same keys are refused; areas
and skills are named by their key, and a refused request writes nothing."""

from __future__ import annotations

import pytest

from team.areas import create_skill
from tests.hiring.security.conftest import snapshot

API = "/api/v1"
DEFAULT_ORDER = ["research", "engineering", "data"]


def _error(response, status: int, code: str) -> dict:
    """The JSON error body, after checking its status and code."""
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def _order(client) -> list[str]:
    return [area["key"] for area in client.get(f"{API}/areas").get_json()]


def test_an_admin_adds_an_area_at_the_end_and_reads_it_back(api):
    client = api("admin")
    response = client.post(f"{API}/areas", json={"key": " Robotics ", "name": "  Robots "})
    assert response.status_code == 201, response.get_json()
    assert response.get_json() == {"key": "robotics", "name": "Robots", "skills": []}
    assert response.headers["Location"].endswith(f"{API}/areas/robotics")
    assert client.get(response.headers["Location"]).get_json() == response.get_json()
    assert _order(client) == [*DEFAULT_ORDER, "robotics"]


def test_renaming_an_area_keeps_its_key_and_the_ratings_made_in_it(api, make_member):
    member = make_member(levels={"research": 1, "engineering": 1, "data": 3})
    client = api("admin")
    response = client.patch(f"{API}/areas/data", json={"name": "Data platform"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"key": "data", "name": "Data platform", "skills": []}
    assert client.get(f"{API}/members/{member.id}").get_json()["levels"]["data"] == 3
    assert client.get(f"{API}/areas/data").get_json()["name"] == "Data platform"


def test_areas_move_up_and_down_one_place_and_stay_put_at_the_ends(api):
    client = api("admin")
    moved = client.post(f"{API}/areas/data/move", json={"direction": "up"})
    assert moved.status_code == 200, moved.get_json()
    assert [a["key"] for a in moved.get_json()] == ["research", "data", "engineering"]
    assert _order(client) == ["research", "data", "engineering"]
    top = client.post(f"{API}/areas/research/move", json={"direction": "up"})
    assert [a["key"] for a in top.get_json()] == ["research", "data", "engineering"]
    down = client.post(f"{API}/areas/research/move", json={"direction": "down"})
    assert [a["key"] for a in down.get_json()] == ["data", "research", "engineering"]


def test_skills_are_added_last_in_their_area_and_renamed_by_key(api):
    client = api("admin")
    first = client.post(f"{API}/areas/research/skills", json={"key": "nlp", "name": "NLP"})
    assert first.status_code == 201, first.get_json()
    assert first.headers["Location"].endswith(f"{API}/areas/research")
    second = client.post(f"{API}/areas/research/skills", json={"key": "RL", "name": "Bandits"})
    assert second.get_json() == {
        "key": "research",
        "name": "ML research",
        "skills": [{"key": "nlp", "name": "NLP"}, {"key": "rl", "name": "Bandits"}],
    }
    renamed = client.patch(f"{API}/skills/nlp", json={"name": "Language models"})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json() == {"key": "nlp", "name": "Language models"}
    skills = client.get(f"{API}/areas/research").get_json()["skills"]
    assert skills == [{"key": "nlp", "name": "Language models"}, {"key": "rl", "name": "Bandits"}]


WRITES = [
    ("POST", "/areas", {"key": "robotics", "name": "Robotics"}),
    ("PATCH", "/areas/data", {"name": "Renamed"}),
    ("POST", "/areas/data/move", {"direction": "up"}),
    ("POST", "/areas/data/skills", {"key": "sql", "name": "SQL"}),
    ("PATCH", "/skills/spark", {"name": "Renamed"}),
]


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer", "leadership"])
def test_only_admins_change_the_vocabulary_and_everyone_reads_it(api, db, role):
    create_skill("data", "spark", "Spark", session=db)
    db.commit()
    client = api(role)
    before = snapshot(db)
    for method, path, body in WRITES:
        _error(client.open(API + path, method=method, json=body), 403, "forbidden")
    assert snapshot(db) == before
    assert client.get(f"{API}/areas/data").get_json()["skills"] == [
        {"key": "spark", "name": "Spark"}
    ]


def test_an_admin_may_make_every_change(api, db):
    create_skill("data", "spark", "Spark", session=db)
    db.commit()
    client = api("admin")
    for method, path, body in WRITES:
        response = client.open(API + path, method=method, json=body)
        assert response.status_code in (200, 201), (path, response.get_json())


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/areas", {"key": "Bad key!", "name": "Bad"}, "key"),
        ("POST", "/areas", {"key": "9lives", "name": "Nine"}, "key"),
        ("POST", "/areas", {"key": "email", "name": "A CSV column"}, "key"),
        ("POST", "/areas", {"key": "x" * 41, "name": "Long"}, "key"),
        ("POST", "/areas", {"key": "ok", "name": ""}, "name"),
        ("POST", "/areas", {"key": "ok", "name": "   "}, "name"),
        ("POST", "/areas", {"key": "ok", "name": "n" * 81}, "name"),
        ("POST", "/areas", {"key": "ok", "name": "Bell\u0007"}, "name"),
        ("POST", "/areas", {"key": "ok", "name": 3}, "name"),
        ("POST", "/areas", {"key": "ok", "name": float("nan")}, "name"),
        ("POST", "/areas", {"key": "ok"}, "name"),
        ("POST", "/areas", {"key": None, "name": "Null"}, "key"),
        ("POST", "/areas", {"key": "ok", "name": "Ok", "position": 0}, "position"),
        ("PATCH", "/areas/data", {}, "name"),
        ("PATCH", "/areas/data", {"name": "\u202eevil"}, "name"),
        ("PATCH", "/areas/data", {"name": "Data", "key": "datum"}, "key"),
        ("POST", "/areas/data/move", {"direction": "left"}, "direction"),
        ("POST", "/areas/data/move", {"direction": -1}, "direction"),
        ("POST", "/areas/data/move", {}, "direction"),
        ("POST", "/areas/data/skills", {"key": "name", "name": "Reserved"}, "key"),
        ("POST", "/areas/data/skills", {"key": "sql", "name": ["SQL"]}, "name"),
        ("PATCH", "/skills/spark", {"name": ""}, "name"),
        ("PATCH", "/skills/spark", {"name": True}, "name"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(api, db, method, path, body, field):
    create_skill("data", "spark", "Spark", session=db)
    db.commit()
    client = api("admin")
    before = snapshot(db)
    error = _error(client.open(API + path, method=method, json=body), 422, "validation_error")
    assert field in error["fields"], error
    assert snapshot(db) == before


def test_a_body_that_is_not_a_json_object_is_refused(api, db):
    client = api("admin")
    before = snapshot(db)
    for data in ("[1, 2]", '"robotics"', "{not json", ""):
        response = client.post(f"{API}/areas", data=data, content_type="application/json")
        assert response.status_code in (400, 422), data
    _error(client.post(f"{API}/areas", data="key=x&name=y"), 415, "unsupported_media_type")
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/areas", {"key": "data", "name": "Data again"}),
        ("/areas", {"key": "spark", "name": "A skill's key"}),
        ("/areas/research/skills", {"key": "engineering", "name": "An area's key"}),
        ("/areas/research/skills", {"key": "SPARK", "name": "Spark again"}),
    ],
)
def test_a_key_taken_by_an_area_or_a_skill_is_a_409_and_writes_nothing(api, db, path, body):
    create_skill("data", "spark", "Spark", session=db)
    db.commit()
    client = api("admin")
    before = snapshot(db)
    error = _error(client.post(API + path, json=body), 409, "conflict")
    assert error["fields"] == {"key": ["is taken"]}
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/areas/robotics", None),
        ("GET", "/areas/Data", None),
        ("PATCH", "/areas/robotics", {"name": "Robots"}),
        ("POST", "/areas/robotics/move", {"direction": "up"}),
        ("POST", "/areas/robotics/skills", {"key": "ros", "name": "ROS"}),
        ("PATCH", "/skills/ros", {"name": "ROS"}),
        ("PATCH", "/skills/data", {"name": "An area, not a skill"}),
        ("PATCH", "/areas/%00", {"name": "NUL"}),
    ],
)
def test_an_unknown_area_or_skill_is_a_404(api, db, method, path, body):
    client = api("admin")
    before = snapshot(db)
    _error(client.open(API + path, method=method, json=body), 404, "not_found")
    assert snapshot(db) == before
