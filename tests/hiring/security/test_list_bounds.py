"""Every list and object in a request is bounded, and refused at once with a short answer
(issue 10).

A panel of 250,000 emails and a scorecard of 380,000 rating keys used to reach the database
("too many SQL variables", a 500 after 9 s) and to answer 16 MB of errors. Now the body schemas
bound every list and object (which the OpenAPI document says as maxItems/maxProperties), a longer
one is refused before its entries are looked at, an error answer lists a bounded number of
problems with shortened names, and the pages' multiple choices are bounded too.

The API's lists are found by walking the OpenAPI document's request bodies, so a list added later
without a bound fails here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import func, select

from hiring.openings.models import ScorecardRating
from hiring.openings.schemas import MAX_PANEL
from team.schemas import MAX_LISTED_PROBLEMS
from tests.conftest import CSRF
from tests.hiring.security.conftest import snapshot

HUGE = 250_000
# "Refused at once": no statement the request makes carries more values than this. Wall time
# would say it too, but not reliably on a shared machine; the unbounded lists sent every entry
# to the database in one statement.
FEW_VALUES = 20
# An error answer stays this small whatever was sent (the unbounded ones were 16 MB).
SMALL_ANSWER = 4_000


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `$ref` followed."""
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def collections(
    document: dict[str, Any], schema: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every array, and every object with free keys, inside a request body schema."""
    schema = resolve(document, schema)
    for option in schema.get("anyOf", ()):
        yield from collections(document, option, path)
    if schema.get("type") == "array":
        yield path, schema
        yield from collections(document, schema.get("items", {}), (*path, "0"))
    if schema.get("type") == "object":
        values = schema.get("additionalProperties")
        if isinstance(values, dict):
            yield path, schema
            yield from collections(document, values, (*path, "*"))
        for name, sub in schema.get("properties", {}).items():
            yield from collections(document, sub, (*path, name))


def request_bodies(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, body schema) of every operation that takes a JSON body."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield method, path, content["application/json"]["schema"]


def entries(schema: dict[str, Any], count: int) -> Any:
    """`count` entries of the right shape for an array or object schema (valid where the entry
    alone can be: only their number is wrong)."""
    if schema["type"] == "array":
        items = schema.get("items", {})
        if items.get("format") == "email":
            return [f"{n:x}@e.co" for n in range(count)]
        return [f"{n:x}" for n in range(count)]
    return {f"{n:x}": 1 for n in range(count)}


@contextmanager
def largest_statement(app: Any) -> Iterator[list[int]]:
    """Collects how many values each SQL statement run inside carries (the list's max)."""
    sizes = [0]

    def seen(_conn: Any, _cursor: Any, _sql: str, params: Any, _context: Any, many: bool) -> None:
        rows = params if many else [params]
        sizes.append(max((len(row) for row in rows if row is not None), default=0))

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sizes
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@pytest.fixture
def document(app) -> dict[str, Any]:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def test_every_list_and_object_of_every_body_is_bounded_in_the_document(document):
    found = {
        (method, path, ".".join(where)): schema
        for method, path, body in request_bodies(document)
        for where, schema in collections(document, body)
    }
    assert ("post", "/openings", "panel") in found and ("patch", "/settings", "velocity") in found
    unbounded = [
        where
        for where, schema in found.items()
        if "maxItems" not in schema and "maxProperties" not in schema
    ]
    assert not unbounded, f"lists or objects without a bound: {unbounded}"
    assert found[("post", "/openings", "panel")]["maxItems"] == MAX_PANEL
    assert (
        found[("post", "/candidates/{candidate_id}/scorecards", "ratings")]["maxProperties"] == 100
    )


def test_a_list_past_its_bound_is_refused_at_once_with_a_short_answer(app, document, db, caller):
    """One entry too many: 422 naming the field. 250,000 entries: the same, before any entry
    reaches the database, in a few hundred bytes. Nothing is written either way."""
    client, ids = caller
    before = snapshot(db)
    tried = set()
    for method, path, body in request_bodies(document):
        url = "/api/v1" + path.format(**ids)
        for where, schema in collections(document, body):
            if len(where) != 1:
                continue  # nested lists have none yet; their bound is checked above
            field = where[0]
            bound = schema.get("maxItems", schema.get("maxProperties"))
            for count in (bound + 1, HUGE):
                sent = json.dumps({field: entries(schema, count)})
                with largest_statement(app) as sizes:
                    response = client.open(
                        url, method=method.upper(), data=sent, content_type="application/json"
                    )
                what = f"{method} {path} {field} x{count}"
                assert response.status_code == 422, (what, response.status_code)
                assert f"at most {bound} entries" in str(response.get_json()["error"]["fields"])
                assert len(response.get_data()) < SMALL_ANSWER, what
                assert max(sizes) <= FEW_VALUES, (what, max(sizes))
                tried.add((path, field))
    assert ("/candidates/{candidate_id}/scorecards", "ratings") in tried
    assert ("/openings/{opening_id}", "panel") in tried
    assert snapshot(db) == before


def test_many_problems_are_answered_in_a_few_lines(caller, db):
    """Each entry of a bounded list may still be wrong, and unknown fields or huge keys each
    make a problem too: the answer lists MAX_LISTED_PROBLEMS of them, counts the rest, and
    shortens names, so it stays small."""
    client, ids = caller
    before = snapshot(db)
    url = f"/api/v1/candidates/{ids['candidate_id']}/scorecards"
    bad_values = {f"area{n}": "x" for n in range(100)}
    bodies = {
        "bad values": {"ratings": bad_values},
        "unknown fields": {f"field{n:x}": 1 for n in range(HUGE)},
        "a huge key": {"ratings": {"k" * 1_000_000: 1}},
        "a huge unknown field": {"f" * 1_000_000: 1},
    }
    for what, body in bodies.items():
        response = client.post(url, json=body)
        assert response.status_code == 422, what
        fields = response.get_json()["error"]["fields"]
        listed = sum(len(messages) for name, messages in fields.items() if name != "body")
        assert 1 <= listed <= MAX_LISTED_PROBLEMS, what
        assert len(response.get_data()) < SMALL_ANSWER, (what, len(response.get_data()))
    many = client.post(url, json=bodies["bad values"]).get_json()["error"]["fields"]
    assert "and 80 more problems not listed here" in many["body"]
    assert snapshot(db) == before


# --- pages --------------------------------------------------------------------------------------


def test_the_opening_forms_panel_takes_at_most_the_apis_bound(
    app, client, db, make_opening, as_everyone
):
    """51 or 250,000 panel emails: 400 with the error on the panel before any reaches the
    database, nothing written."""
    opening = make_opening(manager=as_everyone)
    base = {"title": "Bounded", "target_area": "", "headcount": "1", "status": "open"}
    for url in ("/openings/new", f"/openings/{opening.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        token = CSRF.search(page).group(1)  # type: ignore[union-attr]
        data = base | {"csrf_token": token, "version": "1"}
        before = snapshot(db)
        for count in (MAX_PANEL + 1, HUGE):
            panel = [f"{n:x}@e.co" for n in range(count)]
            with largest_statement(app) as sizes:
                response = client.post(url, data=data | {"panel": panel})
            assert response.status_code == 400, (url, count, response.status_code)
            assert f"Choose at most {MAX_PANEL}." in response.get_data(as_text=True)
            assert max(sizes) <= FEW_VALUES, (url, count, max(sizes))
        assert snapshot(db) == before


def test_the_scorecard_form_has_no_list_to_grow(
    app, db, make_user, make_opening, make_candidate, client_for
):
    """The form takes one rating per area it knows: 50,000 made-up rating fields store none."""
    interviewer = make_user("interviewer")
    candidate = make_candidate(make_opening(panel=[interviewer]))
    client = client_for(interviewer)
    url = f"/candidates/{candidate.id}/scorecard"
    token = CSRF.search(client.get(url).get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    extra = {f"rating_x{n:x}": "2" for n in range(50_000)}
    data = extra | {"csrf_token": token, "rating_research": "3", "save_draft": "Save draft"}
    response = client.post(url, data=data)
    assert response.status_code in (200, 302, 400), response.status_code
    db.rollback()
    assert db.exec(select(func.count()).select_from(ScorecardRating)).one() <= 3


def test_the_what_if_form_takes_no_more_removals_than_members(client, as_role, make_member):
    """The same member sent 1,000 times is not 1,000 removals: 400 on the field."""
    as_role("leadership")
    member = make_member()
    removals = [("remove", str(member.id))] * 1_000
    response = client.get("/reports/coverage", query_string=[("what_if", "1"), *removals])
    assert response.status_code == 400
    assert "Choose at most 1." in response.get_data(as_text=True)
