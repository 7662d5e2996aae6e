"""A new hiring manager logs in, imports a team and a backlog from CSV, and reads the matrix."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import shot

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
    page.wait_for_url("**/team/")
    assert "No one is on the team yet" in page.content()

    page.goto(live_server + "/team/import")
    page.set_input_files("input[type=file]", str(team_file))
    page.click("main form button[type=submit]")
    preview = page.content()
    assert "Ada Lovelace" in preview and "Edsger Dijkstra" in preview
    shot(page, "import-members-preview")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert "3 created" in page.content()

    page.goto(live_server + "/work/import")
    page.set_input_files("input[type=file]", str(work_file))
    page.click("main form button[type=submit]")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert "4 created" in page.content()
    shot(page, "work-list")

    page.goto(live_server + "/team/")
    cell = page.locator("#matrix tbody tr", has_text="Ada Lovelace").locator("td.cell").first
    assert cell.inner_text() == "expert"
    assert "expert (4)" in (cell.get_attribute("title") or "")
    shot(page, "matrix")
    assert page.js_errors == []
