"""Scorecards: interviewers' ratings per area, drafts, submissions and revisions.

Independence: an interviewer sees other interviewers' cards for a candidate only after submitting
their own; the opening's hiring manager, leadership and admins see every submitted card; nobody
sees another person's draft. Every path (pages, API) reads cards through `visible_cards`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete
from sqlmodel import Session, col, select

from hiring.accounts.models import User
from hiring.openings import audit
from hiring.openings.models import Candidate, Opening, PanelSeat, Scorecard, ScorecardRating
from hiring.openings.schemas import ScorecardIn, ScorecardPublic
from hiring.openings.service import (
    Forbidden,
    Viewer,
    get_candidate_row,
    get_opening_row,
    manages,
)
from hiring.rubric import CardRatings
from team.errors import Conflict, InvalidInput
from team.models import Area, utcnow


def _newest_revisions(candidate_ids: Sequence[int], session: Session, submitted: bool):
    """The newest (submitted, if asked) revision of each interviewer's card per candidate."""
    if not candidate_ids:
        return []
    query = select(Scorecard).where(col(Scorecard.candidate_id).in_(candidate_ids))
    if submitted:
        query = query.where(col(Scorecard.submitted_at).is_not(None))
    newest: dict[tuple[int, int], Scorecard] = {}
    for card in session.exec(query.order_by(col(Scorecard.revision))).all():
        newest[(card.candidate_id, card.interviewer_id)] = card
    return list(newest.values())


def _ratings(card_ids: Sequence[int], session: Session) -> dict[int, dict[str, int | None]]:
    result: dict[int, dict[str, int | None]] = defaultdict(dict)
    if card_ids:
        for card_id, key, level in session.exec(
            select(ScorecardRating.scorecard_id, Area.key, ScorecardRating.level)
            .join(Area, col(Area.id) == ScorecardRating.area_id)
            .where(col(ScorecardRating.scorecard_id).in_(card_ids))
        ).all():
            result[card_id][key] = level
    return result


def _emails(user_ids: set[int], session: Session) -> dict[int, str]:
    users = session.exec(select(User).where(col(User.id).in_(user_ids))).all()
    return {u.id or 0: u.email for u in users}


def _publish(cards: Sequence[Scorecard], session: Session) -> list[ScorecardPublic]:
    ratings = _ratings([c.id or 0 for c in cards], session)
    emails = _emails({c.interviewer_id for c in cards}, session)
    return [
        ScorecardPublic(
            id=c.id or 0,
            candidate_id=c.candidate_id,
            interviewer=emails.get(c.interviewer_id, ""),
            revision=c.revision,
            status="submitted" if c.submitted_at else "draft",
            ratings=ratings.get(c.id or 0, {}),
            recommendation=c.recommendation,
            notes=c.notes,
            submitted_at=c.submitted_at.isoformat() if c.submitted_at else None,
        )
        for c in cards
    ]


def submitted_ratings(
    candidate_ids: Sequence[int], *, session: Session, opening_id: int | None = None
) -> dict[int, list[CardRatings]]:
    """Per candidate, the newest submitted card of each interviewer (what the rubric counts).

    With `opening_id`, every candidate of that opening (`candidate_ids` is then ignored): the
    cards are found by a join instead of a list of ids, which at 10,000 candidates would be
    10,000 bound parameters. Cards and ratings are read as plain tuples in two queries, whatever
    the number of candidates: 90,000 ratings as ORM objects would cost seconds.
    """
    submitted = col(Scorecard.submitted_at).is_not(None)
    if opening_id is not None:
        in_scope = [
            col(Candidate.opening_id) == opening_id,
            col(Candidate.id) == col(Scorecard.candidate_id),
        ]
    elif candidate_ids:
        in_scope = [col(Scorecard.candidate_id).in_(set(candidate_ids))]
    else:
        return {}
    # Core selects on the session's connection: plain tuples without the ORM's per-row work.
    connection = session.connection()
    newest: dict[tuple[int, int], tuple[int, str | None]] = {}
    for card_id, candidate_id, interviewer_id, recommendation in connection.execute(
        select(
            Scorecard.id, Scorecard.candidate_id, Scorecard.interviewer_id, Scorecard.recommendation
        )
        .where(submitted, *in_scope)
        .order_by(col(Scorecard.revision))
    ):
        newest[(candidate_id, interviewer_id)] = (card_id or 0, recommendation)
    keys = {a.id: a.key for a in session.exec(select(Area)).all()}
    ratings: dict[int, dict[str, int | None]] = {card_id: {} for card_id, _ in newest.values()}
    for card_id, area_id, level in connection.execute(
        select(ScorecardRating.scorecard_id, ScorecardRating.area_id, ScorecardRating.level)
        .join(Scorecard, col(Scorecard.id) == ScorecardRating.scorecard_id)
        .where(submitted, *in_scope)
    ):
        own = ratings.get(card_id)  # None: an older revision, which does not count
        if own is not None and area_id in keys:
            own[keys[area_id]] = level
    emails = _emails({interviewer for _, interviewer in newest}, session)
    result: dict[int, list[CardRatings]] = defaultdict(list)
    ordered = sorted(newest.items(), key=lambda item: emails.get(item[0][1], ""))
    for (candidate_id, interviewer_id), (card_id, recommendation) in ordered:
        result[candidate_id].append(
            CardRatings(emails.get(interviewer_id, ""), ratings.get(card_id, {}), recommendation)
        )
    return result


