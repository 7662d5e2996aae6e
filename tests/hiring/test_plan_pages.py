"""The ticket plan's page (/plan), its publishing form, a member's queue on their page and the
coverage report's "who works where" (MODEL.md, "The ticket plan"): what each shows, in words
checked by hand, who may see and do what, the filters and pages of lanes, and the empty states."""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from team import members as members_service
from team import plan_lanes
from team.models import PlanPublication, Settings
from tests.conftest import csrf_token, post_form

PLAN_START = date(2027, 1, 4)  # a Monday


def words_of(markup: str) -> str:
    """Markup as text: inline tags dropped, other tags a space, entities decoded, white space
    collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    markup = re.sub(r"</?(span|a|strong|code|em)\b[^>]*>", "", markup)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def text(response) -> str:
    """The page as text."""
    return words_of(response.get_data(as_text=True))


def page(response) -> str:
    """The page's HTML, entities decoded."""
    return html_lib.unescape(response.get_data(as_text=True))


def section(response, element_id: str) -> str:
    """The text of the element with that id, up to its closing tag of the same name."""
    body = response.get_data(as_text=True)
    start = re.search(rf'<(\w+)[^>]*\bid="{element_id}"', body)
    assert start, f"no #{element_id} on the page"
    tag = start.group(1)
    depth, at = 0, start.start()
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", body[at:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return words_of(body[at : at + match.end()])
    raise AssertionError(f"#{element_id} is not closed")


def publications(db: Session) -> int:
    db.rollback()
    found = db.exec(select(func.count()).select_from(PlanPublication)).one()
    db.rollback()
    return found


@pytest.fixture(autouse=True)
def fixed_plan_start(db):
    """Every plan here starts on Monday 4 January 2027, so dates can be checked by hand."""
    settings = db.get(Settings, 1)
    settings.plan_start = PLAN_START
    db.add(settings)
    db.commit()


@pytest.fixture
def mei_and_diego(make_member, make_work_item):
    """Mei is strong in research, Diego in engineering; each is basic in the other's area.

    A 3-point ticket takes a strong person 3 / (5 * 1.00) = 0.6 weeks (3 days) and a basic one
    3 / (5 * 0.35) = 1.7 weeks (8.6 days, shown as 9), so the plan gives each of them the ticket
    of their own area:
    both finish after 3 working days, on Wednesday 6 January 2027, which is also the forecast
    (no plan finishes sooner). The research ticket's manual assignee is Diego.
    """
    mei = make_member(
        name="Mei Chen",
        email="mei@example.com",
        levels={"research": 3, "engineering": 1, "data": 0},
    )
    diego = make_member(
        name="Diego Alvarez",
        email="diego@example.com",
        levels={"research": 1, "engineering": 3, "data": 0},
    )
    research = make_work_item(
        title="Baseline model", area="research", points=3, assignee="diego@example.com"
    )
    engineering = make_work_item(title="Scoring API", area="engineering", points=3)
    make_work_item(title="Old report", area="data", points=2, status="done")
    return mei, diego, research, engineering


# --- who may see and do what -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("roles", "status"),
    [
        (("admin",), 200),
        (("hiring_manager",), 200),
        (("leadership",), 200),
        (("interviewer",), 403),
        (("hiring_manager", "interviewer"), 200),
        (("leadership", "interviewer"), 200),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, tuple) else None,
)
def test_who_may_open_the_plan(client: FlaskClient, as_role, mei_and_diego, roles, status):
    as_role(*roles)
    response = client.get("/plan")
    assert response.status_code == status
    menu = client.get("/profile").get_data(as_text=True)
    assert ('href="/plan"' in menu) == (status == 200)  # the menu offers it only to them


def test_the_plan_page_asks_for_a_login(client: FlaskClient):
    response = client.get("/plan?area=research")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("roles", "may_publish"),
    [
        (("admin",), True),
        (("hiring_manager",), True),
        (("hiring_manager", "interviewer"), True),
        (("leadership",), False),
        (("leadership", "interviewer"), False),
    ],
    ids=lambda value: "+".join(value) if isinstance(value, tuple) else None,
)
def test_only_hiring_managers_and_admins_publish(
    client: FlaskClient, db, as_role, mei_and_diego, roles, may_publish
):
    as_role(*roles)
    shown = client.get("/plan")
    assert ('id="publish-form"' in shown.get_data(as_text=True)) == may_publish
    token = csrf_token(client, "/plan")  # every page has one (the menu's Log out)
    response = client.post("/plan/publish", data={"csrf_token": token, "seen": "0"})
    assert response.status_code == (303 if may_publish else 403)
    assert publications(db) == (1 if may_publish else 0)


