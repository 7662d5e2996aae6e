"""The independence rule walked for every relation a person can have to an opening, on every
page, API route and CSV that shows anything about a candidate (issue 10).

One opening, its panel seating people with every mix of roles. A panelist `writer` submits a
card for candidate X with a marker in its notes and an expert rating; nobody else has a card for
X. For each viewer we know whether they may read X's cards (off the panel, able to see the
opening) and then check every surface: what the rule keeps back never shows, what it allows does.
The review's two breaks (a manager-and-interviewer panelist reading the ranking; a blank card
unlocking the panel) failed here before the fix.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.openings import service
from hiring.openings.models import AuditEntry, PanelSeat, Scorecard
from tests.conftest import post_form
from tests.hiring.conftest import viewer_of

SECRET = "Marker-of-the-writers-notes"
API = "/api/v1"


@dataclass(frozen=True)
class Seat:
    """One viewer and what the rule lets them read of candidate X before submitting a card."""

    roles: tuple[str, ...]
    on_panel: bool
    owner: bool = False
    sees_opening: bool = True

    @property
    def reads(self) -> bool:
        return self.sees_opening and not self.on_panel

    @property
    def may_rank(self) -> bool:
        readers = {"admin", "leadership", "hiring_manager"} & set(self.roles)
        return bool(readers) and self.sees_opening and (not self.on_panel or self.owner)


SEATS: dict[str, Seat] = {
    "owner off panel": Seat(("hiring_manager",), on_panel=False, owner=True),
    "owner on panel": Seat(("hiring_manager", "interviewer"), on_panel=True, owner=True),
    "manager and interviewer on panel": Seat(("hiring_manager", "interviewer"), on_panel=True),
    "admin and interviewer on panel": Seat(("admin", "interviewer"), on_panel=True),
    "leadership and interviewer on panel": Seat(("leadership", "interviewer"), on_panel=True),
    "panelist": Seat(("interviewer",), on_panel=True),
    "interviewer off panel": Seat(("interviewer",), on_panel=False, sees_opening=False),
    "manager of another opening": Seat(("hiring_manager",), on_panel=False, sees_opening=False),
    "leadership": Seat(("leadership",), on_panel=False),
    "admin": Seat(("admin",), on_panel=False),
}


@pytest.fixture
def world(make_user, make_opening, make_candidate, write_card, db) -> dict[str, Any]:
    """An opening per seat that needs one, with candidate X carded by `writer` only."""
    writer = make_user("interviewer", email="writer@example.com")
    people = {
        name: make_user(*seat.roles, email=f"{name.replace(' ', '-')}@example.com")
        for name, seat in SEATS.items()
    }
    # Owners: "owner on panel" owns the opening and sits on it; "owner off panel" owns a twin
    # opening whose panel is the same but without them, with the same cards.
    panel = [writer] + [people[n] for n, s in SEATS.items() if s.on_panel]
    opening = make_opening(manager=people["owner on panel"], panel=panel)
    twin = make_opening(manager=people["owner off panel"], panel=panel)
    worlds = {}
    for o in (opening, twin):
        x = make_candidate(o, name="Xena Secret")
        y = make_candidate(o, name="Yuri Plain")
        write_card(
            x,
            writer,
            {"research": 4, "engineering": 1, "data": 1},
            recommendation="strong_yes",
            notes=SECRET,
        )
        worlds[o.id] = (x, y)
    return {"people": people, "writer": writer, "opening": opening, "twin": twin, "worlds": worlds}


def _opening_of(world: dict[str, Any], name: str):
    return world["twin"] if name == "owner off panel" else world["opening"]


@pytest.fixture
def api(app, db) -> Callable[[User], FlaskClient]:
    """api(user) -> a client that sends that user's bearer token."""

    def make(user: User) -> FlaskClient:
        token = accounts.create_token(user.id, "matrix", session=db)
        db.rollback()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


def _text(response) -> str:
    return response.get_data(as_text=True)


def _api_surfaces(client: FlaskClient, opening_id: int, x_id: int) -> dict[str, Any]:
    """Everything the API says about X, by route."""
    return {
        "list": client.get(f"{API}/openings/{opening_id}/candidates"),
        "one": client.get(f"{API}/candidates/{x_id}"),
        "cards": client.get(f"{API}/candidates/{x_id}/scorecards"),
        "ranking": client.get(f"{API}/openings/{opening_id}/ranking"),
    }


def _page_surfaces(client: FlaskClient, opening_id: int, x_id: int) -> dict[str, Any]:
    """Everything the pages and CSV say about X, by route."""
    return {
        "opening": client.get(f"/openings/{opening_id}"),
        "candidate": client.get(f"/candidates/{x_id}"),
        "ranking": client.get(f"/openings/{opening_id}/ranking?rows=all"),
        "csv": client.get(f"/openings/{opening_id}/ranking.csv"),
        "audit": client.get("/admin/audit/?limit=500"),
    }


