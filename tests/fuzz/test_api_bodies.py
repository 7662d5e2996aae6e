"""Hypothesis on every JSON body of the API: no 5xx, the error shape of API.md, no partial write.

For each POST and PATCH body (members, absences, work items, openings, candidates, scorecards,
settings) the examples mix well-shaped values with hostile ones: wrong types, huge and
non-finite numbers, NUL bytes, right-to-left overrides, lone surrogates, very long strings,
nested junk, unknown fields (ids, owners, versions), raw bodies that are not JSON or not objects.

The invariants, on every example:
- never a 5xx;
- a 4xx answers `{"error": {"code", "message", "fields"?}}` with the code of its status;
- a refused request writes nothing: every data table reads the same before and after;
- an accepted request's data reads back (GET) as it was sent, normalised as documented
  (surrounding spaces trimmed, emails and keys lowercased, missing levels 0).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from team import members
from team.areas import create_skill
from tests.fuzz.conftest import assert_error_shape, assert_not_server_error, examples
from tests.fuzz.strategies import (
    AREAS,
    SKILLS,
    Raw,
    dates,
    emails,
    good_dates,
    good_emails,
    good_names,
    keys,
    levels,
    names,
    numbers,
    requests,
    send,
    text,
)

API = "/api/v1"

FUZZ = settings(
    max_examples=examples(50),
    deadline=None,
    database=None,  # no example database under the checkout: every run starts afresh
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def skills(db) -> None:
    """One skill in research and one in data, so skill keys have something to match."""
    create_skill("research", "pytorch", "PyTorch", session=db)
    create_skill("data", "sql", "SQL", session=db)
    db.commit()


def attempt(client, method: str, url: str, sent: Any, snapshot: Callable[[], Any]):
    """Send one example; refused -> check the error and that nothing was written.

    Returns the accepted response and the JSON object it carried, or (None, None) when the
    request was refused.
    """
    before = snapshot()
    response = send(client, method, url, sent)
    assert_not_server_error(response, sent)
    if currently_in_test_context():
        event(f"{method} {response.status_code}")
    if response.status_code >= 400:
        assert_error_shape(response)
        assert snapshot() == before, f"a refused request wrote something: {sent!r:.500}"
        return None, None
    value = sent.value if isinstance(sent, Raw) else sent
    assert isinstance(value, dict), f"a body that is not a JSON object was accepted: {sent!r:.300}"
    return response, value


def trimmed(value: str) -> str:
    """A name or title as stored: surrounding whitespace removed (pydantic's strip)."""
    return value.strip()


def same_number(stored: float, sent: Any) -> bool:
    """A float as sent, after a round trip through the database."""
    return math.isclose(stored, float(sent), rel_tol=1e-9, abs_tol=0.0)


member_fields = {
    "name": names,
    "email": emails,
    "title": text,
    "fte": st.one_of(st.floats(min_value=0.01, max_value=1.0), numbers),
    "levels": st.dictionaries(keys(AREAS), levels, max_size=4),
    "skills": st.dictionaries(keys(SKILLS), levels, max_size=3),
    "start_date": st.one_of(st.none(), dates),
    "end_date": st.one_of(st.none(), dates),
}


level = st.integers(min_value=0, max_value=4)
good_text = st.one_of(st.just(""), good_names)
valid_member = st.fixed_dictionaries(
    {"name": good_names, "email": good_emails},
    optional={
        "title": good_text,
        "fte": st.floats(min_value=0.01, max_value=1.0),
        "levels": st.dictionaries(st.sampled_from(AREAS), level),
        "skills": st.dictionaries(st.sampled_from(SKILLS), level),
        "start_date": st.one_of(st.none(), good_dates),
        "end_date": st.one_of(st.none(), good_dates),
    },
)
valid_member_change = st.fixed_dictionaries(
    {},
    optional={
        "name": good_names,
        "title": good_text,
        "fte": st.floats(min_value=0.01, max_value=1.0),
        "levels": st.dictionaries(st.sampled_from(AREAS), level),
        "skills": st.dictionaries(st.sampled_from(SKILLS), level),
        "start_date": st.one_of(st.none(), good_dates),
        "end_date": st.one_of(st.none(), good_dates),
    },
)


def _check_member(stored: dict[str, Any], sent: dict[str, Any], before: dict[str, Any]) -> None:
    """The member reads back with every sent field, and the others unchanged."""
    expected = dict(before)
    for field in ("name", "title"):
        if field in sent:
            expected[field] = trimmed(sent[field])
    if "email" in sent:
        expected["email"] = sent["email"].lower()
    for field in ("levels", "skills"):
        # Levels read back without the zeros: a level left out is 0 (API.md), and 0 clears one.
        expected[field] = dict(before[field])
        for key, level in sent.get(field, {}).items():
            expected[field][key.strip().lower()] = level
        expected[field] = {k: v for k, v in expected[field].items() if v}
    if "fte" in sent:
        assert same_number(stored["fte"], sent["fte"]), (stored, sent)
        expected["fte"] = stored["fte"]
    for field in ("start_date", "end_date"):
        if field in sent:  # an ISO date as sent, or null: none
            expected[field] = sent[field]
    if stored["start_date"] and stored["end_date"]:
        assert stored["start_date"] <= stored["end_date"], stored
    assert stored == expected, (sent, stored)


EMPTY_MEMBER = {
    "title": "",
    "fte": 1.0,
    "active": True,
    "levels": {},
    "skills": {},
    "start_date": None,
    "end_date": None,
}


def test_member_bodies(api, snapshot, skills):
    client = api("hiring_manager")

    @FUZZ
    @given(sent=requests(member_fields, valid_member))
    def create(sent):
        response, sent = attempt(client, "POST", f"{API}/members", sent, snapshot)
        if response is None:
            return
        assert response.status_code == 201
        created = response.get_json()
        stored = client.get(response.headers["Location"]).get_json()
        assert stored == created
        _check_member(stored, sent, EMPTY_MEMBER | {"id": created["id"]})

    create()
    members = client.get(f"{API}/members?limit=500").get_json()["items"]
    assert members, "no member body was accepted: the valid-shaped examples are too rare"

    @FUZZ
    @given(
        index=st.integers(min_value=0, max_value=len(members) - 1),
        sent=requests(member_fields, valid_member_change),
    )
    def change(index, sent):
        url = f"{API}/members/{members[index]['id']}"
        before = client.get(url).get_json()
        response, sent = attempt(client, "PATCH", url, sent, snapshot)
        if response is not None:
            stored = client.get(url).get_json()
            assert stored == response.get_json()
            _check_member(stored, sent, before)

    change()


absence_fields = {"start": dates, "end": dates, "note": text}
valid_absence = st.fixed_dictionaries(
    {"start": good_dates, "end": good_dates}, optional={"note": st.one_of(st.just(""), good_names)}
)


def test_absence_bodies(api, snapshot, make_member):
    """Absences of a member with dates: accepted ones read back as sent and lie within the
    member's time; refused ones write nothing."""
    client = api("hiring_manager")
    member = make_member(start_date=date(2024, 1, 1), end_date=date(2031, 12, 31))
    url = f"{API}/members/{member.id}/absences"

    @FUZZ
    @given(sent=requests(absence_fields, valid_absence))
    def add(sent):
        response, sent = attempt(client, "POST", url, sent, snapshot)
        if response is None:
            return
        assert response.status_code == 201
        stored = client.get(response.headers["Location"]).get_json()
        assert stored == response.get_json()
        assert stored == {
            "id": stored["id"],
            "member_id": member.id,
            "start": sent["start"],
            "end": sent["end"],
            "note": trimmed(sent.get("note", "")),
        }
        assert "2024-01-01" <= stored["start"] <= stored["end"] <= "2031-12-31", stored

    add()


# Made by the `assignees` fixture: one member on the team, one marked as left.
ASSIGNABLE, DEPARTED = "ada@example.com", "gone@example.com"
work_item_fields = {
    "title": names,
    "area": keys(AREAS),
    "points": st.one_of(st.floats(min_value=0.5, max_value=1000), numbers),
    "status": st.one_of(st.sampled_from(("planned", "in_progress", "done")), text),
    "skills": st.lists(keys(SKILLS), max_size=3),
    "assignee": st.one_of(
        st.none(), st.sampled_from((ASSIGNABLE, f" {ASSIGNABLE.upper()} ", DEPARTED)), emails
    ),
}
good_assignees = st.one_of(st.none(), st.sampled_from((ASSIGNABLE, f" {ASSIGNABLE.upper()} ")))


valid_item = st.fixed_dictionaries(
    {
        "title": good_names,
        "area": st.sampled_from(AREAS),
        "points": st.floats(min_value=0.1, max_value=1000),
    },
    optional={
        "status": st.sampled_from(("planned", "in_progress", "done")),
        "skills": st.lists(st.sampled_from(SKILLS), unique=True),
        "assignee": good_assignees,
    },
)
valid_item_change = st.fixed_dictionaries(
    {},
    optional={
        "title": good_names,
        "area": st.sampled_from(AREAS),
        "points": st.floats(min_value=0.1, max_value=1000),
        "status": st.sampled_from(("planned", "in_progress", "done")),
        "skills": st.lists(st.sampled_from(SKILLS), unique=True),
        "assignee": good_assignees,
    },
)


@pytest.fixture
def assignees(db, make_member) -> None:
    """Someone work can be assigned to, and someone who left (refused as an assignee)."""
    make_member(email=ASSIGNABLE)
    gone = make_member(email=DEPARTED)
    members.mark_left(gone.id, session=db, actor="test")
    db.commit()


def _check_item(stored: dict[str, Any], sent: dict[str, Any], before: dict[str, Any]) -> None:
    expected = dict(before)
    if "title" in sent:
        expected["title"] = trimmed(sent["title"])
    if "area" in sent:
        expected["area"] = sent["area"].strip().lower()
    if "status" in sent:
        expected["status"] = sent["status"]
    if "assignee" in sent:
        assignee = sent["assignee"]
        expected["assignee"] = assignee.strip().lower() if assignee is not None else None
    if "skills" in sent:
        assert sorted(stored["skills"]) == sorted({k.strip().lower() for k in sent["skills"]})
        expected["skills"] = stored["skills"]
    if "points" in sent:
        assert same_number(stored["points"], sent["points"]), (stored, sent)
        expected["points"] = stored["points"]
    assert stored == expected, (sent, stored)


def test_work_item_bodies(api, snapshot, skills, assignees):
    client = api("hiring_manager")

    @FUZZ
    @given(sent=requests(work_item_fields, valid_item))
    def create(sent):
        response, sent = attempt(client, "POST", f"{API}/work-items", sent, snapshot)
        if response is None:
            return
        assert response.status_code == 201
        created = response.get_json()
        stored = client.get(response.headers["Location"]).get_json()
        assert stored == created
        defaults = {"id": created["id"], "status": "planned", "skills": [], "assignee": None}
        _check_item(stored, sent, defaults)

    create()
    items = client.get(f"{API}/work-items?limit=500").get_json()["items"]
    assert items, "no work item body was accepted: the valid-shaped examples are too rare"

    @FUZZ
    @given(
        index=st.integers(min_value=0, max_value=len(items) - 1),
        sent=requests(work_item_fields, valid_item_change),
    )
    def change(index, sent):
        url = f"{API}/work-items/{items[index]['id']}"
        before = client.get(url).get_json()
        response, sent = attempt(client, "PATCH", url, sent, snapshot)
        if response is not None:
            stored = client.get(url).get_json()
            assert stored == response.get_json()
            _check_item(stored, sent, before)

    change()


def test_settings_bodies(api, snapshot):
    client = api("admin")
    velocity = st.dictionaries(
        st.one_of(st.sampled_from(("0", "1", "2", "3", "4")), st.sampled_from(("5", "-1", "01"))),
        st.one_of(st.floats(min_value=0, max_value=100), numbers),
        max_size=5,
    )
    fields = {
        "points_per_week": st.one_of(st.floats(min_value=0.01, max_value=1000), numbers),
        "velocity": velocity,
    }

    rising = st.lists(
        st.floats(min_value=0.01, max_value=100), min_size=5, max_size=5, unique=True
    ).map(sorted)
    valid = st.fixed_dictionaries(
        {},
        optional={
            "points_per_week": st.floats(min_value=0.01, max_value=1000),
            "velocity": rising.map(lambda v: {str(i): x for i, x in enumerate(v)}),
        },
    )

    @FUZZ
    @given(sent=requests(fields, valid))
    def change(sent):
        before = client.get(f"{API}/settings").get_json()
        response, sent = attempt(client, "PATCH", f"{API}/settings", sent, snapshot)
        if response is None:
            assert client.get(f"{API}/settings").get_json() == before
            return
        stored = client.get(f"{API}/settings").get_json()
        assert stored == response.get_json()
        if "points_per_week" in sent:
            assert same_number(stored["points_per_week"], sent["points_per_week"])
        for level, value in sent.get("velocity", {}).items():
            assert same_number(stored["velocity"][level], value), (level, sent, stored)
        velocities = [stored["velocity"][str(level)] for level in range(5)]
        assert velocities == sorted(velocities), "velocities must rise with the level"

    change()


@pytest.fixture
def panel(make_user):
    """Two interviewers who can sit on panels, and a hiring manager who owns openings."""
    return {
        "manager": make_user("hiring_manager"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
    }


opening_fields = {
    "title": names,
    "description": text,
    "target_area": st.one_of(keys(AREAS), st.none()),
    "start_date": st.one_of(st.none(), dates),
    "headcount": st.one_of(st.integers(min_value=1, max_value=100), numbers),
    "status": st.one_of(st.sampled_from(("open", "closed")), text),
    "panel": st.lists(
        st.one_of(st.sampled_from(("ada@example.com", "BO@example.com")), emails), max_size=3
    ),
}


valid_opening = st.fixed_dictionaries(
    {"title": good_names},
    optional={
        "description": good_text,
        "target_area": st.one_of(st.none(), st.sampled_from(AREAS)),
        "headcount": st.integers(min_value=1, max_value=100),
        "status": st.sampled_from(("open", "closed")),
        "panel": st.lists(st.sampled_from(("ada@example.com", "bo@example.com")), unique=True),
        "start_date": st.one_of(st.none(), good_dates),
    },
)
valid_opening_change = valid_opening.map(lambda b: b).flatmap(
    lambda b: st.sets(st.sampled_from(sorted(b))).map(
        lambda drop: {k: b[k] for k in b if k not in drop}
    )
)


def _check_opening(stored: dict[str, Any], sent: dict[str, Any], before: dict[str, Any]) -> None:
    expected = dict(before)
    if "title" in sent:
        expected["title"] = trimmed(sent["title"])
    if "description" in sent:
        expected["description"] = sent["description"]
    if "target_area" in sent:
        area = sent["target_area"]
        expected["target_area"] = area.strip().lower() if area is not None else None
    for field in ("headcount", "status", "start_date"):  # a date reads back as sent (ISO)
        if field in sent:
            expected[field] = sent[field]
    if "panel" in sent:
        expected["panel"] = sorted({e.lower() for e in sent["panel"]})
    assert stored == expected, (sent, stored)


def test_opening_bodies(api_as, snapshot, panel):
    client = api_as(panel["manager"])

    @FUZZ
    @given(sent=requests(opening_fields, valid_opening))
    def create(sent):
        response, sent = attempt(client, "POST", f"{API}/openings", sent, snapshot)
        if response is None:
            return
        assert response.status_code == 201
        created = response.get_json()
        stored = client.get(response.headers["Location"]).get_json()
        assert stored == created
        fresh = {
            "id": created["id"],
            "description": "",
            "target_area": None,
            "headcount": 1,
            "status": "open",
            "hiring_manager": panel["manager"].email,
            "panel": [],
            "start_date": None,
        }
        _check_opening(stored, sent, fresh)

    create()
    openings = client.get(f"{API}/openings?limit=500").get_json()["items"]
    assert openings, "no opening body was accepted: the valid-shaped examples are too rare"

    @FUZZ
    @given(
        index=st.integers(min_value=0, max_value=len(openings) - 1),
        sent=requests(opening_fields, valid_opening_change),
    )
    def change(index, sent):
        url = f"{API}/openings/{openings[index]['id']}"
        before = client.get(url).get_json()
        response, sent = attempt(client, "PATCH", url, sent, snapshot)
        if response is not None:
            stored = client.get(url).get_json()
            assert stored == response.get_json()
            _check_opening(stored, sent, before)

    change()


def test_candidate_bodies(api_as, snapshot, panel, make_opening):
    client = api_as(panel["manager"])
    opening = make_opening(manager=panel["manager"])
    closed = make_opening(manager=panel["manager"], status="closed")
    fields = {"name": names, "email": emails, "available_from": st.one_of(st.none(), dates)}
    valid = st.fixed_dictionaries(
        {"name": good_names, "email": good_emails},
        optional={"available_from": st.one_of(st.none(), good_dates)},
    )

    @FUZZ
    @given(target=st.sampled_from((opening.id, closed.id, 10**6)), sent=requests(fields, valid))
    def add(target, sent):
        url = f"{API}/openings/{target}/candidates"
        response, sent = attempt(client, "POST", url, sent, snapshot)
        if response is None:
            return
        assert target == opening.id, "a candidate was added to a closed or missing opening"
        assert response.status_code == 201
        created = response.get_json()
        stored = client.get(response.headers["Location"]).get_json()
        assert stored == created
        assert stored["name"] == trimmed(sent["name"])
        assert stored["email"] == sent["email"].lower()
        assert stored["status"] == "applied"
        assert stored["available_from"] == sent.get("available_from")

    add()


def test_candidate_change_bodies(api_as, snapshot, panel, make_opening, make_candidate):
    """`PATCH /candidates/{id}`: a decision (status and note) and the first possible day."""
    client = api_as(panel["manager"])
    opening = make_opening(manager=panel["manager"])
    candidates = [make_candidate(opening) for _ in range(3)]
    statuses = ("applied", "interviewing", "offer", "hired", "rejected")
    fields = {
        "status": st.one_of(st.sampled_from(statuses), text, numbers),
        "note": text,
        "available_from": st.one_of(st.none(), dates),
    }
    valid = st.one_of(
        st.fixed_dictionaries({}, optional={"available_from": st.one_of(st.none(), good_dates)}),
        st.fixed_dictionaries(
            {"status": st.sampled_from(statuses)},
            optional={
                "note": st.one_of(good_text, st.just("line one\nline two")),
                "available_from": st.one_of(st.none(), good_dates),
            },
        ),
    )
    targets = [c.id for c in candidates] + [10**6]

    @FUZZ
    @given(target=st.sampled_from(targets), sent=requests(fields, valid))
    def change(target, sent):
        url = f"{API}/candidates/{target}"
        before = client.get(url).get_json()
        response, sent = attempt(client, "PATCH", url, sent, snapshot)
        if response is None:
            return
        assert target != 10**6
        stored = client.get(url).get_json()
        assert stored == response.get_json()
        assert stored["status"] == sent.get("status", before["status"])
        assert stored["available_from"] == sent.get("available_from", before["available_from"])

    change()


def test_scorecard_bodies(api_as, snapshot, panel, make_opening, make_candidate):
    opening = make_opening(manager=panel["manager"], panel=[panel["ada"], panel["bo"]])
    candidates = [make_candidate(opening) for _ in range(3)]
    outsider = make_opening(manager=panel["manager"])
    stranger = make_candidate(outsider)
    ada = api_as(panel["ada"])
    fields = {
        "ratings": st.dictionaries(keys(AREAS), st.one_of(st.none(), levels), max_size=4),
        "recommendation": st.one_of(
            st.none(), st.sampled_from(("strong_no", "no", "yes", "strong_yes")), text
        ),
        "notes": text,
        "submit": st.one_of(st.booleans(), st.booleans(), numbers, text),
    }
    valid = st.fixed_dictionaries(
        {},
        optional={
            "ratings": st.dictionaries(st.sampled_from(AREAS), st.one_of(st.none(), level)),
            "recommendation": st.sampled_from((None, "strong_no", "no", "yes", "strong_yes")),
            "notes": st.one_of(good_text, st.just("line one\nline two\twith a tab")),
            "submit": st.booleans(),
        },
    )
    targets = [c.id for c in candidates] + [stranger.id, 10**6]

    @FUZZ
    @given(target=st.sampled_from(targets), sent=requests(fields, valid))
    def save(target, sent):
        before = ada.get(f"{API}/candidates/{target}/scorecards").get_json()
        url = f"{API}/candidates/{target}/scorecards"
        response, sent = attempt(ada, "POST", url, sent, snapshot)
        if response is None:
            return
        assert target in [c.id for c in candidates], "a card was written off the panel"
        own_before = [c for c in before["items"] if c["interviewer"] == "ada@example.com"]
        assert not any(c["status"] == "submitted" for c in own_before), "a submitted card changed"
        card = response.get_json()
        assert card["ratings"] == {k.strip().lower(): v for k, v in sent.get("ratings", {}).items()}
        assert card["recommendation"] == sent.get("recommendation")
        assert card["notes"] == sent.get("notes", "")
        assert card["status"] == ("submitted" if sent.get("submit") else "draft")
        listed = ada.get(url).get_json()["items"]
        assert [c for c in listed if c["interviewer"] == "ada@example.com"] == [card]

    save()


def test_raw_bodies_are_refused_on_every_write(api, snapshot):
    """Each raw body (not JSON, not an object, NaN literals, BOMs, deep nesting) on each write."""
    client = api("admin")
    writes = [
        ("POST", f"{API}/members"),
        ("PATCH", f"{API}/members/1"),
        ("POST", f"{API}/members/1/absences"),
        ("POST", f"{API}/work-items"),
        ("PATCH", f"{API}/work-items/1"),
        ("POST", f"{API}/openings"),
        ("PATCH", f"{API}/openings/1"),
        ("POST", f"{API}/openings/1/candidates"),
        ("PATCH", f"{API}/candidates/1"),
        ("POST", f"{API}/candidates/1/scorecards"),
        ("PATCH", f"{API}/settings"),
        ("PUT", f"{API}/openings/1/panel/1/focus"),
        ("PUT", f"{API}/candidates/1/interviews/1"),
        ("PUT", f"{API}/areas/data/guide"),
        ("POST", f"{API}/areas"),
        ("PATCH", f"{API}/areas/data"),
        ("POST", f"{API}/areas/data/move"),
        ("POST", f"{API}/areas/data/skills"),
        ("PATCH", f"{API}/skills/sql"),
        ("POST", f"{API}/users"),
        ("PATCH", f"{API}/users/1"),
        ("POST", f"{API}/users/1/password"),
        ("POST", f"{API}/coverage/what-if"),
        ("POST", f"{API}/candidates/1/scorecards/submit"),
        ("POST", f"{API}/candidates/1/scorecards/revise"),
        ("POST", f"{API}/candidates/1/hire"),
    ]
    from tests.fuzz.strategies import RAW_BODIES

    for raw in RAW_BODIES:
        assert isinstance(raw, Raw)
        for method, url in writes:
            attempt(client, method, url, raw, snapshot)
