"""What each hiring screen shows, worked out for one viewer: one call per page.

A view asks one function here and renders what it gets; who may see or do what (the opening's
visibility, who manages it, the independence rule) is decided inside, by the services these
functions call, so no view or template decides it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from hiring.accounts.models import User
from hiring.openings import guides, interviews, scorecards, service
from hiring.openings.candidates import Assessment, candidate, visible_candidates, with_starts
from hiring.openings.guides import AreaGuide
from hiring.openings.independence import sight
from hiring.openings.models import Opening, StatusChange
from hiring.openings.rankings import (
    PAGE_STATUSES,
    Standing,
    candidate_standing,
    opening_ranking,
)
from hiring.openings.schemas import OpeningPublic, ScorecardPublic
from hiring.openings.service import Viewer
from hiring.ranking import RankedCandidate
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
    # Listed by rank (for those who may read the ranking, unless they asked for names): each
    # ranked candidate's row by id; the others (rejected, withdrawn, hidden) follow by name.
    by_rank: bool = False
    entries: Mapping[int, RankedCandidate] = field(default_factory=dict)


def opening_detail(
    opening_id: int,
    *,
    viewer: Viewer,
    session: Session,
    limit: int,
    offset: int = 0,
    by_name: bool = False,
) -> OpeningScreen:
    """The opening page for this viewer (NotFound when they may not see the opening). Someone
    who may read the ranking gets the candidates by rank, with the weeks each would save,
    unless `by_name`; everyone else by name."""
    row = service.get_opening_row(opening_id, viewer=viewer, session=session)
    may_rank = sight(row, viewer, session).may_rank
    entries: dict[int, RankedCandidate] = {}
    if may_rank and not by_name:
        found, total, entries = _by_rank(row, viewer, session, limit, offset)
    else:
        found, total = visible_candidates(
            opening_id, viewer=viewer, session=session, limit=limit, offset=offset
        )
    return OpeningScreen(
        opening=service.publish_openings([row], session=session)[0],
        row=row,
        areas=tuple(list_areas(session=session)),
        manager=service.manages(row, viewer),
        may_rank=may_rank,
        panel={u.email: u for u in service.interviewers(session=session)},
        candidates=tuple(found),
        total=total,
        hire_start=start_for_candidate(None, row.start_date, session=session),
        plan_start=_plan_start(session),
        notice_weeks=get_settings(session=session).notice_weeks,
        by_rank=may_rank and not by_name,
        entries=entries,
    )


def _by_rank(
    opening: Opening, viewer: Viewer, session: Session, limit: int, offset: int
) -> tuple[list[Assessment], int, dict[int, RankedCandidate]]:
    """A page of the opening's candidates in the pages' ranking (without its ranges, which
    this list does not show), then the rest by name; how many in all; the page's rows."""
    result = opening_ranking(
        opening.id or 0,
        viewer=viewer,
        session=session,
        explain=0,
        statuses=PAGE_STATUSES,
        ranges_for=(),
    )
    ranked = [result.assessments[e.id] for e in result.ranking.entries]
    everyone = [*ranked, *result.left_out]
    page = with_starts(everyone[offset : offset + limit], opening, session=session)
    shown = {a.candidate.id for a in page}
    entries = {e.id: e for e in result.ranking.entries if e.id in shown}
    return page, len(everyone), entries


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
    # Their place in the ranking, for a viewer who may read it and their cards (else None).
    standing: Standing | None = None


def candidate_detail(candidate_id: int, *, viewer: Viewer, session: Session) -> CandidateScreen:
    """The candidate page for this viewer (NotFound when they may not see the opening)."""
    # Held for the whole page: the session keeps rows weakly, and the start, the plan start
    # and the ranking each ask for the settings row; held, they find it without a query.
    settings = get_settings(session=session)
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
        notice_weeks=settings.notice_weeks,
        standing=candidate_standing(row, opening, seen, session=session),
    )


@dataclass(frozen=True)
class ScorecardScreen:
    """The viewer's own card for a candidate on a panel they sit on, with the interview guide:
    the areas the viewer covers (the form opens on them), what each level means in each area
    with its suggested questions, and the day of the viewer's interview."""

    candidate: Assessment
    opening: Opening
    areas: tuple[Area, ...]
    card: ScorecardPublic | None
    focus: tuple[str, ...] = ()  # area keys the viewer covers for the opening
    guides: Mapping[str, AreaGuide] = field(default_factory=dict)  # by area key
    interview_on: date | None = None

    @property
    def focus_areas(self) -> tuple[Area, ...]:
        """The areas the viewer covers, in display order: the form shows them first."""
        return tuple(a for a in self.areas if a.key in self.focus)

    @property
    def other_areas(self) -> tuple[Area, ...]:
        """The remaining areas, still there to rate, after the focus ones."""
        return tuple(a for a in self.areas if a.key not in self.focus)


def scorecard_screen(candidate_id: int, *, viewer: Viewer, session: Session) -> ScorecardScreen:
    """The scorecard page: only for the opening's panel (Forbidden otherwise)."""
    assessment = candidate(candidate_id, viewer=viewer, session=session)
    opening = service.get_opening_row(
        assessment.candidate.opening_id, viewer=viewer, session=session
    )
    scorecards.check_on_panel(opening.id or 0, viewer, session)
    areas = tuple(list_areas(session=session))
    return ScorecardScreen(
        candidate=assessment,
        opening=opening,
        areas=areas,
        card=scorecards.my_card(candidate_id, viewer=viewer, session=session),
        focus=interviews.focus_of(opening.id or 0, viewer.id, session=session, areas=areas),
        guides=guides.area_guides(session=session, areas=areas),
        interview_on=interviews.interview_day(candidate_id, viewer.id, session=session),
    )
