"""A hiring manager on a phone (390 px wide) reads the ticket plan: the finish first, a Gantt
chart that scrolls inside its own box (never the page), each ticket's size for two people in
its tooltip and in the list under the chart; filters the lanes by area, publishes the plan, and
opens a member's queue. No page of the way scrolls sideways."""

from __future__ import annotations

from datetime import date

import pytest

from team.models import Settings
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_the_plan_on_a_phone(page, live_server, db, make_user, make_member, make_work_item):
    settings = db.get(Settings, 1)
    settings.plan_start = date(2027, 1, 4)
    db.add(settings)
    db.commit()
    user = make_user("hiring_manager", name="Hana Manager")
    mei = make_member(
        name="Mei Chen",
        email="mei@example.com",
        levels={"research": 3, "engineering": 1, "data": 0},
    )
    make_member(
        name="Diego Alvarez de la Fuente y Montenegro",
        email="diego@example.com",
        levels={"research": 1, "engineering": 3, "data": 2},
    )
    research = make_work_item(
        title="Evaluate the ranking model against last quarter's labelled sample, by segment",
        area="research",
        points=3,
    )
    make_work_item(title="Scoring API", area="engineering", points=3)
    make_work_item(title="Backfill events", area="data", points=5)  # Diego's: done 18 January
    log_in(page, live_server, user.email, PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server}/plan")
    assert page.locator("#plan-finish").inner_text() == "about 18 January 2027"
    no_sideways_scroll(page)
    chart = page.locator("#lanes .gantt-scroll")
    assert chart.get_attribute("tabindex") == "0" and chart.get_attribute("aria-label")
    # The chart is wider than the phone: it scrolls inside its box, and the page does not.
    assert chart.evaluate("box => box.scrollWidth > box.clientWidth")
    size = "3 points: 3 days for Mei Chen, 9 days for Diego Alvarez de la Fuente y Montenegro"
    tooltip = page.locator(f'g.bar[data-item="{research.id}"] > title').text_content()
    assert size in (tooltip or "")
    row = page.locator(f"#item-{research.id}")
    assert row.is_visible() and size in row.inner_text()
    shot(page, "plan-page-e2e-390")

    page.select_option("#filter-area", "data")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    lanes = page.locator("#lane-lists h3").all_inner_texts()
    assert len(lanes) == 1 and lanes[0].startswith("Diego Alvarez")
    no_sideways_scroll(page)

    page.get_by_role("button", name="Publish this plan").click()
    page.wait_for_load_state()
    assert "Plan published: it finishes about 18 January 2027" in page.locator("main").inner_text()
    assert "Published on" in page.locator("#published").inner_text()
    no_sideways_scroll(page)
    shot(page, "plan-page-published-e2e-390")

    page.goto(f"{live_server}/team/members/{mei.id}")
    queue = page.locator("#queue").inner_text()
    assert "Evaluate the ranking model" in queue and "3 days for Mei Chen" in queue
    no_sideways_scroll(page)
    shot(page, "plan-member-queue-e2e-390")
    assert page.js_errors == []
