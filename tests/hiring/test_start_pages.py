"""When a hire would start, on the pages (MODEL.md, "Candidates", "Start"): an opening's start
date on its form and page, a candidate's first possible day on the add form and the candidate
page with the start the forecast assumes, and a hire keeping that start on the team."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, func, select

from hiring.openings.models import AuditEntry, Candidate, Opening
from team.models import Member
from team.settings import update_settings
from tests.conftest import post_form

PLAN_START = date(2027, 1, 4)  # a Monday; notice_weeks (4) after it is 1 February 2027


@pytest.fixture(autouse=True)
def fixed_plan_start(db):
    """The plan start is a fixed Monday, so no expected date depends on today."""
    update_settings(session=db, plan_start=PLAN_START)


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def text_of(page: str, element_id: str) -> str:
    """The visible text of the element with that id, spaces collapsed."""
    found = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no #{element_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(2)).split())


def invalid(page: str, field_id: str) -> bool:
    """Whether the form marks the field with that id as invalid."""
    return re.search(rf'class="[^"]*is-invalid[^"]*" id="{field_id}"', page) is not None


def fresh(db: Session) -> Session:
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def count_of(db: Session, model: Any) -> int:
    """Committed rows of a table."""
    result = fresh(db).exec(select(func.count()).select_from(model)).one()
    db.rollback()
    return result


def opening_form(**overrides: Any) -> dict[str, Any]:
    """A valid opening form as a browser sends it."""
    return {"title": "Data engineer", "headcount": "1", "status": "open"} | overrides


# --- an opening's start date ----------------------------------------------------------------


def test_an_opening_is_created_and_edited_with_a_start_date(make_user, client_for, db):
    manager = make_user("hiring_manager")
    client = client_for(manager)
    assert 'id="start_date"' in html(client.get("/openings/new"))
    response = post_form(client, "/openings/new", opening_form(start_date="2027-03-01"))
    assert response.status_code == 302
    opening = fresh(db).exec(select(Opening)).one()
    assert opening.start_date == date(2027, 3, 1)
    page = html(client.get(response.location))
    assert text_of(page, "hire-start").startswith("A hire would start on 1 March 2027.")
    edit = f"/openings/{opening.id}/edit"
    assert re.search(
        r'id="start_date" name="start_date"[^>]*value="2027-03-01"', html(client.get(edit))
    )
    version = str(opening.version)
    db.rollback()
    changed = opening_form(start_date="2027-04-05", version=version)
    assert post_form(client, edit, changed).status_code == 302
    assert fresh(db).get(Opening, opening.id).start_date == date(2027, 4, 5)
    version = str(db.get(Opening, opening.id).version)
    db.rollback()
    cleared = opening_form(start_date="", version=version)
    assert post_form(client, edit, cleared).status_code == 302
    assert fresh(db).get(Opening, opening.id).start_date is None
    db.rollback()
    page = html(client.get(f"/openings/{opening.id}"))
    assert text_of(page, "hire-start").startswith(
        "No start date set: a hire is assumed to start 4 weeks after the plan start "
        "(4 January 2027), on 1 February 2027."
    )


def test_the_assumed_start_follows_the_notice_setting(make_user, make_opening, client_for, db):
    update_settings(session=db, calendar={"notice_weeks": 1})
    manager = make_user("hiring_manager")
    opening = make_opening(manager=manager)
    page = html(client_for(manager).get(f"/openings/{opening.id}"))
    assert "assumed to start 1 week after the plan start (4 January 2027), on 11 January 2027" in (
        text_of(page, "hire-start")
    )


def test_a_start_date_before_the_plan_start_reads_as_the_plan_start(
    make_user, make_opening, client_for
):
    manager = make_user("hiring_manager")
    opening = make_opening(manager=manager, start_date=date(2026, 9, 1))
    page = html(client_for(make_user("leadership")).get(f"/openings/{opening.id}"))
    assert text_of(page, "hire-start") == (
        "A hire would have started on 1 September 2026, which is before the plan start, "
        "so the forecast assumes they start on 4 January 2027."
    )


@pytest.mark.parametrize("value", ["2027-02-30", "1 March", "2027-03-01x"])
def test_a_bad_start_date_on_the_form_writes_nothing(make_user, client_for, db, value):
    client = client_for(make_user("hiring_manager"))
    response = post_form(client, "/openings/new", opening_form(start_date=value))
    assert response.status_code == 400
    assert invalid(html(response), "start_date")
    assert count_of(db, Opening) == 0


# --- a candidate's first possible day -------------------------------------------------------


@pytest.fixture
def hiring(make_user, make_opening) -> dict[str, Any]:
    """An opening starting on 15 February 2027 with its owner and a panel interviewer."""
    owner = make_user("hiring_manager", name="Owner")
    one = make_user("interviewer", name="Interviewer One")
    opening = make_opening(manager=owner, panel=[one], start_date=date(2027, 2, 15))
    return {"owner": owner, "one": one, "opening": opening}


def test_a_candidate_is_added_with_their_first_possible_day(hiring, client_for, db):
    client = client_for(hiring["owner"])
    page_url = f"/openings/{hiring['opening'].id}"
    assert 'id="available_from"' in html(client.get(page_url))
    data = {"name": "Ada Lovelace", "email": "ada@example.com", "available_from": "2027-03-15"}
    url = f"/openings/{hiring['opening'].id}/candidates"
    assert post_form(client, url, data, page=page_url).status_code == 302
    candidate = fresh(db).exec(select(Candidate)).one()
    assert candidate.available_from == date(2027, 3, 15)
    db.rollback()
    page = html(client.get(f"/candidates/{candidate.id}"))
    assert text_of(page, "available-from") == "15 March 2027"
    assert text_of(page, "assumed-start") == "15 March 2027 their first possible day"
    # The start is no card's: a panelist who has not written one sees it too.
    panel_page = html(client_for(hiring["one"]).get(f"/candidates/{candidate.id}"))
    assert text_of(panel_page, "assumed-start") == "15 March 2027 their first possible day"
    assert 'id="available-form"' not in panel_page


@pytest.mark.parametrize("value", ["2027-02-30", "soon"])
def test_a_bad_first_possible_day_adds_nobody(hiring, client_for, db, value):
    client = client_for(hiring["owner"])
    page_url = f"/openings/{hiring['opening'].id}"
    data = {"name": "Ada", "email": "ada@example.com", "available_from": value}
    url = f"/openings/{hiring['opening'].id}/candidates"
    response = post_form(client, url, data, page=page_url)
    assert response.status_code == 400
    assert invalid(html(response), "available_from")
    assert count_of(db, Candidate) == 0


@pytest.mark.parametrize(
    ("available_from", "opening_start", "shown"),
    [
        (date(2027, 3, 15), date(2027, 2, 15), "15 March 2027 their first possible day"),
        (None, date(2027, 2, 15), "15 February 2027 the opening's start date"),
        (
            None,
            None,
            "1 February 2027 4 weeks after the plan start (4 January 2027), as neither they "
            "nor the opening have a date",
        ),
        (
            date(2026, 5, 1),
            None,
            "4 January 2027 the plan start: their first possible day is before it",
        ),
        (
            None,
            date(2026, 5, 1),
            "4 January 2027 the plan start: the opening's start date is before it",
        ),
    ],
)
def test_the_candidate_page_says_when_and_why(
    make_user, make_opening, make_candidate, client_for, available_from, opening_start, shown
):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner, start_date=opening_start)
    candidate = make_candidate(opening, available_from=available_from)
    page = html(client_for(owner).get(f"/candidates/{candidate.id}"))
    assert text_of(page, "assumed-start") == shown
    expected = "not given" if available_from is None else f"{available_from.day} "
    assert text_of(page, "available-from").startswith(expected)


def test_the_manager_sets_and_clears_the_first_possible_day(hiring, make_candidate, client_for, db):
    candidate = make_candidate(hiring["opening"])
    client = client_for(hiring["owner"])
    page_url = f"/candidates/{candidate.id}"
    url = f"{page_url}/available-from"
    response = post_form(client, url, {"available_from": "2027-04-12"}, page=page_url)
    assert response.status_code == 302 and response.location == page_url
    assert fresh(db).get(Candidate, candidate.id).available_from == date(2027, 4, 12)
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.available_from"))
    assert [(e.actor_email, e.details) for e in entry.all()] == [
        (hiring["owner"].email, "none -> 2027-04-12")
    ]
    db.rollback()
    page = html(client.get(page_url))
    assert text_of(page, "assumed-start") == "12 April 2027 their first possible day"
    assert re.search(r'id="available_from" name="available_from"[^>]*value="2027-04-12"', page)
    assert post_form(client, url, {"available_from": ""}, page=page_url).status_code == 302
    assert fresh(db).get(Candidate, candidate.id).available_from is None
    db.rollback()
    response = post_form(client, url, {"available_from": "2027-04-31"}, page=page_url)
    assert response.status_code == 400 and invalid(html(response), "available_from")
    assert fresh(db).get(Candidate, candidate.id).available_from is None


def test_only_the_manager_or_an_admin_sets_the_first_possible_day(
    hiring, make_user, make_opening, make_candidate, client_for, db
):
    seated = make_user("hiring_manager", "interviewer")
    opening = make_opening(manager=hiring["owner"], panel=[hiring["one"], seated])
    candidate = make_candidate(opening)
    url = f"/candidates/{candidate.id}/available-from"
    data = {"available_from": "2027-04-12"}
    refusals = {
        "leadership": (client_for(make_user("leadership")), 403),
        "interviewer": (client_for(hiring["one"]), 403),
        "other manager": (client_for(make_user("hiring_manager")), 404),
        "manager on the panel": (client_for(seated), 403),
    }
    for who, (client, status) in refusals.items():
        assert post_form(client, url, data, page="/profile").status_code == status, who
    assert fresh(db).get(Candidate, candidate.id).available_from is None
    db.rollback()
    admin = client_for(make_user("admin"))
    assert post_form(admin, url, data, page="/profile").status_code == 302
    assert fresh(db).get(Candidate, candidate.id).available_from == date(2027, 4, 12)


# --- a hire keeps their start ---------------------------------------------------------------

HIRE_FORM = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "title": "ML engineer",
    "fte": "1",
    "level_research": "3",
    "level_engineering": "1",
    "level_data": "1",
}


@pytest.mark.parametrize(
    ("available_from", "opening_start", "notice_weeks", "expected"),
    [
        (date(2027, 3, 15), date(2027, 2, 15), 4, date(2027, 3, 15)),  # their own date
        (None, date(2027, 2, 15), 4, date(2027, 2, 15)),  # the opening's
        (None, None, 4, date(2027, 2, 1)),  # notice_weeks after the plan start
        (None, None, 6, date(2027, 2, 15)),  # ... the setting, not a constant
        (date(2026, 5, 1), date(2027, 2, 15), 4, PLAN_START),  # never before the plan start
        (None, date(2026, 5, 1), 4, PLAN_START),
    ],
)
def test_a_hire_joins_the_team_with_their_start_date(
    make_user,
    make_opening,
    make_candidate,
    client_for,
    db,
    available_from,
    opening_start,
    notice_weeks,
    expected,
):
    update_settings(session=db, calendar={"notice_weeks": notice_weeks})
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner, start_date=opening_start)
    candidate = make_candidate(
        opening, email="ada@example.com", available_from=available_from, status="hired"
    )
    client = client_for(owner)
    url = f"/candidates/{candidate.id}/hire"
    form = html(client.get(url))
    shown = f"{expected.day} {expected:%B %Y}"
    assert text_of(form, "hire-start").startswith(
        f"They join with the start date the forecast assumed for them: {shown}"
    )
    response = post_form(client, url, HIRE_FORM)
    assert response.status_code == 302
    member = fresh(db).exec(select(Member).where(Member.email == "ada@example.com")).one()
    assert member.start_date == expected
    assert db.get(Candidate, candidate.id).member_id == member.id
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.join_team")).one()
    assert entry.details == f"member {member.id}, starts {expected.isoformat()}"
