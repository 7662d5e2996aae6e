"""The ranking of an opening's candidates (MODEL.md, "Gap fill" and "Ranking").

Pure functions over plain values, like `team.forecast` underneath: the caller loads the team, the
demand, the settings and each candidate's levels and rubric, and gets back the ranked entries with
every number that explains them (the forecast with the candidate, the weeks saved, where the
candidate would work). `order_candidates` is public so that entries scored elsewhere can be put in
exactly the same order.

Scoring is exact and still fast for thousands of candidates: the forecast with a candidate depends
only on the team, the demand, the calendar and the candidate's speeds and start, and candidates'
levels are medians of a few 0-4 ratings (not assessed = 0), so thousands of candidates share a few
hundred level profiles and usually one start (the opening's). `team.calendar_forecast.with_each`
finds the calendar forecast (MODEL.md, "The forecast") once per distinct profile and start, on the
team merged by speeds once, each search starting at the team's own T. Candidates with the same
profile and start get the very same forecast, so they tie exactly and fall through to the later
keys. The disagreement range (the lowest and the highest rating in each area) is two more
profiles per candidate, solved the same way, shared likewise.

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
from dataclasses import dataclass, field, replace
from datetime import date

from hiring.numbers import Duration, difference
from hiring.rubric import Rubric
from team.calendar import Calendar, Person, finish_date
from team.calendar_forecast import shares_with, team_weeks, weeks_saved, with_each
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    WEEKS_EPSILON,
    ForecastMember,
)

__all__ = [
    "RankInput",
    "RankedCandidate",
    "Ranking",
    "candidate_person",
    "order_candidates",
    "same_weeks",
    "rank_candidates",
    "too_close_to_call",
    "too_close_to_call_ids",
    "weeks_saved_range",
]

# Candidates are tried on the team full-time (MODEL.md, "Gap fill").
CANDIDATE_FTE = 1.0
# Without a calendar, the timeless model: everyone from week 0 at full speed, nobody mentoring,
# and a horizon far past any forecast people plan by (20 years).
TIMELESS = Calendar(
    plan_start=date(2024, 1, 1), ramp_weeks=0, mentoring_fte=0.0, horizon_weeks=1040
)


@dataclass(frozen=True)
class RankInput:
    """A candidate as the ranking sees them: levels per area (None = not assessed) and verdict."""

    id: int
    name: str
    levels: Mapping[str, float | None]
    rubric: Rubric
    start: date | None = None  # None: counted as on the team from the plan start, at full speed
    # The disagreement range (MODEL.md): each area at its lowest and its highest submitted rating.
    low: Mapping[str, float | None] | None = None
    high: Mapping[str, float | None] | None = None


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
    start: date | None = None
    finish_date: date | None = None
    weeks_saved_low: float | None = None
    weeks_saved_high: float | None = None
    # The forecast the savings are counted from (the team without them; infinite where it can
    # never finish): a page shows a saving as the difference of the two shown forecasts.
    without_weeks: float = math.inf

    @property
    def saved_shown(self) -> Duration | None:
        """The saving as every page shows it: the shown forecast without them minus the shown
        forecast with them (`hiring.numbers`); None where either never ends."""
        return difference(self.without_weeks, self.forecast_weeks)


@dataclass(frozen=True)
class Ranking:
    """The team's forecast without anyone new, and the candidates in ranked order (ranks 1..n)."""

    forecast_weeks: float
    entries: tuple[RankedCandidate, ...]
    finish_date: date | None = None
    calendar: Calendar = field(default=TIMELESS)


def rank_candidates(
    team: Sequence[ForecastMember | Person],
    demand: Mapping[str, float],
    candidates: Iterable[RankInput],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
    calendar: Calendar | None = None,
    explain: int | None = None,
) -> Ranking:
    """Rank candidates by MODEL.md: rubric first, then how short they make the forecast.

    The forecast with a candidate, not the weeks saved, is the key, because it still orders
    candidates when the team alone can never finish (weeks saved are then None). Each candidate is
    tried full-time on the team from their start, one at a time, one search per distinct profile
    and start (module docstring). Without a calendar, the timeless model (`TIMELESS`). Where
    each ranked candidate would work is worked out for the first `explain` rows (all: None).
    """
    inputs = list(candidates)
    ids = [candidate.id for candidate in inputs]
    if len(set(ids)) != len(ids):
        raise ValueError("each candidate must appear once in a ranking")
    when = calendar or TIMELESS
    people = [_person(m) for m in team]
    base = team_weeks(people, demand, when, velocities, points_per_week)
    mid = [_extra(c, c.levels) for c in inputs]
    low = [_extra(c, c.low if c.low is not None else c.levels) for c in inputs]
    high = [_extra(c, c.high if c.high is not None else c.levels) for c in inputs]
    found = with_each(people, [*mid, *low, *high], demand, when, velocities, points_per_week)
    n = len(inputs)
    scored = [
        _score(c, extra, found[k], found[n + k], found[2 * n + k], base, when)
        for k, (c, extra) in enumerate(zip(inputs, mid, strict=True))
    ]
    ordered = order_candidates(scored)
    if explain is None or explain > 0:
        shown = ordered if explain is None else ordered[:explain]
        by_id = {c.id: extra for c, extra in zip(inputs, mid, strict=True)}
        extras = [by_id[e.id] for e in shown]
        weeks = [e.forecast_weeks for e in shown]
        shares = shares_with(people, extras, weeks, demand, when, velocities, points_per_week)
        explained = {e.id: replace(e, allocation=s) for e, s in zip(shown, shares, strict=True)}
        ordered = tuple(explained.get(e.id, e) for e in ordered)
    return Ranking(
        forecast_weeks=base,
        entries=ordered,
        finish_date=finish_date(base, when),
        calendar=when,
    )


