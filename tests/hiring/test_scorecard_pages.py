"""Scorecard pages over HTTP: drafts, submitting (final), corrections as new revisions, who may
write, and the independence rule on the candidate page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, col, select

from hiring.openings.models import AuditEntry, Scorecard, ScorecardRating
from hiring.openings.scorecards import card_history
from tests.conftest import post_form
from tests.hiring.conftest import viewer_of


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def fresh(db: Session) -> Session:
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def cards(db: Session, candidate_id: int) -> list[tuple[int, int, bool]]:
    """(interviewer id, revision, submitted) of every stored card of the candidate."""
    rows = (
        fresh(db)
        .exec(
            select(Scorecard)
            .where(Scorecard.candidate_id == candidate_id)
            .order_by(Scorecard.interviewer_id, Scorecard.revision)
        )
        .all()
    )
    result = [(c.interviewer_id, c.revision, c.submitted_at is not None) for c in rows]
    db.rollback()
    return result


def card_form(**overrides: str) -> dict[str, Any]:
    """A scorecard form as a browser sends it when "Save draft" is pressed."""
    return {
        "rating_research": "3",
        "rating_engineering": "2",
        "rating_data": "",
        "recommendation": "yes",
        "notes": "Solid on papers.\nShaky on SQL.",
        "save_draft": "Save draft",
    } | overrides


def submitted(**overrides: str) -> dict[str, Any]:
    """The same form, sent with the "Submit" button."""
    data = card_form(**overrides)
    del data["save_draft"]
    return data | {"submit_card": "Submit"}


def submit_through_page(client, candidate_id: int, **overrides: str):
    """Press "Submit" on the card form, then confirm on the page that asks once; the answer to
    the confirmation (the card is a draft until then)."""
    url = f"/candidates/{candidate_id}/scorecard"
    response = post_form(client, url, submitted(**overrides))
    assert response.status_code == 302, html(response)[:500]
    assert response.location == f"{url}/submit"
    question = html(client.get(f"{url}/submit"))
    assert "Submitting is <strong>final</strong>" in question and 'id="confirm-submit"' in question
    return post_form(client, f"{url}/submit", {})


@pytest.fixture
def panel(make_user, make_opening, make_candidate) -> dict[str, Any]:
    """An opening with its owner, two panel interviewers and one candidate."""
    owner = make_user("hiring_manager")
    one = make_user("interviewer", email="one@example.com")
    two = make_user("interviewer", email="two@example.com")
    opening = make_opening(manager=owner, panel=[one, two])
    candidate = make_candidate(opening, name="Ada Lovelace")
    return {"owner": owner, "one": one, "two": two, "opening": opening, "candidate": candidate}


def test_scorecard_form_shows_levels_and_their_meanings(panel, client_for):
    page = html(client_for(panel["one"]).get(f"/candidates/{panel['candidate'].id}/scorecard"))
    for key in ("research", "engineering", "data"):
        select_html = re.search(rf'<select[^>]*id="rating_{key}".*?</select>', page, re.S)
        assert select_html, key
        options = re.findall(r"<option[^>]*>([^<]+)</option>", select_html.group(0))
        assert options == [
            "Not assessed",
            "none (0)",
            "basic (1)",
            "working (2)",
            "strong (3)",
            "expert (4)",
        ]
    assert "does hard work alone, reviews others" in page
    assert re.findall(r'<option[^>]*value="([^"]*)"', page.split('id="recommendation"')[1])[:5] == [
        "",
        "strong_no",
        "no",
        "yes",
        "strong_yes",
    ]
    assert 'value="Save draft"' in page and 'value="Submit"' in page
    assert "Submitting is final" in page


def test_draft_then_submit_then_read_only_then_refused(panel, client_for, db):
    candidate, one = panel["candidate"], panel["one"]
    client = client_for(one)
    url = f"/candidates/{candidate.id}/scorecard"
    response = post_form(client, url, card_form())
    assert response.status_code == 302 and response.location == url
    assert cards(db, candidate.id) == [(one.id, 1, False)]
    page = html(client.get(url))
    assert re.search(r'id="rating_research".*?<option selected value="3">', page, re.S)
    assert re.search(r'id="rating_data".*?<option selected value="">', page, re.S)
    assert "Solid on papers.\nShaky on SQL.</textarea>" in page
    response = post_form(client, url, submitted(rating_data="1"))
    assert response.status_code == 302 and response.location == f"{url}/submit"
    assert cards(db, candidate.id) == [(one.id, 1, False)]  # saved, not submitted before asking
    response = post_form(client, f"{url}/submit", {})
    # No other card owed: back to the list (tests/hiring/test_interview_structure.py has more).
    assert response.status_code == 302 and response.location == "/candidates/mine"
    assert cards(db, candidate.id) == [(one.id, 1, True)]
    ratings = fresh(db).exec(select(ScorecardRating)).all()
    assert sorted(r.level for r in ratings if r.level is not None) == [1, 2, 3]
    db.rollback()
    page = html(client.get(url))
    assert 'id="read-only-card"' in page and "Correct my card" in page
    assert 'name="rating_research"' not in page
    response = post_form(
        client, url, submitted(rating_research="0"), page=f"/candidates/{candidate.id}"
    )
    assert response.status_code == 409
    assert "You have submitted your card; a correction is a new revision." in html(response)
    assert cards(db, candidate.id) == [(one.id, 1, True)]
    levels = (
        fresh(db)
        .exec(select(ScorecardRating.level).where(col(ScorecardRating.level).is_not(None)))
        .all()
    )
    assert sorted(levels) == [1, 2, 3]
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "scorecard.submit")).one()
    assert entry.actor_email == one.email


def test_correction_is_a_new_revision_and_the_old_stays(panel, write_card, client_for, db):
    candidate, one = panel["candidate"], panel["one"]
    write_card(candidate, one, {"research": 3, "engineering": 2, "data": 1}, notes="First")
    client = client_for(one)
    url = f"/candidates/{candidate.id}/scorecard"
    response = post_form(client, f"{url}/revise", {}, page=url)
    assert response.status_code == 302 and response.location == url
    assert cards(db, candidate.id) == [(one.id, 1, True), (one.id, 2, False)]
    page = html(client.get(url))
    assert re.search(r'id="rating_research".*?<option selected value="3">', page, re.S)
    assert "First</textarea>" in page
    response = submit_through_page(client, candidate.id, rating_research="4", notes="Corrected")
    assert response.status_code == 302
    assert cards(db, candidate.id) == [(one.id, 1, True), (one.id, 2, True)]
    history = card_history(candidate.id, viewer=viewer_of(one, fresh(db)), session=db)
    db.rollback()
    assert [(c.revision, c.ratings["research"], c.notes) for c in history] == [
        (1, 3, "First"),
        (2, 4, "Corrected"),
    ]
    detail = html(client.get(f"/candidates/{candidate.id}"))
    assert 'id="card-history"' in detail and "revision 1" in detail and "revision 2" in detail
    entry = fresh(db).exec(select(AuditEntry).where(AuditEntry.action == "scorecard.revise"))
    assert entry.one().actor_email == one.email


def test_revising_without_a_submitted_card_is_a_conflict(panel, client_for, db):
    client = client_for(panel["one"])
    url = f"/candidates/{panel['candidate'].id}/scorecard"
    response = post_form(client, f"{url}/revise", {}, page=url)
    assert response.status_code == 409
    assert "no submitted card to correct" in html(response)
    assert cards(db, panel["candidate"].id) == []


def test_who_may_write_a_card(panel, make_user, client_for, db):
    candidate = panel["candidate"]
    url = f"/candidates/{candidate.id}/scorecard"
    off_panel = client_for(make_user("interviewer"))
    assert off_panel.get(url).status_code == 404
    assert post_form(off_panel, url, submitted(), page="/candidates/mine").status_code == 404
    admin_interviewer = client_for(make_user("admin", "interviewer"))
    assert admin_interviewer.get(url).status_code == 403
    assert post_form(admin_interviewer, url, submitted(), page="/profile").status_code == 403
    leadership = client_for(make_user("leadership"))
    assert leadership.get(url).status_code == 403
    assert post_form(leadership, url, submitted(), page="/profile").status_code == 403
    owner = client_for(panel["owner"])
    assert owner.get(url).status_code == 403
    assert client_for(panel["one"]).get("/candidates/424242/scorecard").status_code == 404
    assert cards(db, candidate.id) == []


def test_bad_rating_is_refused(panel, client_for, db):
    client = client_for(panel["one"])
    url = f"/candidates/{panel['candidate'].id}/scorecard"
    response = post_form(client, url, submitted(rating_research="5", recommendation="maybe"))
    assert response.status_code == 400
    page = html(response)
    assert re.search(r'is-invalid[^"]*" id="rating_research"', page)
    assert re.search(r'is-invalid[^"]*" id="recommendation"', page)
    assert cards(db, panel["candidate"].id) == []


def test_closed_opening_refuses_cards(panel, make_opening, client_for, db):
    owner = client_for(panel["owner"])
    opening = panel["opening"]
    data = {"title": opening.title, "headcount": "1", "status": "closed"}
    data["panel"] = [panel["one"].email, panel["two"].email]
    assert post_form(owner, f"/openings/{opening.id}/edit", data).status_code == 302
    client = client_for(panel["one"])
    url = f"/candidates/{panel['candidate'].id}/scorecard"
    page = html(client.get(url))
    assert "The opening is closed: its cards can no longer change." in page
    response = post_form(client, url, submitted(), page=f"/candidates/{panel['candidate'].id}")
    assert response.status_code == 409
    assert "The opening is closed" in html(response)
    assert cards(db, panel["candidate"].id) == []


def test_independence_on_the_candidate_page(panel, write_card, client_for):
    candidate, one, two = panel["candidate"], panel["one"], panel["two"]
    write_card(
        candidate,
        one,
        {"research": 4, "engineering": 1, "data": 1},
        recommendation="strong_yes",
        notes="Secret notes of one",
    )
    write_card(candidate, two, {"research": 2}, submit=False, notes="Draft of two")
    url = f"/candidates/{candidate.id}"
    as_two = client_for(two)
    page = html(as_two.get(url))
    assert "You will see the others' cards once you submit yours" in page
    assert "Secret notes of one" not in page and one.email not in page
    assert "Strong yes" not in page
    assert "Draft of two" in page and 'id="my-draft"' in page  # their own draft only
    assert "Continue my card" in page
    assessment = page.split('id="assessment"')[1].split("Who said what")[0]
    assert ' verdict"' not in assessment and "level-" not in assessment
    opening_page = html(as_two.get(f"/openings/{panel['opening'].id}"))
    assert "level-4" not in opening_page and "You will see the panel's levels" in opening_page
    as_one = client_for(one)
    assert "Draft of two" not in html(as_one.get(url))
    assert submit_through_page(as_two, candidate.id, notes="Notes of two").status_code == 302
    page = html(as_two.get(url))
    assert "You will see the others' cards" not in page
    assert "Secret notes of one" in page and one.email in page and "Strong yes" in page
    assert "Notes of two" in page


def test_hiring_manager_sees_submitted_cards_but_no_drafts(panel, write_card, client_for):
    candidate, one, two = panel["candidate"], panel["one"], panel["two"]
    write_card(candidate, one, {"research": 3, "engineering": 2, "data": 1}, notes="Submitted")
    write_card(candidate, two, {"research": 1}, submit=False, notes="Still a draft")
    page = html(client_for(panel["owner"]).get(f"/candidates/{candidate.id}"))
    assert "Submitted" in page and one.email in page
    assert "Still a draft" not in page and two.email not in page
    assert "You will see the others' cards" not in page
    cards_table = re.search(r'id="cards".*?</table>', page, re.S).group(0)
    assert 'title="strong (3)' in cards_table
    assessment = page.split('id="assessment"')[1].split("Who said what")[0]
    assert "Passes" in assessment
    assert "strong in ML research (strong), at least basic in all" in assessment


def test_unrated_areas_are_listed(panel, write_card, client_for):
    write_card(panel["candidate"], panel["one"], {"research": 3, "engineering": None})
    page = html(client_for(panel["owner"]).get(f"/candidates/{panel['candidate'].id}"))
    unrated = re.search(r'id="unrated">(.*?)</p>', page, re.S)
    assert unrated
    text = " ".join(re.sub(r"<[^>]+>", " ", unrated.group(1)).split())
    assert text == "Nobody has rated Software and ML engineering , Data engineering yet."
