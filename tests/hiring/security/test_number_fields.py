"""Every number field of every form and of every API body takes only ordinary numbers (issue 10).

A signalling NaN used to be a 500 (`math.isnan(Decimal("sNaN"))` raises inside WTForms'
`NumberRange`). Now NaN in every spelling, infinities, 1e999 and a 10,000-digit number get an
error on their field: 400 with the field marked on pages, 422 naming it from the API (400 for a
body that is not JSON at all); never a 500, and nothing is written.

The fields are found, not listed: the form classes are walked for number fields (and each form's
page for the ones made per request, such as one velocity per level), and the API's body models
for float and integer fields, in dicts too. A form or body with a number field that the tables
below cannot reach fails the test, so the check never goes stale.
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import wtforms
from flask_wtf import FlaskForm
from pydantic import BaseModel
from wtforms.fields.core import UnboundField

import hiring
from hiring.api.openapi import documented
from team.imports import uploads
from tests.conftest import CSRF
from tests.hiring.security.conftest import snapshot

# What was sent in the security review, spelled as a person or a script would type them.
HOSTILE = ["sNaN", "NaN", "-NaN", "Infinity", "-inf", "1e999", "9" * 10_000]
# Of those, the texts that are no JSON at all when sent unquoted in a body.
NOT_JSON = {"sNaN", "-NaN", "-inf"}
# What the field says: not a number at all, not an ordinary one, or too long to read.
MESSAGES = ("Not a valid", "finite number", "at most 32 characters")
NUMBER_FIELDS = (wtforms.DecimalField, wtforms.FloatField, wtforms.IntegerField)
NUMBER_INPUT = re.compile(r'<input\b[^>]*\btype="number"[^>]*>')
NAME = re.compile(r'\bname="([^"]+)"')


def form_classes() -> set[type[FlaskForm]]:
    """Every form class the service defines (those made inside factories are their bases')."""
    for module in pkgutil.walk_packages(hiring.__path__, "hiring."):
        if not module.name.startswith("hiring.migrations"):
            importlib.import_module(module.name)
    found: set[type[FlaskForm]] = set()
    stack = [FlaskForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return {cls for cls in found if "<locals>" not in cls.__qualname__}


def class_number_fields(cls: type[FlaskForm]) -> set[str]:
    """Names of the number fields declared on the class (or its bases)."""
    return {
        name
        for name in dir(cls)
        if isinstance(unbound := getattr(cls, name, None), UnboundField)
        and issubclass(unbound.field_class, NUMBER_FIELDS)
    }


def page_number_fields(html: str) -> set[str]:
    """Names of the number inputs a page shows (WTForms renders every number field so)."""
    return {match.group(1) for tag in NUMBER_INPUT.findall(html) if (match := NAME.search(tag))}


def marked_invalid(html: str, name: str) -> bool:
    """Whether the page shows the input named `name` as invalid (the form macro's class)."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r'class="[^"]*\bis-invalid\b', tag):
            return True
    return False


SUMMARY = re.compile(r'<div class="alert alert-danger error-summary".*?</div>', re.S)


def summarised(html: str, name: str) -> bool:
    """Whether the error summary at the top of the page (templates/_forms.html) links to the
    input named `name`, by the id that input has."""
    ids = [
        found.group(1)
        for tag in re.findall(r"<input\b[^>]*>", html)
        if f'name="{name}"' in tag and (found := re.search(r'\bid="([^"]+)"', tag))
    ]
    summary = SUMMARY.search(html)
    return summary is not None and any(f'href="#{id_}"' in summary.group(0) for id_ in ids)


# --- pages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Where a form is sent and what a valid submission holds (its numbers are replaced)."""

    path: str
    data: dict[str, str]
    method: str = "POST"
    page: str = ""  # the page showing the form, when it is not `path` itself


MEMBER = {
    "name": "Number Person",
    "email": "numbers@example.com",
    "title": "Engineer",
    "fte": "0.5",
    "level_research": "2",
    "level_engineering": "2",
    "level_data": "2",
}
WORK_ITEM = {"title": "Count things", "area": "data", "points": "3", "status": "planned"}
OPENING = {"title": "Numbers", "target_area": "", "headcount": "1", "status": "open"}
SETTINGS = {"points_per_week": "5"} | {f"velocity_{lv}": str(lv) for lv in range(5)}
SETTINGS |= {  # the calendar, as the page sends it
    "ramp_weeks": "12",
    "ramp_start": "0.25",
    "mentoring_fte": "0.2",
    "mentoring_weeks": "8",
    "notice_weeks": "4",
    "horizon_weeks": "520",
    "card_due_days": "2",
}


def routes(ids: dict[str, int]) -> dict[str, list[Route]]:
    """Each form class (by name) and the pages that take it."""
    return {
        "MemberForm": [
            Route("/team/members/new", MEMBER),
            Route(
                f"/team/members/{ids['member']}/edit",
                MEMBER | {"email": "edited@example.com", "version": "1"},
            ),
        ],
        "WorkItemForm": [
            Route("/work/new", WORK_ITEM),
            Route(f"/work/{ids['item']}/edit", WORK_ITEM | {"version": "1"}),
        ],
        "OpeningForm": [
            Route("/openings/new", OPENING),
            Route(f"/openings/{ids['opening']}/edit", OPENING | {"version": "1"}),
        ],
        "WhatIfForm": [
            Route(
                "/reports/coverage",
                {"what_if": "1", "name": "New hire", "fte": "1", "level_research": "3"},
                method="GET",
            )
        ],
        "SettingsForm": [Route("/admin/settings/", SETTINGS)],
        "MappingForm": [
            Route(
                f"/work/import/{ids['upload']}/mapping",
                {"value_0": "ML Platform", "area_0": "data", "default_points": "3"},
                page=f"/work/import/{ids['upload']}",
            )
        ],
    }


def send_form(client: Any, route: Route, data: dict[str, str], token: str) -> Any:
    """Submit the form as a browser would (POST with the page's CSRF token, or a GET form)."""
    if route.method == "GET":
        return client.get(route.path, query_string=data)
    return client.post(route.path, data={"csrf_token": token, **data})


@pytest.fixture
def ids(db, make_member, make_work_item, make_opening, as_everyone) -> dict[str, int]:
    """Records whose edit pages are reachable, with a user holding every role logged in (and
    a Jira export they uploaded, whose preview has the import mapping form)."""
    jira = "Summary,Issue key,Status,Component/s\nBackfill,ML-1,To Do,ML Platform\n"
    options = {"source": "jira", "mapping": {"area_by_value": {"ML Platform": "data"}}}
    upload = uploads.store(
        "work", jira, filename="j.csv", actor=as_everyone.email, options=options, session=db
    )
    return {
        "member": make_member().id,
        "item": make_work_item().id,
        "opening": make_opening(manager=as_everyone).id,
        "upload": upload.id,
    }


def test_every_form_with_a_number_field_is_reachable_here():
    """The walk finds the forms, and each is in `routes` (a new one must be added there)."""
    with_numbers = {cls.__name__ for cls in form_classes() if class_number_fields(cls)}
    assert {"MemberForm", "WorkItemForm", "OpeningForm", "WhatIfForm"} <= with_numbers
    assert with_numbers <= set(routes(dict.fromkeys(("member", "item", "opening", "upload"), 0)))


def test_hostile_numbers_get_a_field_error_on_every_number_field_of_every_form(client, db, ids):
    """400, the field marked invalid with its message, nothing written; then a positive control:
    the same submission with ordinary numbers is taken, so the 400s were about the numbers."""
    by_name = {cls.__name__: cls for cls in form_classes()}
    tried: set[tuple[str, str]] = set()
    for form_name, form_routes in routes(ids).items():
        declared = class_number_fields(by_name[form_name])
        for route in form_routes:
            page = client.get(route.page or route.path)
            assert page.status_code == 200, route.path
            html = page.get_data(as_text=True)
            fields = page_number_fields(html)
            assert declared <= fields, (route.path, declared, fields)
            token = match.group(1) if (match := CSRF.search(html)) else ""
            before = snapshot(db)
            for name in sorted(fields):
                for value in HOSTILE:
                    response = send_form(client, route, route.data | {name: value}, token)
                    sent = f"{route.method} {route.path} {name}={value[:12]}"
                    assert response.status_code == 400, (sent, response.status_code)
                    answer = response.get_data(as_text=True)
                    assert marked_invalid(answer, name), sent
                    assert summarised(answer, name), sent
                    assert any(message in answer for message in MESSAGES), sent
                    tried.add((form_name, name))
            assert snapshot(db) == before, f"a refused {route.path} wrote something"
            accepted = send_form(client, route, route.data, token)
            assert accepted.status_code in (200, 302), (route.path, accepted.status_code)
    # Every declared and every per-request number field was tried (velocities included).
    assert {("SettingsForm", f"velocity_{lv}") for lv in range(5)} <= tried
    assert ("MemberForm", "fte") in tried and ("OpeningForm", "headcount") in tried


# --- the API ------------------------------------------------------------------------------------

MARK = "@@number@@"
# A valid body of each model that takes numbers; the numbers are then replaced one by one.
BODIES: dict[str, dict[str, Any]] = {
    "MemberCreate": {"name": "Api Numbers", "email": "api-numbers@example.com"},
    "MemberUpdate": {},
    "WorkItemCreate": {"title": "Count", "area": "data", "points": 3},
    "WorkItemUpdate": {},
    "SettingsUpdate": {},
    "OpeningCreate": {"title": "Numbers"},
    "OpeningUpdate": {},
    "ScorecardIn": {},
    "WhatIfIn": {},
    "ImportMappingBody": {},
}


def number_paths(
    schema: dict[str, Any],
    path: tuple[str | int, ...] = (),
    defs: dict[str, Any] | None = None,
) -> Iterator[tuple[str | int, ...]]:
    """Where a JSON Schema holds numbers: fields, values of objects (keyed by an allowed key, or
    an area key) and items of arrays, inside nested models too (their `$ref`s followed)."""
    defs = schema.get("$defs", {}) if defs is None else defs
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[1]]
    for option in schema.get("anyOf", ()):
        yield from number_paths(option, path, defs)
    kind = schema.get("type")
    if kind in ("number", "integer"):
        yield path
    elif kind == "object":
        for name, sub in schema.get("properties", {}).items():
            yield from number_paths(sub, (*path, name), defs)
        if isinstance(values := schema.get("additionalProperties"), dict):
            key = (schema.get("propertyNames", {}).get("enum") or ["research"])[0]
            yield from number_paths(values, (*path, key), defs)
    elif kind == "array" and isinstance(items := schema.get("items"), dict):
        yield from number_paths(items, (*path, 0), defs)


def with_value(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of `body` with `value` at `path` (objects and arrays, for int steps, made on the
    way; an array's first item is the one an int step names)."""
    body = copy.deepcopy(body)
    here: Any = body
    for step, following in zip(path, path[1:], strict=False):
        made: Any = [] if isinstance(following, int) else {}
        if isinstance(here, list):
            if not here:
                here.append(made)
            here = here[0]
        else:
            here = here.setdefault(step, made)
    if isinstance(here, list):
        here.append(value)
    else:
        here[path[-1]] = value
    return body


def api_bodies(app: Any) -> list[tuple[str, str, type[BaseModel]]]:
    """(method, rule, body model) of every documented API operation that takes a JSON body."""
    return [
        (method, rule.rule, declared.body)
        for rule, method, _view, declared in documented(app)
        if declared.body is not None
    ]


def test_every_api_body_with_numbers_is_reachable_here(app):
    with_numbers = {
        model.__name__
        for _method, _rule, model in api_bodies(app)
        if list(number_paths(model.model_json_schema()))
    }
    assert {"MemberCreate", "SettingsUpdate", "ScorecardIn"} <= with_numbers
    assert with_numbers <= set(BODIES)


def test_hostile_numbers_get_a_422_naming_the_field_in_every_api_body(app, db, caller):
    """Each value as a JSON string and written bare, in every number field (values of objects
    such as levels and velocities too): 422 naming the field, or 400 when the bare text is no
    JSON; never a 500, and nothing written."""
    client, ids = caller
    before = snapshot(db)
    tried: set[tuple[str, str]] = set()
    for method, rule, model in api_bodies(app):
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule)
        for path in number_paths(model.model_json_schema()):
            field = ".".join(map(str, path))
            for value in HOSTILE:
                quoted = with_value(BODIES[model.__name__], path, value)
                bare = json.dumps(with_value(BODIES[model.__name__], path, MARK))
                bare = bare.replace(json.dumps(MARK), value)
                for sent, body in (("quoted", json.dumps(quoted)), ("bare", bare)):
                    response = client.open(
                        url, method=method, data=body, content_type="application/json"
                    )
                    what = f"{method} {url} {field}={value[:12]} ({sent})"
                    assert response.status_code < 500, what
                    if sent == "bare" and value in NOT_JSON:
                        assert response.status_code == 400, what
                        continue
                    assert response.status_code == 422, (what, response.status_code)
                    assert field in response.get_json()["error"]["fields"], what
                    tried.add((model.__name__, field))
    assert snapshot(db) == before
    expected = {
        ("MemberCreate", "fte"),
        ("MemberUpdate", "levels.research"),
        ("SettingsUpdate", "velocity.0"),
        ("ScorecardIn", "ratings.research"),
        ("WhatIfIn", "add.0.fte"),
        ("WhatIfIn", "remove.0"),
    }
    assert expected <= tried
