"""GET /plan and POST /plan/publish (API.md, "Time, plan and decisions"; MODEL.md, "The ticket
plan"): the shape, who may call them, numbers that agree with each other and with the calendar,
and what a published plan makes of later changes (items moved, and why)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from team.areas import create_area
from team.calendar import Calendar, finish_date, start_date
from team.models import PlanAssignment, PlanPublication, Settings, WorkItem

API = "/api/v1"
PLAN_START = date(2027, 1, 4)  # a Monday
STRONG = {"research": 3, "engineering": 3, "data": 3}
# API.md's fields, then the ones the OpenAPI document adds.
DOCUMENTED = {"plan_start", "finish_weeks", "finish_date", "lower_bound_weeks", "gap"}
DOCUMENTED |= {"published_at", "items"}
EXTRAS = {
    "forecast_weeks",
    "item_bound_weeks",
    "baseline_weeks",
    "proven_optimal",
    "method",
    "published_by",
    "unplanned",
    "moves",
    "disagreements",
    "keeping_assignees_weeks",
}
ITEM_FIELDS = {
    "work_item_id",
    "member_id",
    "personal_weeks",
    "start_weeks",
    "finish_weeks",
    "start_date",
    "finish_date",
    "moved",
    "pinned",
    "flagged",
    "slipped_days",
}


@pytest.fixture(autouse=True)
def fixed_plan_start(db):
    """Every plan here starts on one known Monday, so dates can be checked by hand."""
    settings = db.get(Settings, 1)
    settings.plan_start = PLAN_START
    db.add(settings)
    db.commit()


def set_item(db, item_id: int, **values) -> None:
    """Write an item's columns directly (its assignee, its status), as a stored state."""
    db.exec(update(WorkItem).where(col(WorkItem.id) == item_id).values(**values))
    db.commit()


def get_plan(client) -> dict:
    response = client.get(f"{API}/plan")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def by_item(body: dict) -> dict[int, dict]:
    return {row["work_item_id"]: row for row in body["items"]}


@pytest.fixture
def mixed_team(make_member, make_work_item):
    """Three people strong in one area each, and work in all three (one item done)."""
    people = [
        make_member(name="Ada", levels={"research": 3, "engineering": 1, "data": 1}),
        make_member(name="Bo", levels={"research": 1, "engineering": 3, "data": 2}),
        make_member(name="Cy", levels={"research": 2, "engineering": 1, "data": 4}),
    ]
    items = [
        make_work_item(area=area, points=points)
        for area, points in (
            ("research", 5),
            ("research", 3),
            ("research", 8),
            ("engineering", 5),
            ("engineering", 2),
            ("data", 3),
            ("data", 5),
        )
    ]
    done = make_work_item(area="data", points=13, status="done")
    return people, items, done


def test_the_plan_answers_api_md_shape_with_consistent_numbers(api, mixed_team):
    people, items, done = mixed_team
    body = get_plan(api("leadership"))
    assert set(body) == DOCUMENTED | EXTRAS
    assert body["plan_start"] == PLAN_START.isoformat()
    assert body["published_at"] is None and body["published_by"] is None
    assert body["moves"] == [] and body["unplanned"] == []
    assert all(set(row) == ITEM_FIELDS for row in body["items"])
    # every open item exactly once, the done one nowhere
    planned = [row["work_item_id"] for row in body["items"]]
    assert sorted(planned) == sorted(i.id for i in items)
    assert done.id not in planned
    assert {row["member_id"] for row in body["items"]} <= {p.id for p in people}
    # the bounds: no plan finishes before either of them, and the gap is measured from the larger
    finish, bound = body["finish_weeks"], body["lower_bound_weeks"]
    assert bound == pytest.approx(max(body["forecast_weeks"], body["item_bound_weeks"]))
    assert finish >= bound - 1e-9
    assert body["gap"] == pytest.approx(max(finish / bound - 1, 0.0), abs=1e-9)
    assert body["baseline_weeks"] >= finish - 1e-9  # never worse than the greedy baseline
    assert finish == pytest.approx(max(row["finish_weeks"] for row in body["items"]))
    # dates are the calendar's reading of the weeks (MODEL.md, "Finish date")
    calendar = Calendar(plan_start=PLAN_START)
    assert body["finish_date"] == finish_date(finish, calendar).isoformat()
    for row in body["items"]:
        assert row["start_date"] == start_date(row["start_weeks"], calendar).isoformat()
        assert row["finish_date"] == finish_date(row["finish_weeks"], calendar).isoformat()
        assert row["finish_weeks"] > row["start_weeks"] >= 0
        assert row["moved"] is row["pinned"] is row["flagged"] is False
        assert row["slipped_days"] is None
    # one item at a time: each member's queue runs back to back
    for member in people:
        queue = [row for row in body["items"] if row["member_id"] == member.id]
        for before, after in zip(queue, queue[1:], strict=False):
            assert after["start_weeks"] == pytest.approx(before["finish_weeks"])
    assert body["disagreements"] == 0 and body["keeping_assignees_weeks"] is None


