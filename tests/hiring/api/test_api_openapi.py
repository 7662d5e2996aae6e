"""The OpenAPI document: public, valid OpenAPI 3.1, complete, and true to what the API sends."""

from __future__ import annotations

import re

import pytest

from hiring.access import POLICY_ATTR
from team.areas import create_skill

API = "/api/v1"


@pytest.fixture
def document(app):
    """The document as a client without a token gets it."""
    response = app.test_client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _api_routes(app) -> set[tuple[str, str]]:
    """(method, OpenAPI path) of every route of the API blueprint, read from the URL map."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] != "api":
            continue
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule).removeprefix(API)
        routes |= {(method.lower(), path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_the_document_is_public_and_valid_openapi_3_1(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": API}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A token from your profile page or `flask create-token`.",
    }


def test_every_route_is_documented_and_nothing_else(app, document):
    documented = {(method, path) for path, item in document["paths"].items() for method in item}
    assert documented == _api_routes(app)
    assert ("get", "/members/{member_id}") in documented  # the comparison is not vacuous


def test_roles_and_refusals_match_each_views_policy(app, document):
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            policy = getattr(views[f"api.{operation['operationId']}"], POLICY_ATTR)
            responses = operation["responses"]
            if policy == "public":
                assert operation["security"] == [], path
                assert "401" not in responses
            else:
                assert operation["x-roles"] == sorted(policy), (method, path)
                assert {"401", "403"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method in ("post", "patch") and path != "/openapi.json":
                assert {"415", "422"} <= set(responses), (method, path)


def test_operations_name_their_models(document):
    paths = document["paths"]

    def ref(schema: dict) -> str:
        return schema["$ref"].rsplit("/", 1)[1]

    post = paths["/members"]["post"]
    assert ref(post["requestBody"]["content"]["application/json"]["schema"]) == "MemberCreate"
    assert ref(post["responses"]["201"]["content"]["application/json"]["schema"]) == "MemberPublic"
    assert "Location" in post["responses"]["201"]["headers"]
    patch = paths["/work-items/{item_id}"]["patch"]
    assert ref(patch["requestBody"]["content"]["application/json"]["schema"]) == "WorkItemUpdate"
    assert "content" not in paths["/work-items/{item_id}"]["delete"]["responses"]["204"]
    listing = paths["/members"]["get"]
    assert [p["name"] for p in listing["parameters"]] == ["limit", "offset", "active", "q"]
    assert listing["parameters"][0]["schema"]["maximum"] == 500
    imports = paths["/import/members"]["post"]["requestBody"]["content"]
    assert set(imports) == {"text/csv", "text/plain", "application/octet-stream"}
    schemas = document["components"]["schemas"]
    assert schemas["MemberCreate"]["additionalProperties"] is False
    assert schemas["MemberCreate"]["properties"]["fte"]["exclusiveMinimum"] == 0
    # null is refused in bodies, but for the member's dates, where it clears one (API.md)
    update = schemas["MemberUpdate"]["properties"]
    dates = ("start_date", "end_date")
    assert "null" not in str({name: value for name, value in update.items() if name not in dates})
    for name in dates:
        assert update[name]["anyOf"] == [{"type": "string", "format": "date"}, {"type": "null"}]


def _validator(document: dict, name: str):
    jsonschema = pytest.importorskip("jsonschema")
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_real_answers_match_the_documented_schemas(api, document, db, make_member, make_work_item):
    create_skill("data", "streaming", "Streaming", session=db)
    db.rollback()
    member = make_member(skills={"streaming": 2})
    item = make_work_item(skills=["streaming"])
    client = api("admin")
    answers = {
        "AreaList": client.get(f"{API}/areas"),
        "SettingsPublic": client.get(f"{API}/settings"),
        "MemberPage": client.get(f"{API}/members"),
        "MemberPublic": client.get(f"{API}/members/{member.id}"),
        "WorkItemPage": client.get(f"{API}/work-items"),
        "WorkItemPublic": client.get(f"{API}/work-items/{item.id}"),
        "ErrorBody": client.post(f"{API}/members", json={"fte": 3}),
    }
    for name, response in answers.items():
        body = response.get_json()
        assert body, name
        _validator(document, name).validate(body)


def test_the_documented_bodies_refuse_what_the_api_refuses(document):
    create = _validator(document, "MemberCreate")
    assert create.is_valid({"name": "A", "email": "a@example.com", "levels": {"data": 4}})
    for bad in (
        {"name": "A", "email": "a@example.com", "id": 1},
        {"name": "A"},
        {"name": "A", "email": "a@example.com", "fte": 0},
        {"name": "A", "email": "a@example.com", "levels": {"data": 5}},
    ):
        assert not create.is_valid(bad), bad


def test_path_ids_are_integers(document):
    parameter = document["paths"]["/members/{member_id}"]["get"]["parameters"][0]
    assert parameter == {
        "name": "member_id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }


def test_the_assignee_and_the_import_count_are_documented(
    api, document, db, make_member, make_work_item
):
    """A work item's `assignee` is an email or null in bodies (null clears it) and answers,
    and the work items import answers how many assignees it left empty; real answers match."""
    schemas = document["components"]["schemas"]
    for model in ("WorkItemCreate", "WorkItemUpdate"):
        assignee = schemas[model]["properties"]["assignee"]
        assert assignee["anyOf"] == [
            {"type": "string", "format": "email", "maxLength": 254},
            {"type": "null"},
        ], model
        assert "null: nobody" in assignee["description"]
    public = schemas["WorkItemPublic"]["properties"]["assignee"]
    assert {"type": "null"} in public["anyOf"] and {"type": "string"} in public["anyOf"]
    answer = document["paths"]["/import/work-items"]["post"]["responses"]["200"]
    ref = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert ref == "WorkItemImportCounts"
    assert "unknown_assignees" in schemas[ref]["required"]
    assert (
        "assignee" in document["paths"]["/import/work-items"]["post"]["requestBody"]["description"]
    )
    members_answer = document["paths"]["/import/members"]["post"]["responses"]["200"]
    assert members_answer["content"]["application/json"]["schema"]["$ref"].endswith("/ImportCounts")

    make_member(email="ada@example.com")
    item = make_work_item(assignee="ada@example.com")
    client = api("admin")
    body = (
        "title,area,points,status,skills,assignee\nX,data,1,,,ada@example.com\nY,data,1,,,z@x.io\n"
    )
    imported = client.post(f"{API}/import/work-items", data=body, content_type="text/csv")
    assert imported.get_json() == {"created": 2, "updated": 0, "unknown_assignees": 1}
    answers = {
        "WorkItemPublic": client.get(f"{API}/work-items/{item.id}"),
        "WorkItemPage": client.get(f"{API}/work-items"),
        "WorkItemImportCounts": imported,
    }
    for name, response in answers.items():
        _validator(document, name).validate(response.get_json())
    create = _validator(document, "WorkItemCreate")
    assert create.is_valid({"title": "T", "area": "data", "points": 1, "assignee": None})
    assert not create.is_valid({"title": "T", "area": "data", "points": 1, "assignee": 3})
