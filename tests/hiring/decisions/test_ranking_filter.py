"""The ranking by status (API.md, `ranking`): every status in the API unless `?status=` says
otherwise, rejected and withdrawn left out on the page unless ticked, offers marked, and ranks
numbered over the rows shown, in the API, the page and the CSV alike."""

from __future__ import annotations

import csv
import io

import pytest

from tests.hiring.decisions.conftest import TEAM_ALONE, WITH, World

API = "/api/v1/openings/{}/ranking"


def _names(body: dict) -> list[str]:
    return [c["name"] for c in body["candidates"]]


def test_the_api_ranks_every_status_by_default(api, world: World):
    body = api("leadership").get(API.format(world.opening.id)).get_json()
    assert _names(body) == ["Avery", "Cleo", "Bruno", "Dana"]
    assert [c["rank"] for c in body["candidates"]] == [1, 2, 3, 4]
    assert body["statuses"] == [
        "applied",
        "interviewing",
        "offer",
        "hired",
        "rejected",
        "withdrawn",
    ]


def test_the_api_filters_by_repeated_status_and_numbers_ranks_over_the_rows(api, world: World):
    url = API.format(world.opening.id) + "?status=rejected&status=offer"
    body = api("admin").get(url).get_json()
    assert _names(body) == ["Cleo", "Bruno"]
    assert [c["rank"] for c in body["candidates"]] == [1, 2]
    assert body["statuses"] == ["offer", "rejected"]  # in pipeline order
    # The numbers are the ranking's own: a row depends on the team and the candidate alone.
    for row in body["candidates"]:
        assert row["forecast_weeks"] == pytest.approx(WITH[row["name"]], rel=1e-6)
        assert row["weeks_saved"] == pytest.approx(TEAM_ALONE - WITH[row["name"]], rel=1e-6)
    withdrawn = api("admin").get(API.format(world.opening.id) + "?status=withdrawn").get_json()
    assert _names(withdrawn) == ["Dana"] and withdrawn["candidates"][0]["rank"] == 1


@pytest.mark.parametrize(
    "query, named",
    [
        ("status=fired", "'fired'"),
        ("status=offer&status=Offer", "'Offer'"),
        ("status=offer,rejected", "'offer,rejected'"),  # repeat the parameter instead
        ("status=", "''"),
    ],
)
def test_an_unknown_status_is_refused_by_name(api, world: World, query, named):
    response = api("admin").get(f"{API.format(world.opening.id)}?{query}")
    assert response.status_code == 422
    problems = response.get_json()["error"]["fields"]["status"]
    assert any(named in p and "is not a candidate status" in p for p in problems), problems


def test_the_document_describes_the_filter(api, world: World):
    document = api("admin").get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/openings/{opening_id}/ranking"]["get"]
    (status,) = [p for p in operation["parameters"] if p["name"] == "status"]
    assert status["in"] == "query" and status["explode"] is True
    assert status["schema"]["items"]["enum"][-1] == "withdrawn"
    assert "422" in operation["responses"]
    row = document["components"]["schemas"]["RankedCandidatePublic"]["properties"]
    assert row["too_close_to_call"]["type"] == "boolean"


def test_the_page_leaves_rejected_and_withdrawn_out_until_ticked(client_for, world: World):
    client = client_for(world.manager)
    page = client.get(f"/openings/{world.opening.id}/ranking").get_data(as_text=True)
    table = page.split('id="ranking"')[1]
    assert '">Avery</a>' in table and '">Cleo</a>' in table
    assert '">Bruno</a>' not in table and '">Dana</a>' not in table
    assert "Left out now: 1 rejected, 1 withdrawn." in page
    # The control: a checkbox per status, the ones ranked ticked.
    assert 'id="status-offer" checked' in page and 'id="status-rejected">' in page
    assert 'id="status-withdrawn">' in page
    # Ranks count the rows shown: Avery 1, Cleo 2.
    assert table.index('">Avery</a>') < table.index('">Cleo</a>')
    every = "&".join(f"status={s}" for s in ("interviewing", "offer", "rejected", "withdrawn"))
    shown = client.get(f"/openings/{world.opening.id}/ranking?{every}").get_data(as_text=True)
    table = shown.split('id="ranking"')[1]
    positions = [table.index(f'">{name}</a>') for name in ("Avery", "Cleo", "Bruno", "Dana")]
    assert positions == sorted(positions)
    assert 'id="status-rejected" checked' in shown and "Left out now" not in shown
    # The CSV link keeps the filter, so the download has the page's ranks.
    assert "ranking.csv?status=interviewing&amp;status=offer&amp;status=rejected" in shown


def test_offers_and_decisions_are_marked_on_the_page(client_for, world: World):
    client = client_for(world.manager)
    url = f"/openings/{world.opening.id}/ranking?status=offer&status=withdrawn"
    table = client.get(url).get_data(as_text=True).split('id="ranking"')[1]
    assert '<span class="badge status-offer text-bg-primary">Offer made</span>' in table
    assert "status-withdrawn" in table


def test_a_hand_edited_unknown_status_is_named_not_a_crash(client_for, world: World):
    client = client_for(world.manager)
    response = client.get(f"/openings/{world.opening.id}/ranking?status=fired&status=offer")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a candidate status, so left out of the filter: fired." in page
    assert '">Cleo</a>' in page.split('id="ranking"')[1]
    alone = client.get(f"/openings/{world.opening.id}/ranking?status=fired")
    assert alone.status_code == 200  # nothing known asked for: the page's default
    assert '">Avery</a>' in alone.get_data(as_text=True).split('id="ranking"')[1]


def _csv(client, url: str) -> list[dict[str, str]]:
    text = client.get(url).get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_follows_the_page_filter(client_for, world: World):
    client = client_for(world.manager)
    rows = _csv(client, f"/openings/{world.opening.id}/ranking.csv")
    assert [(r["rank"], r["name"], r["status"]) for r in rows] == [
        ("1", "Avery", "interviewing"),
        ("2", "Cleo", "offer"),
    ]
    assert [r["too_close_to_call"] for r in rows] == ["no", "no"]
    rows = _csv(client, f"/openings/{world.opening.id}/ranking.csv?status=rejected")
    assert [(r["rank"], r["name"]) for r in rows] == [("1", "Bruno")]