def _check_api(seat: Seat, found: dict[str, Any], x_id: int, writer: str) -> None:
    if not seat.sees_opening:
        for route in ("list", "one", "cards"):
            assert found[route].status_code == 404, route
        # The ranking route admits readers' roles only (403); a reader who may not see the
        # opening is told it does not exist (404).
        reader = {"admin", "leadership", "hiring_manager"} & set(seat.roles)
        assert found["ranking"].status_code == (404 if reader else 403)
        return
    listed = {c["id"]: c for c in found["list"].get_json()["items"]}
    one = found["one"].get_json()
    for shown in (listed[x_id], one):
        assert (shown["levels"]["research"] == 4) is seat.reads
        assert (shown["rubric"]["verdict"] == "passes") is seat.reads
    cards = [c["interviewer"] for c in found["cards"].get_json()["items"]]
    assert (writer in cards) is seat.reads
    if not seat.may_rank:
        assert found["ranking"].status_code == 403
        return
    ranking = found["ranking"].get_json()
    ranked = [c["id"] for c in ranking["candidates"]]
    hidden = [c["id"] for c in ranking["hidden"]]
    assert (x_id in ranked) is seat.reads and (x_id in hidden) is not seat.reads
    assert [c["rank"] for c in ranking["candidates"]] == list(range(1, len(ranked) + 1))


def _check_pages(seat: Seat, found: dict[str, Any], x_id: int, roles: tuple[str, ...]) -> None:
    if not seat.sees_opening:
        reader = {"admin", "leadership", "hiring_manager"} & set(roles)
        for route in ("opening", "candidate"):
            assert found[route].status_code == 404, route
        for route in ("ranking", "csv"):
            assert found[route].status_code == (404 if reader else 403), route
    else:
        assert (SECRET in _text(found["candidate"])) is seat.reads
        assert ("level-4" in _text(found["candidate"])) is seat.reads
        opening_page = _text(found["opening"])
        assert ("You will see the panel's levels" in opening_page) is not seat.reads
        assert ("/ranking" in opening_page) is seat.may_rank  # no link that leads to 403
        if seat.may_rank:
            page = _text(found["ranking"])
            table = page.split('id="ranking"')[1]
            assert ("Xena Secret" in table) is seat.reads
            assert ("writer@example.com" in page) is seat.reads  # "who said what"
            assert ('id="hidden-candidates"' in page) is not seat.reads
            rows = list(csv.reader(io.StringIO(_text(found["csv"]))))
            assert ("Xena Secret" in [r[1] for r in rows[1:]]) is seat.reads
        else:
            assert found["ranking"].status_code == 403
            assert found["csv"].status_code == 403
    if "admin" in roles:
        log = _text(found["audit"])
        assert (f"candidate {x_id}," in log) is seat.reads
    else:
        assert found["audit"].status_code == 403


@pytest.mark.parametrize("name", list(SEATS))
def test_each_relation_sees_what_the_rule_allows_everywhere(
    name, world, api, client_for, write_card
):
    seat = SEATS[name]
    user = world["people"][name]
    opening = _opening_of(world, name)
    x, y = world["worlds"][opening.id]
    _check_api(seat, _api_surfaces(api(user), opening.id, x.id), x.id, world["writer"].email)
    _check_pages(seat, _page_surfaces(client_for(user), opening.id, x.id), x.id, seat.roles)
    if not seat.on_panel:
        return
    # Submitting their own card for X opens X to them, on every surface alike.
    write_card(x, user, {"research": 2, "engineering": 1, "data": 1})
    found = _api_surfaces(api(user), opening.id, x.id)
    listed = {c["id"]: c for c in found["list"].get_json()["items"]}
    assert listed[x.id]["levels"]["research"] == 3  # the median of 4 and 2
    cards = [c["interviewer"] for c in found["cards"].get_json()["items"]]
    assert world["writer"].email in cards
    pages = _page_surfaces(client_for(user), opening.id, x.id)
    assert SECRET in _text(pages["candidate"])
    if seat.may_rank:
        ranking = found["ranking"].get_json()
        assert x.id in [c["id"] for c in ranking["candidates"]]
        assert y.id in [c["id"] for c in ranking["hidden"]]  # Y: still no card of theirs


