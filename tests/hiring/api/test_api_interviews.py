"""The interview structure's API: focus areas per panel seat, interview dates, each area's guide
and the cards an interviewer owes; who may call what, and bad input refused with nothing written.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from hiring.openings.schemas import OpeningUpdate
from hiring.openings.service import update_opening
from team.levels import LEVEL_MEANINGS
from tests.hiring.conftest import viewer_of
from tests.hiring.security.conftest import snapshot

API = "/api/v1"


@pytest.fixture
def world(make_user, make_opening, make_candidate) -> dict[str, Any]:
    """An opening managed by someone who also sits on its panel, two more panelists, two
    candidates, and the other people of the permission matrix."""
    one = make_user("interviewer", name="Ines One", email="ines@example.com")
    two = make_user("interviewer", name="Theo Two", email="theo@example.com")
    both = make_user("hiring_manager", "interviewer", name="Bo Both", email="bo@example.com")
    opening = make_opening(manager=both, panel=[one, two, both], title="Data engineer")
    make_opening(panel=[two])
    return {
        "people": {
            "interviewer": one,
            "other_hm": make_user("hiring_manager"),
            "hm_of_opening": both,
            "leadership": make_user("leadership"),
            "admin": make_user("admin"),
            "leader_interviewer": make_user("leadership", "interviewer"),
            "admin_interviewer": make_user("admin", "interviewer"),
        },
        "one": one,
        "two": two,
        "opening": opening,
        "ada": make_candidate(opening, name="Ada Lovelace"),
        "bob": make_candidate(opening, name="Bob Byte"),
    }


def _error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    return response.get_json()["error"]


# Who changes focus areas and interview dates: the opening's manager and admins; others who
# see the opening are refused (403), those who do not see it are told nothing (404).
WRITES = {
    "interviewer": 403,
    "other_hm": 404,
    "hm_of_opening": 200,
    "leadership": 403,
    "admin": 200,
    "leader_interviewer": 403,
    "admin_interviewer": 200,
}


@pytest.mark.parametrize(("who", "status"), sorted(WRITES.items()))
def test_who_sets_focus_areas(world, api_as, db, who, status):
    one, opening = world["one"], world["opening"]
    client = api_as(world["people"][who])
    before = snapshot(db)
    url = f"{API}/openings/{opening.id}/panel/{one.id}/focus"
    response = client.put(url, json={"areas": ["data", "research", "data"]})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 200:
        assert response.get_json() == {
            "user_id": one.id,
            "email": "ines@example.com",
            "name": "Ines One",
            "focus": ["research", "data"],  # display order, each once
        }
        seats = client.get(f"{API}/openings/{opening.id}/panel").get_json()["seats"]
        assert [(s["name"], s["focus"]) for s in seats] == [
            ("Bo Both", []),
            ("Ines One", ["research", "data"]),
            ("Theo Two", []),
        ]
        assert client.put(url, json={}).get_json()["focus"] == []  # nothing sent: cleared
    else:
        assert snapshot(db) == before


@pytest.mark.parametrize(("who", "status"), sorted(WRITES.items()))
def test_who_sets_interview_dates(world, api_as, db, who, status):
    one, ada = world["one"], world["ada"]
    client = api_as(world["people"][who])
    before = snapshot(db)
    url = f"{API}/candidates/{ada.id}/interviews/{one.id}"
    response = client.put(url, json={"date": "2027-03-02"})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    if status == 200:
        assert response.get_json() == {
            "candidate_id": ada.id,
            "user_id": one.id,
            "email": "ines@example.com",
            "name": "Ines One",
            "date": "2027-03-02",
        }
        assert client.put(url, json={"date": None}).get_json()["date"] is None
    else:
        assert snapshot(db) == before


READS = {
    "interviewer": 200,
    "other_hm": 404,
    "hm_of_opening": 200,
    "leadership": 200,
    "admin": 200,
    "leader_interviewer": 200,
    "admin_interviewer": 200,
}


@pytest.mark.parametrize(("who", "status"), sorted(READS.items()))
def test_who_reads_the_panel_and_the_dates(world, api_as, db, who, status):
    one, ada = world["one"], world["ada"]
    api_as(world["people"]["hm_of_opening"]).put(
        f"{API}/candidates/{ada.id}/interviews/{one.id}", json={"date": "2027-03-02"}
    )
    client = api_as(world["people"][who])
    panel = client.get(f"{API}/openings/{world['opening'].id}/panel")
    dates = client.get(f"{API}/candidates/{ada.id}/interviews")
    assert (panel.status_code, dates.status_code) == (status, status)
    if status == 200:
        items = dates.get_json()["items"]
        assert [(i["name"], i["date"]) for i in items] == [
            ("Bo Both", None),
            ("Ines One", "2027-03-02"),
            ("Theo Two", None),
        ]


@pytest.mark.parametrize(
    "sent",
    ["NaN", "2027-02-30", "2027-3-1", "", "garbage", "2027-03-02T10:00:00", 20270302, 1.5, True],
)
def test_an_interview_date_must_be_a_real_day(world, api_as, db, sent):
    client = api_as(world["people"]["admin"])
    before = snapshot(db)
    url = f"{API}/candidates/{world['ada'].id}/interviews/{world['one'].id}"
    error = _error(client.put(url, json={"date": sent}), 422)
    assert list(error["fields"]) == ["date"]
    assert snapshot(db) == before


def test_nan_written_bare_is_not_json_and_a_missing_date_is_named(world, api_as, db):
    client = api_as(world["people"]["admin"])
    url = f"{API}/candidates/{world['ada'].id}/interviews/{world['one'].id}"
    before = snapshot(db)
    response = client.put(url, data='{"date": NaN}', content_type="application/json")
    assert response.status_code in (400, 422)
    assert "date" in _error(client.put(url, json={}), 422)["fields"]
    assert "when" in _error(client.put(url, json={"date": "2027-03-02", "when": 1}), 422)["fields"]
    assert snapshot(db) == before


def test_focus_and_dates_only_for_the_panel_and_known_areas(world, api_as, db, make_user):
    client = api_as(world["people"]["hm_of_opening"])
    stranger = make_user("interviewer")
    opening, ada, one = world["opening"], world["ada"], world["one"]
    before = snapshot(db)
    error = _error(
        client.put(f"{API}/openings/{opening.id}/panel/{stranger.id}/focus", json={"areas": []}),
        422,
    )
    assert error["fields"] == {"user_id": ["is not on this opening's panel"]}
    error = _error(
        client.put(
            f"{API}/candidates/{ada.id}/interviews/{stranger.id}", json={"date": "2027-03-02"}
        ),
        422,
    )
    assert error["fields"] == {"user_id": ["is not on this opening's panel"]}
    error = _error(
        client.put(
            f"{API}/openings/{opening.id}/panel/{one.id}/focus",
            json={"areas": ["data", "astrology"]},
        ),
        422,
    )
    assert error["fields"] == {"areas": ["'astrology' is not a known area"]}
    assert _error(
        client.put(f"{API}/openings/{opening.id}/panel/{one.id}/focus", json={"areas": "data"}), 422
    )
    assert snapshot(db) == before


def test_a_panelist_who_leaves_keeps_no_date_on_the_list(world, api_as, db):
    client = api_as(world["people"]["hm_of_opening"])
    ada, one, two = world["ada"], world["one"], world["two"]
    client.put(f"{API}/candidates/{ada.id}/interviews/{one.id}", json={"date": "2027-03-02"})
    viewer = viewer_of(world["people"]["hm_of_opening"], db)
    update_opening(
        world["opening"].id,
        OpeningUpdate(panel=[two.email, "bo@example.com"]),
        viewer=viewer,
        session=db,
    )
    db.commit()
    items = client.get(f"{API}/candidates/{ada.id}/interviews").get_json()["items"]
    assert [i["name"] for i in items] == ["Bo Both", "Theo Two"]
    error = _error(
        client.put(f"{API}/candidates/{ada.id}/interviews/{one.id}", json={"date": None}), 422
    )
    assert error["fields"] == {"user_id": ["is not on this opening's panel"]}


# --- area guides ---------------------------------------------------------------------------


def test_an_area_guide_defaults_to_model_md_and_admins_replace_it(world, api_as, db):
    reader = api_as(world["people"]["interviewer"])
    guide = reader.get(f"{API}/areas/data/guide").get_json()
    assert guide == {
        "area": "data",
        "name": "Data engineering",
        "levels": {str(n): meaning for n, meaning in enumerate(LEVEL_MEANINGS)},
        "edited": [],
        "questions": [],
    }
    admin = api_as(world["people"]["admin_interviewer"])
    sent = {
        "levels": {"3": "  Designs a pipeline end to end  ", "1": LEVEL_MEANINGS[1]},
        "questions": ["Walk me through a pipeline.", "  How do you backfill?  "],
    }
    changed = admin.put(f"{API}/areas/data/guide", json=sent).get_json()
    assert changed["levels"]["3"] == "Designs a pipeline end to end"
    assert changed["levels"]["1"] == LEVEL_MEANINGS[1] and changed["edited"] == [3]
    assert changed["questions"] == ["Walk me through a pipeline.", "How do you backfill?"]
    assert reader.get(f"{API}/areas/data/guide").get_json() == changed
    assert reader.get(f"{API}/areas/research/guide").get_json()["edited"] == []
    # The whole guide is replaced: an empty body brings the defaults back.
    assert admin.put(f"{API}/areas/data/guide", json={}).get_json() == guide
    assert reader.get(f"{API}/areas/astrology/guide").status_code == 404
    assert reader.get(f"{API}/areas/DATA%00/guide").status_code == 404


@pytest.mark.parametrize(
    "who", ["interviewer", "hm_of_opening", "leadership", "leader_interviewer"]
)
def test_only_admins_change_a_guide(world, api_as, db, who):
    client = api_as(world["people"][who])
    before = snapshot(db)
    _error(client.put(f"{API}/areas/data/guide", json={"questions": []}), 403)
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"questions": [f"Question {n}?" for n in range(6)]}, "questions"),
        ({"levels": {"2": ""}}, "levels.2"),
        ({"levels": {"2": "   "}}, "levels.2"),
        ({"levels": {"2": "x" * 301}}, "levels.2"),
        ({"levels": {"5": "beyond expert"}}, "levels.5"),
        ({"levels": {"2": None}}, "levels.2"),
        ({"questions": ["fine?", ""]}, "questions.1"),
        ({"questions": ["q" * 301]}, "questions.0"),
        ({"questions": ["null\x00byte"]}, "questions.0"),
        ({"questions": "one question"}, "questions"),
        ({"levels": ["a", "b"]}, "levels"),
        ({"meanings": {}}, "meanings"),
    ],
    ids=[
        "six-questions",
        "empty-meaning",
        "blank-meaning",
        "long-meaning",
        "level-5",
        "null-meaning",
        "empty-question",
        "long-question",
        "nul",
        "not-a-list",
        "not-an-object",
        "unknown-field",
    ],
)
def test_bad_guides_are_422_naming_the_field_and_write_nothing(world, api_as, db, body, field):
    admin = api_as(world["people"]["admin"])
    before = snapshot(db)
    error = _error(admin.put(f"{API}/areas/data/guide", json=body), 422)
    assert field in error["fields"], error
    if field == "questions" and isinstance(body["questions"], list):
        assert error["fields"]["questions"] == [
            "send at most 5 entries, not 6: an area has at most 5 suggested questions"
        ]
    assert snapshot(db) == before


# --- cards to write ------------------------------------------------------------------------


def test_cards_to_write_come_soonest_interview_first(world, api_as, write_card, make_candidate):
    one, ada, bob = world["one"], world["ada"], world["bob"]
    cy = make_candidate(world["opening"], name="Cy Undated")
    manager = api_as(world["people"]["hm_of_opening"])
    soon = date.today() + timedelta(days=1)
    manager.put(f"{API}/candidates/{ada.id}/interviews/{one.id}", json={"date": str(soon)})
    manager.put(
        f"{API}/candidates/{bob.id}/interviews/{one.id}",
        json={"date": str(soon - timedelta(days=3))},  # in the past: overdue, first of all
    )
    manager.put(
        f"{API}/openings/{world['opening'].id}/panel/{one.id}/focus", json={"areas": ["data"]}
    )
    write_card(ada, one, {"data": 3}, submit=False)
    client = api_as(one)
    page = client.get(f"{API}/cards-to-write").get_json()
    assert page["total"] == 3
    assert [(i["candidate_name"], i["interview_date"], i["draft"]) for i in page["items"]] == [
        ("Bob Byte", str(soon - timedelta(days=3)), False),
        ("Ada Lovelace", str(soon), True),
        (cy.name, None, False),
    ]
    assert {tuple(i["focus"]) for i in page["items"]} == {("data",)}
    write_card(bob, one, {"data": 3})
    later = client.get(f"{API}/cards-to-write?limit=1&offset=1").get_json()
    assert later["total"] == 2 and [i["candidate_name"] for i in later["items"]] == [cy.name]
    assert api_as(world["people"]["leadership"]).get(f"{API}/cards-to-write").status_code == 403
