"""A hypothesis state machine over the hiring flow, through the real app: log in, open a role,
add candidates, set the panel, write drafts, submit, correct, and read, as several
interviewers, the hiring manager, a leader and an admin, over both the pages (logged-in browser
sessions with CSRF tokens) and the API (bearer tokens).

The machine keeps its own model of every card (who, which candidate, each revision's ratings
and whether it is submitted) and checks the app against it:

- independence: a panelist reads the others' cards for a candidate, and the levels made from
  them, only after submitting their own card for that candidate, whatever roles they hold (one
  of them, `dual`, is also a hiring manager, and reads no ranking while on the panel); the
  opening's hiring manager, leadership and admins read submitted cards only; nobody reads
  another person's draft;
- a card is submitted only with a recommendation and at least one area rated (422 from the API,
  a form error on the page), and on the page only after the confirmation step;
- the API and the pages show the same cards to the same person;
- one submitted card per interviewer and candidate: submitting again is refused (409), and a
  correction is a new revision whose earlier revisions stay, all of them submitted.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from tests.conftest import CSRF, PASSWORD, post_form
from tests.fuzz.conftest import examples

API = "/api/v1"
AREAS = ("research", "engineering", "data")
# Panelists; `dual` is a hiring manager too (not the opening's), who must fare like the others.
INTERVIEWERS = ("ivy", "jon", "kim", "dual")
OVERSEERS = ("manager", "leader", "admin")  # they read every submitted card, never a draft
RECOMMENDATIONS = (None, "strong_no", "no", "yes", "strong_yes")
CARDS_TABLE = re.compile(r'<table[^>]*id="cards"[^>]*>(.*?)</table>', re.S)
EMAIL = re.compile(r"[\w.+-]+@example\.com")


def csrf_token(client: Any) -> str:
    """The session's CSRF token, from the home page every user lands on (a card's own page is
    a 404 for an interviewer off the panel, so it cannot hand one out)."""
    page = client.get("/", follow_redirects=True)
    match = CSRF.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {page.request.path} ({page.status_code})"
    return match.group(1)


ratings = st.fixed_dictionaries(
    {}, optional={a: st.one_of(st.none(), st.integers(min_value=0, max_value=4)) for a in AREAS}
)


@dataclass
class Revision:
    ratings: dict[str, int | None]
    recommendation: str | None
    submitted: bool


@dataclass
class Model:
    """What the app should hold: the panel, and each (interviewer, candidate)'s revisions."""

    panel: set[str] = field(default_factory=set)
    candidates: list[int] = field(default_factory=list)
    cards: dict[tuple[str, int], list[Revision]] = field(default_factory=dict)

    def newest(self, who: str, candidate: int) -> Revision | None:
        revisions = self.cards.get((who, candidate), [])
        return revisions[-1] if revisions else None

    def has_submitted(self, who: str, candidate: int) -> bool:
        return any(r.submitted for r in self.cards.get((who, candidate), []))

    def newest_submitted(self, who: str, candidate: int) -> tuple[int, Revision] | None:
        revisions = self.cards.get((who, candidate), [])
        found = [(n, r) for n, r in enumerate(revisions, 1) if r.submitted]
        return found[-1] if found else None

    def visible(self, viewer: str, candidate: int) -> dict[str, tuple[int, Revision]] | None:
        """Per interviewer, the revision (number, card) this viewer reads; None if the
        candidate is hidden from the viewer (an interviewer off the panel: 404)."""
        if viewer in INTERVIEWERS and viewer not in self.panel:
            return None
        shown: dict[str, tuple[int, Revision]] = {}
        revealed = viewer in OVERSEERS or self.has_submitted(viewer, candidate)
        for who in INTERVIEWERS:
            if who == viewer:
                own = self.cards.get((who, candidate), [])
                if own:
                    shown[who] = (len(own), own[-1])
            elif revealed and (found := self.newest_submitted(who, candidate)):
                shown[who] = found
        return shown

    def levels(self, viewer: str, candidate: int) -> dict[str, float | None]:
        """Medians of the newest submitted cards, or all unknown for an interviewer who may not
        read them yet."""
        if viewer in INTERVIEWERS and not self.has_submitted(viewer, candidate):
            return dict.fromkeys(AREAS)
        cards = [self.newest_submitted(who, candidate) for who in INTERVIEWERS]
        result: dict[str, float | None] = {}
        for area in AREAS:
            values = [c[1].ratings.get(area) for c in cards if c is not None]
            rated = [v for v in values if v is not None]
            result[area] = float(statistics.median(rated)) if rated else None
        return result


