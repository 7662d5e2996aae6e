"""A refused form says what went wrong where a keyboard and a screen reader start: the error
summary at the top takes focus, lists each problem, and its links take focus to the field
without leaving the page's URL."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_a_refused_form_focuses_its_summary_and_links_to_each_field(page, live_server, make_user):
    user = make_user("hiring_manager", name="Hana Manager")
    log_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/work/new")
    page.fill("#title", "Backfill the events table")
    page.select_option("#area", "data")
    page.fill("#points", "0")  # the browser lets it through; points must be more than 0
    page.get_by_role("button", name="Add work item").click()
    page.wait_for_load_state()
    url = page.url

    summary = page.locator(".error-summary")
    assert summary.count() == 1
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    links = summary.locator("a.error-link")
    assert links.count() == 1
    assert links.first.inner_text().startswith("Points: ")
    shot(page, "form-error-summary-1366")

    links.first.click()
    assert page.evaluate("document.activeElement.id") == "points"
    assert page.url == url  # no #points added: the page's URL stays

    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    shot(page, "form-error-summary-390")