def test_sizes_are_personal(api, make_member, make_work_item):
    """Ada (strong research, 5 points a week) takes the 5-point research item: one week; it
    starts on the plan start and finishes on that week's Friday."""
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    item = make_work_item(area="research", points=5)
    row = by_item(get_plan(api("admin")))[item.id]
    assert row["member_id"] == ada.id
    assert row["personal_weeks"] == pytest.approx(1.0)
    assert (row["start_weeks"], row["finish_weeks"]) == pytest.approx((0.0, 1.0))
    assert row["start_date"] == "2027-01-04"
    assert row["finish_date"] == "2027-01-08"


def test_an_item_no_one_can_do_is_listed_apart_with_the_reason(api, db, mixed_team, make_work_item):
    create_area("mlops", "MLOps", session=db)
    settings = db.get(Settings, 1)
    settings.velocity_0 = 0.0  # level none does nothing: nobody here can work in MLOps
    db.add(settings)
    db.commit()
    _, items, _ = mixed_team
    lost = make_work_item(title="Serving", area="mlops", points=3)
    body = get_plan(api("hiring_manager"))
    assert body["unplanned"] == [
        {"work_item_id": lost.id, "reason": "no one on the team can work in mlops"}
    ]
    assert lost.id not in by_item(body)
    assert len(body["items"]) == len(items)


def test_nothing_to_plan(api, make_member):
    make_member()
    body = get_plan(api("admin"))
    assert body["items"] == [] and body["unplanned"] == []
    assert body["finish_weeks"] == 0 and body["finish_date"] is None
    assert body["gap"] is None and body["method"] == "none"


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("hiring_manager",), 200),
        (("leadership",), 200),
        (("admin",), 200),
        (("interviewer",), 403),
        (("interviewer", "leadership"), 200),
        (("interviewer", "hiring_manager"), 200),
    ],
)
def test_who_may_read_the_plan(api, mixed_team, roles, status):
    response = api(*roles).get(f"{API}/plan")
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("hiring_manager",), 201),
        (("admin",), 201),
        (("leadership",), 403),
        (("interviewer",), 403),
        (("interviewer", "leadership"), 403),
        (("leadership", "hiring_manager"), 201),
    ],
)
def test_who_may_publish(api, count, mixed_team, roles, status):
    response = api(*roles).post(f"{API}/plan/publish", json={})
    assert response.status_code == status
    assert count(PlanPublication) == (1 if status == 201 else 0)
    if status == 403:
        assert response.get_json()["error"]["code"] == "forbidden"


def test_without_a_token_nothing_is_read_or_published(app, count, mixed_team):
    client = app.test_client(use_cookies=False)
    assert client.get(f"{API}/plan").status_code == 401
    assert client.post(f"{API}/plan/publish", json={}).status_code == 401
    assert count(PlanPublication) == 0


def test_publishing_keeps_the_plan_and_later_plans_show_it(api, db, count, mixed_team):
    manager = api("hiring_manager")
    before = get_plan(manager)
    response = manager.post(f"{API}/plan/publish", json={})
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"{API}/plan")
    published = response.get_json()
    assert set(published) == {
        "published_at",
        "published_by",
        "plan_start",
        "finish_weeks",
        "finish_date",
    }
    assert published["published_by"].endswith("@example.com")
    assert published["finish_date"] == before["finish_date"]
    assert published["finish_weeks"] == pytest.approx(before["finish_weeks"])
    # the assignments, as the plan had them, in the database
    rows = db.exec(select(PlanAssignment.work_item_id, PlanAssignment.member_id)).all()
    db.rollback()
    assert dict(rows) == {r["work_item_id"]: r["member_id"] for r in before["items"]}
    after = get_plan(api("leadership"))
    assert after["published_at"] == published["published_at"]
    assert after["published_by"] == published["published_by"]
    assert after["moves"] == []
    assert not any(r["moved"] or r["slipped_days"] for r in after["items"])
    # publishing again keeps the first publication's row, not its assignments
    assert manager.post(f"{API}/plan/publish", json={}).status_code == 201
    assert count(PlanPublication) == 2
    assert count(PlanAssignment) == len(before["items"])
    newest = db.exec(select(PlanPublication.id).order_by(col(PlanPublication.id).desc())).first()
    kept = db.exec(select(PlanAssignment.publication_id).distinct()).all()
    db.rollback()
    assert kept == [newest]


