"""The ranking of an opening's candidates (MODEL.md, "Ranking"), loaded for pages and the API.

The rank orders candidates for people to read; it never moves a candidate through the pipeline.
Decisions are separate, recorded acts (`service.set_status`).

Who may read it, and which candidates it holds for them, is the independence rule's to say
(`independence.sight`): a candidate the viewer must submit a card for first is not ranked for
them at all (listed apart in `hidden`), so neither their numbers nor the order can leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from hiring.openings.candidates import Assessment, opening_candidates
from hiring.openings.independence import RANK_ROLES, sight
from hiring.openings.models import Opening
from hiring.openings.service import Viewer, get_opening_row
from hiring.ranking import Ranking, RankInput, order_candidates, rank_candidates
from team.areas import get_settings, list_areas
from team.errors import Forbidden
from team.forecast import ForecastMember
from team.members import active_members
from team.models import Area
from team.work import area_totals

READERS = RANK_ROLES


@dataclass(frozen=True)
class OpeningRanking:
    """An opening's candidates in ranked order, with what the explanation of each row needs."""

    opening: Opening
    areas: tuple[Area, ...]
    ranking: Ranking
    assessments: dict[int, Assessment]
    demand: dict[str, float]
    team_size: int
    # Hires already added to the team (candidate id -> the forecast of the team without them).
    on_team: dict[int, float]
    # Candidates this viewer must submit a card for before seeing them: (id, name), by name.
    hidden: tuple[tuple[int, str], ...] = ()

    def without(self, candidate_id: int) -> float:
        """The forecast a candidate's weeks saved are counted from (see `opening_ranking`)."""
        return self.on_team.get(candidate_id, self.ranking.forecast_weeks)


def opening_ranking(opening_id: int, *, viewer: Viewer, session: Session) -> OpeningRanking:
    """Rank every candidate of a visible opening against the current team and planned work."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    seen = sight(opening, viewer, session)
    if not seen.may_rank:
        raise Forbidden()
    settings = get_settings(session=session)
    areas = tuple(list_areas(session=session))
    demand = {t.key: t.open_points for t in area_totals(session=session)}
    team = [
        ForecastMember(id=m.id, fte=m.fte, levels=m.levels) for m in active_members(session=session)
    ]
    everyone, _total = opening_candidates(opening_id, session=session)
    assessed = [a for a in everyone if seen.reads(a.candidate.id or 0)]
    hidden = tuple(
        (a.candidate.id or 0, a.candidate.name) for a in everyone if seen.hides(a.candidate.id or 0)
    )
    inputs = {
        a.candidate.id or 0: RankInput(
            id=a.candidate.id or 0, name=a.candidate.name, levels=a.levels, rubric=a.rubric
        )
        for a in assessed
    }
    # A hire added to the team is already in `team`: trying them on it again would count them
    # twice. Their entry compares the team without them with the team plus them instead, and
    # every other candidate is tried on the team as it is now, hires included.
    members = {m.id for m in team}
    hired = {
        a.candidate.id or 0: a.candidate.member_id
        for a in assessed
        if a.candidate.member_id is not None and a.candidate.member_id in members
    }
    velocities, per_week = settings.velocities, settings.points_per_week
    others = [entry for id_, entry in inputs.items() if id_ not in hired]
    ranking = rank_candidates(team, demand, others, velocities, per_week)
    entries, on_team = list(ranking.entries), {}
    for candidate_id, member_id in hired.items():
        without = [m for m in team if m.id != member_id]
        own = rank_candidates(without, demand, [inputs[candidate_id]], velocities, per_week)
        entries += own.entries
        on_team[candidate_id] = own.forecast_weeks
    if hired:
        ranking = Ranking(forecast_weeks=ranking.forecast_weeks, entries=order_candidates(entries))
    return OpeningRanking(
        opening=opening,
        areas=areas,
        ranking=ranking,
        assessments={a.candidate.id or 0: a for a in assessed},
        demand=demand,
        team_size=len(team),
        on_team=on_team,
        hidden=hidden,
    )
