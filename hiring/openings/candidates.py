"""Candidates as pages and the API show them: levels from submitted cards and the rubric."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from hiring.openings import audit
from hiring.openings.independence import as_seen, sight
from hiring.openings.models import Candidate, Opening
from hiring.openings.schemas import CandidatePublic, RubricPublic
from hiring.openings.scorecards import submitted_ratings
from hiring.openings.service import (
    Viewer,
    get_candidate_row,
    get_opening_row,
    manages,
)
from hiring.rubric import CardRatings, Rubric, candidate_levels, verdict
from team.areas import get_settings, list_areas
from team.errors import Conflict, Forbidden
from team.members import add_member, get_member
from team.models import Area
from team.schemas import MemberCreate, MemberPublic
from team.timeline import start_for_candidate


@dataclass(frozen=True)
class CandidateRow:
    """A candidate's columns as lists and the ranking show them, read as a plain tuple: an
    opening's 10,000 candidates as ORM objects would cost most of a second."""

    id: int
    opening_id: int
    name: str
    email: str
    status: str
    member_id: int | None
    available_from: date | None = None


@dataclass(frozen=True)
class Assessment:
    """What the panel's submitted cards say of one candidate."""

    candidate: Candidate | CandidateRow
    levels: dict[str, float | None]
    rubric: Rubric
    cards: tuple[CardRatings, ...]
    unrated: tuple[str, ...]
    # True when the independence rule hides the panel's cards from the viewer (the levels,
    # verdict and cards above are then blanks: `independence.masked`).
    hidden: bool = False
    # The day the forecast assumes they start (`with_starts`); None where not worked out.
    start: date | None = None

    def public(self) -> CandidatePublic:
        """The API's candidate shape."""
        return CandidatePublic(
            id=self.candidate.id or 0,
            name=self.candidate.name,
            email=self.candidate.email,
            status=self.candidate.status,
            levels=self.levels,
            rubric=RubricPublic(passes=self.rubric.passes, verdict=self.rubric.verdict),
            available_from=self.candidate.available_from,
            start_date=self.start,
        )


def assess(
    candidates: Sequence[Candidate | CandidateRow],
    *,
    session: Session,
    opening_id: int | None = None,
    areas: Sequence[Area] | None = None,
) -> list[Assessment]:
    """Levels (medians of submitted cards), rubric and "who said what" for each candidate.

    `opening_id` says the candidates are all of that opening's, so their cards are read by
    opening rather than by a list of ids (see `submitted_ratings`). `areas`: the workspace's
    areas, when the caller has read them already.
    """
    if areas is None:
        areas = list_areas(session=session)
    keys = [a.key for a in areas]
    names = {a.key: a.name for a in areas}
    cards = submitted_ratings(
        [c.id or 0 for c in candidates], session=session, opening_id=opening_id
    )
    # The verdict depends on the levels alone, and candidates share few distinct levels.
    verdicts: dict[tuple[float | None, ...], Rubric] = {}
    result = []
    for candidate in candidates:
        own = tuple(cards.get(candidate.id or 0, []))
        levels = candidate_levels(own, keys)
        profile = tuple(levels.values())
        rubric = verdicts.get(profile)
        if rubric is None:
            rubric = verdicts[profile] = verdict(levels, names)
        unrated = tuple(key for key, level in levels.items() if level is None)
        result.append(Assessment(candidate, levels, rubric, own, unrated))
    return result


def opening_candidates(
    opening_id: int,
    *,
    session: Session,
    limit: int | None = None,
    offset: int = 0,
    areas: Sequence[Area] | None = None,
) -> tuple[list[Assessment], int]:
    """An opening's candidates by name, assessed; a page of them when `limit` is given. Not
    masked: for services that apply the independence rule themselves (the ranking); viewers get
    `visible_candidates`. The page is cut by the database."""
    # Seven columns: more than SQLModel's typed `select` takes, so a Core select on the connection.
    query = (
        sa_select(
            col(Candidate.id),
            col(Candidate.opening_id),
            col(Candidate.name),
            col(Candidate.email),
            col(Candidate.status),
            col(Candidate.member_id),
            col(Candidate.available_from),
        )
        .where(col(Candidate.opening_id) == opening_id)
        .order_by(func.lower(Candidate.name), col(Candidate.id))
    )
    connection = session.connection()
    if limit is not None or offset:
        total = session.exec(
            select(func.count()).select_from(Candidate).where(Candidate.opening_id == opening_id)
        ).one()
        if limit is not None:
            query = query.limit(limit)
        rows = _rows(connection.execute(query.offset(offset)).all())
        return assess(rows, session=session), total
    rows = _rows(connection.execute(query).all())
    return assess(rows, session=session, opening_id=opening_id, areas=areas), len(rows)


