"""Nobody is shown a link they cannot follow (issue 10, security review).

For each role, and for the combinations people really hold, a logged-in user starts at the home
page and follows every same-site `<a href>` breadth first, as a curious person clicking through
the menu would, over a small organisation like the demo's: a team (one of whom left), planned
work, an opening with a panel, candidates at every stage and submitted cards. Every link must
open: a 403 or 404 (or a bounce to the login page) means a page offered something its viewer
may not have, which tells them what exists and teaches them to ignore the app's own buttons.

The crawl reads the pages as they are rendered, so it checks every template at once, including
links added later, instead of a list of links someone would have to keep up to date.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from hiring.access import POLICY_ATTR
from hiring.accounts.models import User
from hiring.openings import candidates as assessments
from team import absences
from team import members as members_service
from team.areas import create_skill
from team.schemas import AbsenceCreate, MemberCreate
from tests.hiring.conftest import viewer_of

ROLE_SETS = [
    ("admin",),
    ("hiring_manager",),
    ("interviewer",),
    ("leadership",),
    ("hiring_manager", "interviewer"),
    ("admin", "interviewer"),
    ("leadership", "interviewer"),
]
# A bound on the crawl, so that a page linking to endlessly new URLs fails instead of hanging.
MAX_PAGES = 600
# Links never followed: logging out would end the crawl's own session.
SKIPPED_PATHS = {"/logout"}
# Pages a form leads to rather than a link, so a crawl of links cannot reach them.
AFTER_A_FORM = {
    "candidates.submit_card",  # the scorecard form's Submit asks there once more
    # The ranking's "Compare selected" (ticked rows); its links to it need two ranked
    # candidates, which an opening a reader may rank need not have.
    "compare.show",
    # The preview of an uploaded import file: the upload form leads there (recent uploads link
    # to it too, once the user has uploaded something).
    "imports.preview_members",
    "imports.preview_work",
}


class _Links(HTMLParser):
    """The `href` of every `<a>` on a page, and every `data-source` a script fetches, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.hrefs.append(href)
        source = dict(attrs).get("data-source")  # what a page's script fetches (a chart's data)
        if source is not None:
            self.hrefs.append(source)


def links_of(page: str) -> list[str]:
    """Every `<a href>` of an HTML page, as written."""
    parser = _Links()
    parser.feed(page)
    return parser.hrefs


def same_site(base: str, href: str) -> str | None:
    """The path and query `href` leads to within the app, or None when there is nothing to
    follow: another site, another scheme (mailto:, javascript:), or a `#` on the same page."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    target = urlsplit(urljoin(base, href))
    if target.scheme not in ("http", "https") or target.netloc != "localhost":
        return None
    return urlunsplit(("", "", target.path or "/", target.query, ""))


@dataclass
class Crawl:
    """What a crawl saw: each URL's status, where it was first linked from, and broken links."""

    status: dict[str, int] = field(default_factory=dict)
    linked_from: dict[str, str] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)


