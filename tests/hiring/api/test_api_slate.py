"""`GET /openings/{id}/slate?k=` and the ranking page's slate: the exact best set over the
service's real inputs, who may read it, and what counts as still in the running.

The team is Ada alone (research strong) with 10 research and 5 data points open, timeless
(tests/hiring/test_ranking_pages.py works the singles out by hand). A and C pass the rubric;
B and D do not, so they are never in a slate however fast they would make the work.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import pytest

from hiring.numbers import difference, duration
from team.calendar import Calendar, Person
from team.calendar_forecast import team_weeks
from team.settings import update_settings
from tests.hiring.test_ranking_pages import CARDS, TIMELESS

ADA = Person(1, 1.0, {"research": 3})
DEMAND = {"research": 10.0, "engineering": 0.0, "data": 5.0}
MORE = {
    "E": {"research": 1, "engineering": 1, "data": 4},
    "F": {"research": 4, "engineering": 1, "data": 1},
}


# No ramp-up, mentoring or notice: a candidate counts from the plan start at full speed, so
# any Monday gives the same weeks.
PLAIN = Calendar(date(2027, 1, 4), ramp_weeks=0, mentoring_fte=0.0)


def _weeks(names: tuple[str, ...]) -> float:
    """T with these candidates, the plain way (capacities worked out afresh)."""
    levels = {**CARDS, **MORE}
    people = [
        Person(-i - 1, 1.0, {a: float(v) for a, v in levels[n].items() if v})
        for i, n in enumerate(names)
    ]
    return team_weeks([ADA, *people], DEMAND, PLAIN)


@pytest.fixture
def opening(make_user, make_member, make_work_item, make_opening, make_candidate, write_card, db):
    update_settings(session=db, calendar=TIMELESS)
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_work_item(area="research", points=10)
    make_work_item(area="data", points=5)
    manager = make_user("hiring_manager")
    interviewer = make_user("interviewer")
    made = make_opening(manager=manager, panel=[interviewer], target_area="data", headcount=2)
    ids = {}
    for name, levels in {**CARDS, **MORE}.items():
        candidate = make_candidate(made, name=name)
        write_card(candidate, interviewer, levels, recommendation="yes")
        ids[name] = candidate.id
    return made, manager, interviewer, ids


def test_the_slate_is_the_best_pair_of_passing_candidates(api, opening):
    made, _manager, _interviewer, ids = opening
    client = api("leadership")
    body = client.get(f"/api/v1/openings/{made.id}/slate").get_json()
    assert body["k"] == 2  # the headcount
    names = {v: k for k, v in ids.items()}
    passing = ["A", "C", "E", "F"]
    ranking = client.get(f"/api/v1/openings/{made.id}/ranking").get_json()["candidates"]
    ranked = {c["name"]: c for c in ranking}
    assert all(ranked[n]["rubric"]["passes"] for n in passing)
    assert not ranked["B"]["rubric"]["passes"] and not ranked["D"]["rubric"]["passes"]
    # Brute force: every pair of passing candidates, its forecast worked out the plain way.
    pairs = {pair: _weeks(pair) for pair in combinations(passing, 2)}
    best = min(pairs, key=pairs.__getitem__)
    assert sorted(pairs.values())[1] - pairs[best] > 1e-6  # no near tie on this team
    assert {names[i] for i in body["candidate_ids"]} == set(best)
    assert body["forecast_weeks"] == pytest.approx(pairs[best], abs=1e-7)
    assert body["proven"] is True
    assert body["team_forecast_weeks"] == pytest.approx(12.0, rel=1e-6)
    assert body["weeks_saved"] == pytest.approx(12.0 - body["forecast_weeks"], abs=1e-9)
    assert [c["id"] for c in body["candidates"]] == body["candidate_ids"]
    assert [c["rank"] for c in body["candidates"]] == sorted(c["rank"] for c in body["candidates"])
    assert body["greedy"]["candidate_ids"][0] == ranking[0]["id"]  # the best single first
    assert body["forecast_weeks"] <= body["greedy"]["forecast_weeks"] + 1e-9
    k1 = client.get(f"/api/v1/openings/{made.id}/slate?k=1").get_json()
    assert k1["candidate_ids"] == [ranking[0]["id"]]
    assert k1["forecast_weeks"] == pytest.approx(ranking[0]["forecast_weeks"], abs=1e-9)
    for k in (3, 4):
        more = client.get(f"/api/v1/openings/{made.id}/slate?k={k}").get_json()
        assert more["k"] == k and more["forecast_weeks"] <= body["forecast_weeks"] + 1e-9


def test_rejected_candidates_are_never_in_the_slate(api_as, opening):
    made, manager, _interviewer, _ids = opening
    client = api_as(manager)
    first = client.get(f"/api/v1/openings/{made.id}/slate?k=1").get_json()["candidate_ids"][0]
    response = client.patch(
        f"/api/v1/candidates/{first}", json={"status": "rejected", "note": "no"}
    )
    assert response.status_code == 200, response.get_json()
    again = client.get(f"/api/v1/openings/{made.id}/slate?k=1").get_json()
    assert first not in again["candidate_ids"] and again["candidate_ids"]
    assert again["eligible"] == 3


@pytest.mark.parametrize("k", ["0", "6", "two", "1.5", "", "NaN"])
def test_a_bad_k_is_refused_by_name(api, opening, k):
    made, *_ = opening
    response = api("leadership").get(f"/api/v1/openings/{made.id}/slate?k={k}")
    assert response.status_code == 422
    assert "k" in response.get_json()["error"]["fields"]


def test_who_may_read_the_slate(api, api_as, opening):
    made, manager, interviewer, _ids = opening
    path = f"/api/v1/openings/{made.id}/slate"
    assert api_as(manager).get(path).status_code == 200
    assert api("admin").get(path).status_code == 200
    assert api_as(interviewer).get(path).status_code == 403  # on the panel: no ranking
    assert api("hiring_manager").get(path).status_code == 404  # not theirs
    assert api("leadership").get("/api/v1/openings/999999/slate").status_code == 404


def test_an_owner_on_their_own_panel_gets_a_slate_of_the_candidates_they_have_carded(
    api_as, make_user, make_member, make_work_item, make_opening, make_candidate, write_card, db
):
    """The independence rule: a candidate the owner must card first is not ranked for them,
    so never in their slate, and nothing about them shows through it."""
    update_settings(session=db, calendar=TIMELESS)
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_work_item(area="data", points=5)
    manager = make_user("hiring_manager", "interviewer")
    interviewer = make_user("interviewer")
    made = make_opening(manager=manager, panel=[interviewer, manager], headcount=2)
    strong = make_candidate(made, name="Strong")
    basic = make_candidate(made, name="Basic")
    write_card(strong, interviewer, MORE["E"])
    write_card(basic, interviewer, CARDS["A"])
    path = f"/api/v1/openings/{made.id}/slate"
    body = api_as(manager).get(path).get_json()
    assert body["candidate_ids"] == [] and body["eligible"] == 0 and body["k"] == 0
    write_card(basic, manager, CARDS["A"])
    body = api_as(manager).get(path).get_json()
    assert body["candidate_ids"] == [basic.id] and body["eligible"] == 1
    assert strong.id not in body["greedy"]["candidate_ids"]


def test_the_ranking_page_shows_the_slate_of_the_api(api, client_for, opening, db):
    """Two seats: the page shows the slate without being asked, with the API's numbers; a bad
    `?slate=` is a message on the page, never an error page."""
    made, manager, _interviewer, ids = opening
    body = api("leadership").get(f"/api/v1/openings/{made.id}/slate").get_json()
    browser = client_for(manager)
    page = browser.get(f"/openings/{made.id}/ranking").get_data(as_text=True)
    assert 'id="slate-table"' in page
    names = {v: k for k, v in ids.items()}
    for candidate_id in body["candidate_ids"]:
        assert (
            f'/candidates/{candidate_id}"' in page.split('id="slate-table"')[1].split("</table>")[0]
        )
        assert names[candidate_id] in page
    # The shown saving is the difference of the shown ends.
    saved = difference(body["team_forecast_weeks"], body["forecast_weeks"])
    assert page.split('id="slate-saved">')[1].startswith(f"{saved}</strong> against the team")
    assert f"<strong>{duration(body['forecast_weeks'])}</strong> from the plan start" in page
    one = browser.get(f"/openings/{made.id}/ranking?slate=1").get_data(as_text=True)
    table = one.split('id="slate-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 2  # the header and one hire
    for bad in ("0", "9", "x", "nan"):
        response = browser.get(f"/openings/{made.id}/ranking?slate={bad}")
        assert response.status_code == 200
        assert 'id="slate-error"' in response.get_data(as_text=True)
    # Leaving statuses out of the ranking never changes the slate.
    narrow = browser.get(f"/openings/{made.id}/ranking?status=offer").get_data(as_text=True)
    for candidate_id in body["candidate_ids"]:
        assert (
            f'/candidates/{candidate_id}"'
            in narrow.split('id="slate-table"')[1].split("</table>")[0]
        )