def test_an_interviewer_cannot_publish(client: FlaskClient, db, as_role, mei_and_diego):
    as_role("interviewer")
    token = csrf_token(client, "/profile")
    response = client.post("/plan/publish", data={"csrf_token": token, "seen": "0"})
    assert response.status_code == 403
    assert publications(db) == 0


# --- what the page says ------------------------------------------------------------------------


def test_the_finish_comes_first_then_the_bound_and_the_gap(
    client: FlaskClient, as_role, mei_and_diego
):
    as_role("leadership")
    response = client.get("/plan")
    assert response.status_code == 200
    words = text(response)
    assert words.index("about 6 January 2027") < words.index("No plan can finish before")
    assert section(response, "plan-finish") == "about 6 January 2027"
    assert section(response, "plan-weeks") == "3 days from the plan start, 4 January 2027."
    assert section(response, "plan-bound") == (
        "No plan can finish before 3 days (the forecast, with work divisible between "
        "people); this plan finishes then: it is the best possible."
    )


def test_a_gap_is_said_in_percent_and_a_proven_best_says_so(
    client: FlaskClient, as_role, make_member, make_work_item
):
    """Two strong people and three 5-point tickets: one of them takes two (2 weeks), while
    the work divided would take 15 / 10 = 1.5 weeks (7.5 working days, shown as 8 days);
    2 / 1.5 - 1 = 33.3%, and no plan of whole tickets does better (the small plan is solved
    exactly)."""
    for name in ("Ada", "Bo"):
        make_member(name=name, levels={"research": 3, "engineering": 0, "data": 0})
    for n in range(3):
        make_work_item(title=f"Study {n}", area="research", points=5)
    as_role("hiring_manager")
    response = client.get("/plan")
    assert section(response, "plan-weeks") == "2 weeks from the plan start, 4 January 2027."
    assert section(response, "plan-bound") == (
        "No plan can finish before 8 days (the forecast, with work divisible between "
        "people); this one is 33.3% later, and no plan of whole tickets finishes sooner "
        "(proven)."
    )


def test_each_ticket_shows_its_points_and_its_size_for_two_people(
    client: FlaskClient, as_role, mei_and_diego
):
    mei, diego, research, engineering = mei_and_diego
    as_role("hiring_manager")
    response = client.get("/plan")
    row = section(response, f"item-{research.id}")
    assert "Baseline model · ML research" in row
    # Mei has it; Diego is both the quickest other in research and its manual assignee.
    assert (
        "3 points: 3 days for Mei Chen, 9 days for Diego Alvarez (quickest other; assigned by "
        "hand)" in row
    )
    assert "assigned by hand to Diego Alvarez" in row
    assert "4 January 2027" in row and "6 January 2027" in row
    other = section(response, f"item-{engineering.id}")
    assert "3 points: 3 days for Diego Alvarez, 9 days for Mei Chen (quickest other)" in other
    # The chart draws the same ticket with the same words in its tooltip, and is labelled.
    body = page(response)
    assert re.search(r'<svg class="gantt"[^>]*role="img"[^>]*aria-labelledby="gantt-title', body)
    bar = re.search(rf'<g class="bar [^"]*" data-item="{research.id}"><title>([^<]*)</title>', body)
    assert bar is not None
    assert "Baseline model (ML research). 3 points: 3 days for Mei Chen, 9 days for" in bar[1]
    assert "4 January 2027 to 6 January 2027" in bar[1]
    # A lane per person, named with their FTE, with their calendar file.
    assert section(response, f"lane-name-{mei.id}").startswith("Mei Chen FTE 1 · 1 ticket")
    assert f'href="/plan/members/{mei.id}.ics"' in body
    assert 'href="/plan.csv"' in body


def test_what_following_the_manual_assignees_would_cost(
    client: FlaskClient, as_role, mei_and_diego
):
    """With the research ticket kept with Diego, the engineering one goes to Mei, basic there:
    each works 1.7 weeks (9 days), so the work lands 9 - 3 = 6 days later than in the plan (3
    days): the difference of the two shown lengths, not 1.1 weeks rounded on its own."""
    as_role("leadership")
    response = client.get("/plan")
    assert section(response, "keeping") == (
        "1 planned ticket has an assignee the plan gives to someone else. Following them "
        "would make the work land 6 days later: 9 days from the plan start instead of 3 days."
    )
    assert "Baseline model: assigned to Diego Alvarez, planned for Mei Chen" in section(
        response, "disagreeing"
    )


