"""Using the pages with a keyboard only (issue 15): the skip link, sorting a table with Space or
Enter, ticking who to take off the team in the what-if, and the levels' meanings in words.

Every step here presses keys in a real browser; nothing is clicked with a mouse, except where a
test checks that the mouse still works too.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from tests.conftest import PASSWORD
from tests.e2e.axe import check_axe
from tests.e2e.conftest import log_in, shot

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _focused(page: Any) -> dict[str, str]:
    """What has the keyboard focus: its tag, id, text and the sort state of its header."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const th = el.closest('th');
            return {tag: el.tagName.toLowerCase(), id: el.id || '',
                    text: (el.textContent || '').trim(),
                    sort: th ? (th.getAttribute('aria-sort') || '') : ''};
        }"""
    )


def _tab_to(page: Any, text: str, *, tag: str = "button", limit: int = 40) -> None:
    """Press Tab until the element with `text` has the focus (at most `limit` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focused(page)
        if focused["tag"] == tag and focused["text"] == text:
            return
    raise AssertionError(f"{limit} presses of Tab never reached the {tag} {text!r}")


def _names(page: Any) -> list[str]:
    """The matrix's people, top to bottom, as shown."""
    return [n.strip() for n in page.locator("#matrix tbody tr td:first-child a").all_inner_texts()]


def test_the_skip_link_comes_first_and_moves_the_focus_to_the_page(
    page, live_server, make_user
) -> None:
    user = make_user("hiring_manager", name="Hana Manager")
    log_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/team/")
    page.keyboard.press("Tab")
    assert _focused(page)["text"] == "Skip to main content"
    assert page.get_by_role("link", name="Skip to main content").is_visible()  # shown on focus
    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    # The next Tab goes into the page, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_a_sort_header_sorts_on_space_and_on_enter(
    page, live_server, make_user, make_member
) -> None:
    user = make_user("hiring_manager", name="Hana Manager")
    for name in ("Mei Chen", "Ada Lovelace", "Tomás Herrera"):
        make_member(name=name)
    log_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/team/")
    assert sorted(_names(page)) == ["Ada Lovelace", "Mei Chen", "Tomás Herrera"]
    assert page.locator("#matrix th[aria-sort]").count() == 0  # not sorted by hand yet

    page.locator("input[data-filter-table=matrix]").focus()
    _tab_to(page, "Person")
    page.keyboard.press("Space")
    assert _focused(page)["sort"] == "ascending"  # the focus stays on the header's button
    assert _names(page) == ["Ada Lovelace", "Mei Chen", "Tomás Herrera"]
    page.keyboard.press(" ")
    assert _focused(page)["sort"] == "descending"
    assert _names(page) == ["Tomás Herrera", "Mei Chen", "Ada Lovelace"]
    page.keyboard.press("Enter")
    assert _focused(page)["sort"] == "ascending"
    assert _names(page) == ["Ada Lovelace", "Mei Chen", "Tomás Herrera"]
    # The header says which way it is sorted, and only one header at a time does.
    assert page.locator("#matrix th[aria-sort]").count() == 1
    # The mouse still works.
    page.locator("#matrix th", has_text="Person").get_by_role("button").click()
    assert _names(page) == ["Tomás Herrera", "Mei Chen", "Ada Lovelace"]
    check_axe(page, "the matrix sorted")
    assert page.js_errors == [], page.js_errors


def test_the_levels_meanings_are_written_out_under_the_matrix(
    page, live_server, make_user, make_member
) -> None:
    user = make_user("leadership", name="Lena Leader")
    make_member(name="Ada Lovelace")
    log_in(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server}/team/")
    legend = page.locator("#level-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    for name in ("none", "basic", "working", "strong", "expert"):
        assert name in text
    # Each level's meaning is there as text, not in a tooltip.
    assert legend.locator("dd").count() == 5
    assert all(len(d.strip()) > 10 for d in legend.locator("dd").all_inner_texts())


def _row_counts(engine: Any) -> dict[str, int]:
    """How many rows each table holds: what a request that writes nothing leaves alone."""
    with engine.connect() as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


def test_take_off_the_team_is_checkboxes_ticked_with_the_keyboard(
    app, page, live_server, make_user, make_member, make_work_item
) -> None:
    """The what-if's "take off the team" is a checkbox per member (ticked with Space, on a phone
    too); the form sends the same `remove` field, and ids that are not members are a form
    error that changes nothing."""
    user = make_user("leadership", name="Lena Leader")
    ada = make_member(name="Ada Lovelace", levels={"research": 3, "engineering": 1, "data": 0})
    grace = make_member(name="Grace Hopper", levels={"research": 1, "engineering": 3, "data": 1})
    make_work_item(title="Model", area="research", points=6)
    make_work_item(title="API", area="engineering", points=4)
    log_in(page, live_server, user.email, PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/reports/coverage")

    boxes = page.locator("#what-if input[type=checkbox][name=remove]")
    assert boxes.count() == 2
    assert page.locator("#what-if select[name=remove]").count() == 0
    grace_box = page.get_by_role("checkbox", name="Grace Hopper")
    grace_box.focus()
    page.keyboard.press("Space")
    assert grace_box.is_checked()
    assert not page.get_by_role("checkbox", name="Ada Lovelace").is_checked()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    check_axe(page, "the what-if with a member ticked, on a phone")
    shot(page, "390-what-if-take-off-checkboxes")
    page.locator("#what-if").get_by_role("button", name="Compare").press("Enter")
    page.wait_for_load_state()
    assert f"remove={grace.id}" in page.url
    assert page.locator("#what-if-result").is_visible()
    assert page.get_by_role("checkbox", name="Grace Hopper").is_checked()  # kept ticked

    # Ids that are no member's, or no number: the field says so (400), nothing is written.
    engine = app.extensions["engine"]
    before = _row_counts(engine)
    for bad in ("999999", "ada", f"{ada.id}&remove=-1"):
        response = page.goto(f"{live_server}/reports/coverage?what_if=1&remove={bad}")
        assert response is not None and response.status == 400, bad
        assert page.locator("#what-if .invalid-feedback").count() >= 1, bad
        assert page.locator("#what-if-result").count() == 0, bad
    assert _row_counts(engine) == before
    assert [e for e in page.js_errors if "400" not in e] == [], page.js_errors