def _rows(
    found: Sequence[tuple[int | None, int, str, str, str, int | None, date | None]],
) -> list[CandidateRow]:
    return [
        CandidateRow(id or 0, opening_id, name, email, status, member_id, available_from)
        for id, opening_id, name, email, status, member_id, available_from in found
    ]


def with_starts(
    assessments: Sequence[Assessment], opening: Opening, *, session: Session
) -> list[Assessment]:
    """Each assessment with the day the forecast assumes the candidate starts (MODEL.md,
    "Start"; `team.timeline.start_for_candidate`). Their start is no card's: nothing to mask."""
    # Held here so that each start below finds the settings row in the session's identity map
    # (which holds rows weakly) instead of reading it again: one query for the whole page.
    settings = get_settings(session=session)
    starts = [
        replace(
            a,
            start=start_for_candidate(
                a.candidate.available_from, opening.start_date, session=session
            ),
        )
        for a in assessments
    ]
    del settings
    return starts


def candidate(candidate_id: int, *, viewer: Viewer, session: Session) -> Assessment:
    """One visible candidate, assessed as this viewer may see them (`independence`)."""
    row = get_candidate_row(candidate_id, viewer=viewer, session=session)
    opening = get_opening_row(row.opening_id, viewer=viewer, session=session)
    seen = as_seen(assess([row], session=session), sight(opening, viewer, session))
    return with_starts(seen, opening, session=session)[0]


def visible_candidates(
    opening_id: int, *, viewer: Viewer, session: Session, limit: int, offset: int = 0
) -> tuple[list[Assessment], int]:
    """A page of a visible opening's candidates by name, each as this viewer may see them."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    found, total = opening_candidates(opening_id, session=session, limit=limit, offset=offset)
    seen = as_seen(found, sight(opening, viewer, session))
    return with_starts(seen, opening, session=session), total


def proposed_member_levels(assessment: Assessment) -> dict[str, int]:
    """Whole levels to start a hire's team record from: each median rounded down (a 2.5 is
    rated working until someone who works with them says strong); not assessed is 0."""
    return {key: int(level) if level is not None else 0 for key, level in assessment.levels.items()}


def add_hire_to_team(
    candidate_id: int, data: MemberCreate, *, viewer: Viewer, session: Session
) -> MemberPublic:
    """Put a hired candidate on the team, so coverage and the forecast move with the hire.

    Only the opening's hiring manager or an admin, only for a candidate marked hired, and once.
    The new member keeps the start date the forecast assumed for the candidate (MODEL.md,
    "Start"), unless `data` gives one of its own.
    """
    row = get_candidate_row(candidate_id, viewer=viewer, session=session, for_update=True)
    opening = get_opening_row(row.opening_id, viewer=viewer, session=session)
    if not manages(opening, viewer):
        raise Forbidden()
    if row.status != "hired":
        raise Conflict("Mark the candidate as hired first.", {"status": ["is not hired"]})
    if row.member_id is not None:
        raise Conflict("This hire is already on the team.")
    if data.start_date is None:
        start = start_for_candidate(row.available_from, opening.start_date, session=session)
        data = data.model_copy(update={"start_date": start})
    member = add_member(data, session=session, actor=viewer.email)
    row.member_id = member.id
    session.add(row)
    audit.record(
        session,
        viewer,
        "candidate.join_team",
        "candidate",
        row.id,
        f"member {member.id}, starts {member.start_date}",
    )
    session.commit()
    return get_member(member.id or 0, session=session)
