"""The scorecard services on their own: the independence rule, submitting once, revisions (the
old submitted card stays, the newest submitted one counts) and refusals that write nothing.

Pages and the API both read cards through `visible_cards` and levels through `candidate`, so
these are the rules both paths show.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, func, select

from hiring.accounts.models import User
from hiring.openings import candidates, scorecards
from hiring.openings.models import Scorecard, ScorecardRating
from hiring.openings.schemas import OpeningUpdate, ScorecardIn
from hiring.openings.service import update_opening
from team.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.hiring.conftest import viewer_of


@pytest.fixture
def people(make_user) -> dict[str, User]:
    """A hiring manager, leadership, an admin, three panel interviewers and one elsewhere."""
    return {
        "manager": make_user("hiring_manager", email="manager@example.com"),
        "lead": make_user("leadership", email="lead@example.com"),
        "admin": make_user("admin", email="admin@example.com"),
        "ada": make_user("interviewer", email="ada@example.com"),
        "bo": make_user("interviewer", email="bo@example.com"),
        "cy": make_user("interviewer", email="cy@example.com"),
        "outsider": make_user("interviewer", email="outsider@example.com"),
    }


@pytest.fixture
def candidate(make_opening, make_candidate, people):
    """A candidate of an open opening whose panel is ada, bo and cy."""
    panel = [people["ada"], people["bo"], people["cy"]]
    return make_candidate(make_opening(manager=people["manager"], panel=panel))


@pytest.fixture
def seen(db: Session, people, candidate) -> Callable[[str], list[tuple[str, int, str]]]:
    """seen(person) -> (interviewer, revision, status) of every card that person may read."""

    def read(person: str) -> list[tuple[str, int, str]]:
        viewer = viewer_of(people[person], db)
        cards = scorecards.visible_cards(candidate.id, viewer=viewer, session=db)
        db.rollback()
        return sorted((c.interviewer, c.revision, c.status) for c in cards)

    return read


@pytest.fixture
def levels(db: Session, people, candidate) -> Callable[[], dict[str, float | None]]:
    """levels() -> the candidate's levels per area as the manager sees them."""

    def read() -> dict[str, float | None]:
        viewer = viewer_of(people["manager"], db)
        found = candidates.candidate(candidate.id, viewer=viewer, session=db).levels
        db.rollback()
        return found

    return read


def _rows(db: Session) -> tuple[int, int]:
    """Scorecards and ratings stored, read in a fresh transaction."""
    db.rollback()
    cards = db.exec(select(func.count()).select_from(Scorecard)).one()
    ratings = db.exec(select(func.count()).select_from(ScorecardRating)).one()
    db.rollback()
    return cards, ratings


def _save(db: Session, candidate_id: int, user: User, **fields: Any):
    """Save a card through the service as `user`, as the pages and the API do (a submitted card
    recommends "yes" unless told otherwise: submitting needs a recommendation)."""
    if fields.get("submit"):
        fields.setdefault("recommendation", "yes")
    data = ScorecardIn(**fields)
    return scorecards.save_card(candidate_id, data, viewer=viewer_of(user, db), session=db)


ADA, BO, CY = "ada@example.com", "bo@example.com", "cy@example.com"


def test_others_cards_show_only_after_submitting_and_drafts_never(
    people, candidate, write_card, seen
):
    write_card(candidate, people["ada"], {"research": 3})
    write_card(candidate, people["bo"], {"research": 1}, submit=False)
    assert seen("bo") == [(BO, 1, "draft")]
    assert seen("ada") == [(ADA, 1, "submitted")]
    assert seen("cy") == []
    for reader in ("manager", "lead", "admin"):
        assert seen(reader) == [(ADA, 1, "submitted")]
    write_card(candidate, people["bo"], {"research": 2})
    both = [(ADA, 1, "submitted"), (BO, 1, "submitted")]
    assert seen("bo") == both
    write_card(candidate, people["cy"], {"data": 2}, submit=False)
    for reader in ("ada", "bo", "manager", "lead", "admin"):
        assert seen(reader) == both
    assert seen("cy") == [(CY, 1, "draft")]


def test_an_interviewer_off_the_opening_sees_nothing_at_all(db, people, candidate):
    viewer = viewer_of(people["outsider"], db)
    with pytest.raises(NotFound):
        scorecards.visible_cards(candidate.id, viewer=viewer, session=db)
    with pytest.raises(NotFound):
        candidates.candidate(candidate.id, viewer=viewer, session=db)


