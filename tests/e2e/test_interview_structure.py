"""The interview structure in a real browser, on a phone (390 px wide): an admin writes what the
levels mean in data engineering, the hiring manager gives an interviewer their focus area and
interview dates, and the interviewer finds their cards in date order, writes the first on the
guide and is taken on to the next. No page of the way scrolls sideways."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    """The page fits the window's width: nothing sticks out to the right."""
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide} px wider than the window"


def _phone(windows, base: str, user):
    """A new window on a phone's width, logged in as `user`."""
    page = windows.open(user.email)
    log_in(page, base, user.email, PASSWORD)
    page.set_viewport_size(PHONE)  # after logging in: on a phone the menu folds away Log out
    return page


def test_guide_focus_dates_and_the_next_card_on_a_phone(
    windows, live_server, make_user, make_opening, make_candidate
):
    admin = make_user("admin", name="Alex Admin")
    manager = make_user("hiring_manager", name="Hana Manager")
    ines = make_user("interviewer", name="Ines Interviewer-With-A-Long-Name")
    theo = make_user("interviewer", name="Theo Two")
    opening = make_opening(manager=manager, panel=[ines, theo], title="Data engineer, streaming")
    nadia = make_candidate(opening, name="Nadia Petrova")
    omar = make_candidate(opening, name="Omar Haddad")

    # The admin says what "strong" means in data engineering and suggests a question.
    page = _phone(windows, live_server, admin)
    page.goto(f"{live_server}/admin/areas")
    page.get_by_role(
        "link", name="What the levels mean in Data engineering, and questions to ask"
    ).click()
    page.wait_for_load_state()
    no_sideways_scroll(page)
    page.fill("#meaning_3", "Designs a streaming pipeline end to end and reviews others' pipelines")
    page.fill("#question_1", "Walk me through the last pipeline you designed: what broke first?")
    page.get_by_role("button", name="Save the guide").click()
    page.wait_for_load_state()
    assert "The interview guide of Data engineering is saved." in page.locator("main").inner_text()
    page.context.close()

    # The manager gives Ines data engineering and sets her interview dates.
    page = _phone(windows, live_server, manager)
    page.goto(f"{live_server}/openings/{opening.id}")
    page.get_by_role("link", name="Focus areas and interview dates").click()
    page.wait_for_load_state()
    no_sideways_scroll(page)
    seat = page.locator(f"#seat-{ines.id}")
    seat.get_by_label("Data engineering").check()
    seat.get_by_role("button", name="Save focus areas").click()
    page.wait_for_load_state()
    assert "covers Data engineering" in page.locator("main").inner_text()
    for candidate, day in ((omar, "2027-03-02"), (nadia, "2027-03-09")):
        page.locator("#interview-dates").get_by_role(
            "link", name=f"Set dates for {candidate.name}"
        ).click()
        page.wait_for_load_state()
        no_sideways_scroll(page)
        page.fill(f"#date_{ines.id}", day)
        page.get_by_role("button", name="Save interview dates").click()
        page.wait_for_load_state()
    assert "2 March 2027" in page.locator("#interview-dates").inner_text()
    no_sideways_scroll(page)
    shot(page, "panel-focus-and-dates-390")
    page.context.close()

    # Ines finds her cards soonest first, writes Omar's on the guide, and goes on to Nadia's.
    page = _phone(windows, live_server, ines)
    page.goto(f"{live_server}/candidates/mine")
    rows = page.locator("#owed tbody tr")
    assert "Omar Haddad" in rows.nth(0).inner_text() and "2 March 2027" in rows.nth(0).inner_text()
    assert "Nadia Petrova" in rows.nth(1).inner_text()
    no_sideways_scroll(page)
    shot(page, "cards-to-write-by-date-390")
    rows.nth(0).get_by_role("link", name="Write card").click()
    page.wait_for_load_state()
    focus = page.locator("#area-data")
    assert "your focus" in focus.locator("summary").inner_text()
    assert focus.locator("#levels-data").is_visible()  # the legend is text, not a hover
    assert "Designs a streaming pipeline" in focus.locator("#levels-data").inner_text()
    assert "what broke first?" in focus.locator("#questions-data").inner_text()
    assert not page.locator("#levels-research").is_visible()  # not her focus: folded away
    no_sideways_scroll(page)
    shot(page, "scorecard-focus-and-guide-390")
    page.select_option("select[name=rating_data]", "3")
    page.select_option("select[name=recommendation]", "yes")
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Submit my card", exact=True).click()
    page.wait_for_load_state()
    text = page.locator("main").inner_text()
    assert "Your card is submitted." in text and "Next: your card for Nadia Petrova" in text
    assert page.url.endswith(f"/candidates/{nadia.id}/scorecard")
    no_sideways_scroll(page)
    assert page.js_errors == []
