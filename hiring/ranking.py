"""The ranking of an opening's candidates (MODEL.md, "Gap fill" and "Ranking").

Pure functions over plain values, like `team.forecast` underneath: the caller loads the team, the
demand, the settings and each candidate's levels and rubric, and gets back the ranked entries with
every number that explains them (the forecast with the candidate, the weeks saved, where the
candidate would work). `order_candidates` is public so that entries scored elsewhere can be put in
exactly the same order.

Scoring is exact and still fast for thousands of candidates: the forecast with a candidate depends
only on the team, the demand and the candidate's speeds, and candidates' levels are medians of a
few 0-4 ratings (not assessed = 0), so thousands of candidates share a few hundred level profiles.
`team.forecast.forecast_with_each` solves MODEL.md's programme once per distinct profile, on the
team merged by profile (equal profiles merge without changing the optimum; see `team.forecast`),
with the candidate as a member of their own so their shares of time come out. Candidates with the
same profile get the very same forecast, so they tie exactly and fall through to the later keys.

Near-equal forecasts. MODEL.md calls forecasts that differ by less than 1e-9 weeks equal. "Differ by
less than" is not transitive (a~b and b~c do not give a~c), so neither a sort key with rounding (it
splits pairs 1e-12 apart that straddle a rounding boundary) nor a tolerant comparator in
`functools.cmp_to_key` (an inconsistent comparator makes the order depend on the input order) is
safe. Instead, within a rubric group the candidates are sorted by forecast and cut into tie groups
wherever two neighbours differ by 1e-9 or more: the transitive closure of "equal". Every pair closer
than 1e-9 is therefore treated as equal, and the order depends only on the candidates, never on the
order they were passed in. The cost is that a chain of forecasts each within 1e-9 of the next is one
tie group even if its ends are further apart; real forecasts are never that dense.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from hiring.rubric import Rubric
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    WEEKS_EPSILON,
    ExtraForecast,
    ForecastMember,
    forecast,
    forecast_with_each,
    weeks_saved,
)

__all__ = [
    "RankInput",
    "RankedCandidate",
    "Ranking",
    "order_candidates",
    "rank_candidates",
]

# Candidates are tried on the team full-time (MODEL.md, "Gap fill").
CANDIDATE_FTE = 1.0


@dataclass(frozen=True)
class RankInput:
    """A candidate as the ranking sees them: levels per area (None = not assessed) and verdict."""

    id: int
    name: str
    levels: Mapping[str, float | None]
    rubric: Rubric


@dataclass(frozen=True)
class RankedCandidate:
    """One candidate's place in the ranking and the numbers behind it.

    `forecast_weeks` is the forecast with the candidate on the team (`math.inf` if even then the
    work can never be finished); `weeks_saved` is None where the team alone can never finish.
    `allocation` is the candidate's share of time per area in the optimal plan with them (empty
    when that forecast is 0 or infinite); `level_sum` counts not-assessed areas as 0.
    """

    rank: int
    id: int
    name: str
    levels: Mapping[str, float | None]
    rubric: Rubric
    forecast_weeks: float
    weeks_saved: float | None
    allocation: Mapping[str, float]
    level_sum: float


@dataclass(frozen=True)
class Ranking:
    """The team's forecast without anyone new, and the candidates in ranked order (ranks 1..n)."""

    forecast_weeks: float
    entries: tuple[RankedCandidate, ...]


def rank_candidates(
    team: Sequence[ForecastMember],
    demand: Mapping[str, float],
    candidates: Iterable[RankInput],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> Ranking:
    """Rank candidates by MODEL.md: rubric first, then how short they make the forecast.

    The forecast with a candidate, not the weeks saved, is the key, because it still orders
    candidates when the team alone can never finish (weeks saved are then None). Each candidate is
    tried full-time on the team, one at a time, one programme per distinct profile (module
    docstring).
    """
    inputs = list(candidates)
    ids = [candidate.id for candidate in inputs]
    if len(set(ids)) != len(ids):
        raise ValueError("each candidate must appear once in a ranking")
    team_weeks = forecast(team, demand, velocities, points_per_week).weeks
    assessed = [_assessed(candidate) for candidate in inputs]
    extras = [
        ForecastMember(id=candidate.id, fte=CANDIDATE_FTE, levels=levels)
        for candidate, levels in zip(inputs, assessed, strict=True)
    ]
    with_each = forecast_with_each(team, extras, demand, velocities, points_per_week)
    scored = [
        _score(candidate, levels, with_candidate, team_weeks)
        for candidate, levels, with_candidate in zip(inputs, assessed, with_each, strict=True)
    ]
    return Ranking(forecast_weeks=team_weeks, entries=order_candidates(scored))


def order_candidates(entries: Iterable[RankedCandidate]) -> tuple[RankedCandidate, ...]:
    """Put scored candidates in MODEL.md's order and number them 1..n (their `rank` is replaced).

    Rubric `passes` before every other verdict (the other verdicts are not ordered among
    themselves); then forecast with the candidate, lowest first, near-equal forecasts tied (see the
    module docstring); then level sum, highest first; then name; then id.
    """
    items = list(entries)
    passing = [entry for entry in items if entry.rubric.passes]
    others = [entry for entry in items if not entry.rubric.passes]
    ordered = [*_by_forecast(passing), *_by_forecast(others)]
    return tuple(replace(entry, rank=rank) for rank, entry in enumerate(ordered, start=1))


def _assessed(candidate: RankInput) -> dict[str, float]:
    """The candidate's levels as the forecast takes them: not-assessed areas left out (level 0)."""
    return {area: float(level) for area, level in candidate.levels.items() if level is not None}


def _score(
    candidate: RankInput,
    assessed: Mapping[str, float],
    with_candidate: ExtraForecast,
    team_weeks: float,
) -> RankedCandidate:
    """The candidate's entry: the forecast with them full-time on the team and where they work."""
    return RankedCandidate(
        rank=0,
        id=candidate.id,
        name=candidate.name,
        levels=dict(candidate.levels),
        rubric=candidate.rubric,
        forecast_weeks=with_candidate.weeks,
        weeks_saved=weeks_saved(team_weeks, with_candidate.weeks),
        allocation=dict(with_candidate.shares),
        level_sum=sum(assessed.values(), 0.0),
    )


def _by_forecast(group: list[RankedCandidate]) -> list[RankedCandidate]:
    """One rubric group by forecast, each tie group of near-equal forecasts by the later keys."""
    ordered = sorted(group, key=lambda entry: entry.forecast_weeks)
    ties: list[list[RankedCandidate]] = []
    for entry in ordered:
        if ties and _same_weeks(ties[-1][-1].forecast_weeks, entry.forecast_weeks):
            ties[-1].append(entry)
        else:
            ties.append([entry])
    return [entry for tie in ties for entry in sorted(tie, key=_tie_break)]


def _same_weeks(first: float, second: float) -> bool:
    """Forecasts MODEL.md calls equal: less than 1e-9 weeks apart, or both never finishing."""
    if math.isinf(first) or math.isinf(second):
        return first == second
    return abs(first - second) < WEEKS_EPSILON


def _tie_break(entry: RankedCandidate) -> tuple[float, str, str, int]:
    """Level sum (highest first), then name as people sort it (case-blind), then id."""
    return (-entry.level_sum, entry.name.casefold(), entry.name, entry.id)
