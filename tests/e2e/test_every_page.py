"""Every page, for every role, on a phone and on a laptop: it fits, and axe finds nothing serious.

The demo organisation (hiring/demo.py) is loaded once and served over HTTP. For each role, its
user logs in and opens every GET page route its role is admitted to, the list built from
`app.url_map` (so a page added later is walked without being listed here): the API, static
files, downloads and logging out aside, ids filled from the demo. Each page is opened at 390 px
(a phone) and 1366 px (a laptop):

- at 390 px the page itself never scrolls sideways (`scrollWidth <= innerWidth`); a wide table
  becomes cards or scrolls inside its own box;
- at both widths axe-core (tests/e2e/axe.py) finds no serious or critical WCAG 2.2 AA violation.

Some states are reached by doing rather than by URL, and are checked too: forms sent with
errors, the menu opened on a phone, the Admin menu, an explanation opened, the compare view
and the what-if. Every problem of the walk is listed at once at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from hiring import create_app
from hiring.access import POLICY_ATTR
from hiring.accounts.models import User
from hiring.demo import load_demo
from hiring.openings.models import Candidate, Opening, Scorecard
from hiring.openings.service import set_status
from team.models import Absence, Area, Member, WorkItem
from tests.conftest import TestConfig, fresh_database
from tests.e2e.axe import axe_violations, describe, serious
from tests.e2e.conftest import log_in, serve, shot
from tests.hiring.conftest import viewer_of

pytestmark = pytest.mark.e2e

PASSWORD = "demo-password-for-the-walk"
PHONE, LAPTOP = 390, 1366
ROLES = {
    "admin": "admin@example.com",
    "hiring_manager": "manager@example.com",
    # Igor has a draft (Aisha Bello) and a card still to write (Marcus Webb).
    "interviewer": "interviewer3@example.com",
    "leadership": "leader@example.com",
}
# Pages not walked: logging out ends the walk's session; the login form only redirects someone
# logged in (it is checked logged out below).
SKIPPED = {"auth.logout", "auth.login"}
# Pages worth a screenshot at 390 px, for people to look at.
SHOTS = {
    "team.matrix",
    "team.list_members",
    "ranking.show",
    "candidates.candidate",
    "admin.list_users",
    "reports.coverage",
    "work.list_items",
    "candidates.scorecard",
}


@dataclass
class Site:
    """The demo served over HTTP, and the ids its pages are opened with."""

    app: Flask
    base: str
    ids: dict[str, int]
    interviewer_ids: dict[str, int]
    # The candidate marked hired, whose "add to the team" form opens (it refuses anyone else).
    hired_id: int


def _demo_ids(app: Flask) -> tuple[dict[str, int], dict[str, int]]:
    """Ids to open the pages with: for most roles, the candidate whose cards are all in; for
    the interviewer, Igor's draft (so the submit page shows) and a card he has still to write."""
    with Session(app.extensions["engine"]) as db:
        opening = db.exec(select(Opening).order_by(col(Opening.id))).first()
        nadia = db.exec(select(Candidate).where(Candidate.name == "Nadia Petrova")).one()
        igor = db.exec(select(User).where(User.email == ROLES["interviewer"])).one()
        draft = db.exec(
            select(Scorecard).where(
                Scorecard.interviewer_id == igor.id, col(Scorecard.submitted_at).is_(None)
            )
        ).first()
        oliver = db.exec(select(Member).order_by(col(Member.id))).first()
        absence = db.exec(select(Absence).order_by(col(Absence.id))).first()
        item = db.exec(select(WorkItem).order_by(col(WorkItem.id))).first()
        area = db.exec(select(Area).order_by(col(Area.id))).first()
        manager = db.exec(select(User).where(User.email == ROLES["hiring_manager"])).one()
        assert opening and draft and oliver and absence and item and area
        ids = {
            "opening_id": opening.id or 0,
            "candidate_id": nadia.id or 0,
            "member_id": oliver.id or 0,
            "absence_id": absence.id or 0,
            "item_id": item.id or 0,
            "area_id": area.id or 0,
            "user_id": manager.id or 0,
        }
        return ids, ids | {"candidate_id": draft.candidate_id}