def test_a_ticket_in_progress_stays_with_its_assignee_and_says_so(
    client: FlaskClient, as_role, mei_and_diego, make_work_item
):
    item = make_work_item(
        title="Started study",
        area="research",
        points=1,
        status="in_progress",
        assignee="diego@example.com",
    )
    as_role("hiring_manager")
    response = client.get("/plan")
    row = section(response, f"item-{item.id}")
    assert "in progress" in row and "1 point: 3 days for Diego Alvarez" in row
    assert re.search(rf'<g class="bar area-0 pinned" data-item="{item.id}">', page(response))


def test_a_ticket_in_progress_whose_assignee_left_is_flagged(
    client: FlaskClient, db, as_role, mei_and_diego, make_work_item
):
    mei = mei_and_diego[0]
    item = make_work_item(
        title="Half-done study",
        area="research",
        points=1,
        status="in_progress",
        assignee="mei@example.com",
    )
    members_service.mark_left(mei.id, session=db, actor="test")
    db.commit()
    as_role("leadership")
    response = client.get("/plan")
    row = section(response, f"item-{item.id}")
    assert "flagged: Mei Chen left" in row
    # Planned like any other ticket: for Diego, the only one left (basic: 1 / 1.75 weeks).
    assert row.endswith("1 point: 3 days for Diego Alvarez 19 January 2027 22 January 2027")
    bar = re.search(
        rf'<g class="bar ([^"]*)" data-item="{item.id}"><title>([^<]*)<', page(response)
    )
    assert bar is not None and "flagged" in bar[1].split()
    assert "flagged: in progress, but Mei Chen has left" in bar[2]


# --- filters and pages ---------------------------------------------------------------------------


@pytest.fixture
def five_lanes(make_member, make_work_item):
    """Five people strong in one area each (two research, three engineering), one ticket each."""
    people = []
    for name, area in [
        ("Ana Research", "research"),
        ("Ben Research", "research"),
        ("Cai Engineer", "engineering"),
        ("Dev Engineer", "engineering"),
        ("Eve Engineer", "engineering"),
    ]:
        levels = {"research": 0, "engineering": 0, "data": 0} | {area: 3}
        people.append(make_member(name=name, levels=levels))
        make_work_item(title=f"Work of {name}", area=area, points=5)
    return people


def lanes_shown(response) -> list[str]:
    return re.findall(
        r'<h3 class="h6 mb-0" id="lane-name-\d+"><a [^>]*>([^<]*)</a>', page(response)
    )


def test_filters_by_area_and_person_keep_each_other(client: FlaskClient, as_role, five_lanes):
    as_role("leadership")
    assert lanes_shown(client.get("/plan")) == [
        "Ana Research",
        "Ben Research",
        "Cai Engineer",
        "Dev Engineer",
        "Eve Engineer",
    ]
    by_area = client.get("/plan?area=engineering")
    assert lanes_shown(by_area) == ["Cai Engineer", "Dev Engineer", "Eve Engineer"]
    assert '<option value="engineering" selected>' in page(by_area)
    assert "3 of 5 people with tickets in Software and ML engineering." in text(by_area)
    both = client.get("/plan?area=engineering&q=dev")
    assert lanes_shown(both) == ["Dev Engineer"]
    assert 'name="q" value="dev"' in page(both)
    ana = five_lanes[0]
    one = client.get(f"/plan?member={ana.id}")
    assert lanes_shown(one) == ["Ana Research"]
    assert "Only Ana Research's lane." in section(one, "member-filter")


def test_filters_that_match_nobody_say_so(client: FlaskClient, as_role, five_lanes):
    as_role("hiring_manager")
    response = client.get("/plan?area=research&q=engineer")
    assert response.status_code == 200
    assert lanes_shown(response) == []
    assert section(response, "lanes-empty") == (
        "No lanes match these filters: nobody whose name contains “engineer” has tickets "
        "planned in ML research. Clear filters"
    )
    assert '<svg class="gantt"' not in page(response)


@pytest.mark.parametrize(
    "query",
    ["area=nope", "offset=abc", "offset=-5", "member=xyz", "member=99999999999", "q=" + "x" * 500],
)
def test_hand_edited_queries_never_fail(client: FlaskClient, as_role, five_lanes, query):
    as_role("admin")
    assert client.get(f"/plan?{query}").status_code == 200


