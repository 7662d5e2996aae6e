"""The ranking page and `GET /openings/{id}/ranking`: MODEL.md's order and numbers, explained.

The team is Ada alone (research strong, 0 elsewhere) with 10 research and 5 data points open.
Speeds a week (5 points a week x velocity): strong 5, basic 1.75, working 3.25, none 0.5.

- Team alone: research 10/5 = 2 weeks, data 5/0.5 = 10 weeks, one person: T = 12.
- A (1, 1, 3), passes: A does data (1 week) then research beside Ada:
  5T + 1.75(T - 1) = 10 -> T = 11.75 / 6.75 = 1.7407...
- C (3, 1, 1), passes: C does data all along at 1.75, Ada the research then data at 0.5:
  1.75T + 0.5(T - 2) = 5 -> T = 6 / 2.25 = 2.6667...
- B (4, 2, 0), below basic in data: B researches 10/6.5 weeks then data; Ada does data:
  0.5T + 0.5(T - 10/6.5) = 5 -> T = 5 + 5/6.5 = 5.769...
- D (2, 2, not assessed), incomplete: data counts as none. Ada researches 2 weeks, both do data:
  0.5T + 0.5(T - 2) = 5 -> T = 6.
Order: A, C (pass, by forecast), then B, D (the others, by forecast).

The opening runs with ramp-up, mentoring and notice off: then a candidate starts at the plan
start at full speed, and MODEL.md's calendar forecast is exactly this timeless one (the
calendar's own cases are in test_ranking_calendar.py).
"""

from __future__ import annotations

import pytest

from team.settings import update_settings

TIMELESS = {"ramp_weeks": 0, "mentoring_fte": 0, "notice_weeks": 0}

TEAM_ALONE = 12.0
WITH = {"A": 11.75 / 6.75, "C": 6 / 2.25, "B": 5 + 5 / 6.5, "D": 6.0}
CARDS = {
    "A": {"research": 1, "engineering": 1, "data": 3},
    "B": {"research": 4, "engineering": 2, "data": 0},
    "C": {"research": 3, "engineering": 1, "data": 1},
    "D": {"research": 2, "engineering": 2, "data": None},
}


@pytest.fixture
def opening(make_user, make_member, make_work_item, make_opening, make_candidate, write_card, db):
    """The opening with candidates A-D, each rated by one interviewer."""
    update_settings(session=db, calendar=TIMELESS)
    make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    make_work_item(area="research", points=10)
    make_work_item(area="data", points=5)
    make_work_item(area="engineering", points=40, status="done")
    manager = make_user("hiring_manager")
    interviewer = make_user("interviewer")
    made = make_opening(manager=manager, panel=[interviewer], target_area="data")
    for name in ("D", "C", "B", "A"):
        candidate = make_candidate(made, name=name)
        write_card(candidate, interviewer, CARDS[name], recommendation="yes")
    return made, manager


def test_api_ranks_by_rubric_then_forecast_with_exact_numbers(api, opening):
    made, _manager = opening
    body = api("leadership").get(f"/api/v1/openings/{made.id}/ranking").get_json()
    assert body["opening_id"] == made.id
    assert body["forecast_weeks"] == pytest.approx(TEAM_ALONE, rel=1e-6)
    names = [c["name"] for c in body["candidates"]]
    assert names == ["A", "C", "B", "D"]
    assert [c["rank"] for c in body["candidates"]] == [1, 2, 3, 4]
    for entry in body["candidates"]:
        assert entry["forecast_weeks"] == pytest.approx(WITH[entry["name"]], rel=1e-6)
        assert entry["weeks_saved"] == pytest.approx(TEAM_ALONE - WITH[entry["name"]], rel=1e-6)
    first = body["candidates"][0]
    assert first["rubric"] == {"passes": True, "verdict": "passes"}
    assert first["levels"] == {"research": 1, "engineering": 1, "data": 3}
    assert body["candidates"][3]["rubric"] == {"passes": False, "verdict": "incomplete"}
    assert body["candidates"][3]["levels"]["data"] is None