@pytest.fixture(scope="module")
def site(tmp_path_factory, pg_engine) -> Iterator[Site]:
    """The demo on a fresh database, served for the whole module."""
    tmp = tmp_path_factory.mktemp("every-page")
    url = fresh_database(tmp, pg_engine)
    app = create_app(TestConfig(url, tmp))
    with Session(app.extensions["engine"]) as db:
        assert load_demo(session=db, password=PASSWORD) is not None
        db.commit()
        manager = db.exec(select(User).where(User.email == ROLES["hiring_manager"])).one()
        yuki = db.exec(select(Candidate).where(Candidate.name == "Yuki Tanaka")).one()
        set_status(yuki.id or 0, "hired", viewer=viewer_of(manager, db), session=db)
        db.commit()
        hired_id = yuki.id or 0
    ids, interviewer_ids = _demo_ids(app)
    with serve(app) as base:
        yield Site(app, base, ids, interviewer_ids, hired_id)
    app.extensions["engine"].dispose()


def _is_download(path: str) -> bool:
    """A file to save rather than a page to read: CSV, JSON and calendar files."""
    return "." in path.rsplit("/", 1)[-1]


def page_routes(app: Flask, role: str) -> list[tuple[str, str]]:
    """(endpoint, rule) of every GET page the role is admitted to, in URL order."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue
        if "GET" not in (rule.methods or set()) or rule.endpoint in SKIPPED:
            continue
        if _is_download(rule.rule):
            continue
        policy = getattr(app.view_functions[rule.endpoint], POLICY_ATTR, None)
        if policy != "public" and (policy is None or role not in policy):
            continue
        routes.append((rule.endpoint, rule.rule))
    return sorted(routes, key=lambda r: r[1])


def _fill(rule: str, ids: dict[str, int]) -> str:
    """The rule's path with its arguments filled from `ids`."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in ids, f"no demo id for <{name}> of {rule}: add one to _demo_ids"
        return str(ids[name])

    return re.sub(r"<(?:\w+:)?(\w+)>", one, rule)


# The `<main>` of every page already checked in this run (its HTML, CSRF tokens aside): a role
# that sees exactly what another role saw is not checked twice (axe takes 1-3 s a page). The
# menu, which differs by role, is checked on each role's pages that differ, its home at least.
CHECKED_MAINS: set[int] = set()
MAIN_HTML = """() => {
    const main = document.querySelector('main');
    if (!main) return document.body.outerHTML;
    const copy = main.cloneNode(true);
    copy.querySelectorAll('input[name=csrf_token]').forEach(i => i.removeAttribute('value'));
    return copy.outerHTML;
}"""


class Walk:
    """One browser window walking pages at both widths, collecting every problem it finds."""

    def __init__(self, page: Any, base: str, role: str) -> None:
        self.page, self.base, self.role = page, base, role
        self.problems: list[str] = []
        self.checked = 0
        self.same_as_before = 0

    def width(self, px: int) -> None:
        self.page.set_viewport_size({"width": px, "height": 844 if px == PHONE else 900})

    def fits(self, label: str) -> None:
        """At the current width the page does not scroll sideways; else say what sticks out."""
        wide = self.page.evaluate(
            """() => {
                const w = window.innerWidth, d = document.documentElement.scrollWidth;
                if (d <= w) return null;
                const out = [];
                for (const el of document.querySelectorAll('body *')) {
                    const r = el.getBoundingClientRect();
                    if (r.right > w + 1 && r.width > 0) {
                        let inside = false;
                        for (let p = el.parentElement; p; p = p.parentElement) {
                            const s = getComputedStyle(p).overflowX;
                            if (['auto', 'scroll', 'hidden'].includes(s)) { inside = true; break; }
                        }
                        if (!inside) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                            + (el.className && typeof el.className === 'string'
                               ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                            + ' right=' + Math.round(r.right));
                    }
                }
                return {scrollWidth: d, innerWidth: w, out: out.slice(0, 6)};
            }"""
        )
        if wide:
            self.problems.append(
                f"{label}: scrollWidth {wide['scrollWidth']} > innerWidth {wide['innerWidth']}"
                f" ({', '.join(wide['out'])})"
            )

    def axe(self, label: str) -> None:
        found = serious(axe_violations(self.page))
        self.checked += 1
        if found:
            self.problems.append(f"axe on {label}:\n{describe(found)}")

    def both_widths(self, label: str, action: Any = None) -> None:
        """Check the open page (or the state `action` puts it in) at both widths."""
        for px in (PHONE, LAPTOP):
            self.width(px)
            if action is not None:
                action()
            if px == PHONE:
                self.fits(f"{label} at {px}")
            self.axe(f"{label} at {px}")

    def open(self, path: str, label: str, status: int = 200) -> bool:
        """Open a page on a phone and check it, then widen the window to a laptop's and check
        it again; False when it did not answer `status`."""
        self.width(PHONE)
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state()
        if response is None or response.status != status:
            answered = response.status if response else "no response"
            self.problems.append(f"{label}: GET {path} answered {answered}, not {status}")
            return False
        main = hash(self.page.evaluate(MAIN_HTML))
        if main in CHECKED_MAINS:
            self.same_as_before += 1
            return True
        CHECKED_MAINS.add(main)
        self.fits(f"{label} at {PHONE}")
        self.axe(f"{label} at {PHONE}")
        self.width(LAPTOP)
        self.axe(f"{label} at {LAPTOP}")
        return True