def test_lanes_come_in_pages_that_keep_the_filters(
    client: FlaskClient, as_role, five_lanes, monkeypatch
):
    monkeypatch.setattr(plan_lanes, "LANES_PER_PAGE", 2)
    as_role("hiring_manager")
    first = client.get("/plan")
    assert lanes_shown(first) == ["Ana Research", "Ben Research"]
    assert "lanes 1 to 2 shown" in text(first)
    assert lanes_shown(client.get("/plan?offset=2")) == ["Cai Engineer", "Dev Engineer"]
    assert lanes_shown(client.get("/plan?offset=4")) == ["Eve Engineer"]
    assert lanes_shown(client.get("/plan?offset=400")) == ["Eve Engineer"]  # the last page
    filtered = page(client.get("/plan?area=engineering&q=e"))
    links = set(re.findall(r'<a class="page-link" href="([^"]*)"', filtered))
    assert {link.split("offset=")[1] for link in links} == {"0#lanes", "2#lanes"}
    assert all("area=engineering" in link and "q=e" in link for link in links)
    # Only the shown lanes' tickets are drawn and listed.
    assert filtered.count('<g class="bar ') == 2 and filtered.count('<tr id="item-') == 2


def test_many_pages_show_a_few_around_this_one(
    client: FlaskClient, as_role, five_lanes, monkeypatch
):
    monkeypatch.setattr(plan_lanes, "LANES_PER_PAGE", 1)
    as_role("leadership")
    response = client.get("/plan?offset=3")
    assert lanes_shown(response) == ["Dev Engineer"]
    pages = re.findall(
        r'<a class="page-link" href="/plan\?offset=(\d+)#lanes"[^>]*>([^<]*)</a>', page(response)
    )
    assert pages[: len(pages) // 2] == [
        ("0", "«"),
        ("2", "‹"),
        ("1", "2"),
        ("2", "3"),
        ("3", "4"),
        ("4", "5"),
        ("4", "›"),
        ("4", "»"),
    ]


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_from_the_page_then_a_change_shows_what_moved(
    client: FlaskClient, db, as_role, mei_and_diego
):
    mei, diego, research, engineering = mei_and_diego
    user = as_role("hiring_manager")
    before = client.get("/plan")
    assert "Nothing is published yet" in section(before, "published")
    response = post_form(client, "/plan/publish", {"seen": "0"}, page="/plan")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/plan")
    after = client.get("/plan")
    assert "Plan published: it finishes about 6 January 2027. Later plans are shown" in text(after)
    card = section(after, "published")
    assert f"by {user.email}: finishing about 6 January 2027. Still the same day." in card
    assert "0 tickets moved" in card
    assert publications(db) == 1

    members_service.mark_left(mei.id, session=db, actor="test")
    db.commit()
    moved = client.get("/plan")
    assert "Baseline model: Mei Chen → Diego Alvarez, Mei Chen is no longer on the team" in (
        section(moved, "moves")
    )
    row = section(moved, f"item-{research.id}")
    assert "moved from Mei Chen" in row
    assert "working days later than published" in row
    assert "1 ticket moved to someone else" in section(moved, "moves-count")
    assert "Mei Chen" in section(moved, "time-changed")
    assert "Now" in section(moved, "published") and "later" in section(moved, "published")


def test_a_form_sent_twice_publishes_once(client: FlaskClient, db, as_role, mei_and_diego):
    as_role("admin")
    token = csrf_token(client, "/plan")
    first = client.post("/plan/publish", data={"csrf_token": token, "seen": "0"})
    again = client.post("/plan/publish", data={"csrf_token": token, "seen": "0"})
    assert (first.status_code, again.status_code) == (303, 303)
    assert publications(db) == 1
    shown = text(client.get("/plan"))
    assert "The plan was published meanwhile, by" in shown
    assert "nothing was published" in shown


@pytest.mark.parametrize(
    "data",
    [{}, {"seen": ""}, {"seen": "abc"}, {"seen": "9" * 40}, {"seen": "7"}],
    ids=["missing", "empty", "words", "huge", "unknown"],
)
def test_bad_publish_forms_publish_nothing_and_never_fail(
    client: FlaskClient, db, as_role, mei_and_diego, data
):
    as_role("hiring_manager")
    token = csrf_token(client, "/plan")
    response = client.post("/plan/publish", data={"csrf_token": token, **data})
    assert response.status_code == 303
    assert publications(db) == 0
    said = text(client.get("/plan"))
    assert "Nothing was published" in said or "nothing was published" in said