def crawl(client: FlaskClient, start: str = "/") -> Crawl:
    """Open `start` and every same-site link reachable from it, breadth first, each URL once.

    A redirect counts as a link to its target. A link is broken when it answers anything but
    200 or a redirect, or when it redirects to the login page (the viewer was logged in).
    """
    seen = Crawl()
    queue: deque[tuple[str, str]] = deque([(start, "(start)")])
    while queue:
        url, source = queue.popleft()
        if url in seen.status or urlsplit(url).path in SKIPPED_PATHS:
            continue
        assert len(seen.status) < MAX_PAGES, f"more than {MAX_PAGES} pages: is a link looping?"
        response = client.get(url)
        seen.status[url] = response.status_code
        seen.linked_from[url] = source
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site("http://localhost" + url, response.headers["Location"])
            if target is None or urlsplit(target).path == "/login":
                seen.broken.append(
                    f"{source} -> {url}: redirects to {response.headers['Location']}"
                )
            else:
                queue.append((target, url))
            continue
        if response.status_code != 200:
            seen.broken.append(f"{source} -> {url}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            continue  # a download: it opened, and has no links
        for href in links_of(response.get_data(as_text=True)):
            target = same_site("http://localhost" + url, href)
            if target is not None and target not in seen.status:
                queue.append((target, url))
    return seen


def endpoints_reached(app: Flask, urls: Iterable[str]) -> set[str]:
    """The endpoints (views) the URLs belong to."""
    adapter = app.url_map.bind("localhost")
    return {adapter.match(urlsplit(url).path, method="GET")[0] for url in urls}


# --- the organisation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """The demo-like organisation, seen from the logged-in user's side."""

    user: User
    # The openings the user may see, which the crawl must reach through links.
    opening_ids: tuple[int, ...]
    candidate_ids: tuple[int, ...]


@pytest.fixture
def scene(
    db: Session,
    make_user: Callable[..., Any],
    make_member: Callable[..., Any],
    make_work_item: Callable[..., Any],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
) -> Callable[..., Scene]:
    """scene(*roles) builds the organisation around a new user holding `roles`.

    The user is placed where their roles would put them in real use: an interviewer sits on the
    main opening's panel with one card submitted, one draft and one still owed; a hiring manager
    also runs an opening of their own with a hire to add to the team and one already added; an
    admin sees everything. Other people (a hiring manager, two interviewers) fill in the rest.
    """

    def build(*roles: str) -> Scene:
        create_skill("data", "streaming", "Streaming", session=db)
        db.commit()
        priya = make_member(name="Priya Raman", levels={"research": 4, "engineering": 2, "data": 1})
        away = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5), note="Conference")
        absences.add_absence(priya.id, away, session=db)  # its delete page is a link to follow
        make_member(name="Tomás Herrera", skills={"streaming": 2})
        mei = make_member(name="Mei Chen", levels={"research": 1, "engineering": 3, "data": 3})
        members_service.mark_left(mei.id, session=db, actor="test")
        db.commit()
        make_work_item(title="Event pipeline", area="data", points=8, skills=["streaming"])
        make_work_item(title="Baseline model", area="research", points=5)
        make_work_item(title="Scoring API", area="engineering", points=3, status="in_progress")
        make_work_item(title="Old report", area="data", points=2, status="done")

        user = make_user(*roles, name="The Viewer")
        manager = make_user("hiring_manager", name="Hana Manager")
        one = make_user("interviewer", name="Ines One")
        two = make_user("interviewer", name="Theo Two")
        panel = [one, two] + ([user] if "interviewer" in roles else [])
        opening = make_opening(
            manager=manager, panel=panel, title="Data engineer", target_area="data"
        )
        make_opening(manager=manager, panel=[one], title="Closed role", status="closed")
        full = make_candidate(opening, name="Nadia Petrova", status="interviewing")
        half = make_candidate(opening, name="Samuel Osei")
        owed = make_candidate(opening, name="Yuki Tanaka")
        make_candidate(opening, name="Rejected Person", status="rejected")
        make_candidate(opening, name="Hired Person", status="hired")  # an admin adds them
        for interviewer in (one, two):
            write_card(full, interviewer, {"research": 1, "engineering": 2, "data": 4})
        write_card(half, one, {"research": 2, "engineering": 2, "data": 2})
        write_card(half, two, {"research": 2, "engineering": 3, "data": None}, submit=False)
        if "interviewer" in roles:
            write_card(full, user, {"research": 2, "engineering": 2, "data": 3})
            write_card(half, user, {"research": 1, "engineering": 1, "data": 1}, submit=False)
        visible = [opening.id] if set(roles) & {"admin", "leadership", "interviewer"} else []
        if "hiring_manager" in roles:
            own = make_opening(manager=user, panel=[one], title="Research engineer")
            make_candidate(own, name="To Be Added", status="hired")
            joined = make_candidate(own, name="Already Added", status="hired")
            data = MemberCreate(
                name="Already Added",
                email="already.added@example.com",
                levels={"research": 3, "engineering": 2, "data": 1},
            )
            assessments.add_hire_to_team(
                joined.id or 0, data, viewer=viewer_of(user, db), session=db
            )
            db.commit()
            visible.append(own.id)
        return Scene(
            user=user, opening_ids=tuple(visible), candidate_ids=(full.id, half.id, owed.id)
        )

    return build


def get_pages(app: Flask) -> set[str]:
    """Endpoints a person opens in the browser: every GET route but the API, static files and
    the login form (which only redirects someone logged in)."""
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint not in ("static", "auth.login")
        and not rule.endpoint.startswith("api.")
    }


def _policy_admits(app: Flask, endpoint: str, roles: Iterable[str]) -> bool:
    policy = getattr(app.view_functions[endpoint], POLICY_ATTR, None)
    return policy == "public" or (policy is not None and bool(set(roles) & set(policy)))


# --- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("roles", ROLE_SETS, ids="+".join)
def test_every_link_a_user_is_shown_opens(
    app: Flask, client_for: Callable[[User], FlaskClient], scene: Callable[..., Scene], roles
) -> None:
    """Crawling from the home page, no link answers 403 or 404 or sends back to the login."""
    built = scene(*roles)
    seen = crawl(client_for(built.user))
    assert seen.broken == [], "\n".join(seen.broken)
    reached = endpoints_reached(app, seen.status)
    # The crawl really went through the app (one stuck at the start would find nothing broken
    # without having looked): every page the roles admit was found through links, so none is
    # hidden from those who may use it either, and nothing else was.
    admitted = {e for e in get_pages(app) if _policy_admits(app, e, roles)}
    assert reached <= admitted
    assert admitted - reached - AFTER_A_FORM == set()
    assert {f"/openings/{o}" for o in built.opening_ids} <= set(seen.status)
    if "interviewer" in roles:
        assert {f"/candidates/{c}" for c in built.candidate_ids} <= set(seen.status)


@pytest.mark.parametrize(
    ("roles", "start", "reported"),
    [
        (("interviewer",), "/team/", "(start) -> /team/: 403"),
        (("hiring_manager",), "/openings/999", "(start) -> /openings/999: 404"),
        ((), "/work/", "(start) -> /work/: redirects to /login?next=/work/"),
    ],
    ids=["403", "404", "login"],
)
def test_the_crawl_reports_what_a_user_could_not_follow(
    app: Flask,
    client_for: Callable[[User], FlaskClient],
    make_user: Callable[..., Any],
    roles: tuple[str, ...],
    start: str,
    reported: str,
) -> None:
    """The checker itself: a refused, missing or login-bounced page is reported with where it
    was linked from (here, the start), so the test above can fail."""
    client = client_for(make_user(*roles)) if roles else app.test_client()
    assert crawl(client, start=start).broken == [reported]