def _upload_example(page: Any, base: str, kind: str) -> str:
    """Upload the import page's own example file, as a person would; the preview's path."""
    example = page.request.get(f"{base}/{kind}/import/example.csv")
    assert example.ok, f"{kind} example: {example.status}"
    page.goto(f"{base}/{kind}/import")
    page.locator("main input[type=file]").set_input_files(
        {"name": "example.csv", "mimeType": "text/csv", "buffer": example.body()}
    )
    with page.expect_navigation(url=re.compile(rf"/{kind}/import/\d+")):
        page.locator("main form[data-upload-form] button[type=submit]").click()
    page.wait_for_load_state()
    return page.url.removeprefix(base)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_fits_a_phone_and_passes_axe(site: Site, windows, role: str) -> None:
    """Every page the role may open: no sideways scroll at 390 px, no serious axe finding."""
    page = windows.open(role)
    log_in(page, site.base, ROLES[role], PASSWORD)
    walk = Walk(page, site.base, role)
    ids = site.interviewer_ids if role == "interviewer" else site.ids
    walked = []
    for endpoint, rule in page_routes(site.app, role):
        if "upload_id" in rule:
            path = _upload_example(page, site.base, "team" if "/team/" in rule else "work")
        elif endpoint == "candidates.add_to_team":
            path = _fill(rule, ids | {"candidate_id": site.hired_id})
        else:
            path = _fill(rule, ids)
        label = f"{role} {endpoint} {path}"
        if walk.open(path, label) and endpoint in SHOTS:
            walk.width(PHONE)
            shot(page, f"390-{role}-{endpoint.replace('.', '-')}")
        walked.append(endpoint)
    assert len(walked) >= 5, walked  # the walk really went through the role's pages
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
    assert not page.js_errors, page.js_errors


def test_page_states_fit_a_phone_and_pass_axe(site: Site, windows) -> None:
    """States reached by doing: forms with errors, the menus open, an explanation open, the
    compare view, the what-if, the matrix with skills, and the login page and its error."""
    page = windows.open("states")
    walk = Walk(page, site.base, "states")
    base = site.base

    walk.open("/login", "login")

    def bad_login() -> None:
        page.goto(base + "/login")
        page.fill("#email", "nobody@example.com")
        page.fill("#password", "not the password")
        page.click("main button[type=submit]")
        page.wait_for_load_state()

    walk.both_widths("login with an error", bad_login)

    log_in(page, base, ROLES["admin"], PASSWORD)

    def phone_menu() -> None:
        page.goto(base + "/openings/")
        toggler = page.locator("nav .navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            page.locator("#nav.show").wait_for()
        page.locator("nav .dropdown-toggle").click()
        page.locator("nav .dropdown-menu.show").wait_for()

    walk.both_widths("the menu and the Admin menu open", phone_menu)

    def empty_member() -> None:
        page.goto(base + "/team/members/new")
        page.fill("#name", "")
        page.fill("#fte", "7")
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".is-invalid").count() >= 1, "the member form showed no error"

    walk.both_widths("a member form with errors", empty_member)

    def empty_opening() -> None:
        page.goto(base + "/openings/new")
        page.fill("#title", "")
        page.locator("main button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".is-invalid").count() >= 1, "the opening form showed no error"

    walk.both_widths("an opening form with errors", empty_opening)

    def explained() -> None:
        page.goto(f"{base}/openings/{site.ids['opening_id']}/ranking")
        page.locator("#ranking summary").first.click()

    walk.both_widths("the ranking with an explanation open", explained)

    with Session(site.app.extensions["engine"]) as db:
        two = db.exec(
            select(Candidate.id).where(Candidate.opening_id == site.ids["opening_id"]).limit(2)
        ).all()
    walk.open(f"/openings/{site.ids['opening_id']}/compare?c={two[0]}&c={two[1]}", "compare two")
    walk.open("/team/?skills=1", "the matrix with skills")
    walk.open("/reports/coverage?what_if=1&level_data=4&name=Hire", "the what-if")
    walk.open("/reports/coverage?what_if=1&fte=9", "the what-if with an error", status=400)
    walk.open("/no/such/page", "a missing page", status=404)
    assert walk.checked >= 16
    assert not walk.problems, f"{len(walk.problems)} problems:\n" + "\n".join(walk.problems)
