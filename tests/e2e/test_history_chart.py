"""The coverage report's history chart in a real browser (issue 15): its tooltip says each
point's day as every page writes a day ("2 November 2026") and the point's values exactly as the
history page's table shows them, with a mouse and with the keyboard, on a laptop and a phone.

The history is made as tests/team/test_history.py makes it: real records, dated back in the
database. Ada (strong research, 5 points a week) and 10 research points on Monday 2 November
2026: 2 weeks, landing Friday 13 November; Wednesday 4th, 5 more points: 3 weeks, the 20th;
Tuesday 10th, the first item closed: 5 days from Monday 9th, the 13th; Thursday 12th, Ada
leaves: cannot be finished (a gap in the line, reached by the keyboard only).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from team.members import mark_left
from team.schemas import WorkItemUpdate
from team.work import update_work_item
from tests.conftest import PASSWORD
from tests.e2e.axe import check_axe
from tests.e2e.conftest import ARTIFACTS, log_in
from tests.team.test_history import _move_to

pytestmark = pytest.mark.e2e

WIDTHS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
DAYS = ["2 November 2026", "4 November 2026", "10 November 2026", "12 November 2026"]


@pytest.fixture
def history(db, make_member, make_work_item) -> None:
    """Four days of history, the last of which cannot be finished."""
    ada = make_member(name="Ada", levels={"research": 3, "engineering": 0, "data": 0})
    first = make_work_item(title="Drift model", area="research", points=10)
    _move_to(db, date(2026, 11, 2))
    make_work_item(title="Eval harness", area="research", points=5)
    _move_to(db, date(2026, 11, 4))
    update_work_item(first.id, WorkItemUpdate(status="done"), session=db)
    _move_to(db, date(2026, 11, 10))
    mark_left(ada.id, session=db)
    _move_to(db, date(2026, 11, 12))


def table(page: Any, base: str) -> dict[str, tuple[str, str, str]]:
    """The history page's rows: day -> (would land, from that day's plan start, changes)."""
    page.goto(f"{base}/reports/history")
    rows: dict[str, tuple[str, str, str]] = {}
    for row in page.locator("#history tbody tr").all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        rows[cells[0]] = (cells[1], cells[2], cells[3])
    return rows


def tip_lines(page: Any) -> list[str]:
    """The tooltip's lines as shown (it must be visible)."""
    tip = page.locator("#chart-history-tip")
    assert tip.is_visible()
    return [line.strip() for line in tip.inner_text().splitlines() if line.strip()]


def says(lines: list[str], day: str, row: tuple[str, str, str]) -> None:
    """The tooltip says the day, then the table's values for it, then what changed."""
    lands, length, changes = row
    assert lines[:3] == [
        day,
        f"The work would land: {lands}",
        f"From that day's plan start: {length}",
    ], lines
    assert lines[3:] == [c.strip() for c in changes.splitlines() if c.strip()], lines


def inside(page: Any, width: int) -> None:
    """The tooltip lies inside its chart, and the page still does not scroll sideways."""
    tip = page.locator("#chart-history-tip").bounding_box()
    chart = page.locator("#chart-history").bounding_box()
    assert tip and chart
    assert chart["x"] - 1 <= tip["x"] and tip["x"] + tip["width"] <= chart["x"] + chart["width"] + 1
    assert tip["x"] + tip["width"] <= width
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", WIDTHS, ids=list(WIDTHS))
def test_the_tooltip_says_each_day_and_its_values_as_the_table_does(
    page, live_server, make_user, history, size
) -> None:
    viewport = WIDTHS[size]
    user = make_user("leadership")
    log_in(page, live_server, user.email, PASSWORD)
    page.set_viewport_size(viewport)
    rows = table(page, live_server)
    assert sorted(rows, key=DAYS.index) == DAYS
    # The table's own words, pinned, so that the two cannot agree on a wrong format.
    assert rows["2 November 2026"][:2] == ("13 November 2026", "2 weeks")
    assert rows["10 November 2026"][:2] == ("13 November 2026", "5 days")
    assert rows["12 November 2026"][0] == "cannot be finished"

    page.goto(f"{live_server}/reports/coverage")
    canvas = page.locator("#chart-history")
    canvas.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const c = Chart.getChart(document.getElementById('chart-history'));"
        " return c && c.getDatasetMeta(0).data.length === 4; }"
    )
    points = page.evaluate(
        "() => Chart.getChart(document.getElementById('chart-history'))"
        ".getDatasetMeta(0).data.map(p => ({x: p.x, y: p.y, skip: p.skip}))"
    )
    assert [p["skip"] for p in points] == [False, False, False, True]
    tip = page.locator("#chart-history-tip")
    assert tip.is_hidden()

    # The mouse on each point that has a date.
    for day, point in zip(DAYS[:3], points[:3], strict=True):
        box = canvas.bounding_box()
        assert box
        page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
        tip.wait_for(state="visible")
        page.wait_for_function(
            "day => document.getElementById('chart-history-tip').textContent.startsWith(day)",
            arg=day,
        )
        says(tip_lines(page), day, rows[day])
        inside(page, viewport["width"])
    # The chart's section with the last tooltip, for people to look at.
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#moved").screenshot(path=str(ARTIFACTS / f"history-chart-tooltip-{size}.png"))
    check_axe(page, f"coverage with the history tooltip at {viewport['width']} px")
    page.keyboard.press("Escape")  # hover content is dismissed without moving the pointer
    assert tip.is_hidden()
    page.mouse.move(0, 0)

    # The keyboard: Tab from the link just before the chart lands on it, newest day first.
    page.locator("#moved a", has_text="See what changed each day").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "chart-history"
    says(tip_lines(page), DAYS[3], rows[DAYS[3]])  # the gap in the line, in words
    inside(page, viewport["width"])
    page.keyboard.press("ArrowLeft")
    says(tip_lines(page), DAYS[2], rows[DAYS[2]])
    page.keyboard.press("Home")
    says(tip_lines(page), DAYS[0], rows[DAYS[0]])
    page.keyboard.press("ArrowLeft")  # stays on the first day
    says(tip_lines(page), DAYS[0], rows[DAYS[0]])
    page.keyboard.press("ArrowRight")
    says(tip_lines(page), DAYS[1], rows[DAYS[1]])
    inside(page, viewport["width"])
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.keyboard.press("End")
    says(tip_lines(page), DAYS[3], rows[DAYS[3]])
    page.keyboard.press("Tab")  # leaving the chart takes its tooltip away
    assert tip.is_hidden()

    # Enter opens the day the keyboard is on, on the history page.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Home")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/reports/history#day-2026-11-02")
    assert page.locator("#day-2026-11-02 td").first.inner_text().strip() == DAYS[0]
    assert page.js_errors == []