def test_independence_and_one_submitted_card(app, make_user, token_for, bearer):
    people = {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "leader": make_user("leadership", email="leader@example.com"),
        "admin": make_user("admin", email="admin@example.com"),
        **{
            name: make_user("interviewer", email=f"{name}@example.com")
            for name in INTERVIEWERS
            if name != "dual"
        },
        "dual": make_user("hiring_manager", "interviewer", email="dual@example.com"),
    }
    email = {name: user.email for name, user in people.items()}
    ids = {name: user.id for name, user in people.items()}
    apis = {name: bearer(token_for(user)) for name, user in people.items()}
    pages: dict[str, Any] = {}
    model_opening: list[int] = [0]  # the current run's opening, for `check_reads`
    engine = app.extensions["engine"]

    def log_in(name: str) -> None:
        """A fresh browser session through the login form (a new session id each time)."""
        client = app.test_client()
        response = post_form(client, "/login", {"email": email[name], "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        pages[name] = client

    class Hiring(RuleBasedStateMachine):
        candidates = Bundle("candidates")

        def __init__(self) -> None:
            super().__init__()
            self.model = Model()
            self.opening = 0

        @initialize()
        def open_a_role(self) -> None:
            for name in people:
                if name not in pages:
                    log_in(name)
            response = apis["manager"].post(
                f"{API}/openings", json={"title": "ML engineer", "target_area": "engineering"}
            )
            assert response.status_code == 201, response.get_json()
            self.opening = response.get_json()["id"]
            model_opening[:] = [self.opening]

        @rule(name=st.sampled_from(sorted(people)))
        def log_in_again(self, name: str) -> None:
            pages[name].post("/logout", data={"csrf_token": csrf_token(pages[name])})
            log_in(name)

        @precondition(lambda self: len(self.model.candidates) < 3)
        @rule(target=candidates)
        def add_candidate(self) -> int:
            n = len(self.model.candidates)
            response = apis["manager"].post(
                f"{API}/openings/{self.opening}/candidates",
                json={"name": f"Candidate {n}", "email": f"c{n}.{self.opening}@example.com"},
            )
            assert response.status_code == 201, response.get_json()
            candidate = response.get_json()["id"]
            self.model.candidates.append(candidate)
            return candidate

        @rule(panel=st.sets(st.sampled_from(INTERVIEWERS)))
        def set_panel(self, panel: set[str]) -> None:
            response = apis["manager"].patch(
                f"{API}/openings/{self.opening}", json={"panel": [email[n] for n in panel]}
            )
            assert response.status_code == 200, response.get_json()
            assert response.get_json()["panel"] == sorted(email[n] for n in panel)
            self.model.panel = set(panel)

        @rule(
            who=st.sampled_from(INTERVIEWERS),
            candidate=candidates,
            given=ratings,
            recommendation=st.sampled_from(RECOMMENDATIONS),
            submit=st.booleans(),
            through_page=st.booleans(),
        )
        def write_card(self, who, candidate, given, recommendation, submit, through_page):
            newest = self.model.newest(who, candidate)
            blank = recommendation is None or all(given.get(a) is None for a in AREAS)
            if through_page:
                url = f"/candidates/{candidate}/scorecard"
                form = {f"rating_{a}": "" if given.get(a) is None else str(given[a]) for a in AREAS}
                form["recommendation"] = recommendation or ""
                form["notes"] = "seen"
                form["submit_card" if submit else "save_draft"] = "x"
                form["csrf_token"] = csrf_token(pages[who])
                response = pages[who].post(url, data=form)
                if submit and response.status_code == 302:
                    # "Submit" saved the draft and asks once; the answer submits it.
                    assert response.location == f"{url}/submit", response.location
                    token = csrf_token(pages[who])
                    response = pages[who].post(f"{url}/submit", data={"csrf_token": token})
                stored = {a: given.get(a) for a in AREAS}  # the form sends every area
                ok, refused = 302, 400
            else:
                body = {"ratings": given, "recommendation": recommendation, "submit": submit}
                response = apis[who].post(f"{API}/candidates/{candidate}/scorecards", json=body)
                stored, ok, refused = dict(given), 200, 422
            if who not in self.model.panel:
                assert response.status_code == 404, "a card was written off the panel"
            elif newest is not None and newest.submitted:
                assert response.status_code == 409, "a submitted card was changed"
            elif submit and blank:
                assert response.status_code == refused, "a blank card was submitted"
            else:
                assert response.status_code == ok, response.get_data(as_text=True)[:300]
                card = Revision(stored, recommendation, submit)
                if newest is None:
                    self.model.cards[(who, candidate)] = [card]
                else:
                    self.model.cards[(who, candidate)][-1] = card

        @rule(who=st.sampled_from(INTERVIEWERS), candidate=candidates)
        def correct_card(self, who: str, candidate: int) -> None:
            """Start a correction on the page: a new draft revision, copied from the card."""
            newest = self.model.newest(who, candidate)
            url = f"/candidates/{candidate}/scorecard/revise"
            response = pages[who].post(url, data={"csrf_token": csrf_token(pages[who])})
            if who not in self.model.panel:
                assert response.status_code == 404
            elif newest is None or not newest.submitted:
                assert response.status_code == 409
            else:
                assert response.status_code == 302
                self.model.cards[(who, candidate)].append(
                    Revision(dict(newest.ratings), newest.recommendation, False)
                )

        @rule(viewer=st.sampled_from(INTERVIEWERS + OVERSEERS), candidate=candidates)
        def read(self, viewer: str, candidate: int) -> None:
            check_reads(self.model, viewer, candidate)

        @invariant()
        def revisions_are_a_history(self) -> None:
            """In the database, per interviewer and candidate: revisions 1..n, every one but
            the newest submitted, so at most one card is current and at most one is a draft."""
            with engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT candidate_id, interviewer_id, revision, submitted_at "
                        "FROM scorecard ORDER BY candidate_id, interviewer_id, revision"
                    )
                ).all()
                connection.rollback()
            history: dict[tuple[int, int], list[tuple[int, bool]]] = {}
            for candidate, interviewer, revision, submitted_at in rows:
                history.setdefault((candidate, interviewer), []).append(
                    (revision, submitted_at is not None)
                )
            for key, revisions in history.items():
                assert [r for r, _ in revisions] == list(range(1, len(revisions) + 1)), key
                assert all(submitted for _, submitted in revisions[:-1]), key
            for candidate in self.model.candidates:
                for who in INTERVIEWERS:
                    stored = history.get((candidate, ids[who]), [])
                    wanted = [r.submitted for r in self.model.cards.get((who, candidate), [])]
                    assert [submitted for _, submitted in stored] == wanted, (who, candidate)

        def teardown(self) -> None:
            for candidate in self.model.candidates:
                for viewer in INTERVIEWERS + OVERSEERS:
                    check_reads(self.model, viewer, candidate)

    def check_reads(model: Model, viewer: str, candidate: int) -> None:
        """What the viewer reads of the candidate's cards, by API and on the page, is what the
        model says they may read."""
        expected = model.visible(viewer, candidate)
        listed = apis[viewer].get(f"{API}/candidates/{candidate}/scorecards")
        one = apis[viewer].get(f"{API}/candidates/{candidate}")
        page = pages[viewer].get(f"/candidates/{candidate}")
        if expected is None:
            assert (listed.status_code, one.status_code, page.status_code) == (404, 404, 404)
            return
        assert listed.status_code == 200, listed.get_json()
        cards = listed.get_json()["items"]
        by_whom = {c["interviewer"]: c for c in cards}
        assert len(by_whom) == len(cards), f"two cards of one interviewer: {cards}"
        assert set(by_whom) == {email[w] for w in expected}, (viewer, cards, expected)
        for who, (number, revision) in expected.items():
            card = by_whom[email[who]]
            assert card["revision"] == number, (viewer, card)
            assert card["status"] == ("submitted" if revision.submitted else "draft"), card
            assert card["ratings"] == revision.ratings, (card, revision)
            assert card["recommendation"] == revision.recommendation, card
            if who != viewer:
                assert card["status"] == "submitted", f"{viewer} reads {who}'s draft"
        assert one.status_code == 200
        assert one.get_json()["levels"] == model.levels(viewer, candidate), (viewer, expected)
        # The ranking: the opening's manager (off its panel), leadership and admins read all of
        # it; a panelist who is also a hiring manager reads none (403), as do interviewers.
        ranking = apis[viewer].get(f"{API}/openings/{model_opening[0]}/ranking")
        if viewer in OVERSEERS:
            assert ranking.status_code == 200, ranking.get_json()
            ranked = {c["id"] for c in ranking.get_json()["candidates"]}
            assert ranked == set(model.candidates) and ranking.get_json()["hidden"] == []
        else:
            assert ranking.status_code == 403, (viewer, ranking.get_json())
        # The page shows the same submitted cards, and hides the panel's levels until then.
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        table = CARDS_TABLE.search(html)
        on_page = set(EMAIL.findall(table.group(1))) if table else set()
        submitted = {email[w] for w, (_, r) in expected.items() if r.submitted}
        assert on_page == submitted, (viewer, on_page, submitted)
        hidden = viewer in INTERVIEWERS and not model.has_submitted(viewer, candidate)
        assert ('id="independence-note"' in html) == hidden, viewer
        mine = model.newest(viewer, candidate) if viewer in INTERVIEWERS else None
        assert ('id="my-draft"' in html) == (mine is not None and not mine.submitted), viewer

    run_state_machine_as_test(
        Hiring,
        settings=settings(
            max_examples=examples(10),
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
