"""An admin on a phone (390 px wide) reads the audit log: each entry a sentence under its time,
stacked instead of a table's columns, nothing scrolling sideways however long the names; picks a
person and a day in the filter form, gets a URL that keeps them, and a wrong date range is told
on the field."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest

from hiring.openings import interviews, service
from hiring.openings.audit_log import record_import
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot
from tests.e2e.test_member_calendar import PHONE, no_sideways_scroll
from tests.hiring.conftest import viewer_of

pytestmark = pytest.mark.e2e


def test_the_audit_log_on_a_phone(page, live_server, db, make_user, make_opening, make_candidate):
    maria = make_user(
        "hiring_manager",
        name="Maria Fernanda Guadalupe Montenegro-Villanueva",
        email="maria.fernanda.guadalupe.montenegro-villanueva@example-recruiting.com",
    )
    ivo = make_user("interviewer", name="Ivo", email="ivo@example.com")
    admin = make_user("admin", name="Ada", email="ada@example.com")
    opening = make_opening(
        manager=maria,
        panel=[ivo],
        title="Senior machine learning engineer, recommendation and ranking infrastructure",
    )
    yuki = make_candidate(opening, name="Yuki Takahashi-Nakamura", email="yuki@example.com")
    as_maria = viewer_of(maria, db)
    interviews.schedule_interviews(yuki.id, {ivo.id: date(2027, 3, 4)}, viewer=as_maria, session=db)
    note = "Strong panel; " + "x" * 180  # one long word: it must wrap, not widen the page
    service.set_status(yuki.id, "offer", viewer=as_maria, session=db, note=note)
    record_import(db, as_maria, "work_items", {"created": 1180, "updated": 20, "closed": 4}, "jira")
    db.commit()

    log_in(page, live_server, admin.email, PASSWORD)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/admin/audit/")
    no_sideways_scroll(page)
    shot(page, "audit-log-1366")
    page.set_viewport_size(PHONE)  # after logging in: on a phone the menu folds away Log out
    page.goto(f"{live_server}/admin/audit/")
    sentences = page.locator("#audit .sentence").all_inner_texts()
    assert sentences[0] == (
        "Maria Fernanda Guadalupe Montenegro-Villanueva imported 1,204 work items from Jira: "
        "1,180 created, 20 updated, 4 closed"
    )
    assert (
        "Maria Fernanda Guadalupe Montenegro-Villanueva moved Yuki Takahashi-Nakamura to Offer made"
        in sentences
    )
    # Stacked: the time sits above its sentence, not beside it.
    when = page.locator("#audit tbody tr").first.locator("td.when").bounding_box()
    what = page.locator("#audit tbody tr").first.locator("td.what").bounding_box()
    assert when and what and what["y"] >= when["y"] + when["height"] - 1
    no_sideways_scroll(page)
    shot(page, "audit-log-390")

    # The filter: a person and the days, by the form; the URL keeps them, to share.
    today = date.today().isoformat()
    page.select_option("#actor", label="Maria Fernanda Guadalupe Montenegro-Villanueva")
    page.select_option("#action", label="Moved a candidate")
    page.fill("#since", today)
    page.fill("#until", today)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    asked = parse_qs(urlparse(page.url).query)
    assert asked["actor"] == [maria.email] and asked["action"] == ["candidate.status"]
    assert asked["since"] == asked["until"] == [today]
    assert page.locator("#audit .sentence").all_inner_texts() == [
        "Maria Fernanda Guadalupe Montenegro-Villanueva moved Yuki Takahashi-Nakamura to Offer made"
    ]
    assert "1 entry match the filter" in page.locator("#log-summary").inner_text()
    no_sideways_scroll(page)

    # Days out of order: told on the "To" field, nothing listed, still no sideways scrolling.
    page.fill("#since", "2027-03-02")
    page.fill("#until", "2027-03-01")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "must be on or after" in page.locator("#until ~ .invalid-feedback").inner_text()
    assert page.locator("#audit .sentence").count() == 0
    no_sideways_scroll(page)
    shot(page, "audit-log-filter-error-390")
    # The browser logs the page's own 400 as a failed load; any other error is a fault.
    assert [e for e in page.js_errors if "status of 400" not in e] == []