@pytest.fixture
def even_team(make_member, make_work_item):
    """Three strong engineers and six 5-point engineering items: two weeks each."""
    people = [make_member(name=name, levels=STRONG) for name in ("Ada", "Bo", "Cy")]
    items = [make_work_item(area="engineering", points=5) for _ in range(6)]
    return people, items


def test_someone_leaving_moves_their_items_and_says_why(api, even_team):
    (ada, bo, cy), items = even_team
    manager = api("hiring_manager")
    published = by_item(get_plan(manager))
    assert manager.post(f"{API}/plan/publish", json={}).status_code == 201
    theirs = {item for item, row in published.items() if row["member_id"] == bo.id}
    assert len(theirs) == 2

    assert manager.delete(f"{API}/members/{bo.id}").status_code == 200  # marked as left
    body = get_plan(manager)
    rows = by_item(body)
    # only Bo's items moved: the others stay where the published plan had them
    assert {item for item, row in rows.items() if row["moved"]} == theirs
    assert all(rows[item]["member_id"] in (ada.id, cy.id) for item in theirs)
    assert all(
        row["member_id"] == published[item]["member_id"]
        for item, row in rows.items()
        if item not in theirs
    )
    assert sorted(body["moves"], key=lambda m: m["work_item_id"]) == [
        {
            "work_item_id": item,
            "from_member_id": bo.id,
            "to_member_id": rows[item]["member_id"],
            "reason": "Bo is no longer on the team",
        }
        for item in sorted(theirs)
    ]


def test_someone_away_moves_their_items_and_what_stays_slips(api, db, make_member, make_work_item):
    """Ada and Bo, two 5-point items each (a week per item). Ada is then away ten weeks from the
    plan start: her items go to Bo (4 weeks, rather than 11 with Ada), because her time
    changed; Bo's own items finish later than published, by whole working weeks."""
    ada = make_member(name="Ada", levels=STRONG)
    bo = make_member(name="Bo", levels=STRONG)
    for _ in range(4):
        make_work_item(area="engineering", points=5)
    manager = api("hiring_manager")
    published = by_item(get_plan(manager))
    assert manager.post(f"{API}/plan/publish", json={}).status_code == 201
    away = {"start": PLAN_START.isoformat(), "end": (PLAN_START + timedelta(70)).isoformat()}
    assert manager.post(f"{API}/members/{ada.id}/absences", json=away).status_code == 201

    body = get_plan(manager)
    rows = by_item(body)
    hers = {item for item, row in published.items() if row["member_id"] == ada.id}
    assert {item for item, row in rows.items() if row["moved"]} == hers
    assert all(row["member_id"] == bo.id for row in rows.values())
    assert body["finish_weeks"] == pytest.approx(4.0)
    assert {m["reason"] for m in body["moves"]} == {"Ada's time changed"}
    slipped = [row for row in rows.values() if row["slipped_days"]]
    assert slipped
    for row in rows.values():
        then = date.fromisoformat(published[row["work_item_id"]]["finish_date"])
        now = date.fromisoformat(row["finish_date"])
        expected = int(np.busday_count(then, now)) if now > then else None
        assert row["slipped_days"] == expected


def test_items_moved_off_someone_whose_time_did_not_change_say_what_did(
    api, make_member, make_work_item
):
    """A newcomer who is far faster joins after publishing: items move to her from people whose
    own time did not change, so the reason names the change around them."""
    ada = make_member(name="Ada", levels={"research": 1, "engineering": 1, "data": 1})
    for _ in range(4):
        make_work_item(area="engineering", points=5)
    manager = api("hiring_manager")
    assert manager.post(f"{API}/plan/publish", json={}).status_code == 201
    make_member(name="Eve", levels={"research": 4, "engineering": 4, "data": 4})
    body = get_plan(manager)
    assert body["moves"], "the expert takes some work"
    assert {m["from_member_id"] for m in body["moves"]} == {ada.id}
    assert {m["reason"] for m in body["moves"]} == {"rebalanced after Eve"}


def test_an_item_in_progress_stays_with_its_assignee(api, db, make_member, make_work_item):
    """Ada barely knows engineering (10 weeks for 5 points), Bo is strong (1 week): the plan
    would give the item to Bo, but Ada has started it, so it stays first in her queue."""
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_member(name="Bo", levels={"research": 0, "engineering": 3, "data": 0})
    started = make_work_item(area="engineering", points=5)
    make_work_item(area="research", points=5)
    set_item(db, started.id, status="in_progress", assignee_id=ada.id)
    row = by_item(get_plan(api("hiring_manager")))[started.id]
    assert row["member_id"] == ada.id
    assert row["pinned"] is True and row["flagged"] is False
    assert row["start_weeks"] == 0
    assert row["personal_weeks"] == pytest.approx(10.0)


