"""Candidates as pages and the API show them: levels from submitted cards and the rubric."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from hiring.openings import audit
from hiring.openings.models import Candidate
from hiring.openings.schemas import CandidatePublic, RubricPublic
from hiring.openings.scorecards import submitted_ratings
from hiring.openings.service import (
    Forbidden,
    Viewer,
    get_candidate_row,
    get_opening_row,
    list_candidate_rows,
    manages,
)
from hiring.rubric import CardRatings, Rubric, candidate_levels, unrated_areas, verdict
from team.areas import list_areas
from team.errors import Conflict
from team.members import add_member, get_member
from team.schemas import MemberCreate, MemberPublic


@dataclass(frozen=True)
class Assessment:
    """What the panel's submitted cards say of one candidate."""

    candidate: Candidate
    levels: dict[str, float | None]
    rubric: Rubric
    cards: tuple[CardRatings, ...]
    unrated: tuple[str, ...]

    def public(self) -> CandidatePublic:
        """The API's candidate shape."""
        return CandidatePublic(
            id=self.candidate.id or 0,
            name=self.candidate.name,
            email=self.candidate.email,
            status=self.candidate.status,
            levels=self.levels,
            rubric=RubricPublic(passes=self.rubric.passes, verdict=self.rubric.verdict),
        )


def assess(candidates: Sequence[Candidate], *, session: Session) -> list[Assessment]:
    """Levels (medians of submitted cards), rubric and "who said what" for each candidate."""
    areas = list_areas(session=session)
    keys = [a.key for a in areas]
    names = {a.key: a.name for a in areas}
    cards = submitted_ratings([c.id or 0 for c in candidates], session=session)
    result = []
    for candidate in candidates:
        own = tuple(cards.get(candidate.id or 0, []))
        levels = candidate_levels(own, keys)
        result.append(
            Assessment(candidate, levels, verdict(levels, names), own, unrated_areas(own, keys))
        )
    return result


def opening_candidates(
    opening_id: int, *, session: Session, limit: int | None = None, offset: int = 0
) -> tuple[list[Assessment], int]:
    """An opening's candidates, assessed (the caller has checked the opening is visible)."""
    rows = list_candidate_rows(opening_id, session=session)
    page = rows[offset : offset + limit if limit is not None else None]
    return assess(page, session=session), len(rows)


def candidate(candidate_id: int, *, viewer: Viewer, session: Session) -> Assessment:
    """One visible candidate, assessed."""
    row = get_candidate_row(candidate_id, viewer=viewer, session=session)
    return assess([row], session=session)[0]


def proposed_member_levels(assessment: Assessment) -> dict[str, int]:
    """Whole levels to start a hire's team record from: each median rounded down (a 2.5 is
    rated working until someone who works with them says strong); not assessed is 0."""
    return {key: int(level) if level is not None else 0 for key, level in assessment.levels.items()}


def add_hire_to_team(
    candidate_id: int, data: MemberCreate, *, viewer: Viewer, session: Session
) -> MemberPublic:
    """Put a hired candidate on the team, so coverage and the forecast move with the hire.

    Only the opening's hiring manager or an admin, only for a candidate marked hired, and once.
    """
    row = get_candidate_row(candidate_id, viewer=viewer, session=session)
    opening = get_opening_row(row.opening_id, viewer=viewer, session=session)
    if not manages(opening, viewer):
        raise Forbidden()
    if row.status != "hired":
        raise Conflict("Mark the candidate as hired first.", {"status": ["is not hired"]})
    if row.member_id is not None:
        raise Conflict("This hire is already on the team.")
    member = add_member(data, session=session, actor=viewer.email)
    row.member_id = member.id
    session.add(row)
    audit.record(session, viewer, "candidate.join_team", "candidate", row.id, f"member {member.id}")
    session.commit()
    return get_member(member.id or 0, session=session)
