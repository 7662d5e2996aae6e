"""No N+1 queries: the SQL statements a request runs do not grow with the rows it shows.

Each test fills the database with the synthetic organisation (`demo --scale`), counts the
statements of every request on the app's engine, grows the organisation to several times the
size and counts again. A loader that queries once per member, item, candidate or card shows up as
a count that grew. Each request is made once before it is counted, so that once-a-minute writes
(a token's or a session's "last used") fall outside the counted request at both sizes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlmodel import Session, col, func, select

from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.demo import grow_organisation, load_scaled_demo
from hiring.openings.models import Candidate, Opening
from team.models import Member
from tests.conftest import PASSWORD, post_form

# Beyond this, a request is doing something odd even if the count does not grow.
MOST_STATEMENTS = 40
# The candidate page also ranks the candidate's opening, for their place in it (issue 13): the
# ranking's own statements (about 15: the team, the work, every candidate and card) come on top.
# So does a manager's home, which ranks each opening it shows (one here) as the opening page does.
RANKS_THE_OPENING = re.compile(r"/candidates/\d+|/home")
MOST_WITH_THE_RANKING = MOST_STATEMENTS + 15


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The statements run on the app's engine inside the block."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:  # noqa: ANN001
        statements.append(statement)

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_of(app: Flask, client: FlaskClient, url: str) -> list[str]:
    """The statements of one GET (after one uncounted GET of the same URL)."""
    assert client.get(url).status_code == 200, url
    with counting(app) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return statements


class Organisation:
    """The synthetic organisation in the test's database, and a way to make it bigger."""

    def __init__(self, db: Session) -> None:
        assert load_scaled_demo(session=db, password=PASSWORD, scale=1) is not None
        self.db = db
        self.opening_id = db.exec(select(Opening.id)).one() or 0
        self.candidate_id = db.exec(select(func.min(Candidate.id))).one() or 0
        self.member_id = db.exec(select(func.min(Member.id))).one() or 0
        db.commit()

    def user_id(self, email: str) -> int:
        return self.db.exec(select(User.id).where(User.email == email)).one() or 0

    def grow(self, scale: int) -> None:
        panel = self.db.exec(
            select(User.id).where(col(User.email).like("interviewer%")).order_by(col(User.email))
        ).all()
        grow_organisation(
            session=self.db,
            scale=scale,
            opening_id=self.opening_id,
            manager_id=self.user_id("manager@example.com"),
            interviewer_ids=[i or 0 for i in panel],
            seed=2,
        )
        self.db.commit()

    def sizes(self) -> tuple[int, int]:
        members = self.db.exec(select(func.count()).select_from(Member)).one()
        candidates = self.db.exec(select(func.count()).select_from(Candidate)).one()
        self.db.commit()
        return members, candidates


@pytest.fixture
def org(db: Session) -> Organisation:
    return Organisation(db)


def counts_before_and_after_growing(
    app: Flask, org: Organisation, client: FlaskClient, urls: list[str]
) -> tuple[dict[str, int], dict[str, int]]:
    small = {url: len(statements_of(app, client, url)) for url in urls}
    before = org.sizes()
    org.grow(4)  # 1 member, 20 items, 10 candidates -> 5, 100 and 50
    after = org.sizes()
    assert after[0] >= 5 * before[0] and after[1] >= 5 * before[1]
    big = {url: len(statements_of(app, client, url)) for url in urls}
    return small, big


def check(small: dict[str, int], big: dict[str, int]) -> None:
    grew = {url: (small[url], big[url]) for url in small if small[url] != big[url]}
    assert not grew, f"statement counts grew with the rows (small, big): {grew}"
    most = {
        url: MOST_WITH_THE_RANKING if RANKS_THE_OPENING.fullmatch(url) else MOST_STATEMENTS
        for url in big
    }
    assert all(big[url] <= most[url] for url in big), big