def test_weeks_saved_is_null_when_the_team_alone_never_finishes(
    api, make_user, make_work_item, make_opening, make_candidate, write_card
):
    make_work_item(area="data", points=5)  # and nobody on the team
    interviewer = make_user("interviewer")
    made = make_opening(panel=[interviewer])
    write_card(
        make_candidate(made, name="Solo"), interviewer, {"research": 1, "engineering": 1, "data": 3}
    )
    body = api("admin").get(f"/api/v1/openings/{made.id}/ranking").get_json()
    assert body["forecast_weeks"] is None
    assert body["candidates"][0]["weeks_saved"] is None
    # 5 points at 5 a week, from week 4 (the default notice), ramping up: weeks 4, 5 and 6 give
    # 0.25 + 0.3125 + 0.375 = 0.9375 of a week's work, and week 7 the rest at 0.4375.
    assert body["candidates"][0]["forecast_weeks"] == pytest.approx(7 + 0.0625 / 0.4375)


@pytest.mark.parametrize("role, status", [("interviewer", 403), ("hiring_manager", 404)])
def test_ranking_is_for_managers_of_the_opening_leadership_and_admins(api, opening, role, status):
    made, _manager = opening
    # An interviewer may not rank; another hiring manager does not see this opening at all.
    assert api(role).get(f"/api/v1/openings/{made.id}/ranking").status_code == status


def test_page_shows_the_order_the_numbers_and_who_said_what(client, login, opening):
    made, manager = opening
    login(manager)
    page = client.get(f"/openings/{made.id}/ranking")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<span id="team-forecast">12 weeks</span>' in html
    positions = [html.index(f'">{name}</a>') for name in ("A", "C", "B", "D")]
    assert positions == sorted(positions)
    # A: 1.74 weeks reads 9 days (under 2 weeks); A saves 12 weeks - 9 days = 10.2 weeks, the
    # difference of the shown ends (10.26 weeks before rounding).
    assert 'data-label="Work lands with them">' in html and "9 days</div>" in html
    assert 'data-label="Would save">10.2 weeks<svg' in html
    assert "not assessed in Data engineering" in html  # D's verdict, in words
    assert "Nobody has rated: Data engineering." in html
    assert "The rank informs; it does not decide." in html


def test_a_submitted_correction_moves_the_ranking_at_once(api, opening, db, make_user):
    """No cache: a new revision of a card shows in the very next ranking."""
    from sqlmodel import select

    from hiring.accounts.models import User
    from hiring.openings import scorecards
    from hiring.openings.models import Candidate
    from hiring.openings.schemas import ScorecardIn
    from tests.hiring.conftest import viewer_of

    made, _manager = opening
    reader = api("admin")
    before = reader.get(f"/api/v1/openings/{made.id}/ranking").get_json()
    assert [c["name"] for c in before["candidates"]][:2] == ["A", "C"]
    candidate_c = db.exec(select(Candidate).where(Candidate.name == "C")).one()
    interviewer = db.exec(select(User).where(User.email == made.panel[0])).one()
    viewer = viewer_of(interviewer, db)
    scorecards.revise_card(candidate_c.id, viewer=viewer, session=db)
    scorecards.save_card(
        candidate_c.id,
        ScorecardIn(
            ratings={"research": 3, "engineering": 1, "data": 4},
            recommendation="strong_yes",
            submit=True,
        ),
        viewer=viewer,
        session=db,
    )
    db.commit()
    after = reader.get(f"/api/v1/openings/{made.id}/ranking").get_json()
    assert [c["name"] for c in after["candidates"]][:2] == ["C", "A"]


