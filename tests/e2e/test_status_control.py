"""Planned work's status control: shown whole (no "Plann"), saved as soon as it is chosen with
JavaScript (the row says so, and the list keeps it after a reload), and saved by its Set button
without JavaScript."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e


def _status_of(page, title: str) -> str:
    row = page.locator("#work tbody tr", has_text=title)
    return row.locator("select[name=status]").input_value()


def _whole(page, title: str) -> None:
    """The chosen status's words fit in the control (its text is not cut off)."""
    select = page.locator("#work tbody tr", has_text=title).locator("select[name=status]")
    fits = select.evaluate(
        """s => {
            const probe = document.createElement('span');
            probe.style.font = getComputedStyle(s).font;
            probe.style.position = 'absolute';
            probe.style.visibility = 'hidden';
            probe.textContent = s.options[s.selectedIndex].text;
            document.body.appendChild(probe);
            const needed = probe.getBoundingClientRect().width;
            probe.remove();
            const style = getComputedStyle(s);
            const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
            const room = s.clientWidth - padding;
            return needed <= room + 0.5;
        }"""
    )
    assert fits, f"the status of {title} is cut off"


def test_a_status_saves_when_chosen(page, live_server, make_user, make_work_item):
    user = make_user("hiring_manager", name="Hana Manager")
    make_work_item(title="Backfill the events table", area="data", points=3)
    log_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/work/")
    row = page.locator("#work tbody tr", has_text="Backfill the events table")
    assert not row.get_by_role("button", name="Set").is_visible()  # the script saves on change
    _whole(page, "Backfill the events table")
    row.locator("select[name=status]").select_option("in_progress")
    said = row.locator(".autosave-status")
    said.filter(has_text="Saved").wait_for()
    assert said.inner_text() == "Saved: In progress."
    assert page.url.endswith("/work/")  # no page load
    page.reload()
    assert _status_of(page, "Backfill the events table") == "in_progress"
    _whole(page, "Backfill the events table")
    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    _whole(page, "Backfill the events table")
    shot(page, "work-status-saved-390")


def test_without_javascript_the_set_button_saves(browser, live_server, make_user, make_work_item):
    user = make_user("hiring_manager", name="Hana Manager")
    make_work_item(title="Drift alarms", area="data", points=2)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server}/login")
        page.fill("#email", user.email)
        page.fill("#password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"{live_server}/work/")
        row = page.locator("#work tbody tr", has_text="Drift alarms")
        row.locator("select[name=status]").select_option("done")
        row.get_by_role("button", name="Set").click()
        page.wait_for_load_state()
        assert _status_of(page, "Drift alarms") == "done"
    finally:
        context.close()
