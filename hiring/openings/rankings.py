"""The ranking of an opening's candidates (MODEL.md, "Ranking"), loaded for pages and the API.

The rank orders candidates for people to read; it never moves a candidate through the pipeline.
Decisions are separate, recorded acts (`service.set_status`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from hiring.openings.candidates import Assessment, opening_candidates
from hiring.openings.models import Opening
from hiring.openings.service import Forbidden, Viewer, get_opening_row
from hiring.ranking import Ranking, RankInput, rank_candidates
from team.areas import get_settings, list_areas
from team.forecast import ForecastMember
from team.members import active_members
from team.models import Area
from team.work import area_totals

READERS = ("admin", "leadership", "hiring_manager")


@dataclass(frozen=True)
class OpeningRanking:
    """An opening's candidates in ranked order, with what the explanation of each row needs."""

    opening: Opening
    areas: tuple[Area, ...]
    ranking: Ranking
    assessments: dict[int, Assessment]
    demand: dict[str, float]
    team_size: int


def opening_ranking(opening_id: int, *, viewer: Viewer, session: Session) -> OpeningRanking:
    """Rank every candidate of a visible opening against the current team and planned work."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    if not viewer.has_role(*READERS):
        raise Forbidden()
    settings = get_settings(session=session)
    areas = tuple(list_areas(session=session))
    demand = {t.key: t.open_points for t in area_totals(session=session)}
    team = [
        ForecastMember(id=m.id, fte=m.fte, levels=m.levels) for m in active_members(session=session)
    ]
    assessed, _total = opening_candidates(opening_id, session=session)
    inputs = [
        RankInput(id=a.candidate.id or 0, name=a.candidate.name, levels=a.levels, rubric=a.rubric)
        for a in assessed
    ]
    ranking = rank_candidates(team, demand, inputs, settings.velocities, settings.points_per_week)
    return OpeningRanking(
        opening=opening,
        areas=areas,
        ranking=ranking,
        assessments={a.candidate.id or 0: a for a in assessed},
        demand=demand,
        team_size=len(team),
    )
