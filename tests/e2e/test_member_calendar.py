"""A hiring manager on a phone (390 px wide) records a member's dates and an absence, and deletes
it through its confirmation page; no page of the way scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page) -> None:
    """The page fits the window's width: nothing sticks out to the right."""
    wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert wide <= 0, f"{page.url} is {wide} px wider than the window"


def test_dates_and_an_absence_on_a_phone(page, live_server, make_user, make_member):
    user = make_user("hiring_manager", name="Hana Manager")
    ada = make_member(
        name="Ada Lovelace",
        email="ada@example.com",
        title="Research lead and reviewer of everything long-winded",
        start_date=date(2027, 1, 4),
    )
    log_in(page, live_server, user.email, PASSWORD)
    page.set_viewport_size(PHONE)  # after logging in: on a phone the menu folds away Log out

    page.goto(f"{live_server}/team/members/{ada.id}/edit")
    no_sideways_scroll(page)
    page.fill("#end_date", "2027-06-30")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "last working day 30 June 2027" in page.locator("#member-dates").inner_text()

    page.fill("#start", "2027-03-01")
    page.fill("#end", "2027-07-02")  # after her last day: refused on its field
    page.fill("#note", "A conference with a rather long name that has to wrap on a phone")
    page.get_by_role("button", name="Add absence").click()
    page.wait_for_load_state()
    assert "must be on or before their end date (30 June 2027)" in page.content()
    no_sideways_scroll(page)
    page.fill("#end", "2027-03-05")
    page.get_by_role("button", name="Add absence").click()
    page.wait_for_load_state()
    listed = page.locator("#absence-list").inner_text()
    assert "1 March 2027 to 5 March 2027" in listed and "long name" in listed
    no_sideways_scroll(page)
    shot(page, "member-absences-390")

    page.locator("#absence-list").get_by_role("link", name="Delete").click()
    page.wait_for_load_state()
    assert "Delete the absence of Ada Lovelace" in page.locator("#confirm-question").inner_text()
    no_sideways_scroll(page)
    shot(page, "absence-delete-390")
    page.get_by_role("button", name="Delete absence").click()
    page.wait_for_load_state()
    assert "No absences recorded." in page.content()
    # The refused absence answered 400, which the browser logs; nothing else may be an error.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
