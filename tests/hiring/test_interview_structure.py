"""The interview structure over HTTP (pages): focus areas per panel seat, interview dates, each
area's level meanings and questions on the scorecard form, "cards to write" in date order, and
the next card after submitting one.

Who may do what is checked as a matrix over the people the rules tell apart: a panel
interviewer, a hiring manager of another opening, the opening's own hiring manager, leadership,
an admin, and people holding several roles. Refusals and bad input write nothing.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import pytest
from sqlmodel import Session, select

from hiring.openings import guides
from hiring.openings.models import (
    AreaLevelMeaning,
    AreaQuestion,
    AuditEntry,
    Interview,
    PanelFocus,
)
from hiring.openings.schemas import OpeningUpdate
from hiring.openings.service import update_opening
from team.levels import LEVEL_MEANINGS
from tests.conftest import post_form
from tests.hiring.conftest import viewer_of
from tests.hiring.security.conftest import snapshot


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def fresh(db: Session) -> Session:
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, spaces collapsed and entities read."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def flashed(client, response) -> str:
    """The page a redirect leads to, as text (its flash message included)."""
    assert response.status_code == 302, html(response)[:500]
    return text_of(html(client.get(response.location)))


@pytest.fixture
def world(make_user, make_opening, make_candidate) -> dict[str, Any]:
    """An opening with its owner and two panel interviewers, two candidates, and the other
    people of the permission matrix (some holding several roles)."""
    owner = make_user("hiring_manager", name="Hana Owner")
    one = make_user("interviewer", name="Ines One", email="ines@example.com")
    two = make_user("interviewer", name="Theo Two", email="theo@example.com")
    both = make_user("hiring_manager", "interviewer", name="Bo Both")  # manages, sits on it
    opening = make_opening(manager=both, panel=[one, two, both], title="Data engineer")
    people = {
        "owner": owner,
        "interviewer": one,
        "other_hm": make_user("hiring_manager", name="Olga Other"),
        "hm_of_opening": both,
        "leadership": make_user("leadership", name="Lena Leader"),
        "admin": make_user("admin", name="Alex Admin"),
        "leader_on_panel": make_user("leadership", "interviewer", name="Lia Panel"),
        "admin_interviewer": make_user("admin", "interviewer", name="Adi Both"),
    }
    make_opening(manager=owner, panel=[two])  # the other manager's and another panel's opening
    return {
        "people": people,
        "one": one,
        "two": two,
        "opening": opening,
        "ada": make_candidate(opening, name="Ada Lovelace"),
        "bob": make_candidate(opening, name="Bob Byte"),
    }


def _seat(db: Session, world: dict[str, Any], user) -> None:
    """Add `user` to the opening's panel, as its manager would."""
    panel = [*world["opening"].panel, user.email]
    viewer = viewer_of(world["people"]["hm_of_opening"], db)
    update_opening(world["opening"].id, OpeningUpdate(panel=panel), viewer=viewer, session=db)
    db.commit()


# --- who may set focus areas and dates --------------------------------------------------------

# Who changes the panel's focus areas and the interview dates (the opening's manager and admins),
# and what everyone else meets: 403 when they see the opening, 404 when they do not.
WRITES = {
    "interviewer": 403,
    "other_hm": 404,
    "hm_of_opening": 302,
    "leadership": 403,
    "admin": 302,
    "leader_on_panel": 403,
    "admin_interviewer": 302,
}


@pytest.mark.parametrize(("who", "expected"), sorted(WRITES.items()))
def test_focus_areas_per_person(world, client_for, db, who, expected):
    user, one, opening = world["people"][who], world["one"], world["opening"]
    if who == "leader_on_panel":
        _seat(db, world, user)
    client = client_for(user)
    before = snapshot(db)
    url = f"/openings/{opening.id}/panel/{one.id}/focus"
    page = f"/openings/{opening.id}/panel" if expected != 404 else "/profile"
    response = post_form(client, url, {f"focus-{one.id}-areas": ["data"]}, page=page)
    assert response.status_code == expected, (who, response.status_code)
    rows = fresh(db).exec(select(PanelFocus)).all()
    if expected == 302:
        assert [(r.user_id, r.opening_id) for r in rows] == [(one.id, opening.id)]
        assert "Ines One covers Data engineering." in flashed(client, response)
    else:
        assert snapshot(db) == before


