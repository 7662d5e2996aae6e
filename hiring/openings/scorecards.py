"""Scorecards: interviewers' ratings per area, drafts, submissions and revisions.

Independence (`independence.py` states the rule): a panelist sees the other cards for a candidate
only after submitting their own; the opening's hiring manager, leadership and admins off the
panel see every submitted card; nobody sees another person's draft. Every path (pages, API)
reads cards through `visible_cards` and `card_history`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, func, select

from hiring import notifications
from hiring.accounts.models import User
from hiring.openings import audit
from hiring.openings.independence import reads_off_panel, sight
from hiring.openings.models import (
    Candidate,
    Interview,
    Opening,
    PanelFocus,
    PanelSeat,
    Scorecard,
    ScorecardRating,
)
from hiring.openings.schemas import ScorecardIn, ScorecardPublic
from hiring.openings.service import (
    Viewer,
    get_candidate_row,
    get_opening_row,
)
from hiring.rubric import CardRatings
from team.errors import Conflict, Forbidden, InvalidInput
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
            revised_after_panel=c.after_panel,
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
    if sight(opening, viewer, session).reads(candidate_id):
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
    if sight(opening, viewer, session).hides(candidate_id):
        query = query.where(Scorecard.interviewer_id == viewer.id)
    cards = session.exec(
        query.order_by(col(Scorecard.interviewer_id), col(Scorecard.revision))
    ).all()
    return _publish(list(cards), session)


def check_on_panel(opening_id: int, viewer: Viewer, session: Session) -> None:
    """Only the opening's panel writes cards, whatever roles the viewer holds (Forbidden)."""
    if session.get(PanelSeat, (opening_id, viewer.id)) is None:
        raise Forbidden()


def _check_can_write(candidate: Candidate, viewer: Viewer, session: Session) -> None:
    # FOR SHARE on PostgreSQL: closing the opening waits for this card, and this card for it.
    opening = session.get(
        Opening, candidate.opening_id, with_for_update={"read": True}, populate_existing=True
    )
    check_on_panel(candidate.opening_id, viewer, session)
    if opening is None or opening.status != "open":
        raise Conflict("The opening is closed: its cards can no longer change.")
    if candidate.status in DECIDED:
        # Once the decision is made no card can change it, and the hire's team record (made
        # from the panel's levels) is no longer a window on cards still to be written.
        raise Conflict(f"{candidate.name} is {candidate.status}: their cards can no longer change.")


def submission_problems(
    ratings: dict[str, int | None], recommendation: str | None
) -> dict[str, list[str]]:
    """Why a card may not be submitted yet, by field (empty: it may).

    A submitted card is final and unlocks the panel's cards, so it must say something: a blank
    card would let an interviewer read everyone else and then write theirs as a "correction".
    """
    problems: dict[str, list[str]] = {}
    if recommendation is None:
        problems["recommendation"] = ["choose a recommendation before submitting"]
    if all(level is None for level in ratings.values()):
        problems["ratings"] = [
            "rate at least one area before submitting (areas left out are not assessed)"
        ]
    return problems


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
    if data.submit and (problems := submission_problems(data.ratings, data.recommendation)):
        raise InvalidInput(problems, SUBMIT_RULE)
    if card is None:
        card = Scorecard(candidate_id=candidate_id, interviewer_id=viewer.id, revision=1)
    card.recommendation = data.recommendation
    card.notes = data.notes
    card.updated_at = utcnow()
    session.add(card)
    session.flush()
    session.exec(delete(ScorecardRating).where(col(ScorecardRating.scorecard_id) == card.id))
    for key, level in data.ratings.items():
        session.add(
            ScorecardRating(scorecard_id=card.id or 0, area_id=areas[key] or 0, level=level)
        )
    if data.submit:
        session.flush()
        _submit(card, viewer, session)
    session.commit()
    return _publish([card], session)[0]


# Candidates on whom the decision is made: their cards are final.
DECIDED = ("hired", "rejected")

SUBMIT_RULE = "A card is submitted with a recommendation and at least one area rated."


def submit_card(candidate_id: int, *, viewer: Viewer, session: Session) -> ScorecardPublic:
    """Submit the viewer's saved draft as it is (the page's confirmation step)."""
    candidate = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    _check_can_write(candidate, viewer, session)
    card = _current_card(candidate_id, viewer.id, session)
    if card is None:
        raise Conflict("There is no draft to submit; write your card first.")
    if card.submitted_at is not None:
        raise Conflict("You have submitted your card; a correction is a new revision.")
    ratings = _ratings([card.id or 0], session).get(card.id or 0, {})
    if problems := submission_problems(ratings, card.recommendation):
        raise InvalidInput(problems, SUBMIT_RULE)
    _submit(card, viewer, session)
    session.commit()
    return _publish([card], session)[0]


def _submit(card: Scorecard, viewer: Viewer, session: Session) -> None:
    """Make the (flushed) draft final, audited. A correction made when another panelist's card
    for the candidate was already in is marked: its author could read the panel first."""
    card.submitted_at = card.updated_at = utcnow()
    details = f"candidate {card.candidate_id}, revision {card.revision}"
    card.after_panel = _could_read_first(card, viewer, session)
    if card.after_panel:
        details += (
            ", revised after reading the panel"
            if card.revision > 1
            else ", written when the panel's cards were open to its author"
        )
    if card.revision > 1:
        details += "; changed: " + (", ".join(_changes(card, session)) or "nothing")
    session.add(card)
    action = "scorecard.submit" if card.revision == 1 else "scorecard.revise"
    audit.record(session, viewer, action, "scorecard", card.id, details)
    notifications.card_submitted(card, session=session)