def _person(member: ForecastMember | Person) -> Person:
    """A member as the calendar forecast counts them (a timeless member: no dates)."""
    if isinstance(member, Person):
        return member
    return Person(id=member.id, fte=member.fte, levels=dict(member.levels))


def _extra(candidate: RankInput, levels: Mapping[str, float | None]) -> Person:
    """The candidate tried on the team: full-time, not-assessed areas at 0, from their start."""
    assessed = {area: float(level) for area, level in levels.items() if level is not None}
    return Person(id=-1 - candidate.id, fte=CANDIDATE_FTE, levels=assessed, start=candidate.start)


def candidate_person(candidate: RankInput) -> Person:
    """The candidate as the ranking tries them on the team (full-time, from their start, not
    assessed as none), for forecasts that add several candidates at once (the compare page)."""
    return _extra(candidate, candidate.levels)


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


def _score(
    candidate: RankInput,
    extra: Person,
    weeks: float,
    low: float,
    high: float,
    team_weeks: float,
    calendar: Calendar,
) -> RankedCandidate:
    """The candidate's entry: the forecast with them on the team; where they work comes later
    (`rank_candidates`, for the rows shown). The lowest ratings give the higher forecast, so
    the fewest weeks saved."""
    return RankedCandidate(
        rank=0,
        id=candidate.id,
        name=candidate.name,
        levels=dict(candidate.levels),
        rubric=candidate.rubric,
        forecast_weeks=weeks,
        weeks_saved=weeks_saved(team_weeks, weeks),
        allocation={},
        level_sum=sum(extra.levels.values(), 0.0),
        start=candidate.start,
        finish_date=finish_date(weeks, calendar),
        weeks_saved_low=weeks_saved(team_weeks, low),
        weeks_saved_high=weeks_saved(team_weeks, high),
        without_weeks=team_weeks,
    )


def _by_forecast(group: list[RankedCandidate]) -> list[RankedCandidate]:
    """One rubric group by forecast, each tie group of near-equal forecasts by the later keys."""
    ordered = sorted(group, key=lambda entry: entry.forecast_weeks)
    ties: list[list[RankedCandidate]] = []
    for entry in ordered:
        if ties and same_weeks(ties[-1][-1].forecast_weeks, entry.forecast_weeks):
            ties[-1].append(entry)
        else:
            ties.append([entry])
    return [entry for tie in ties for entry in sorted(tie, key=_tie_break)]


def same_weeks(first: float, second: float) -> bool:
    """Forecasts MODEL.md calls equal: less than 1e-9 weeks apart, or both never finishing."""
    if math.isinf(first) or math.isinf(second):
        return first == second
    return abs(first - second) < WEEKS_EPSILON


def _tie_break(entry: RankedCandidate) -> tuple[float, str, str, int]:
    """Level sum (highest first), then name as people sort it (case-blind), then id."""
    return (-entry.level_sum, entry.name.casefold(), entry.name, entry.id)


def weeks_saved_range(entry: RankedCandidate) -> tuple[float, float] | None:
    """The row's disagreement range as (least, most) weeks saved; None where it has none (the
    team alone never finishes, or the range was not worked out)."""
    low, high = entry.weeks_saved_low, entry.weeks_saved_high
    if low is None or high is None:
        return None
    # The lowest ratings usually save the fewest weeks, but not always: a candidate's strongest
    # area picks their mentor, and a different mentor can cost more than a level adds.
    return (min(low, high), max(low, high))


def too_close_to_call(above: RankedCandidate, row: RankedCandidate) -> bool:
    """Whether the panel's disagreement cannot tell `row` from the row ranked just `above` it:
    their weeks-saved ranges overlap (touching ends count, within 1e-9 weeks).

    Only within one rubric group: a row that fails the rubric is below one that passes because
    of the rubric, which the range says nothing about. A row without a range is never marked.
    The mark informs; like the range, it never changes the order (MODEL.md, "Disagreement").
    """
    if above.rubric.passes != row.rubric.passes:
        return False
    mine, theirs = weeks_saved_range(row), weeks_saved_range(above)
    if mine is None or theirs is None:
        return False
    return max(mine[0], theirs[0]) <= min(mine[1], theirs[1]) + WEEKS_EPSILON


def too_close_to_call_ids(entries: Sequence[RankedCandidate]) -> frozenset[int]:
    """The ids of the rows `too_close_to_call` with the row above them, in the order given (the
    rows shown: a status filter changes which row is above)."""
    return frozenset(
        row.id
        for above, row in zip(entries, entries[1:], strict=False)
        if too_close_to_call(above, row)
    )