@pytest.mark.parametrize(("who", "expected"), sorted(WRITES.items()))
def test_interview_dates_per_person(world, client_for, db, who, expected):
    user, one, ada = world["people"][who], world["one"], world["ada"]
    if who == "leader_on_panel":
        _seat(db, world, user)
    client = client_for(user)
    url = f"/candidates/{ada.id}/interviews"
    shown = client.get(url)
    assert shown.status_code == (200 if expected == 302 else expected)
    before = snapshot(db)
    response = post_form(
        client, url, {f"date_{one.id}": "2027-03-02"}, page=url if expected == 302 else "/profile"
    )
    assert response.status_code == expected, (who, response.status_code)
    rows = fresh(db).exec(select(Interview)).all()
    if expected == 302:
        assert [(r.candidate_id, r.interviewer_id, r.scheduled_on) for r in rows] == [
            (ada.id, one.id, date(2027, 3, 2))
        ]
        assert f"Interview dates for {ada.name} saved." in flashed(client, response)
    else:
        assert snapshot(db) == before


# Who reads the panel page (everyone who sees the opening), and who is shown its forms.
READS = {
    "interviewer": (200, False),
    "other_hm": (404, False),
    "hm_of_opening": (200, True),
    "leadership": (200, False),
    "admin": (200, True),
    "admin_interviewer": (200, True),
}


@pytest.mark.parametrize(("who", "expected"), sorted(READS.items()))
def test_the_panel_page_per_person(world, client_for, who, expected):
    status, forms = expected
    response = client_for(world["people"][who]).get(f"/openings/{world['opening'].id}/panel")
    assert response.status_code == status
    if status == 200:
        page = html(response)
        assert "Ines One" in page and "Ada Lovelace" in page
        assert ('action="/openings/' in page) is forms
        assert ("Set dates" in page) is forms


def test_the_opening_page_links_to_the_panel_page(world, client_for):
    page = html(client_for(world["one"]).get(f"/openings/{world['opening'].id}"))
    assert f'href="/openings/{world["opening"].id}/panel"' in page


# --- focus areas and the scorecard form -------------------------------------------------------


def test_focus_areas_come_first_open_and_marked_on_the_card(world, client_for, db):
    one, opening, ada = world["one"], world["opening"], world["ada"]
    manager = client_for(world["people"]["hm_of_opening"])
    panel_url = f"/openings/{opening.id}/panel"
    response = post_form(
        manager,
        f"/openings/{opening.id}/panel/{one.id}/focus",
        {f"focus-{one.id}-areas": ["data", "engineering"]},
        page=panel_url,
    )
    assert "Ines One covers Software and ML engineering, Data engineering." in flashed(
        manager, response
    )
    seat = re.search(rf'id="seat-{one.id}".*?</form>', html(manager.get(panel_url)), re.S)
    assert seat and re.search(r'value="data"[^>]*checked|checked[^>]*value="data"', seat.group(0))

    page = html(client_for(one).get(f"/candidates/{ada.id}/scorecard"))
    order = re.findall(r'<details class="card mb-2 area-rating[^"]*" id="area-(\w+)"( open)?', page)
    assert order == [("engineering", " open"), ("data", " open"), ("research", "")]
    focus = page.split('id="focus-areas"')[1].split('id="other-areas"')[0]
    assert focus.count(">your focus</span>") == 2 and "focus-area" in focus
    # The others are still there to rate, and a rated one opens by itself.
    assert 'name="rating_research"' in page
    draft = {"rating_research": "2", "rating_engineering": "", "rating_data": ""}
    draft |= {"recommendation": "", "notes": "", "save_draft": "Save draft"}
    response = post_form(client_for(one), f"/candidates/{ada.id}/scorecard", draft)
    assert response.status_code == 302, html(response)[:300]
    page = html(client_for(one).get(f"/candidates/{ada.id}/scorecard"))
    assert re.search(r'id="area-research" open', page)
    assert "rated working" in page


def test_without_focus_areas_every_area_is_open(world, client_for):
    page = html(client_for(world["two"]).get(f"/candidates/{world['ada'].id}/scorecard"))
    opened = re.findall(r'id="area-(\w+)"( open)?', page)
    assert opened == [("research", " open"), ("engineering", " open"), ("data", " open")]
    assert "your focus" not in page and 'id="other-areas-heading"' not in page