def test_a_submitted_card_is_final_until_revised(db, people, candidate):
    _save(db, candidate.id, people["ada"], ratings={"research": 2}, submit=True)
    before = _rows(db)
    for again in ({"submit": True}, {"ratings": {"research": 4}}):
        with pytest.raises(Conflict):
            _save(db, candidate.id, people["ada"], **again)
        db.rollback()
    assert _rows(db) == before


def test_a_revision_keeps_the_old_card_and_the_newest_submitted_one_counts(
    db, people, candidate, write_card, seen, levels
):
    write_card(candidate, people["ada"], {"research": 1, "data": 2}, recommendation="no")
    write_card(candidate, people["bo"], {"research": 3})
    assert levels()["research"] == 2.0
    viewer = viewer_of(people["ada"], db)
    draft = scorecards.revise_card(candidate.id, viewer=viewer, session=db)
    db.rollback()
    assert (draft.revision, draft.status) == (2, "draft")
    assert (draft.ratings, draft.recommendation) == ({"research": 1, "data": 2}, "no")
    # While the correction is a draft, the submitted revision 1 still counts and is what
    # others read; ada reads her own newest card, the draft.
    assert levels()["research"] == 2.0
    assert seen("bo") == [(ADA, 1, "submitted"), (BO, 1, "submitted")]
    assert seen("manager") == [(ADA, 1, "submitted"), (BO, 1, "submitted")]
    assert seen("ada") == [(ADA, 2, "draft"), (BO, 1, "submitted")]
    _save(db, candidate.id, people["ada"], ratings={"research": 4, "data": 2}, submit=True)
    assert levels() == {"research": 3.5, "engineering": None, "data": 2.0}
    assert seen("manager") == [(ADA, 2, "submitted"), (BO, 1, "submitted")]
    history = scorecards.card_history(candidate.id, viewer=viewer, session=db)
    assert [(c.revision, c.ratings) for c in history if c.interviewer == ADA] == [
        (1, {"research": 1, "data": 2}),
        (2, {"research": 4, "data": 2}),
    ]
    assert _rows(db) == (3, 5)


def test_only_a_submitted_card_can_be_revised(db, people, candidate):
    viewer = viewer_of(people["ada"], db)
    with pytest.raises(Conflict):
        scorecards.revise_card(candidate.id, viewer=viewer, session=db)
    db.rollback()
    _save(db, candidate.id, people["ada"], ratings={"research": 2})
    with pytest.raises(Conflict):
        scorecards.revise_card(candidate.id, viewer=viewer, session=db)
    db.rollback()
    assert _rows(db) == (1, 1)


def test_drafts_count_for_nothing_in_levels(people, candidate, write_card, levels):
    write_card(candidate, people["ada"], {"research": 4, "engineering": 0}, submit=False)
    assert levels() == {"research": None, "engineering": None, "data": None}
    write_card(candidate, people["bo"], {"research": 1, "engineering": 2})
    write_card(candidate, people["cy"], {"research": 2, "engineering": 4})
    assert levels() == {"research": 1.5, "engineering": 3.0, "data": None}


def test_unknown_areas_are_refused_naming_them(db, people, candidate):
    with pytest.raises(InvalidInput) as refused:
        _save(db, candidate.id, people["ada"], ratings={"research": 2, "vision": 1}, submit=True)
    db.rollback()
    assert refused.value.fields == {"ratings.vision": ["is not a known area"]}
    assert _rows(db) == (0, 0)


def test_only_the_panel_writes_cards(db, people, candidate, make_user):
    lead_interviewer = make_user("leadership", "interviewer")
    for user in (people["manager"], people["lead"], people["admin"], lead_interviewer):
        with pytest.raises(Forbidden):
            _save(db, candidate.id, user, ratings={"research": 2}, submit=True)
        db.rollback()
    with pytest.raises(NotFound):
        _save(db, candidate.id, people["outsider"], ratings={"research": 2}, submit=True)
    db.rollback()
    assert _rows(db) == (0, 0)


def test_no_card_changes_once_the_opening_is_closed(db, people, candidate, write_card):
    write_card(candidate, people["ada"], {"research": 2})
    write_card(candidate, people["bo"], {"research": 2}, submit=False)
    manager = viewer_of(people["manager"], db)
    update_opening(candidate.opening_id, OpeningUpdate(status="closed"), viewer=manager, session=db)
    before = _rows(db)
    with pytest.raises(Conflict):
        _save(db, candidate.id, people["bo"], ratings={"research": 3}, submit=True)
    db.rollback()
    with pytest.raises(Conflict):
        scorecards.revise_card(candidate.id, viewer=viewer_of(people["ada"], db), session=db)
    db.rollback()
    assert _rows(db) == before
