"""A new hiring manager logs in, imports a team and a backlog from CSV, and reads the matrix;
deleting a ticket and marking someone as left each ask first, on a page of their own."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e

TEAM_CSV = """name,email,title,fte,research,engineering,data
Ada Lovelace,ada@example.com,Research lead,1,expert,working,basic
Grace Hopper,grace@example.com,ML engineer,1,2,4,1
Edsger Dijkstra,edsger@example.com,Data engineer,0.5,1,3,3
"""

WORK_CSV = """title,area,points,status,skills
Baseline model,research,5,planned,
Scoring API,engineering,3,in_progress,
Event pipeline,data,8,planned,
Old report,data,2,done,
"""


def test_import_a_team_and_a_backlog_then_read_the_matrix(page, live_server, make_user, tmp_path):
    user = make_user("hiring_manager", name="Hana Manager")
    team_file, work_file = tmp_path / "team.csv", tmp_path / "work.csv"
    team_file.write_text(TEAM_CSV)
    work_file.write_text(WORK_CSV)

    page.goto(live_server + "/")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/home")  # every role lands on its home
    assert "No one is on the team yet" in page.locator("#no-team").inner_text()

    page.locator("#no-team").get_by_role("link", name="import a team from CSV").click()
    page.wait_for_url("**/team/import")
    page.set_input_files("input[type=file]", str(team_file))
    page.click("main form button[type=submit]")
    # The page's script sends the file, then opens its preview.
    page.wait_for_url(re.compile(r".*/team/import/\d+$"))
    preview = page.content()
    assert "Ada Lovelace" in preview and "Edsger Dijkstra" in preview
    shot(page, "import-members-preview")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/team/members$"))
    assert "3 created" in page.content()

    page.goto(live_server + "/work/import")
    page.set_input_files("input[type=file]", str(work_file))
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/work/import/\d+$"))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/work/$"))
    assert "4 created" in page.content()
    shot(page, "work-list")

    page.goto(live_server + "/team/")
    cell = page.locator("#matrix tbody tr", has_text="Ada Lovelace").locator("td.cell").first
    assert cell.inner_text() == "expert"
    assert "expert (4)" in (cell.get_attribute("title") or "")
    shot(page, "matrix")
    assert page.js_errors == []


def test_deleting_a_ticket_and_marking_someone_left_ask_first(
    page, live_server, make_user, make_member, make_work_item
):
    """Both have no undo, so each button opens a page that says what will happen; Cancel
    changes nothing, and only the page's own button acts (no JavaScript involved)."""
    user = make_user("hiring_manager", name="Hana Manager")
    make_member(name="Ada Lovelace", levels={"research": 4, "engineering": 2, "data": 2})
    mei = make_member(name="Mei Chen", levels={"research": 1, "engineering": 3, "data": 3})
    old = make_work_item(title="Old report", area="data", points=2, status="done")
    make_work_item(title="Event pipeline", area="data", points=8)
    log_in(page, live_server, user.email, PASSWORD)

    page.goto(live_server + "/work/")
    page.get_by_role("link", name="Delete Old report").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/work/{old.id}/delete"
    question = page.locator("#confirm-question").inner_text()
    assert question == "Delete “Old report” (2 points, Data engineering, done)?"
    shot(page, "confirm-delete-work-item")
    page.locator("#confirmation").get_by_role("link", name="Cancel").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/work/"
    assert "Old report" in page.locator("#work").inner_text()
    page.get_by_role("link", name="Delete Old report").click()
    page.locator("#confirmation").get_by_role("button", name="Delete work item").click()
    page.wait_for_load_state()
    assert "Deleted “Old report”." in page.locator("main").inner_text()
    assert "Old report" not in page.locator("#work").inner_text()

    page.goto(f"{live_server}/team/members/{mei.id}")
    page.locator("main").get_by_role("link", name="Mark as left").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/team/members/{mei.id}/leave"
    effect = page.locator("#confirm-effect").inner_text()
    assert "Mei will no longer count in the forecast" in effect
    assert "without Mei" in page.locator("#confirm-forecast").inner_text()
    shot(page, "confirm-mark-as-left")
    page.locator("#confirmation").get_by_role("button", name="Mark as left").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server}/team/members/{mei.id}"
    assert "Mei Chen is marked as having left." in page.locator("main").inner_text()
    assert page.locator("main").get_by_role("link", name="Mark as left").count() == 0
    page.goto(live_server + "/team/")
    assert "Mei Chen" not in page.locator("#matrix").inner_text()
    assert page.js_errors == []
