"""Each role's home in a real browser, on the demo organisation, at 1366 and 390 px (issue 15).

Each demo person logs in and lands on the home, which answers their role's question; at a
phone's width the page does not scroll sideways. Screenshots of each home at both widths are
saved as test-artifacts/home-<role>-<width>.png for people to look at.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlmodel import Session

from hiring.demo import load_demo
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, shot

# Who logs in, and what their home must answer (an element that holds the answer, and words).
HOMES = {
    "manager": ("manager@example.com", "#home-manager .top-pick", "Hire "),
    # The demo interviewer who still owes cards (the other two have written theirs).
    "interviewer": ("interviewer3@example.com", "#cards-owed", "Write the card for"),
    "leader": ("leader@example.com", "#home-finish", "about "),
    "admin": ("admin@example.com", "#admin-links", "Users and roles"),
}
WIDTHS = (1366, 390)


@pytest.fixture
def demo(app) -> None:
    with Session(app.extensions["engine"]) as session:
        assert load_demo(session=session, password=PASSWORD) is not None
        session.commit()


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_a_home_that_fits(windows, live_server, demo, role):
    email, answer, words = HOMES[role]
    page = windows.open(role)
    log_in(page, live_server, email, PASSWORD)
    assert urlsplit(page.url).path == "/home"
    assert words in page.locator(answer).first.inner_text()
    # One h1, then the sections' h2s: headings in order, none skipped.
    levels = page.locator("main h1, main h2, main h3, main h4").evaluate_all(
        "hs => hs.map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    # Every link says where it goes.
    assert (
        page.locator("main a").evaluate_all(
            "links => links.filter(a => !a.innerText.trim() && !a.getAttribute('aria-label'))"
            ".length"
        )
        == 0
    )
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()
        page.wait_for_load_state()
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits or width != 390, f"the {role}'s home scrolls sideways at {width} px"
        shot(page, f"home-{role}-{width}")
    assert page.js_errors == []


def test_a_manager_follows_the_top_of_the_ranking(windows, live_server, demo):
    """The home's top candidate and number are the ranking page's first row."""
    page = windows.open("manager")
    log_in(page, live_server, "manager@example.com", PASSWORD)
    pick = page.locator("#home-manager .top-pick")
    name = pick.locator("a").first.inner_text()
    sentence = pick.inner_text()
    saved = sentence.split("the work lands ", 1)[1].split(" sooner", 1)[0]
    page.locator("#home-manager").get_by_role("link", name="See the ranking").first.click()
    page.wait_for_load_state()
    first = page.locator("#ranking tbody tr").first
    assert name in first.inner_text()
    assert saved in first.inner_text()