def test_ranking_downloads_as_csv_in_the_same_order(client, login, opening):
    import csv
    import io

    made, manager = opening
    login(manager)
    response = client.get(f"/openings/{made.id}/ranking.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["name"] for r in rows] == ["A", "C", "B", "D"]
    assert float(rows[0]["weeks_saved"]) == pytest.approx(TEAM_ALONE - WITH["A"], rel=1e-5)
    assert rows[3]["data"] == "" and rows[3]["verdict"] == "incomplete"


def test_a_hire_on_the_team_is_counted_once(api, opening, db):
    """Once A is hired and added, the team is Ada + A: A's entry compares the team without A
    (12 weeks) with the team with A (11.75/6.75), and the others are tried on Ada + A."""
    from sqlmodel import select

    from hiring.openings import candidates as candidates_service
    from hiring.openings import service
    from hiring.openings.models import Candidate
    from team.schemas import MemberCreate
    from tests.hiring.conftest import viewer_of

    made, manager = opening
    a = db.exec(select(Candidate).where(Candidate.name == "A")).one()
    viewer = viewer_of(manager, db)
    service.set_status(a.id, "hired", viewer=viewer, session=db)
    levels = {"research": 1, "engineering": 1, "data": 3}
    candidates_service.add_hire_to_team(
        a.id,
        MemberCreate(name="A", email="a@example.com", levels=levels),
        viewer=viewer,
        session=db,
    )
    db.commit()
    body = api("leadership").get(f"/api/v1/openings/{made.id}/ranking").get_json()
    with_a = WITH["A"]
    assert body["forecast_weeks"] == pytest.approx(with_a, rel=1e-6)  # the team now has A
    entries = {c["name"]: c for c in body["candidates"]}
    assert entries["A"]["forecast_weeks"] == pytest.approx(with_a, rel=1e-6)
    assert entries["A"]["weeks_saved"] == pytest.approx(TEAM_ALONE - with_a, rel=1e-6)
    for name in ("B", "C", "D"):  # tried on Ada + A: none can beat A's plan by much
        assert entries[name]["forecast_weeks"] < with_a
        assert entries[name]["weeks_saved"] == pytest.approx(
            with_a - entries[name]["forecast_weeks"], rel=1e-6
        )
    page = api("leadership").get(f"/openings/{made.id}/ranking")
    assert page.status_code in (302, 401)  # pages take the session, not tokens


def test_the_ranking_page_explains_a_hire_on_the_team(opening, client_for, db):
    from sqlmodel import select

    from hiring.openings import candidates as candidates_service
    from hiring.openings import service
    from hiring.openings.models import Candidate
    from team.schemas import MemberCreate
    from tests.hiring.conftest import viewer_of

    made, manager = opening
    a = db.exec(select(Candidate).where(Candidate.name == "A")).one()
    viewer = viewer_of(manager, db)
    service.set_status(a.id, "hired", viewer=viewer, session=db)
    candidates_service.add_hire_to_team(
        a.id,
        MemberCreate(
            name="A", email="a@example.com", levels={"research": 1, "engineering": 1, "data": 3}
        ),
        viewer=viewer,
        session=db,
    )
    db.commit()
    page = client_for(manager).get(f"/openings/{made.id}/ranking").get_data(as_text=True)
    assert "on the team" in page
    assert "Already on the team, so counted against the team without them." in page
    assert "Without A: 12 weeks. With them full-time from " in page
    assert ": 9 days, 10.2 weeks sooner." in page


def test_the_page_lists_the_top_and_every_row_on_request(app, opening, client_for):
    made, manager = opening
    client = client_for(manager)
    app.config["RANKING_TOP_ROWS"] = 2  # four candidates: the top two shown
    top = client.get(f"/openings/{made.id}/ranking").get_data(as_text=True)
    assert top.count('class="explain"') == 2
    assert "Showing the top 2 of 4 candidates." in top
    assert f'href="/openings/{made.id}/ranking?rows=all">Show all 4</a>' in top
    every = client.get(f"/openings/{made.id}/ranking?rows=all").get_data(as_text=True)
    assert every.count('class="explain"') == 4
    assert "Showing the top" not in every


def test_every_page_names_a_verdict_with_its_one_label(client, login, opening, api):
    """The ranking, the opening, each candidate and the comparison show a verdict by the same
    words (hiring.rubric.VERDICT_NAMES), whatever page it is on."""
    import re

    from hiring.rubric import VERDICT_NAMES

    made, manager = opening
    login(manager)
    body = api("leadership").get(f"/api/v1/openings/{made.id}/ranking").get_json()
    ranked = body["candidates"]
    expected = {row["name"]: VERDICT_NAMES[row["rubric"]["verdict"]] for row in ranked}
    assert set(expected.values()) >= {"Passes", "Not fully assessed", "Below basic in an area"}
    badge = re.compile(r'<span class="badge [^"]*\bverdict\b[^"]*"[^>]*>([^<]*)</span>')
    pages = [f"/openings/{made.id}/ranking", f"/openings/{made.id}"]
    pages += [f"/candidates/{row['id']}" for row in ranked]
    chosen = "&".join(f"c={row['id']}" for row in ranked[:3])
    pages.append(f"/openings/{made.id}/compare?{chosen}")
    seen: set[str] = set()
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        labels = badge.findall(response.get_data(as_text=True))
        assert labels, path
        assert set(labels) <= set(VERDICT_NAMES.values()), (path, labels)
        seen |= set(labels)
    assert seen == set(expected.values())