def has_submitted(candidate_id: int, user_id: int, session: Session) -> bool:
    """Whether this user has submitted a card for the candidate."""
    found = session.exec(
        select(Scorecard.id).where(
            Scorecard.candidate_id == candidate_id,
            Scorecard.interviewer_id == user_id,
            col(Scorecard.submitted_at).is_not(None),
        )
    ).first()
    return found is not None


def sees_all_cards(opening: Opening, candidate_id: int, viewer: Viewer, session: Session) -> bool:
    """Whether the viewer may read every submitted card of this candidate."""
    if viewer.has_role("admin", "leadership") or manages(opening, viewer):
        return True
    return has_submitted(candidate_id, viewer.id, session)


def revealed_candidates(
    opening: Opening, candidate_ids: Sequence[int], viewer: Viewer, session: Session
) -> set[int]:
    """Of these candidates of the opening, those whose every submitted card the viewer may read
    (`sees_all_cards` for each), in at most one query rather than one per candidate."""
    if viewer.has_role("admin", "leadership") or manages(opening, viewer):
        return set(candidate_ids)
    if not candidate_ids:
        return set()
    return set(
        session.exec(
            select(Scorecard.candidate_id).where(
                col(Scorecard.candidate_id).in_(set(candidate_ids)),
                Scorecard.interviewer_id == viewer.id,
                col(Scorecard.submitted_at).is_not(None),
            )
        ).all()
    )


def visible_cards(candidate_id: int, *, viewer: Viewer, session: Session) -> list[ScorecardPublic]:
    """The cards this viewer may read: their own newest card, and others' submitted ones if
    the independence rule allows it. Never someone else's draft."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session)
    opening = get_opening_row(candidate.opening_id, viewer=viewer, session=session)
    own = [
        c
        for c in _newest_revisions([candidate_id], session, submitted=False)
        if c.interviewer_id == viewer.id
    ]
    others: list[Scorecard] = []
    if sees_all_cards(opening, candidate_id, viewer, session):
        others = [
            c
            for c in _newest_revisions([candidate_id], session, submitted=True)
            if c.interviewer_id != viewer.id
        ]
    return _publish(own + others, session)


def card_history(candidate_id: int, *, viewer: Viewer, session: Session) -> list[ScorecardPublic]:
    """Every submitted revision the viewer may read (corrections keep the old cards)."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session)
    opening = get_opening_row(candidate.opening_id, viewer=viewer, session=session)
    query = select(Scorecard).where(
        Scorecard.candidate_id == candidate_id, col(Scorecard.submitted_at).is_not(None)
    )
    if not sees_all_cards(opening, candidate_id, viewer, session):
        query = query.where(Scorecard.interviewer_id == viewer.id)
    cards = session.exec(
        query.order_by(col(Scorecard.interviewer_id), col(Scorecard.revision))
    ).all()
    return _publish(list(cards), session)


def _check_can_write(candidate: Candidate, viewer: Viewer, session: Session) -> None:
    # FOR SHARE on PostgreSQL: closing the opening waits for this card, and this card for it.
    opening = session.get(
        Opening, candidate.opening_id, with_for_update={"read": True}, populate_existing=True
    )
    if session.get(PanelSeat, (candidate.opening_id, viewer.id)) is None:
        raise Forbidden()
    if opening is None or opening.status != "open":
        raise Conflict("The opening is closed: its cards can no longer change.")


