"""Compare (issue 13): two to four candidates of an opening side by side, on a page and in the
API, with the ranking's own numbers for each, the forecast with all of them together, the
independence rule kept, and a wrong list told plainly (never a 500)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from hiring.accounts.service import create_token
from hiring.ranking import RankInput, candidate_person
from hiring.rubric import Rubric
from team.areas import get_settings
from team.calendar_forecast import team_weeks, weeks_saved
from team.report import counted_members
from team.timeline import current_calendar, people_of
from team.work import area_totals
from tests.hiring.decisions.conftest import CARDS, TEAM_ALONE, WITH, World

NUMBERS = (
    "forecast_weeks",
    "weeks_saved",
    "weeks_saved_low",
    "weeks_saved_high",
    "finish_date",
    "start_date",
    "levels",
    "rubric",
)


def _compare(client, world: World, *names: str):
    query = "&".join(f"c={world.id(n)}" for n in names)
    return client.get(f"/api/v1/openings/{world.opening.id}/compare?{query}")


def test_each_candidates_numbers_are_the_rankings(api, world: World):
    client = api("leadership")
    ranking = client.get(f"/api/v1/openings/{world.opening.id}/ranking").get_json()
    rows = {r["id"]: r for r in ranking["candidates"]}
    body = _compare(client, world, "Dana", "Avery", "Bruno", "Cleo").get_json()
    assert [c["name"] for c in body["candidates"]] == ["Dana", "Avery", "Bruno", "Cleo"]
    for compared in body["candidates"]:
        for field in NUMBERS:
            assert compared[field] == rows[compared["id"]][field], (compared["name"], field)
        assert compared["weeks_saved"] == pytest.approx(
            TEAM_ALONE - WITH[compared["name"]], rel=1e-6
        )
        assert compared["status"] in ("interviewing", "offer", "rejected", "withdrawn")
        (card,) = compared["cards"]
        assert card == {
            "interviewer": "ivo@example.com",
            "name": "Ivo Interviewer",
            "ratings": CARDS[compared["name"]],
            "recommendation": "yes",
        }
    assert body["forecast_weeks"] == pytest.approx(TEAM_ALONE, rel=1e-6)
    assert body["hidden"] == []


def test_together_is_the_forecast_with_all_of_them(api, world: World, db: Session):
    """Avery takes the data (5 points at 5 a week: one week) while Ada and Cleo research at 5 a
    week each; Avery then helps: 5T + 5T + 1.75(T - 1) = 10 gives T = 1, and the data lands
    then too. Checked against `team_weeks` on the team plus each as the ranking tries them."""
    body = _compare(api("admin"), world, "Avery", "Cleo").get_json()
    together = body["together"]
    assert together["candidate_ids"] == [world.id("Avery"), world.id("Cleo")]
    assert together["forecast_weeks"] == pytest.approx(1.0, abs=1e-6)
    assert together["weeks_saved"] == pytest.approx(TEAM_ALONE - 1.0, abs=1e-6)
    settings = get_settings(session=db)
    calendar = current_calendar(session=db)
    team = people_of(counted_members(session=db, calendar=calendar), session=db)
    demand = {t.key: t.open_points for t in area_totals(session=db)}
    extras = [
        candidate_person(
            RankInput(
                id=c["id"],
                name=c["name"],
                levels=c["levels"],
                rubric=Rubric("passes", True, "", ()),
                start=calendar.plan_start,  # no notice: the plan start
            )
        )
        for c in body["candidates"]
    ]
    expected = team_weeks(
        [*team, *extras], demand, calendar, settings.velocities, settings.points_per_week
    )
    assert together["forecast_weeks"] == pytest.approx(expected, rel=1e-9)
    assert together["weeks_saved"] == pytest.approx(
        weeks_saved(body["forecast_weeks"], expected), rel=1e-9
    )


def test_the_page_shows_them_side_by_side(client_for, world: World):
    client = client_for(world.manager)
    url = f"/openings/{world.opening.id}/compare?c={world.id('Avery')}&c={world.id('Cleo')}"
    response = client.get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    table = page.split('id="compare"')[1]
    assert table.index('">Avery</a>') < table.index('">Cleo</a>')
    # 12 weeks - 9 days (1.74) and 12 - 2.7 weeks (2.67): differences of the shown ends.
    assert '<span class="fw-semibold">10.2 weeks</span>' in table
    assert '<span class="fw-semibold">9.3 weeks</span>' in table
    assert '<svg class="range-bar"' in table
    together = page.split('id="together-forecast"')[1].split("</p>")[0]
    assert "With Avery and Cleo both on the team" in together
    assert "<strong>11 weeks sooner</strong>" in together
    cards = page.split('id="compare-cards"')[1]
    assert '<span class="person" title="ivo@example.com">Ivo Interviewer</span>' in cards


def test_the_ranking_page_leads_to_compare(client_for, world: World):
    client = client_for(world.manager)
    page = client.get(f"/openings/{world.opening.id}/ranking").get_data(as_text=True)
    assert f'action="/openings/{world.opening.id}/compare" id="compare-form"' in page
    assert 'name="c" value="{}" form="compare-form"'.format(world.id("Avery")) in page
    top = f"/openings/{world.opening.id}/compare?c={world.id('Avery')}&amp;c={world.id('Cleo')}"
    assert f'href="{top}">or compare the top 2</a>' in page
    assert client.get(top.replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize(
    "query, message",
    [
        ("c={a}", "choose 2 to 4 candidates; 1 chosen"),
        ("c={a}&c={b}&c={c}&c={d}&c={e}", "choose 2 to 4 candidates; 5 chosen"),
        ("c={a}&c={a}", "name each candidate once"),
        ("c={a}&c=0{a}", "name each candidate once"),  # the same number
        ("c={a}&c=abc", "&#39;abc&#39; is not a candidate id"),
        ("c={a}&c=-3", "&#39;-3&#39; is not a candidate id"),
        ("c={a}&c=%EF%BC%93", "is not a candidate id"),  # a full-width digit
    ],
)
def test_a_wrong_list_is_told_on_the_page_and_in_the_api(
    api, client_for, make_candidate, world: World, query, message
):
    extra = make_candidate(world.opening, name="Extra")
    ids = {k: world.id(n) for k, n in zip("abcd", ("Avery", "Bruno", "Cleo", "Dana"), strict=True)}
    query = query.format(e=extra.id, **ids)
    response = client_for(world.manager).get(f"/openings/{world.opening.id}/compare?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose 2 to 4 different candidates to compare." in page and message in page
    assert 'id="compare-problem"' in page
    answer = api("admin").get(f"/api/v1/openings/{world.opening.id}/compare?{query}")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["c"]


def test_without_candidates_the_page_offers_them_and_the_api_refuses(api, client_for, world: World):
    response = client_for(world.manager).get(f"/openings/{world.opening.id}/compare")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="compare-problem"' not in page
    choose = page.split('id="compare-choose"')[1]
    assert "1. Avery" in choose and "2. Cleo" in choose and "Bruno" not in choose
    answer = api("admin").get(f"/api/v1/openings/{world.opening.id}/compare")
    assert answer.status_code == 422
    assert answer.get_json()["error"]["fields"]["c"] == ["choose 2 to 4 candidates; 0 chosen"]


def test_a_candidate_of_another_opening_or_none_is_not_found(
    api, client_for, make_opening, make_candidate, world: World
):
    other = make_candidate(make_opening(manager=world.manager), name="Elsewhere")
    client = client_for(world.manager)
    base = f"/openings/{world.opening.id}/compare?c={world.id('Avery')}"
    for stranger in (other.id, 987654, 10**15):
        response = client.get(f"{base}&c={stranger}")
        assert response.status_code == 404, stranger
        assert "Not a candidate of this opening" in response.get_data(as_text=True)
        answer = api("admin").get(f"/api/v1{base}&c={stranger}")
        assert answer.status_code == 404, stranger
    two_long = f"/openings/{world.opening.id}/compare?c={10**15}&c={10**15 + 1}"
    assert client.get(two_long).status_code == 404  # two different numbers, neither anyone's
    assert client.get("/openings/987654/compare?c=1&c=2").status_code == 404


def test_only_those_who_may_rank_compare(api, client_for, make_user, world: World):
    query = f"c={world.id('Avery')}&c={world.id('Cleo')}"
    page = f"/openings/{world.opening.id}/compare?{query}"
    # The panel's interviewer may not read the ranking, whatever cards they wrote.
    assert client_for(world.interviewer).get(page).status_code == 403
    # Another hiring manager does not see the opening at all.
    assert client_for(make_user("hiring_manager")).get(page).status_code == 404
    assert api("interviewer").get(f"/api/v1{page}").status_code == 403
    assert api("hiring_manager").get(f"/api/v1{page}").status_code == 404
    assert client_for(make_user("leadership")).get(page).status_code == 200


@pytest.fixture
def owner_on_panel(world: World, make_user, make_opening, make_candidate, write_card):
    """An opening whose own manager sits on its panel: Xena carded only by Wanda (expert in
    research), Yuri carded by Wanda and by the owner; the owner has no card for Xena."""
    owner = make_user("hiring_manager", "interviewer", name="Olga Owner")
    wanda = make_user("interviewer", name="Wanda Writer", email="wanda@example.com")
    opening = make_opening(manager=owner, panel=[owner, wanda])
    xena = make_candidate(opening, name="Xena")
    yuri = make_candidate(opening, name="Yuri")
    write_card(xena, wanda, {"research": 4, "engineering": 1, "data": 1}, notes="Marker")
    write_card(yuri, wanda, {"research": 1, "engineering": 1, "data": 3})
    write_card(yuri, owner, {"research": 1, "engineering": 2, "data": 3})
    return owner, opening, xena, yuri


def test_a_panelist_without_their_card_sees_nothing_derived(owner_on_panel, client_for, app, db):
    owner, opening, xena, yuri = owner_on_panel
    url = f"/openings/{opening.id}/compare?c={xena.id}&c={yuri.id}"
    page = client_for(owner).get(url).get_data(as_text=True)
    assert "Wanda Writer" in page  # Yuri's card: the owner has submitted theirs for Yuri
    assert "expert" not in page.split('id="compare"')[1].split('id="compare-cards"')[0]
    assert "Submit <a href" in page and 'id="compare-hidden"' in page
    assert "Xena is left out of this page" in page
    cards = page.split('id="compare-cards"')[1]
    assert "Marker" not in page and "expert" not in cards
    together = page.split('id="together-forecast"')[1].split("</p>")[0]
    assert "Xena" not in together and "Yuri" in together
    token = create_token(owner.id, "test", session=db)
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = client.get(f"/api/v1{url}").get_json()
    assert body["hidden"] == [{"id": xena.id, "name": "Xena"}]
    assert [c["id"] for c in body["candidates"]] == [yuri.id]
    assert body["together"]["candidate_ids"] == [yuri.id]
    assert "wanda@example.com" in {c["interviewer"] for c in body["candidates"][0]["cards"]}