def api_client(app: Flask, org: Organisation, email: str) -> FlaskClient:
    token = accounts.create_token(org.user_id(email), "counts", session=org.db)
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def page_client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    response = post_form(client, "/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_api_reads_run_a_fixed_number_of_statements(app: Flask, org: Organisation):
    client = api_client(app, org, "admin@example.com")
    urls = [
        f"/api/v1/openings/{org.opening_id}/ranking",
        "/api/v1/coverage",
        "/api/v1/members?limit=500",
        "/api/v1/work-items?limit=500",
        f"/api/v1/openings/{org.opening_id}/candidates?limit=500",
        f"/api/v1/candidates/{org.candidate_id}",
        f"/api/v1/candidates/{org.candidate_id}/scorecards",
        "/api/v1/openings",
    ]
    check(*counts_before_and_after_growing(app, org, client, urls))


def test_api_reads_for_an_interviewer_run_a_fixed_number_of_statements(
    app: Flask, org: Organisation
):
    """An interviewer reads a candidate's levels only after their own card: deciding that for a
    page of candidates must not be a query per candidate."""
    client = api_client(app, org, "interviewer@example.com")
    urls = [
        f"/api/v1/openings/{org.opening_id}/candidates?limit=500",
        f"/api/v1/candidates/{org.candidate_id}",
        f"/api/v1/candidates/{org.candidate_id}/scorecards",
        "/api/v1/openings",
    ]
    check(*counts_before_and_after_growing(app, org, client, urls))


def test_pages_run_a_fixed_number_of_statements(app: Flask, org: Organisation):
    client = page_client(app, "admin@example.com")
    urls = [
        "/reports/coverage",
        f"/openings/{org.opening_id}/ranking",
        "/team/members?show=all",
        "/team/",
        "/work/",
        f"/openings/{org.opening_id}",
        f"/candidates/{org.candidate_id}",
        f"/team/members/{org.member_id}",
        "/openings/",
    ]
    check(*counts_before_and_after_growing(app, org, client, urls))


@pytest.mark.parametrize("email", ["leader@example.com", "admin@example.com"])
def test_the_home_runs_a_fixed_number_of_statements(app: Flask, org: Organisation, email: str):
    """Leadership's home reads the coverage report and the forecast history; an admin's only
    links: neither grows with the team, the work or the candidates."""
    client = page_client(app, email)
    check(*counts_before_and_after_growing(app, org, client, ["/home"]))


@pytest.mark.parametrize("email", ["interviewer@example.com", "manager@example.com"])
def test_hiring_pages_for_the_panel_and_the_manager_run_a_fixed_number(
    app: Flask, org: Organisation, email: str
):
    """An interviewer's opening page decides per candidate whether to show the levels (only
    after their own card): that decision must not be a query per candidate."""
    client = page_client(app, email)
    urls = [
        f"/openings/{org.opening_id}",
        f"/candidates/{org.candidate_id}",
        f"/openings/{org.opening_id}/panel",  # focus areas and a page of interview dates
    ]
    urls.append("/home")  # each of their openings ranked once, or their cards to write
    if email.startswith("interviewer"):
        urls.append("/candidates/mine")  # the cards they still owe
        urls.append(f"/candidates/{org.candidate_id}/scorecard")  # with every area's guide
    else:
        urls.append(f"/candidates/{org.candidate_id}/interviews")
    check(*counts_before_and_after_growing(app, org, client, urls))


def test_counting_sees_a_query_per_row(app: Flask, org: Organisation):
    """The counter itself: a loader that queries once per member is caught."""
    from team.members import get_member

    def one_by_one() -> int:
        ids = org.db.exec(select(Member.id)).all()
        with counting(app) as statements:
            for member_id in ids:
                get_member(member_id or 0, session=org.db)
        org.db.commit()
        return len(statements)

    with app.app_context():
        small = one_by_one()
        org.grow(2)
        assert one_by_one() > small