def test_focus_refuses_an_unknown_area_and_a_non_panelist(world, client_for, db, make_user):
    one, opening = world["one"], world["opening"]
    manager = client_for(world["people"]["hm_of_opening"])
    panel_url = f"/openings/{opening.id}/panel"
    stranger = make_user("interviewer", name="Sam Stranger")
    before = snapshot(db)
    response = post_form(
        manager,
        f"/openings/{opening.id}/panel/{one.id}/focus",
        {f"focus-{one.id}-areas": ["data", "astrology"]},
        page=panel_url,
    )
    assert response.status_code == 400
    assert "'astrology' is not a known area" in text_of(html(response))
    response = post_form(
        manager,
        f"/openings/{opening.id}/panel/{stranger.id}/focus",
        {f"focus-{stranger.id}-areas": ["data"]},
        page=panel_url,
    )
    assert response.status_code == 400
    assert "That person is not on this opening's panel." in text_of(html(response))
    assert snapshot(db) == before


def test_focus_of_someone_who_leaves_the_panel_is_no_longer_shown(world, client_for, db):
    one, two, opening = world["one"], world["two"], world["opening"]
    manager = client_for(world["people"]["hm_of_opening"])
    for user in (one, two):
        post_form(
            manager,
            f"/openings/{opening.id}/panel/{user.id}/focus",
            {f"focus-{user.id}-areas": ["research"]},
            page=f"/openings/{opening.id}/panel",
        )
    viewer = viewer_of(world["people"]["hm_of_opening"], db)
    update_opening(
        opening.id,
        OpeningUpdate(panel=[two.email, world["people"]["hm_of_opening"].email]),
        viewer=viewer,
        session=db,
    )
    db.commit()
    page = html(manager.get(f"/openings/{opening.id}/panel"))
    assert f'id="seat-{one.id}"' not in page and f'id="seat-{two.id}"' in page


# --- what the levels mean, and questions ------------------------------------------------------


def test_level_meanings_default_to_model_md_until_an_admin_writes_them(world, client_for, db):
    admin = client_for(world["people"]["admin"])
    page = html(client_for(world["one"]).get(f"/candidates/{world['ada'].id}/scorecard"))
    for key in ("research", "engineering", "data"):
        legend = re.search(rf'id="levels-{key}".*?</ul>', page, re.S)
        assert legend, key
        assert [m.strip() for m in re.findall(r"</strong>:([^<]+)</li>", legend.group(0))] == list(
            LEVEL_MEANINGS
        )
    assert "Questions to ask" not in page

    url = "/admin/areas/3/guide"  # data, the third default area
    form = html(admin.get(url))
    assert f'value="{LEVEL_MEANINGS[3]}"' in form and "MODEL.md: “" in form
    data = {f"meaning_{n}": meaning for n, meaning in enumerate(LEVEL_MEANINGS)}
    data |= {
        "meaning_3": "Designs a streaming pipeline end to end and reviews others' pipelines",
        "question_1": "Walk me through a pipeline you designed.",
        "question_3": "How would you backfill a month of events?",
    }
    response = post_form(admin, url, data)
    assert "The interview guide of Data engineering is saved." in flashed(admin, response)
    page = html(client_for(world["one"]).get(f"/candidates/{world['ada'].id}/scorecard"))
    data_legend = re.search(r'id="levels-data".*?</ul>', page, re.S).group(0)
    assert "strong (3)</strong>: Designs a streaming pipeline" in data_legend
    assert LEVEL_MEANINGS[2] in data_legend and LEVEL_MEANINGS[3] not in data_legend
    research = re.search(r'id="levels-research".*?</ul>', page, re.S).group(0)
    assert LEVEL_MEANINGS[3] in research  # other areas keep MODEL.md's words
    questions = re.search(r'id="questions-data".*?</ol>', page, re.S).group(0)
    assert re.findall(r"<li>([^<]+)</li>", questions) == [
        "Walk me through a pipeline you designed.",
        "How would you backfill a month of events?",
    ]
    stored = fresh(db).exec(select(AreaLevelMeaning)).all()
    assert [(r.level, r.meaning[:8]) for r in stored] == [(3, "Designs ")]
    entry = fresh(db).exec(select(AuditEntry).where(AuditEntry.action == "area.guide")).one()
    assert "level 3" in entry.details and "does hard work alone" in entry.details

    # The default's own words back: the level follows MODEL.md again, and nothing is stored.
    response = post_form(admin, url, {f"meaning_{n}": m for n, m in enumerate(LEVEL_MEANINGS)})
    assert response.status_code == 302
    assert fresh(db).exec(select(AreaLevelMeaning)).all() == []
    assert fresh(db).exec(select(AreaQuestion)).all() == []
    db.rollback()


