"""A hiring manager on a phone (390 px wide) assigns a work item to a member, sees who has it in
the list, and previews a work items file whose assignees are not all on the team; no page of the
way scrolls sideways."""

from __future__ import annotations

import pytest

from team import members
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e


def test_assigning_work_on_a_phone(page, live_server, db, make_user, make_member, tmp_path):
    user = make_user("hiring_manager", name="Hana Manager")
    make_member(name="Ada Lovelace-Byron of a Rather Long Name", email="ada@example.com")
    gone = make_member(name="Oliver Smith", email="oliver@example.com")
    members.mark_left(gone.id, session=db, actor="test")
    db.commit()
    log_in(page, live_server, user.email, PASSWORD)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server}/work/new")
    no_sideways_scroll(page)
    page.fill("#title", "Evaluate the ranking model against last quarter's labelled sample")
    page.select_option("#area", "research")
    page.fill("#points", "5")
    options = page.locator("#assignee option").all_inner_texts()
    assert options == ["Nobody", "Ada Lovelace-Byron of a Rather Long Name"]
    page.select_option("#assignee", "ada@example.com")
    shot(page, "work-assignee-form-390")
    page.get_by_role("button", name="Add work item").click()
    page.wait_for_load_state()
    assert "Assigned to Ada Lovelace-Byron" in page.locator("#work").inner_text()
    no_sideways_scroll(page)
    shot(page, "work-assignee-list-390")

    csv = tmp_path / "work.csv"
    csv.write_text(
        "title,area,points,status,skills,assignee\n"
        "Backfill,data,3,,,ada@example.com\n"
        "Drift alarms,data,2,,,oliver@example.com\n"
        "Dashboards,data,2,,,someone@elsewhere.org\n"
    )
    page.goto(f"{live_server}/work/import")
    page.set_input_files("#file", str(csv))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    warning = page.locator("#unknown-assignees").inner_text()
    assert warning.startswith("2 assignees not found, left empty")
    no_sideways_scroll(page)
    shot(page, "work-import-assignees-390")