def test_an_item_in_progress_whose_assignee_left_is_planned_and_flagged(
    api, db, make_member, make_work_item
):
    make_member(name="Ada", levels=STRONG)
    bo = make_member(name="Bo", levels=STRONG)
    started = make_work_item(area="engineering", points=5)
    set_item(db, started.id, status="in_progress", assignee_id=bo.id)
    manager = api("hiring_manager")
    assert manager.delete(f"{API}/members/{bo.id}").status_code == 200
    row = by_item(get_plan(manager))[started.id]
    assert row["member_id"] != bo.id
    assert row["flagged"] is True and row["pinned"] is False


def test_what_keeping_a_disagreeing_assignee_would_cost(api, db, make_member, make_work_item):
    """An engineering item assigned to Ada (10 weeks for her) while Bo would take a week: the
    plan gives it to Bo and Ada does research (a week). Keeping it with Ada, she needs ten weeks
    for it and the research goes to Bo (10 weeks too): 9 weeks later."""
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    bo = make_member(name="Bo", levels={"research": 0, "engineering": 3, "data": 0})
    wished = make_work_item(area="engineering", points=5)
    make_work_item(area="research", points=5)
    set_item(db, wished.id, assignee_id=ada.id)  # planned: a wish, not binding
    body = get_plan(api("leadership"))
    assert by_item(body)[wished.id]["member_id"] == bo.id
    assert by_item(body)[wished.id]["pinned"] is False
    assert body["finish_weeks"] == pytest.approx(1.0)
    assert body["disagreements"] == 1
    assert body["keeping_assignees_weeks"] == pytest.approx(9.0)


def test_an_agreeing_assignee_costs_nothing(api, db, make_member, make_work_item):
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_member(name="Bo", levels={"research": 0, "engineering": 3, "data": 0})
    item = make_work_item(area="research", points=5)
    set_item(db, item.id, assignee_id=ada.id)
    body = get_plan(api("leadership"))
    assert by_item(body)[item.id]["member_id"] == ada.id
    assert body["disagreements"] == 0 and body["keeping_assignees_weeks"] is None


def test_the_plan_follows_changes_to_the_work(api, make_member, make_work_item):
    """Plans are kept by their inputs: a new item is planned at once, not served from before."""
    make_member(name="Ada", levels=STRONG)
    first = make_work_item(area="data", points=5)
    client = api("admin")
    assert set(by_item(get_plan(client))) == {first.id}
    second = make_work_item(area="data", points=5)
    body = get_plan(client)
    assert set(by_item(body)) == {first.id, second.id}
    assert body["finish_weeks"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("post", "/plan", {"json": {}}, 405),
        ("delete", "/plan", {}, 405),
        ("get", "/plan/publish", {}, 405),
        ("post", "/plan/publish", {"data": "{}", "content_type": "text/plain"}, 415),
        ("post", "/plan/publish", {}, 415),
        ("post", "/plan/publish", {"data": "{", "content_type": "application/json"}, 400),
        ("post", "/plan/publish", {"json": []}, 422),
        ("post", "/plan/publish", {"json": {"finish_weeks": 1}}, 422),
    ],
)
def test_bad_requests_answer_json_errors_and_write_nothing(
    api, count, mixed_team, method, path, kwargs, status
):
    response = getattr(api("admin"), method)(f"{API}{path}", **kwargs)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    assert count(PlanPublication) == 0 and count(PlanAssignment) == 0


def _validator(document: dict, name: str):
    jsonschema = pytest.importorskip("jsonschema")
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_real_answers_match_the_openapi_document(app, api, db, mixed_team):
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    operations = document["paths"]
    assert operations["/plan"]["get"]["x-roles"] == ["admin", "hiring_manager", "leadership"]
    assert operations["/plan/publish"]["post"]["x-roles"] == ["admin", "hiring_manager"]
    assert "201" in operations["/plan/publish"]["post"]["responses"]
    people, items, _ = mixed_team
    set_item(db, items[0].id, status="in_progress", assignee_id=people[1].id)
    set_item(db, items[1].id, assignee_id=people[2].id)
    client = api("admin")
    published = client.post(f"{API}/plan/publish", json={})
    _validator(document, "PublicationPublic").validate(published.get_json())
    client.delete(f"{API}/members/{people[0].id}")
    body = get_plan(client)
    assert body["moves"] and body["published_at"]
    _validator(document, "PlanPublic").validate(body)