def test_the_guide_page_is_for_admins_and_linked_from_the_areas_page(world, client_for, db):
    listing = html(client_for(world["people"]["admin"]).get("/admin/areas"))
    assert 'href="/admin/areas/1/guide"' in listing
    for who in ("interviewer", "hm_of_opening", "leadership", "leader_on_panel"):
        client = client_for(world["people"][who])
        assert client.get("/admin/areas/1/guide").status_code == 403, who
        before = snapshot(db)
        response = post_form(client, "/admin/areas/1/guide", {"meaning_0": "x"}, page="/profile")
        assert response.status_code == 403, who
        assert snapshot(db) == before
    admin_too = client_for(world["people"]["admin_interviewer"])
    assert admin_too.get("/admin/areas/1/guide").status_code == 200
    assert client_for(world["people"]["admin"]).get("/admin/areas/999/guide").status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"meaning_2": ""}, "meaning_2", "Write what this level means in this area."),
        ({"meaning_2": "   "}, "meaning_2", "Write what this level means in this area."),
        ({"meaning_4": "x" * 301}, "meaning_4", "Field cannot be longer than 300 characters."),
        ({"question_2": "q" * 301}, "question_2", "Field cannot be longer than 300 characters."),
        ({"meaning_1": "tab\x00nul"}, "meaning_1", "must not contain control characters"),
        ({"question_5": "bell\x07"}, "question_5", "must not contain control characters"),
    ],
    ids=["empty", "blank", "long-meaning", "long-question", "nul", "control"],
)
def test_bad_guides_are_refused_on_their_field_and_write_nothing(
    world, client_for, db, change, field, message
):
    admin = client_for(world["people"]["admin"])
    url = "/admin/areas/2/guide"
    data = {f"meaning_{n}": m for n, m in enumerate(LEVEL_MEANINGS)} | {"question_1": "Fine?"}
    before = snapshot(db)
    response = post_form(admin, url, data | change)
    assert response.status_code == 400
    page = html(response)
    assert re.search(rf'is-invalid[^"]*" id="{field}"', page), field
    assert message in text_of(page)
    assert snapshot(db) == before


def test_a_sixth_question_is_refused_by_the_service_too(world, db):
    admin = viewer_of(world["people"]["admin"], db)
    with pytest.raises(Exception, match="not 6: an area has at most 5 suggested questions"):
        guides.GuideIn.model_validate({"questions": [f"Q{n}?" for n in range(6)]})
    guides.set_area_guide(
        "data", guides.GuideIn(questions=["One?", "Two?"]), viewer=admin, session=db
    )
    assert guides.area_guide("data", session=db).questions == ("One?", "Two?")


# --- interview dates, cards to write, and the next card ---------------------------------------


@pytest.mark.parametrize(
    "sent",
    ["2027-02-30", "NaN", "garbage", "2027-13-01", "99999-01-01", "1e3", "2027-03-02T10:00"],
)
def test_bad_dates_are_a_clear_form_error_and_write_nothing(world, client_for, db, sent):
    one, ada = world["one"], world["ada"]
    manager = client_for(world["people"]["hm_of_opening"])
    url = f"/candidates/{ada.id}/interviews"
    before = snapshot(db)
    response = post_form(manager, url, {f"date_{one.id}": sent})
    assert response.status_code == 400
    page = html(response)
    assert re.search(rf'is-invalid[^"]*" id="date_{one.id}"', page)
    assert "Not a real day: give a date like 2027-03-01." in page
    assert snapshot(db) == before


