"""A hiring manager imports their Jira backlog in a browser: the upload goes through the page's
script (its progress shown), the preview lists every value that maps to no area with a control,
the mapping is chosen, the file imported; a later export of the same backlog changes nothing. The
pages fit a phone's width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll

pytestmark = pytest.mark.e2e

JIRA = Path(__file__).resolve().parents[1] / "data" / "jira_export.csv"


def _upload(page, base: str) -> None:
    page.goto(f"{base}/work/import")
    page.set_input_files("#file", str(JIRA))
    page.get_by_role("button", name="Preview").click()
    # The script sends the file and then opens the preview by its own address.
    page.wait_for_url(re.compile(r".*/work/import/\d+$"))
    page.wait_for_load_state()


def test_importing_a_jira_export(page, live_server, make_user):
    user = make_user("hiring_manager", name="Hana Manager")
    log_in(page, live_server, user.email, PASSWORD)
    _upload(page, live_server)
    assert "values map to no area" in page.locator("#unmapped-summary").inner_text()
    shot(page, "tracker-import-unmapped-1366")
    areas = ["data", "engineering", "research"]
    for _round in range(3):
        selects = page.locator("#mapping-values select")
        for index in range(selects.count()):
            selects.nth(index).select_option(areas[index % 3])
        page.fill("#default_points", "3")
        page.get_by_role("button", name="Preview again with this mapping").click()
        page.wait_for_load_state()
        if page.locator("#import-counts").count():
            break
    counts = page.locator("#import-counts").inner_text()
    assert counts.startswith("32 to add, 0 to update, 0 unchanged")
    shot(page, "tracker-import-mapped-1366")
    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r".*/work/$"))
    assert "Imported from Jira: 32 created" in page.locator(".alert-success").inner_text()

    page.set_viewport_size(PHONE)
    _upload(page, live_server)
    assert page.locator("#import-counts").inner_text().startswith("0 to add, 0 to update, 32")
    no_sideways_scroll(page)
    shot(page, "tracker-import-again-390")
    page.goto(f"{live_server}/work/import")
    assert "Imported" in page.locator("#recent-uploads").inner_text()
    no_sideways_scroll(page)
    shot(page, "tracker-import-upload-390")
