"""Interviewer calibration as one reader may see it (MODEL.md, "Deciding together"; API.md
`GET /calibration`): the current submitted cards they may read, over one opening or every
opening they read, measured by the pure `hiring.calibration`.

Who reads it: whoever reads an opening's cards off its panel (`independence.reads_off_panel`):
admins and leadership over every opening, a hiring manager over the openings they manage. An
interviewer's severity is read across openings, so nobody reads it from the cards of openings
they only sit on the panel of.

The independence rule holds inside that: a reader who also sits on an opening's panel and has
not submitted their own card for a candidate reads nothing derived from the others' cards for
that candidate (`independence.sight` says so per opening; `independence.hidden_from` is the
same rule as a condition on the cards, for every opening at once). Those cards are left out
before anything is measured, so they move no one's bias, no alpha and no count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, not_
from sqlmodel import Session, col, func, select

from hiring.accounts.models import User
from hiring.calibration import Agreement, InterviewerCalibration, SubmittedCard, calibrate
from hiring.openings.independence import hidden_from, reads_off_panel
from hiring.openings.models import Candidate, Opening, Scorecard, ScorecardRating
from hiring.openings.service import Viewer, get_opening_row, sees_all
from team.areas import list_areas
from team.errors import Forbidden
from team.models import Area

# Roles that may read calibration at all (a hiring manager only over the openings they manage).
READERS = ("admin", "leadership", "hiring_manager")


@dataclass(frozen=True)
class Person:
    """An interviewer as pages name them: by name, with the email beside it."""

    id: int
    name: str
    email: str


@dataclass(frozen=True)
class CalibrationReport:
    """Calibration over the cards one reader may read, with what a page needs around it."""

    opening: Opening | None  # the opening asked for; None: every opening the reader reads
    openings: tuple[Opening, ...]  # the openings the reader may ask for, by title
    areas: tuple[Area, ...]
    people: Mapping[int, Person]
    interviewers: tuple[InterviewerCalibration, ...]  # by name, then email
    agreement: Mapping[str, Agreement]  # area key -> agreement, in display order
    cards: int  # current submitted cards counted
    candidates: int  # candidates they are of


def readable_openings(viewer: Viewer, session: Session) -> tuple[Opening, ...]:
    """The openings whose calibration this reader may read, by title: every opening for
    admins and leadership, their own for a hiring manager."""
    query = select(Opening)
    if not sees_all(viewer):
        query = query.where(col(Opening.hiring_manager_id) == viewer.id)
    rows = session.exec(query.order_by(func.lower(Opening.title), col(Opening.id))).all()
    return tuple(o for o in rows if reads_off_panel(o, viewer))


def calibration_report(
    *, viewer: Viewer, session: Session, opening_id: int | None = None
) -> CalibrationReport:
    """Bias per interviewer and agreement per area over the cards this viewer may read, for
    one opening or (None) every opening they read, in a fixed number of queries.

    Forbidden without a reading role, or for an opening the viewer sees only as a panelist;
    NotFound for an opening they do not see at all, as every opening route answers."""
    if not viewer.has_role(*READERS):
        raise Forbidden()
    openings = readable_openings(viewer, session)
    opening = None
    if opening_id is not None:
        opening = get_opening_row(opening_id, viewer=viewer, session=session)
        if not reads_off_panel(opening, viewer):
            raise Forbidden()
    areas = tuple(list_areas(session=session))
    cards = _current_cards(_scope(viewer, opening), {a.id or 0: a.key for a in areas}, session)
    found = calibrate(cards, [a.key for a in areas])
    people = _people({i.interviewer for i in found.interviewers}, session)
    interviewers = sorted(
        found.interviewers,
        key=lambda i: (people[i.interviewer].name.lower(), people[i.interviewer].email),
    )
    return CalibrationReport(
        opening=opening,
        openings=openings,
        areas=areas,
        people=people,
        interviewers=tuple(interviewers),
        agreement=found.agreement,
        cards=len(cards),
        candidates=len({c.candidate for c in cards}),
    )


def _scope(viewer: Viewer, opening: Opening | None) -> ColumnElement[bool]:
    """A condition on `Scorecard` rows: a card of a candidate of the opening asked for, or of
    any opening the viewer reads, and not one the independence rule hides from them.

    Written as subqueries on the card's candidate rather than a list of ids, so that an
    organisation's every opening is one condition, whatever the number of candidates."""
    readable = col(Scorecard.submitted_at).is_not(None) & not_(hidden_from(viewer))
    if opening is not None:
        openings = col(Candidate.opening_id) == opening.id
    elif sees_all(viewer):
        return readable
    else:
        own = select(Opening.id).where(col(Opening.hiring_manager_id) == viewer.id)
        openings = col(Candidate.opening_id).in_(own)
    candidates = select(Candidate.id).where(openings)
    return col(Scorecard.candidate_id).in_(candidates.scalar_subquery()) & readable


def _current_cards(
    scope: ColumnElement[bool], keys: Mapping[int, str], session: Session
) -> list[SubmittedCard]:
    """The newest submitted revision of each interviewer's card per candidate within `scope`
    (older revisions stay in the history and count for nothing; drafts never count), with
    their ratings: two queries, read as plain tuples, whatever the number of cards."""
    connection = session.connection()
    newest: dict[tuple[int, int], int] = {}
    for card_id, candidate_id, interviewer_id in connection.execute(
        select(Scorecard.id, Scorecard.candidate_id, Scorecard.interviewer_id)
        .where(scope)
        .order_by(col(Scorecard.revision))
    ):
        newest[(candidate_id, interviewer_id)] = card_id
    ratings: dict[int, dict[str, int | None]] = {card_id: {} for card_id in newest.values()}
    for card_id, area_id, level in connection.execute(
        select(ScorecardRating.scorecard_id, ScorecardRating.area_id, ScorecardRating.level)
        .join(Scorecard, col(Scorecard.id) == ScorecardRating.scorecard_id)
        .where(scope, col(ScorecardRating.level).is_not(None))
    ):
        own = ratings.get(card_id)  # None: a revision since corrected, which does not count
        if own is not None and area_id in keys:
            own[keys[area_id]] = level
    return [
        SubmittedCard(interviewer=interviewer_id, candidate=candidate_id, ratings=ratings[card_id])
        for (candidate_id, interviewer_id), card_id in sorted(newest.items())
    ]


def _people(user_ids: set[int], session: Session) -> dict[int, Person]:
    """The interviewers' names and emails (disabled users included: their cards still count)."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(User.id, User.name, User.email).where(col(User.id).in_(user_ids))
    ).all()
    return {user_id or 0: Person(user_id or 0, name, email) for user_id, name, email in rows}