def test_an_empty_date_clears_it_and_changes_are_audited(world, client_for, db):
    one, two, ada = world["one"], world["two"], world["ada"]
    manager = client_for(world["people"]["hm_of_opening"])
    url = f"/candidates/{ada.id}/interviews"
    post_form(manager, url, {f"date_{one.id}": "2027-03-02", f"date_{two.id}": "2027-03-03"})
    form = html(manager.get(url))
    assert 'value="2027-03-02"' in form and "covers no area in particular" in form
    post_form(manager, url, {f"date_{one.id}": "", f"date_{two.id}": "2027-03-04"})
    rows = fresh(db).exec(select(Interview)).all()
    assert [(r.interviewer_id, r.scheduled_on) for r in rows] == [(two.id, date(2027, 3, 4))]
    entries = fresh(db).exec(
        select(AuditEntry).where(AuditEntry.action == "interview.schedule").order_by(AuditEntry.id)
    )
    details = [e.details for e in entries.all()]
    assert (
        details[0] == "ines@example.com: none -> 2027-03-02; theo@example.com: none -> 2027-03-03"
    )
    assert (
        details[1]
        == "ines@example.com: 2027-03-02 -> none; theo@example.com: 2027-03-03 -> 2027-03-04"
    )
    db.rollback()
    panel = html(manager.get(f"/openings/{world['opening'].id}/panel"))
    row = re.search(r"<tr>\s*<td><a [^>]*>Ada Lovelace</a>.*?</tr>", panel, re.S).group(0)
    assert "4 March 2027" in row


def _schedule(client, candidate, user, day: str) -> None:
    response = post_form(client, f"/candidates/{candidate.id}/interviews", {f"date_{user.id}": day})
    assert response.status_code == 302, html(response)[:300]


def test_cards_to_write_show_the_dates_soonest_first(world, client_for, make_candidate):
    one, ada, bob = world["one"], world["ada"], world["bob"]
    cy = make_candidate(world["opening"], name="Cy Undated")
    manager = client_for(world["people"]["hm_of_opening"])
    _schedule(manager, ada, one, "2027-03-09")
    _schedule(manager, bob, one, "2027-03-02")
    page = html(client_for(one).get("/candidates/mine"))
    rows = re.findall(
        r'<td class="text-nowrap interview-day"[^>]*>(.*?)</td>\s*<td><a [^>]*>([^<]+)', page, re.S
    )
    assert [(text_of(day), name) for day, name in rows] == [
        ("2 March 2027", "Bob Byte"),
        ("9 March 2027", "Ada Lovelace"),
        ("no date yet", cy.name),
    ]
    assert 'data-value="2027-03-02"' in page  # the column sorts by the date, not its words


def test_after_submitting_the_next_card_opens_then_the_list(world, client_for, write_card):
    one, ada, bob = world["one"], world["ada"], world["bob"]
    manager = client_for(world["people"]["hm_of_opening"])
    _schedule(manager, ada, one, "2027-03-09")
    _schedule(manager, bob, one, "2027-03-02")
    client = client_for(one)
    for candidate, next_url, words in (
        (bob, f"/candidates/{ada.id}/scorecard", "Next: your card for Ada Lovelace"),
        (ada, "/candidates/mine", "That was the last card you owe."),
    ):
        url = f"/candidates/{candidate.id}/scorecard"
        draft = {"rating_data": "3", "recommendation": "yes", "submit_card": "Submit"}
        assert post_form(client, url, draft).status_code == 302
        response = post_form(client, f"{url}/submit", {})
        assert response.location == next_url
        page = flashed(client, response)
        assert "Your card is submitted." in page and words in page
        assert f"You can now read the others' cards for {candidate.name}." in page
    assert "interview on 9 March 2027" not in page  # the last one says no next date


def test_the_card_shows_the_interviewers_own_date(world, client_for):
    one, two, ada = world["one"], world["two"], world["ada"]
    _schedule(client_for(world["people"]["admin"]), ada, two, "2027-03-05")
    assert "Your interview with" not in html(client_for(one).get(f"/candidates/{ada.id}/scorecard"))
    page = html(client_for(two).get(f"/candidates/{ada.id}/scorecard"))
    assert "Your interview with Ada Lovelace: 5 March 2027" in text_of(page)


def test_the_demo_panel_has_focus_areas_and_dates(db):
    """The demo shows the feature: each interviewer covers an area, and the cards still owed
    have interview dates next week, soonest first."""
    from hiring.accounts.models import User
    from hiring.demo import load_demo
    from hiring.openings.scorecards import cards_owed

    load_demo(session=db, password="demo-password-1")
    igor = db.exec(select(User).where(User.email == "interviewer3@example.com")).one()
    owed = cards_owed(viewer=viewer_of(igor, db), session=db)
    assert [card.candidate.name for card in owed] == ["Marcus Webb", "Aisha Bello"]
    assert all(card.interview_on and card.interview_on > date.today() for card in owed)
    assert {card.focus for card in owed} == {("engineering", "data")}
    assert len(db.exec(select(Interview)).all()) == 8 * 3