def test_publishing_needs_the_csrf_token(client: FlaskClient, db, as_role, mei_and_diego):
    as_role("hiring_manager")
    response = client.post("/plan/publish", data={"seen": "0"})
    assert response.status_code == 400
    assert "The form expired or came from elsewhere" in text(response)
    assert publications(db) == 0


# --- empty states --------------------------------------------------------------------------------


def test_no_work_and_no_members(client: FlaskClient, as_role):
    as_role("hiring_manager")
    response = client.get("/plan")
    assert response.status_code == 200
    assert section(response, "plan-finish") == "nothing to plan"
    assert section(response, "lanes-empty") == "Nothing is planned: there is no open work."
    assert 'id="publish-form"' not in page(response)
    assert "Every open ticket is in the plan." in section(response, "left-out")


def test_members_but_no_work(client: FlaskClient, as_role, make_member):
    make_member(name="Idle Person")
    as_role("leadership")
    response = client.get("/plan")
    assert section(response, "plan-finish") == "nothing to plan"
    assert '<svg class="gantt"' not in page(response)


def test_work_but_no_members(client: FlaskClient, as_role, make_work_item):
    make_work_item(title="Orphan ticket", area="data", points=3)
    as_role("hiring_manager")
    response = client.get("/plan")
    assert response.status_code == 200
    assert section(response, "plan-finish") == "cannot be finished"
    assert "No open ticket can be planned: no one is on the team." in section(
        response, "plan-weeks"
    )
    assert section(response, "unplanned") == (
        "Orphan ticket (Data engineering, 3 points): no one is on the team."
    )
    assert "Nobody has tickets planned" in section(response, "lanes-empty")


# --- a member's queue ------------------------------------------------------------------------


def test_a_members_page_shows_their_queue(client: FlaskClient, as_role, mei_and_diego):
    mei, diego, research, engineering = mei_and_diego
    as_role("leadership")
    response = client.get(f"/team/members/{mei.id}")
    queue = section(response, "queue")
    assert queue.startswith("Queue See on the plan Planned tickets (.ics)")
    row = section(response, f"item-{research.id}")
    assert row == (
        "1 Baseline model · ML research 3 points: 3 days for Mei Chen 4 January 2027 6 January 2027"
    )
    assert "Scoring API" not in queue
    body = page(response)
    assert f'href="/plan/members/{mei.id}.ics"' in body
    assert body.count(f'href="/plan/members/{mei.id}.ics"') == 1  # the one link, reused
    assert f'href="/plan?member={mei.id}#lanes"' in body


def test_a_member_with_nothing_planned_and_one_who_left(
    client: FlaskClient, db, as_role, mei_and_diego, make_member
):
    idle = make_member(name="Idle Person", levels={"research": 0, "engineering": 0, "data": 0})
    gone = make_member(name="Gone Person")
    members_service.mark_left(gone.id, session=db, actor="test")
    db.commit()
    as_role("hiring_manager")
    assert section(client.get(f"/team/members/{idle.id}"), "queue-empty") == (
        "The plan gives Idle Person no tickets."
    )
    assert 'id="queue"' not in client.get(f"/team/members/{gone.id}").get_data(as_text=True)


# --- the coverage report's "who works where" -------------------------------------------------


def test_who_works_where_comes_from_the_plan_and_says_so(
    client: FlaskClient, as_role, mei_and_diego, make_member, make_work_item
):
    # A second research ticket goes to Mei too; Diego's share stays all engineering.
    make_work_item(title="Ablations", area="research", points=1)
    as_role("leadership")
    response = client.get("/reports/coverage")
    source = section(response, "allocation-source")
    assert source.startswith(
        "From the ticket plan: each person's planned tickets by area, as shares of the time "
        "those tickets take them."
    )
    assert "allocation" in source  # names the API's field, which stays the forecast's
    table = section(response, "allocation-table")
    assert "Mei Chen 1 2 100%" in table and "Diego Alvarez 1 1" in table
    body = response.get_data(as_text=True)
    data = json.loads(re.search(r'id="coverage-data">(.*?)</script>', body, re.S)[1])
    assert data["people"] == ["Diego Alvarez", "Mei Chen"]  # the plan's lanes, by name
    assert data["allocation"][0] == {"label": "ML research", "data": [0, 100.0]}


def test_who_works_where_with_nothing_planned(client: FlaskClient, as_role, make_member):
    make_member(name="Idle Person")
    as_role("hiring_manager")
    response = client.get("/reports/coverage")
    assert "Nobody has tickets planned: there is no open work." in section(
        response, "allocation-table"
    )
    assert 'id="chart-allocation"' not in response.get_data(as_text=True)