def test_a_blank_card_cannot_be_submitted_and_unlocks_nothing(world, api, client_for, db):
    user = world["people"]["panelist"]
    x, _ = world["worlds"][world["opening"].id]
    client = api(user)
    before = db.exec(select(Scorecard)).all()
    db.rollback()
    for body in (
        {"ratings": {}, "submit": True},
        {"ratings": {"research": None, "engineering": None, "data": None}, "submit": True},
        {"ratings": {"research": 2}, "recommendation": None, "submit": True},
        {"ratings": {}, "recommendation": "yes", "submit": True},
    ):
        response = client.post(f"{API}/candidates/{x.id}/scorecards", json=body)
        assert response.status_code == 422, body
        fields = response.get_json()["error"]["fields"]
        assert set(fields) <= {"ratings", "recommendation"} and fields, fields
    assert len(db.exec(select(Scorecard)).all()) == len(before)
    db.rollback()
    # The page: "Submit" on an empty form is a form error, and the confirmation step refuses a
    # blank draft too, should someone post to it directly.
    browser = client_for(user)
    url = f"/candidates/{x.id}/scorecard"
    blank = {
        "rating_research": "",
        "rating_engineering": "",
        "rating_data": "",
        "recommendation": "",
    }
    response = post_form(browser, url, blank | {"submit_card": "Submit"})
    assert response.status_code == 400
    page = _text(response)
    assert "choose a recommendation before submitting" in page
    assert "rate at least one area before submitting" in page
    assert post_form(browser, url, blank | {"save_draft": "Save draft"}).status_code == 302
    response = post_form(browser, f"{url}/submit", {})
    assert response.status_code == 400
    assert 'id="submit-problems"' in _text(response)
    assert SECRET not in _text(browser.get(f"/candidates/{x.id}"))
    user_id = user.id
    db.rollback()  # read what the requests wrote, not an older snapshot
    mine = db.exec(select(Scorecard).where(Scorecard.interviewer_id == user_id)).all()
    assert [c.submitted_at for c in mine] == [None]  # the blank draft, never submitted


def test_a_correction_after_reading_the_panel_is_marked_and_audited(
    world, write_card, client_for, db
):
    user = world["people"]["panelist"]
    x, _ = world["worlds"][world["opening"].id]
    write_card(x, user, {"research": 2, "engineering": 1, "data": 1}, recommendation="no")
    browser = client_for(user)
    url = f"/candidates/{x.id}/scorecard"
    assert post_form(browser, f"{url}/revise", {}, page=url).status_code == 302
    changed = {
        "rating_research": "4",
        "rating_engineering": "1",
        "rating_data": "1",
        "recommendation": "strong_yes",
        "notes": "",
        "submit_card": "Submit",
    }
    assert post_form(browser, url, changed).status_code == 302
    assert post_form(browser, f"{url}/submit", {}).status_code == 302
    db.rollback()
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "scorecard.revise")).one()
    assert "revised after reading the panel" in entry.details
    assert "ratings.research 2 -> 4" in entry.details
    assert "recommendation no -> strong_yes" in entry.details
    assert "ratings.data" not in entry.details
    owner = client_for(world["people"]["owner off panel"])
    twin_x, _ = world["worlds"][world["twin"].id]
    assert "revised after reading the panel" not in _text(owner.get(f"/candidates/{twin_x.id}"))
    reader = client_for(world["people"]["admin"])
    assert "revised after reading the panel" in _text(reader.get(f"/candidates/{x.id}"))


def test_the_first_card_is_never_marked(world, write_card, db):
    user = world["people"]["panelist"]
    x, _ = world["worlds"][world["opening"].id]
    write_card(x, user, {"research": 2})
    cards = db.exec(select(Scorecard).where(Scorecard.interviewer_id == user.id)).all()
    assert [c.after_panel for c in cards] == [False]


def _leaks(found: Any, x_id: int, writer: str) -> list[str]:
    """What a JSON answer says about X that only the panel's cards could tell: X's levels or
    verdict, X's place or weeks saved, or the writer's card."""
    leaks: list[str] = []
    if isinstance(found, dict):
        if found.get("id") == x_id:
            if any(v is not None for v in (found.get("levels") or {}).values()):
                leaks.append("levels")
            if found.get("rubric", {}).get("verdict") not in (None, "incomplete"):
                leaks.append("verdict")
            if "weeks_saved" in found or "rank" in found:
                leaks.append("ranking row")
        if found.get("interviewer") == writer:
            leaks.append("the writer's card")
        for value in found.values():
            leaks += _leaks(value, x_id, writer)
    elif isinstance(found, list):
        for value in found:
            leaks += _leaks(value, x_id, writer)
    return leaks


