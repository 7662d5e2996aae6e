"""The issue's ratios over real HTTP at 1,000 members / 20,000 work items / 10,000 candidates.

The ranking and the coverage report read everything (every candidate with their cards, every
member and the open work) and solve the forecast on top; the listings read the same rows a page
at a time and only serialise them. Within 2x of the listing means the report costs about as much
as reading its inputs: nothing is loaded row by row and the engine is not the bottleneck.
"""

from __future__ import annotations

import json
import time

from tests.benchmarks.conftest import FULL, REPORT, Http, api_pages, compare

TARGET = 2.0


def test_ranking_api_within_2x_of_listing_the_same_candidates(organisation):
    org = organisation(FULL)
    client = Http(org.base, org.token)
    ranking_path = f"/api/v1/openings/{org.opening_id}/ranking"
    listing_path = f"/api/v1/openings/{org.opening_id}/candidates"
    ranked = client.json(ranking_path)["candidates"]
    assert len(ranked) == 10 * FULL
    assert api_pages(client, listing_path) == 10 * FULL
    ranking, listing = compare(
        (f"GET {ranking_path}", lambda: client.get(ranking_path)),
        (f"GET {listing_path}?limit=500 (all 20 pages)", lambda: api_pages(client, listing_path)),
    )
    ratio = REPORT.ratio(
        "a. ranking vs listing its candidates (API)", org.sizes, ranking, listing, TARGET
    )
    assert ratio <= TARGET


def test_coverage_api_within_2x_of_listing_the_members(organisation):
    org = organisation(FULL)
    client = Http(org.base, org.token)
    report = client.json("/api/v1/coverage")
    assert report["forecast_weeks"] and len(report["allocation"]) > 0.9 * FULL
    assert api_pages(client, "/api/v1/members") == FULL
    coverage, members = compare(
        ("GET /api/v1/coverage", lambda: client.get("/api/v1/coverage")),
        (
            "GET /api/v1/members?limit=500 (all 2 pages)",
            lambda: api_pages(client, "/api/v1/members"),
        ),
    )
    ratio = REPORT.ratio(
        "b. coverage vs listing the members (API)", org.sizes, coverage, members, TARGET
    )
    assert ratio <= TARGET


def test_key_people_measured_apart(organisation):
    """Key people cost a forecast per member (API.md: their own endpoint); measured beside
    the coverage report, with no target: the README reports the figure."""
    org = organisation(FULL)
    client = Http(org.base, org.token)
    items = client.json("/api/v1/coverage/key-people")["items"]
    assert len(items) > 0.9 * FULL
    assert all(i["weeks"] is None or i["weeks"] > -1000 for i in items)
    key_people, coverage = compare(
        ("GET /api/v1/coverage/key-people", lambda: client.get("/api/v1/coverage/key-people")),
        ("GET /api/v1/coverage", lambda: client.get("/api/v1/coverage")),
        runs=3,
    )
    REPORT.ratio(
        "d. key people vs the coverage report (API)", org.sizes, key_people, coverage, None
    )


PLAN_TARGET = 5.0
PLAN_GAP = 0.02


def test_plan_api_within_5x_of_listing_the_work_items(organisation):
    """The ticket plan reads every member and open item and plans them (issue: within 5x of
    listing the 20,000 items, a gap under 2%). Each timed plan is made from scratch: an input
    the plan reads (one item's points) changes before every GET, so the service's plan kept by
    its inputs never answers; the change itself is one small PATCH."""
    org = organisation(FULL)
    client = Http(org.base, org.token)
    started = time.perf_counter()
    plan = client.json("/api/v1/plan")
    first = time.perf_counter() - started
    assert api_pages(client, "/api/v1/work-items") == 20 * FULL
    open_items = api_pages(client, "/api/v1/work-items?status=planned") + api_pages(
        client, "/api/v1/work-items?status=in_progress"
    )
    assert len(plan["items"]) + len(plan["unplanned"]) == open_items
    REPORT.add(
        f"first GET /api/v1/plan at {org.sizes}: {first:.2f} s; finish "
        f"{plan['finish_weeks']:.2f} weeks, lower bound {plan['lower_bound_weeks']:.2f}, "
        f"gap {plan['gap']:.2%} ({plan['method']})"
    )
    assert plan["gap"] is not None and plan["gap"] < PLAN_GAP
    item = plan["items"][0]["work_item_id"]
    changes = iter(range(1, 10_000))

    def replan() -> bytes:
        points = 1 + next(changes) / 1000  # a new value each time: never a plan kept before
        status, body = client.request(
            "PATCH",
            f"/api/v1/work-items/{item}",
            json.dumps({"points": points}).encode(),
            {"Content-Type": "application/json"},
        )
        assert status == 200, body[:300]
        return client.get("/api/v1/plan")

    planned, listing = compare(
        ("PATCH one item, then GET /api/v1/plan (planned afresh)", replan),
        (
            "GET /api/v1/work-items?limit=500 (all 40 pages)",
            lambda: api_pages(client, "/api/v1/work-items"),
        ),
    )
    again = client.json("/api/v1/plan")
    assert again["gap"] is not None and again["gap"] < PLAN_GAP
    ratio = REPORT.ratio(
        "e. ticket plan (afresh) vs listing the work items (API)",
        org.sizes,
        planned,
        listing,
        PLAN_TARGET,
    )
    assert ratio <= PLAN_TARGET


SLATE_TARGET = 5.0


def test_slate_of_three_within_5x_of_the_ranking(organisation):
    """Issue 13: the exact best three of 10,000 candidates at 1,000 members, against the
    ranking of the same candidates (the slate reads the ranking, then searches sets)."""
    org = organisation(FULL)
    client = Http(org.base, org.token)
    slate_path = f"/api/v1/openings/{org.opening_id}/slate?k=3"
    ranking_path = f"/api/v1/openings/{org.opening_id}/ranking"
    body = client.json(slate_path)
    assert body["k"] == 3 and len(body["candidate_ids"]) == 3 and body["proven"]
    assert body["forecast_weeks"] <= body["greedy"]["forecast_weeks"] + 1e-9
    slate, ranking = compare(
        (f"GET {slate_path}", lambda: client.get(slate_path)),
        (f"GET {ranking_path}", lambda: client.get(ranking_path)),
    )
    ratio = REPORT.ratio("slate of 3 vs the ranking (API)", org.sizes, slate, ranking, SLATE_TARGET)
    assert ratio <= SLATE_TARGET
