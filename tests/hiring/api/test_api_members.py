"""The members endpoints: shapes as API.md writes them, and every refusal writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from team.areas import create_skill
from team.models import Member, MemberLevel, MemberSkill, RatingChange

API = "/api/v1"

NEW = {
    "name": "Grace Hopper",
    "email": "Grace@Example.com",
    "title": "Staff engineer",
    "fte": 0.8,
    "levels": {"research": 1, "engineering": 4, "data": 2},
    "skills": {"streaming": 3},
}


@pytest.fixture
def streaming(db):
    """A skill in the data area, so members can be rated in it."""
    skill = create_skill("data", "streaming", "Streaming", session=db)
    db.rollback()
    return skill


def test_a_member_reads_exactly_as_the_contract_says(api, make_member, streaming):
    made = make_member(
        name="Ada Lovelace",
        email="ada@example.com",
        title="Researcher",
        fte=0.5,
        levels={"research": 4, "engineering": 1},
        skills={"streaming": 2},
    )
    response = api("leadership").get(f"{API}/members/{made.id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": made.id,
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "title": "Researcher",
        "fte": 0.5,
        "active": True,
        "levels": {"research": 4, "engineering": 1},
        "skills": {"streaming": 2},
        "start_date": None,
        "end_date": None,
    }


def test_create_answers_201_with_the_member_and_where_it_lives(api, count, streaming):
    client = api("hiring_manager")
    response = client.post(f"{API}/members", json=NEW)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "title": "Staff engineer",
        "fte": 0.8,
        "active": True,
        "levels": {"research": 1, "engineering": 4, "data": 2},
        "skills": {"streaming": 3},
        "start_date": None,
        "end_date": None,
    }
    assert response.headers["Location"] == f"{API}/members/{body['id']}"
    assert client.get(response.headers["Location"]).get_json() == body
    assert count(Member) == 1
    assert count(MemberLevel) == 3


def test_create_records_the_token_user_in_the_rating_history(db, make_user, token_for, bearer):
    user = make_user("hiring_manager", email="manager@example.com")
    client = bearer(token_for(user))
    body = {"name": "Lin", "email": "lin@example.com", "levels": {"data": 3}}
    assert client.post(f"{API}/members", json=body).status_code == 201
    db.rollback()
    changes = db.exec(select(RatingChange)).all()
    assert [(c.new_level, c.changed_by) for c in changes] == [(3, "manager@example.com")]


def test_defaults_fill_what_is_left_out(api):
    response = api("admin").post(f"{API}/members", json={"name": "Bo", "email": "bo@example.com"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["title"], body["fte"], body["levels"], body["skills"]) == ("", 1.0, {}, {})


BAD_CREATES = [
    ({"fte": 0}, "fte"),
    ({"fte": 1.5}, "fte"),
    ({"fte": -1}, "fte"),
    ({"fte": "1"}, "fte"),
    ({"fte": True}, "fte"),
    ({"levels": {"research": 5}}, "levels.research"),
    ({"levels": {"research": -1}}, "levels.research"),
    ({"levels": {"research": 2.5}}, "levels.research"),
    ({"levels": {"research": "x"}}, "levels.research"),
    ({"levels": {"research": True}}, "levels.research"),
    ({"levels": {"design": 2}}, "levels.design"),
    ({"levels": []}, "levels"),
    ({"skills": {"nosuch": 2}}, "skills.nosuch"),
    ({"skills": {"streaming": 7}}, "skills.streaming"),
    ({"id": 99}, "id"),
    ({"version": 3}, "version"),
    ({"active": False}, "active"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "Null\x00Byte"}, "name"),
    ({"name": None}, "name"),
    ({"email": "not-an-email"}, "email"),
    ({"title": 7}, "title"),
]


@pytest.mark.parametrize(("change", "field"), BAD_CREATES, ids=[f for _c, f in BAD_CREATES])
def test_bad_values_are_refused_naming_the_field(api, count, streaming, change, field):
    response = api("admin").post(f"{API}/members", json=NEW | change)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"], error
    assert all(error["fields"][field]), error
    assert (count(Member), count(MemberLevel), count(MemberSkill), count(RatingChange)) == (
        0,
        0,
        0,
        0,
    )


@pytest.mark.parametrize("missing", ["name", "email"])
def test_required_fields_must_be_sent(api, count, missing):
    body = {k: v for k, v in NEW.items() if k not in (missing, "skills")}
    response = api("admin").post(f"{API}/members", json=body)
    assert response.status_code == 422
    assert missing in response.get_json()["error"]["fields"]
    assert count(Member) == 0


def test_a_duplicate_email_is_a_conflict(api, make_member, count):
    make_member(email="grace@example.com")
    response = api("admin").post(f"{API}/members", json=NEW | {"skills": {}})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "conflict"
    assert error["fields"] == {"email": ["is taken"]}
    assert count(Member) == 1
    assert count(RatingChange) == 3  # only the first member's ratings


@pytest.mark.parametrize(
    "headers",
    [{"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}, {}],
    ids=["text", "form", "none"],
)
def test_a_body_that_is_not_json_is_415(api, count, headers):
    response = api("admin").post(
        f"{API}/members", data='{"name": "A", "email": "a@example.com"}', headers=headers
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"
    assert count(Member) == 0


@pytest.mark.parametrize("raw", ['{"name": "A",', "{'name': 'A'}", "", "\xff"], ids=repr)
def test_malformed_json_is_400(api, count, raw):
    response = api("admin").post(
        f"{API}/members", data=raw.encode("latin-1"), content_type="application/json"
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error == {"code": "validation_error", "message": "The body is not valid JSON."}
    assert count(Member) == 0


def test_deeply_nested_json_is_refused_not_a_crash(api, count):
    raw = "[" * 100_000 + "]" * 100_000
    response = api("admin").post(f"{API}/members", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert count(Member) == 0


@pytest.mark.parametrize("raw", ["[]", '"Ada"', "3", "null"])
def test_a_body_that_is_not_an_object_is_422(api, count, raw):
    response = api("admin").post(f"{API}/members", data=raw, content_type="application/json")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"body": ["send a JSON object"]}
    assert count(Member) == 0


def test_unknown_member_is_404(api):
    client = api("admin")
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(f"{API}/members/999", json={"title": "x"})
        assert response.status_code == 404, method
        assert response.get_json()["error"]["code"] == "not_found"


def test_patch_changes_only_what_is_sent(api, make_member, streaming):
    made = make_member(title="Engineer", levels={"research": 1, "engineering": 2, "data": 3})
    client = api("hiring_manager")
    response = client.patch(
        f"{API}/members/{made.id}",
        json={"title": "Lead", "levels": {"data": 4, "research": 0}, "skills": {"streaming": 1}},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == made.model_dump() | {
        "title": "Lead",
        "levels": {"engineering": 2, "data": 4},
        "skills": {"streaming": 1},
    }
    assert client.get(f"{API}/members/{made.id}").get_json() == response.get_json()


BAD_PATCHES = [
    ({"fte": 0}, "fte"),
    ({"fte": 1.5}, "fte"),
    ({"levels": {"data": 5}}, "levels.data"),
    ({"levels": {"data": 2.5}}, "levels.data"),
    ({"levels": {"data": "x"}}, "levels.data"),
    ({"levels": {"design": 1}}, "levels.design"),
    ({"skills": {"nosuch": 1}}, "skills.nosuch"),
    ({"id": 5}, "id"),
    ({"version": 9}, "version"),
    ({"name": ""}, "name"),
    ({"name": None}, "name"),
    ({"email": None}, "email"),
    ({"levels": None}, "levels"),
    ({"title": "ok", "fte": 2}, "fte"),
    ({"levels": {"research": 4, "design": 1}}, "levels.design"),
]


@pytest.mark.parametrize(("change", "field"), BAD_PATCHES, ids=[f for _c, f in BAD_PATCHES])
def test_bad_patches_are_refused_and_change_nothing(api, make_member, count, change, field):
    made = make_member(levels={"research": 1, "engineering": 2, "data": 3})
    client = api("admin")
    history = count(RatingChange)
    response = client.patch(f"{API}/members/{made.id}", json=change)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert client.get(f"{API}/members/{made.id}").get_json() == made.model_dump()
    assert count(RatingChange) == history


def test_patch_to_a_taken_email_is_a_conflict(api, make_member):
    first = make_member(email="one@example.com")
    second = make_member(email="two@example.com")
    client = api("admin")
    response = client.patch(f"{API}/members/{second.id}", json={"email": "ONE@example.com"})
    assert response.status_code == 409
    assert response.get_json()["error"]["fields"] == {"email": ["is taken"]}
    assert client.get(f"{API}/members/{second.id}").get_json()["email"] == "two@example.com"
    assert client.get(f"{API}/members/{first.id}").get_json()["email"] == "one@example.com"


def test_patch_needs_json(api, make_member):
    made = make_member()
    response = api("admin").patch(f"{API}/members/{made.id}", data="title=x")
    assert response.status_code == 415


def test_delete_marks_the_member_as_left_and_keeps_them(api, make_member, count):
    made = make_member(levels={"research": 3})
    client = api("hiring_manager")
    response = client.delete(f"{API}/members/{made.id}")
    assert response.status_code == 200
    assert response.get_json() == made.model_dump() | {"active": False}
    assert client.get(f"{API}/members/{made.id}").get_json()["active"] is False
    assert count(Member) == 1
    assert count(MemberLevel) == 1
    again = client.delete(f"{API}/members/{made.id}")
    assert again.status_code == 200
    assert again.get_json()["active"] is False


def test_list_answers_items_and_total_sorted_by_name(api, make_member):
    zed = make_member(name="Zed")
    amy = make_member(name="Amy")
    response = api("leadership").get(f"{API}/members")
    assert response.status_code == 200
    assert response.get_json() == {"items": [amy.model_dump(), zed.model_dump()], "total": 2}


def test_list_pages_with_limit_and_offset(api, make_member):
    names = [f"Member {i:02d}" for i in range(7)]
    for name in names:
        make_member(name=name)
    client = api("admin")
    page = client.get(f"{API}/members?limit=3&offset=2").get_json()
    assert [m["name"] for m in page["items"]] == names[2:5]
    assert page["total"] == 7
    last = client.get(f"{API}/members?limit=3&offset=6").get_json()
    assert ([m["name"] for m in last["items"]], last["total"]) == ([names[6]], 7)
    beyond = client.get(f"{API}/members?offset=50").get_json()
    assert beyond == {"items": [], "total": 7}


def test_list_defaults_to_50_and_allows_500(api, make_member):
    for _ in range(51):
        make_member()
    client = api("admin")
    assert len(client.get(f"{API}/members").get_json()["items"]) == 50
    full = client.get(f"{API}/members?limit=500").get_json()
    assert (len(full["items"]), full["total"]) == (51, 51)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=-1", "limit"),
        ("limit=x", "limit"),
        ("limit=", "limit"),
        ("limit=2.5", "limit"),
        ("offset=-1", "offset"),
        ("offset=abc", "offset"),
        ("active=maybe", "active"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_bad_list_parameters_are_422_naming_them(api, query, field):
    response = api("admin").get(f"{API}/members?{query}")
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]


def test_every_bad_parameter_is_named_at_once(api):
    response = api("admin").get(f"{API}/members?limit=0&offset=-3&active=yes")
    assert set(response.get_json()["error"]["fields"]) == {"limit", "offset", "active"}


def test_list_filters_by_active_and_searches(api, make_member):
    stays = make_member(name="Ada Stays", title="Researcher")
    leaves = make_member(name="Bob Leaves", email="bob@corp.example")
    client = api("admin")
    client.delete(f"{API}/members/{leaves.id}")

    def names(query: str) -> list[str]:
        return [m["name"] for m in client.get(f"{API}/members?{query}").get_json()["items"]]

    assert names("") == ["Ada Stays", "Bob Leaves"]
    assert names("active=true") == ["Ada Stays"]
    assert names("active=false") == ["Bob Leaves"]
    assert names("q=researcher") == ["Ada Stays"]
    assert names("q=corp.example") == ["Bob Leaves"]
    assert names("q=BOB&active=true") == []
    assert client.get(f"{API}/members?q=ada").get_json()["total"] == 1
    assert stays.id != leaves.id


@pytest.mark.parametrize(
    "query", ["q=a%00b", "active=tr%00ue", "limit=1%00"], ids=["q", "active", "limit"]
)
def test_nul_bytes_in_query_parameters_are_refused_not_a_crash(api, make_member, query):
    make_member()
    response = api("admin").get(f"{API}/members?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [query.split("=")[0]]


def test_nul_bytes_in_level_keys_are_refused_not_a_crash(api, count):
    body = NEW | {"skills": {}, "levels": {"re\x00search": 2}}
    response = api("admin").post(f"{API}/members", json=body)
    assert response.status_code == 422
    assert count(Member) == 0
