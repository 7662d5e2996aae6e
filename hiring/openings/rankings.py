"""The ranking of an opening's candidates (MODEL.md, "Ranking"), loaded for pages and the API.

The rank orders candidates for people to read; it never moves a candidate through the pipeline.
Decisions are separate, recorded acts (`service.set_status`).

Who may read it, and which candidates it holds for them, is the independence rule's to say
(`independence.sight`): a candidate the viewer must submit a card for first is not ranked for
them at all (listed apart in `hidden`), so neither their numbers nor the order can leak.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlmodel import Session

from hiring.openings.candidates import Assessment, opening_candidates
from hiring.openings.independence import RANK_ROLES, sight
from hiring.openings.models import Opening
from hiring.openings.service import Viewer, get_opening_row
from hiring.ranking import RankedCandidate, Ranking, RankInput, order_candidates, rank_candidates
from hiring.rubric import level_range
from team.areas import get_settings, list_areas
from team.calendar import Calendar, candidate_start, finish_date
from team.calendar_forecast import team_weeks, weeks_saved
from team.errors import Forbidden
from team.models import Area
from team.report import counted_members
from team.timeline import current_calendar, people_of
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


def opening_ranking(
    opening_id: int, *, viewer: Viewer, session: Session, explain: int | None = None
) -> OpeningRanking:
    """Rank every candidate of a visible opening against the current team and planned work, in
    calendar time; where each would work is worked out for the first `explain` rows (all:
    None)."""
    opening = get_opening_row(opening_id, viewer=viewer, session=session)
    seen = sight(opening, viewer, session)
    if not seen.may_rank:
        raise Forbidden()
    settings = get_settings(session=session)
    areas = tuple(list_areas(session=session))
    demand = {t.key: t.open_points for t in area_totals(session=session)}
    calendar = current_calendar(session=session)
    team = people_of(counted_members(session=session, calendar=calendar), session=session)
    everyone, _total = opening_candidates(opening_id, session=session)
    assessed = [a for a in everyone if seen.reads(a.candidate.id or 0)]
    hidden = tuple(
        (a.candidate.id or 0, a.candidate.name) for a in everyone if seen.hides(a.candidate.id or 0)
    )
    keys = [a.key for a in areas]
    inputs = {}
    for a in assessed:
        low, high = level_range(a.cards, keys)
        start = candidate_start(
            a.candidate.available_from, opening.start_date, calendar, settings.notice_weeks
        )
        inputs[a.candidate.id or 0] = RankInput(
            id=a.candidate.id or 0,
            name=a.candidate.name,
            levels=a.levels,
            rubric=a.rubric,
            start=start,
            low=low,
            high=high,
        )
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
    ranking = rank_candidates(
        team, demand, others, velocities, per_week, calendar=calendar, explain=explain
    )
    entries, on_team = list(ranking.entries), {}
    for candidate_id, member_id in hired.items():
        # The hire is on the team with their own dates (they may have started before the plan
        # start): the team without them against the team as it is.
        without = [m for m in team if m.id != member_id]
        member = next(m for m in team if m.id == member_id)
        before = team_weeks(without, demand, calendar, velocities, per_week)
        ranges = [
            team_weeks(
                [*without, replace(member, levels=_assessed(levels))],
                demand,
                calendar,
                velocities,
                per_week,
            )
            for levels in (inputs[candidate_id].low, inputs[candidate_id].high)
        ]
        entries.append(
            _hired_entry(inputs[candidate_id], member.start, before, ranking, ranges, calendar)
        )
        on_team[candidate_id] = before
    if hired:
        ranking = replace(ranking, entries=order_candidates(entries))
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


def _assessed(levels: Mapping[str, float | None] | None) -> dict[str, float]:
    """Levels as the forecast counts them: not assessed is 0."""
    return {k: float(v) for k, v in (levels or {}).items() if v is not None}


def _hired_entry(
    entry: RankInput,
    start: date | None,
    before: float,
    ranking: Ranking,
    ranges: list[float],
    calendar: Calendar,
) -> RankedCandidate:
    """A hire already on the team: the team as it is against the team without them."""
    with_them = ranking.forecast_weeks
    return RankedCandidate(
        rank=0,
        id=entry.id,
        name=entry.name,
        levels=dict(entry.levels),
        rubric=entry.rubric,
        forecast_weeks=with_them,
        weeks_saved=weeks_saved(before, with_them),
        allocation={},
        level_sum=sum(_assessed(entry.levels).values(), 0.0),
        start=start,
        finish_date=finish_date(with_them, calendar),
        weeks_saved_low=weeks_saved(before, ranges[0]),
        weeks_saved_high=weeks_saved(before, ranges[1]),
    )
