"""What each hiring screen shows, worked out for one viewer: one call per page.

A view asks one function here and renders what it gets; who may see or do what (the opening's
visibility, who manages it, the independence rule) is decided inside, by the services these
functions call, so no view or template decides it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from hiring.accounts.models import User
from hiring.openings import scorecards, service
from hiring.openings.candidates import Assessment, candidate, visible_candidates
from hiring.openings.independence import sight
from hiring.openings.models import Opening, StatusChange
from hiring.openings.schemas import OpeningPublic, ScorecardPublic
from hiring.openings.service import Viewer
from team.areas import get_settings, list_areas
from team.models import Area
from team.timeline import calendar_of, start_for_candidate


@dataclass(frozen=True)
class OpeningScreen:
    """One opening: its panel and a page of its candidates, as the viewer may see them."""

    opening: OpeningPublic
    row: Opening
    areas: tuple[Area, ...]
    manager: bool  # may change the opening and decide on its candidates
    may_rank: bool  # may read its ranking (the independence rule's answer)
    panel: dict[str, User]  # interviewers by email, for their names
    candidates: tuple[Assessment, ...]  # masked where the viewer must submit a card first
    total: int
    # When a hire with no date of their own would start (MODEL.md, "Start"), and what that
    # rests on when the opening has no start date (or one before the plan start).
    hire_start: date
    plan_start: date
    notice_weeks: int


def opening_detail(
    opening_id: int, *, viewer: Viewer, session: Session, limit: int, offset: int = 0
) -> OpeningScreen:
    """The opening page for this viewer (NotFound when they may not see the opening)."""
    row = service.get_opening_row(opening_id, viewer=viewer, session=session)
    found, total = visible_candidates(
        opening_id, viewer=viewer, session=session, limit=limit, offset=offset
    )
    return OpeningScreen(
        opening=service.publish_openings([row], session=session)[0],
        row=row,
        areas=tuple(list_areas(session=session)),
        manager=service.manages(row, viewer),
        may_rank=sight(row, viewer, session).may_rank,
        panel={u.email: u for u in service.interviewers(session=session)},
        candidates=tuple(found),
        total=total,
        hire_start=start_for_candidate(None, row.start_date, session=session),
        plan_start=_plan_start(session),
        notice_weeks=get_settings(session=session).notice_weeks,
    )


def _plan_start(session: Session) -> date:
    """Today's plan start (`team.timeline`: the setting, or this week's Monday)."""
    return calendar_of(get_settings(session=session), ()).plan_start


@dataclass(frozen=True)
class CandidateScreen:
    """One candidate: status history, what the panel found and who said what, as the viewer
    may see them, and what the viewer may do."""

    assessment: Assessment  # masked (`assessment.hidden`) before the viewer's own card is in
    opening: Opening
    areas: tuple[Area, ...]
    history: tuple[tuple[StatusChange, str], ...]
    submitted: tuple[ScorecardPublic, ...]
    own_draft: ScorecardPublic | None
    card_history: tuple[ScorecardPublic, ...]
    on_panel: bool
    manager: bool
    may_rank: bool
    can_hire: bool
    # `assessment.start` is the day the forecast assumes they start; these say what it rests on.
    plan_start: date
    notice_weeks: int


def candidate_detail(candidate_id: int, *, viewer: Viewer, session: Session) -> CandidateScreen:
    """The candidate page for this viewer (NotFound when they may not see the opening)."""
    assessment = candidate(candidate_id, viewer=viewer, session=session)
    row = assessment.candidate
    opening = service.get_opening_row(row.opening_id, viewer=viewer, session=session)
    seen = sight(opening, viewer, session)
    cards = scorecards.visible_cards(candidate_id, viewer=viewer, session=session)
    manager = service.manages(opening, viewer)
    return CandidateScreen(
        assessment=assessment,
        opening=opening,
        areas=tuple(list_areas(session=session)),
        history=tuple(service.status_history(candidate_id, session=session)),
        submitted=tuple(c for c in cards if c.status == "submitted"),
        own_draft=next(
            (c for c in cards if c.status == "draft" and c.interviewer == viewer.email), None
        ),
        card_history=tuple(scorecards.card_history(candidate_id, viewer=viewer, session=session)),
        on_panel=seen.on_panel,
        manager=manager,
        may_rank=seen.may_rank,
        can_hire=manager and row.status == "hired" and row.member_id is None,
        plan_start=_plan_start(session),
        notice_weeks=get_settings(session=session).notice_weeks,
    )


@dataclass(frozen=True)
class ScorecardScreen:
    """The viewer's own card for a candidate on a panel they sit on."""

    candidate: Assessment
    opening: Opening
    areas: tuple[Area, ...]
    card: ScorecardPublic | None


def scorecard_screen(candidate_id: int, *, viewer: Viewer, session: Session) -> ScorecardScreen:
    """The scorecard page: only for the opening's panel (Forbidden otherwise)."""
    assessment = candidate(candidate_id, viewer=viewer, session=session)
    opening = service.get_opening_row(
        assessment.candidate.opening_id, viewer=viewer, session=session
    )
    scorecards.check_on_panel(opening.id or 0, viewer, session)
    return ScorecardScreen(
        candidate=assessment,
        opening=opening,
        areas=tuple(list_areas(session=session)),
        card=scorecards.my_card(candidate_id, viewer=viewer, session=session),
    )