def _could_read_first(card: Scorecard, viewer: Viewer, session: Session) -> bool:
    """Whether the card's author could read another panelist's card for the candidate before
    submitting this one: a correction (they submitted before, so they read the panel) when
    another card is in; or any card by someone who could read the opening's cards off its
    panel (its manager, an admin, a leader), seated after another card came in."""
    others = select(func.min(Scorecard.submitted_at)).where(
        Scorecard.candidate_id == card.candidate_id,
        Scorecard.interviewer_id != card.interviewer_id,
        col(Scorecard.submitted_at).is_not(None),
    )
    first_other = session.exec(others).one()
    if first_other is None:
        return False
    if card.revision > 1:
        return True
    candidate = session.get(Candidate, card.candidate_id)
    opening = session.get(Opening, candidate.opening_id) if candidate else None
    if opening is None:
        return False
    reader = reads_off_panel(opening, viewer)
    seat = session.get(PanelSeat, (opening.id, card.interviewer_id))
    seated_at = seat.seated_at if seat else None
    return reader and seated_at is not None and seated_at > first_other


def _changes(card: Scorecard, session: Session) -> list[str]:
    """What a correction changed against the revision it corrects: `field old -> new` each."""
    previous = session.exec(
        select(Scorecard).where(
            Scorecard.candidate_id == card.candidate_id,
            Scorecard.interviewer_id == card.interviewer_id,
            Scorecard.revision == card.revision - 1,
        )
    ).first()
    if previous is None:
        return []
    ratings = _ratings([card.id or 0, previous.id or 0], session)
    new, old = ratings.get(card.id or 0, {}), ratings.get(previous.id or 0, {})

    def shown(value: object) -> str:
        return "not assessed" if value is None else str(value)

    changes = [
        f"ratings.{key} {shown(old.get(key))} -> {shown(new.get(key))}"
        for key in sorted(set(new) | set(old))
        if new.get(key) != old.get(key)
    ]
    if previous.recommendation != card.recommendation:
        changes.append(
            f"recommendation {shown(previous.recommendation)} -> {shown(card.recommendation)}"
        )
    if previous.notes != card.notes:
        changes.append("notes")
    return changes


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


@dataclass(frozen=True)
class CardOwed:
    """A card the viewer still owes: the candidate, their opening, whether a draft exists, the
    day the viewer interviews them (None: not set) and the areas the viewer covers for it."""

    candidate: Candidate
    opening: Opening
    started: bool
    interview_on: date | None
    focus: tuple[str, ...]  # area keys, in display order


def cards_owed(*, viewer: Viewer, session: Session) -> list[CardOwed]:
    """Candidates on the viewer's panels still in the pipeline without the viewer's submitted
    card: an interviewer's to-do list, soonest interview first (a date in the past first of
    all: that card is overdue), then those with no date, each by opening and name."""
    rows = session.exec(
        select(Candidate, Opening, col(Interview.scheduled_on))
        .join(Opening, col(Opening.id) == Candidate.opening_id)
        .join(PanelSeat, col(PanelSeat.opening_id) == Opening.id)
        .outerjoin(
            Interview,
            (col(Interview.candidate_id) == Candidate.id)
            & (col(Interview.interviewer_id) == viewer.id),
        )
        .where(
            PanelSeat.user_id == viewer.id,
            Opening.status == "open",
            col(Candidate.status).in_(("applied", "interviewing")),
        )
        .order_by(Opening.title, Candidate.name, col(Candidate.id))
    ).all()
    mine = _newest_revisions([c.id or 0 for c, _, _ in rows], session, submitted=False)
    state = {
        c.candidate_id: c.submitted_at is not None for c in mine if c.interviewer_id == viewer.id
    }
    focus = _own_focus(viewer.id, session)
    owed = [
        CardOwed(c, o, c.id in state, day, focus.get(o.id or 0, ()))
        for c, o, day in rows
        if not state.get(c.id or 0, False)
    ]
    # Stable: within one day (and among the undated) the opening-and-name order stays.
    owed.sort(key=lambda card: (card.interview_on is None, card.interview_on or date.min))
    return owed


def _own_focus(user_id: int, session: Session) -> dict[int, tuple[str, ...]]:
    """The area keys a panelist covers, per opening of theirs, in the areas' display order."""
    found: dict[int, list[str]] = defaultdict(list)
    for opening_id, key in session.exec(
        select(PanelFocus.opening_id, Area.key)
        .join(Area, col(Area.id) == PanelFocus.area_id)
        .where(PanelFocus.user_id == user_id)
        .order_by(col(Area.position), col(Area.id))
    ).all():
        found[opening_id].append(key)
    return {opening_id: tuple(keys) for opening_id, keys in found.items()}


def next_card_owed(*, viewer: Viewer, session: Session) -> CardOwed | None:
    """The card the viewer should write next (the first of `cards_owed`), or None when they owe
    none: where the page takes them after they submit one."""
    owed = cards_owed(viewer=viewer, session=session)
    return owed[0] if owed else None