@pytest.mark.parametrize("name", [n for n, s in SEATS.items() if s.on_panel])
def test_every_route_naming_the_opening_or_candidate_keeps_x_back_from_a_panelist(
    name, app, world, api, client_for
):
    """Every GET route (page, API, CSV) whose URL names an opening or a candidate, walked from
    the url_map so that a route added later is covered, plus the lists that name candidates."""
    user = world["people"][name]
    opening = _opening_of(world, name)
    x, _ = world["worlds"][opening.id]
    writer = world["writer"].email
    values = {"opening_id": opening.id, "candidate_id": x.id}
    with app.test_request_context():
        urls = [
            rule.build({arg: values[arg] for arg in rule.arguments})[1]
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or set())
            and rule.arguments
            and set(rule.arguments) <= set(values)
        ]
    urls += ["/candidates/mine", "/admin/audit/?limit=500", f"{API}/openings", "/openings/"]
    pages, tokens = client_for(user), api(user)
    walked = 0
    for url in urls:
        response = (tokens if url.startswith(API) else pages).get(url)
        body = response.get_data(as_text=True)
        assert SECRET not in body, url
        if response.is_json and response.status_code == 200:
            assert _leaks(response.get_json(), x.id, writer) == [], url
        if url.startswith("/admin/audit"):
            assert f"candidate {x.id}," not in body, url
        walked += 1
    assert walked >= 12  # the walk found the routes (a broken walk must not pass)


def test_stepping_off_the_panel_to_read_marks_the_card_written_after(world, api, db):
    """The review's third way round: the owner steps off their panel, reads the cards, steps
    back on and writes. They may (off the panel they are a reader), but their card says so,
    and the log names who left and joined the panel."""
    owner = world["people"]["owner on panel"]
    opening = world["opening"]
    x, y = world["worlds"][opening.id]
    client = api(owner)
    seated = sorted(opening.panel)
    off = [email for email in seated if email != owner.email]
    assert client.patch(f"{API}/openings/{opening.id}", json={"panel": off}).status_code == 200
    levels = client.get(f"{API}/candidates/{x.id}").get_json()["levels"]
    assert levels["research"] == 4  # off the panel, the owner reads everything
    assert client.patch(f"{API}/openings/{opening.id}", json={"panel": seated}).status_code == 200
    card = {"ratings": {"research": 4}, "recommendation": "yes", "submit": True}
    written = client.post(f"{API}/candidates/{x.id}/scorecards", json=card).get_json()
    assert written["revision"] == 1 and written["revised_after_panel"] is True
    # Y had no card in when they came back: nothing to read first, nothing to mark.
    fresh = client.post(f"{API}/candidates/{y.id}/scorecards", json=card).get_json()
    assert fresh["revised_after_panel"] is False
    db.rollback()
    log = [
        e.details
        for e in db.exec(select(AuditEntry).where(AuditEntry.action == "opening.update")).all()
    ]
    assert log == [f"panel; panel -{owner.email}", f"panel; panel +{owner.email}"]


def test_seats_kept_keep_their_time_and_a_panelist_seated_from_the_start_is_not_marked(
    world, api, db, write_card
):
    owner = world["people"]["owner on panel"]
    opening = world["opening"]
    x, _ = world["worlds"][opening.id]
    seats = select(PanelSeat).where(PanelSeat.opening_id == opening.id)
    before = {s.user_id: s.seated_at for s in db.exec(seats).all()}
    db.rollback()
    panel = sorted(opening.panel) + [world["people"]["interviewer off panel"].email]
    response = api(owner).patch(f"{API}/openings/{opening.id}", json={"panel": panel})
    assert response.status_code == 200
    after = {s.user_id: s.seated_at for s in db.exec(seats).all()}
    assert len(after) == len(before) + 1  # one joined; everyone else kept their seat and time
    assert all(after[user] == before[user] for user in before)
    db.rollback()
    write_card(x, owner, {"research": 2})  # seated from the start, before the writer's card
    mine = db.exec(select(Scorecard).where(Scorecard.interviewer_id == owner.id)).all()
    assert [c.after_panel for c in mine if c.candidate_id == x.id] == [False]


@pytest.mark.parametrize("decided", ["hired", "rejected"])
def test_no_card_changes_once_the_decision_is_made(decided, world, api, db):
    """A hire's team record is made of the panel's levels: once a candidate is decided, no
    card can be written, so no card can follow what the team pages show."""
    panelist = world["people"]["panelist"]
    owner = world["people"]["owner off panel"]
    opening = world["twin"]
    x, _ = world["worlds"][opening.id]
    service.set_status(x.id, decided, viewer=viewer_of(owner, db), session=db)
    db.commit()
    card = {"ratings": {"research": 2}, "recommendation": "no", "submit": True}
    response = api(panelist).post(f"{API}/candidates/{x.id}/scorecards", json=card)
    assert response.status_code == 409
    assert decided in response.get_json()["error"]["message"]
    assert db.exec(select(Scorecard).where(Scorecard.interviewer_id == panelist.id)).all() == []
