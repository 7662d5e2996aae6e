"""A hiring manager on a phone (390 px wide) reads how each interviewer rates: names, the flag in
words, the small chart, the agreement per area, and filters by opening; the page never scrolls
sideways, and the tables' columns are sortable with the keyboard's Enter."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_calibration_on_a_phone(
    page, live_server, make_user, make_opening, make_candidate, write_card
):
    manager = make_user("hiring_manager", name="Hana Manager")
    high = make_user(
        "interviewer",
        name="Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausen",
        email="maximiliana.featherstonehaugh-wolfeschlegelsteinhausen@interviewers.example.org",
    )
    two = make_user("interviewer", name="Theo Two")
    three = make_user("interviewer", name="Uma Three")
    first = make_opening(manager=manager, panel=[high, two, three], title="Data engineer")
    second = make_opening(manager=manager, panel=[two, three], title="Researcher")
    for name in ("Xena", "Yuri"):
        candidate = make_candidate(first, name=name)
        write_card(candidate, high, {"research": 4, "engineering": 3, "data": 3})
        write_card(candidate, two, {"research": 2, "engineering": 2, "data": 2})
        write_card(candidate, three, {"research": 3, "engineering": 2, "data": 1})
    zoe = make_candidate(second, name="Zoe")
    write_card(zoe, two, {"research": 1, "engineering": 1, "data": None})
    write_card(zoe, three, {"research": 2, "engineering": 1, "data": None})

    log_in(page, live_server, manager.email, PASSWORD)
    page.goto(live_server + "/calibration")
    no_sideways_scroll(page)
    shot(page, "calibration-e2e-1400")
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Calibration").click()
    page.wait_for_load_state()
    assert page.url.endswith("/calibration")
    no_sideways_scroll(page)
    row = page.locator(f"#interviewer-{high.id}")
    assert "Maximiliana" in row.inner_text() and "rates high" in row.inner_text()
    chart = row.locator("svg.calibration-chart")
    assert chart.is_visible() and chart.get_attribute("role") == "img"
    assert (chart.bounding_box() or {"width": 999})["width"] <= 390
    assert "never adjusted" in page.locator("#never-adjusted").inner_text()
    assert page.locator("#agreement-research .reading").inner_text()
    shot(page, "calibration-e2e-390")

    page.select_option("#filter-opening", str(second.id))
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert f"opening_id={second.id}" in page.url
    assert page.locator(f"#interviewer-{high.id}").count() == 0
    assert "2 cards of 1 candidate" in page.locator("#scope").inner_text()
    no_sideways_scroll(page)
    shot(page, "calibration-filtered-e2e-390")
    assert page.js_errors == []
