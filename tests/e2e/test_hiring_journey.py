"""Two interviewers score a candidate independently; the hiring manager ranks, hires, and sees
the forecast move — in a real browser against a live server."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e


def _log_in(windows, base: str, user):
    """A new window logged in as `user` (kept by `windows`, so a failure saves what it shows)."""
    page = windows.open(user.email)
    log_in(page, base, user.email, PASSWORD)
    return page.context, page


def _rate(page, ratings: dict[str, str], button: str) -> None:
    for area, value in ratings.items():
        page.select_option(f"select[name=rating_{area}]", value)
    page.select_option("select[name=recommendation]", "yes")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_independent_cards_then_a_hire_moves_the_forecast(
    windows, live_server, make_user, make_member, make_work_item, make_opening, make_candidate
):
    make_member(name="Ada", levels={"research": 3, "engineering": 2, "data": 0})
    make_work_item(area="data", points=20)
    make_work_item(area="research", points=5)
    manager = make_user("hiring_manager", name="Hana Manager")
    one = make_user("interviewer", name="Ines One")
    two = make_user("interviewer", name="Theo Two")
    opening = make_opening(manager=manager, panel=[one, two], title="Data engineer")
    nadia = make_candidate(opening, name="Nadia Petrova")

    # Interviewer one finds the card on their list and submits it.
    context, page = _log_in(windows, live_server, one)
    # An interviewer lands on the home, which lists the cards they owe.
    assert "Nadia Petrova" in page.locator("#cards-owed").inner_text()
    page.goto(f"{live_server}/candidates/{nadia.id}/scorecard")
    _rate(page, {"research": "1", "engineering": "2", "data": "3"}, "Submit")
    page.get_by_role("button", name="Submit my card", exact=True).click()  # asked once
    page.wait_for_load_state()
    assert "Your card is submitted" in page.content()
    context.close()

    # Interviewer two, with only a draft, cannot see interviewer one's card.
    context, page = _log_in(windows, live_server, two)
    page.goto(f"{live_server}/candidates/{nadia.id}/scorecard")
    _rate(page, {"research": "1", "engineering": "1", "data": "3"}, "Save draft")
    page.goto(f"{live_server}/candidates/{nadia.id}")
    assert page.locator("#independence-note").is_visible()
    assert one.email not in page.content()
    shot(page, "candidate-before-submitting")
    page.goto(f"{live_server}/candidates/{nadia.id}/scorecard")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit my card", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/candidates/{nadia.id}")
    assert one.email in page.content()  # after submitting, the others' cards show
    context.close()

    # The hiring manager reads the ranking and its explanation, then hires.
    context, page = _log_in(windows, live_server, manager)
    page.goto(f"{live_server}/reports/coverage")
    before = page.locator("#forecast-weeks").inner_text()
    page.goto(f"{live_server}/openings/{opening.id}/ranking")
    page.locator("summary", has_text="Why Nadia").click()
    assert "Who said what" in page.content()
    shot(page, "ranking-explained")
    page.goto(f"{live_server}/candidates/{nadia.id}")
    page.select_option("#status-form select[name=status]", "hired")
    page.locator("#status-form button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add to the team").click()
    page.wait_for_load_state()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"/team/members/\d+$", page.url)
    page.goto(f"{live_server}/reports/coverage")
    after = page.locator("#forecast-weeks").inner_text()
    assert "13 people" not in page.content() and "2 people" in page.content()
    assert float(after.split()[0]) < float(before.split()[0])
    shot(page, "coverage-after-hire")
    context.close()


def test_a_manager_on_their_own_panel_reads_only_what_their_cards_open(
    windows,
    live_server,
    make_user,
    make_member,
    make_work_item,
    make_opening,
    make_candidate,
    write_card,
):
    """The independence rule as the person it protects meets it: a hiring manager who also
    interviews for their own opening sees the ranking without the candidates they have not
    written a card for, listed apart, and each one appears once their card is in."""
    make_member(name="Ada", levels={"research": 3, "engineering": 2, "data": 0})
    make_work_item(area="data", points=20)
    owner = make_user("hiring_manager", "interviewer", name="Hana Owner")
    other = make_user("interviewer", name="Ines Other")
    opening = make_opening(manager=owner, panel=[owner, other], title="Data engineer")
    nadia = make_candidate(opening, name="Nadia Petrova")
    omar = make_candidate(opening, name="Omar Haddad")
    write_card(nadia, other, {"research": 1, "engineering": 2, "data": 4}, notes="Ines's notes")
    write_card(omar, other, {"research": 1, "engineering": 1, "data": 3})
    write_card(omar, owner, {"research": 1, "engineering": 1, "data": 3})

    context, page = _log_in(windows, live_server, owner)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/openings/{opening.id}/ranking")
        ranked = page.locator("#ranking").inner_text()
        assert "Omar Haddad" in ranked and "Nadia Petrova" not in ranked
        hidden = page.locator("#hidden-candidates")
        assert "Nadia Petrova" in hidden.inner_text() and "submit your card" in hidden.inner_text()
        shot(page, f"ranking-owner-on-panel-{width}")
    page.locator("#hidden-candidates").get_by_role("link", name="Nadia Petrova").click()
    page.wait_for_load_state()
    _rate(page, {"research": "1", "engineering": "2", "data": "3"}, "Submit")
    shot(page, "submit-asked-once-390")
    page.get_by_role("button", name="Submit my card", exact=True).click()
    page.wait_for_load_state()
    # No card left to write: back to the list, which says the panel's cards are open now.
    assert "That was the last card you owe." in page.locator("main").inner_text()
    page.goto(f"{live_server}/candidates/{nadia.id}")
    assert "Ines's notes" in page.content()  # the candidate page, the panel's cards open
    page.goto(f"{live_server}/openings/{opening.id}/ranking")
    assert "Nadia Petrova" in page.locator("#ranking").inner_text()
    assert page.locator("#hidden-candidates").count() == 0
    context.close()