def save_card(
    candidate_id: int, data: ScorecardIn, *, viewer: Viewer, session: Session
) -> ScorecardPublic:
    """Save the viewer's draft, or submit it (`data.submit`). A submitted card is final: 409.

    The candidate's row is locked first, so a draft save racing a submit of the same card waits
    and then sees it submitted (409), instead of overwriting the submitted ratings.
    """
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    _check_can_write(candidate, viewer, session)
    areas = {a.key: a.id for a in session.exec(select(Area)).all()}
    unknown = {f"ratings.{k}": ["is not a known area"] for k in data.ratings if k not in areas}
    if unknown:
        raise InvalidInput(unknown)
    card = _current_card(candidate_id, viewer.id, session)
    if card is not None and card.submitted_at is not None:
        raise Conflict("You have submitted your card; a correction is a new revision.")
    if card is None:
        card = Scorecard(candidate_id=candidate_id, interviewer_id=viewer.id, revision=1)
    card.recommendation = data.recommendation
    card.notes = data.notes
    card.updated_at = utcnow()
    if data.submit:
        card.submitted_at = card.updated_at
    session.add(card)
    session.flush()
    session.exec(delete(ScorecardRating).where(col(ScorecardRating.scorecard_id) == card.id))
    for key, level in data.ratings.items():
        session.add(
            ScorecardRating(scorecard_id=card.id or 0, area_id=areas[key] or 0, level=level)
        )
    if data.submit:
        action = "scorecard.submit" if card.revision == 1 else "scorecard.revise"
        audit.record(
            session,
            viewer,
            action,
            "scorecard",
            card.id,
            f"candidate {candidate_id}, revision {card.revision}",
        )
    session.commit()
    return _publish([card], session)[0]


def revise_card(candidate_id: int, *, viewer: Viewer, session: Session) -> ScorecardPublic:
    """Start a correction: a new draft revision copied from the submitted card, which stays."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    _check_can_write(candidate, viewer, session)
    card = _current_card(candidate_id, viewer.id, session)
    if card is None or card.submitted_at is None:
        raise Conflict("There is no submitted card to correct; edit your draft instead.")
    ratings = _ratings([card.id or 0], session).get(card.id or 0, {})
    draft = Scorecard(
        candidate_id=candidate_id,
        interviewer_id=viewer.id,
        revision=card.revision + 1,
        recommendation=card.recommendation,
        notes=card.notes,
    )
    session.add(draft)
    session.flush()
    area_ids = {a.key: a.id for a in session.exec(select(Area)).all()}
    for key, level in ratings.items():
        session.add(
            ScorecardRating(scorecard_id=draft.id or 0, area_id=area_ids[key] or 0, level=level)
        )
    session.commit()
    return _publish([draft], session)[0]


def _current_card(candidate_id: int, user_id: int, session: Session) -> Scorecard | None:
    return session.exec(
        select(Scorecard)
        .where(Scorecard.candidate_id == candidate_id, Scorecard.interviewer_id == user_id)
        .order_by(col(Scorecard.revision).desc())
    ).first()


def my_card(candidate_id: int, *, viewer: Viewer, session: Session) -> ScorecardPublic | None:
    """The viewer's newest card (draft or submitted) for the candidate, if any."""
    get_candidate_row(candidate_id, viewer=viewer, session=session)
    card = _current_card(candidate_id, viewer.id, session)
    return _publish([card], session)[0] if card else None


def cards_owed(*, viewer: Viewer, session: Session) -> list[tuple[Candidate, Opening, bool]]:
    """Candidates on the viewer's panels still in the pipeline without the viewer's submitted
    card, with whether a draft exists: an interviewer's to-do list."""
    rows = session.exec(
        select(Candidate, Opening)
        .join(Opening, col(Opening.id) == Candidate.opening_id)
        .join(PanelSeat, col(PanelSeat.opening_id) == Opening.id)
        .where(
            PanelSeat.user_id == viewer.id,
            Opening.status == "open",
            col(Candidate.status).in_(("applied", "interviewing")),
        )
        .order_by(Opening.title, Candidate.name)
    ).all()
    mine = _newest_revisions([c.id or 0 for c, _ in rows], session, submitted=False)
    state = {
        c.candidate_id: c.submitted_at is not None for c in mine if c.interviewer_id == viewer.id
    }
    return [(c, o, c.id in state) for c, o in rows if not state.get(c.id or 0, False)]
