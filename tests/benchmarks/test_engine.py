"""Benchmark: the ranking engine against one `linprog` per candidate (issue 6, items 3 and 5).

Pure engine, no database: a synthetic organisation (`organisation`) is ranked by
`hiring.ranking.rank_candidates` and, on the same inputs, by a plain programme per candidate over
the whole unmerged team, built here without any of the engine's code. Each test measures a ratio
within one run, so the machine's noise cancels, and prints a table of medians the README can quote
(printed even without `-s`). Also: the engine's growth at 1x, 4x and 16x the data, and the coverage
report's pressures on the merged team against the unmerged programmes.

Run with `.venv/bin/pytest tests/benchmarks/test_engine.py` (pytest's addopts ignore
tests/benchmarks unless the path is given); it takes a few minutes. The naive side takes 0.15-0.7 s
a candidate at 1,000 members, so at 10,000 candidates it is timed on a random sample and
extrapolated per candidate (the output says so); the forecasts and the order are compared exactly
on that sample.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

import team.forecast as forecast_module
from hiring.ranking import RankedCandidate, Ranking, RankInput, order_candidates, rank_candidates
from hiring.rubric import verdict
from team.forecast import ForecastMember, Pressures, pressures
from team.levels import DEFAULT_POINTS_PER_WEEK, DEFAULT_VELOCITIES, STRONG

AREAS = ("research", "engineering", "data")
AREA_WEIGHTS = (0.25, 0.5, 0.25)  # where people's strong area and the work fall
RUNS = 5  # the engine's time is the median of this many runs
SAMPLE = 300  # candidates the naive side solves at full size


@dataclass(frozen=True)
class Organisation:
    """A team, its open demand and the candidates of one opening, as the ranking takes them."""

    team: list[ForecastMember]
    demand: dict[str, float]
    candidates: list[RankInput]


def organisation(members: int, seed: int = 6) -> Organisation:
    """`members` people, 20 work items and 10 candidates (three cards each) per member.

    Most members are basic or working with one strong area; a few are expert there, some work
    part-time. Candidates have a true profile like the members'; each of three interviewers rates
    every area within one level of it (most often exactly), and leaves an area unrated one time in
    ten, so levels are medians of 0-3 ratings: whole, halves, or not assessed.
    """
    rng = random.Random(seed)
    team = [
        ForecastMember(id=i, fte=_fte(rng), levels=dict(zip(AREAS, _profile(rng), strict=True)))
        for i in range(1, members + 1)
    ]
    demand = dict.fromkeys(AREAS, 0.0)
    for _ in range(20 * members):
        if rng.random() < 0.8:  # a fifth of the items are done and count for nothing
            demand[rng.choices(AREAS, AREA_WEIGHTS)[0]] += rng.choice((1, 2, 3, 5, 8))
    candidates = []
    for i in range(1, 10 * members + 1):
        truth = _profile(rng)
        levels = {a: _median_rating(rng, level) for a, level in zip(AREAS, truth, strict=True)}
        rubric = verdict(levels, {area: area for area in AREAS})
        candidates.append(RankInput(id=i, name=f"Candidate {i:05d}", levels=levels, rubric=rubric))
    return Organisation(team, demand, candidates)


def _fte(rng: random.Random) -> float:
    return rng.choices((1.0, 0.8, 0.5), (0.85, 0.1, 0.05))[0]


def _profile(rng: random.Random) -> list[int]:
    """One strong (or working, or expert) area; basic or working elsewhere, now and then none."""
    main = rng.choices(range(len(AREAS)), AREA_WEIGHTS)[0]
    return [
        rng.choices((2, 3, 4), (0.3, 0.55, 0.15))[0]
        if k == main
        else rng.choices((0, 1, 2, 3), (0.15, 0.4, 0.4, 0.05))[0]
        for k in range(len(AREAS))
    ]


def _median_rating(rng: random.Random, level: int) -> float | None:
    ratings = [
        min(max(level + rng.choices((-1, 0, 1), (0.2, 0.6, 0.2))[0], 0), 4)
        for _ in range(3)
        if rng.random() >= 0.1
    ]
    return float(statistics.median(ratings)) if ratings else None


# --- the naive side: one programme per candidate over the whole team --------------------------


def naive_forecast(
    team: Sequence[ForecastMember],
    extra: ForecastMember,
    demand: dict[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> float:
    """MODEL.md's programme for `team + [extra]`, one variable per person and area, in points."""
    return naive_weeks(naive_speeds([*team, extra], demand, velocities, points_per_week), demand)


def naive_speeds(
    people: Sequence[ForecastMember],
    demand: dict[str, float],
    velocities: Sequence[float] = DEFAULT_VELOCITIES,
    points_per_week: float = DEFAULT_POINTS_PER_WEEK,
) -> np.ndarray:
    """s[p][a] = points_per_week * fte * velocity(level), one row per person, level 0 if unrated."""
    level = np.array([[p.levels.get(a, 0.0) for a in demand] for p in people], dtype=float)
    fte = np.array([p.fte for p in people])
    return points_per_week * fte[:, None] * np.interp(level, range(5), velocities)


def naive_weeks(speed: np.ndarray, demand: dict[str, float]) -> float:
    """T for people with `speed[p][a]` points a week, one variable per person and area.

    Variables `[T, t[0][0], t[0][1], ..., t[n][K-1]]`; rows `-sum_p s[p][a] t[p][a] <= -demand[a]`
    and `sum_a t[p][a] - T <= 0`. An area with demand nobody can work in is infeasible: infinite.
    """
    n, k = speed.shape
    cols = 1 + np.arange(n * k)
    rows = np.concatenate(
        [np.tile(np.arange(k), n), k + np.repeat(np.arange(n), k), k + np.arange(n)]
    )
    columns = np.concatenate([cols, cols, np.zeros(n, dtype=int)])
    values = np.concatenate([-speed.ravel(), np.ones(n * k), -np.ones(n)])
    matrix = coo_matrix((values, (rows, columns)), shape=(k + n, 1 + n * k)).tocsr()
    bound = np.concatenate([-np.array(list(demand.values())), np.zeros(n)])
    cost = np.zeros(1 + n * k)
    cost[0] = 1.0
    result = linprog(cost, A_ub=matrix, b_ub=bound, method="highs")
    if result.status == 2:
        return math.inf
    assert result.status == 0, result.message
    return float(result.x[0])


def extra_of(candidate: RankInput) -> ForecastMember:
    """The candidate full-time, not-assessed areas left out (level 0)."""
    levels = {a: float(v) for a, v in candidate.levels.items() if v is not None}
    return ForecastMember(id=candidate.id, fte=1.0, levels=levels)


def naive_entries(org: Organisation, sample: Sequence[RankInput]) -> list[RankedCandidate]:
    """The sample scored by the naive programme, to be ordered by `order_candidates`."""
    return [
        RankedCandidate(
            rank=0,
            id=c.id,
            name=c.name,
            levels=dict(c.levels),
            rubric=c.rubric,
            forecast_weeks=naive_forecast(org.team, extra_of(c), org.demand),
            weeks_saved=None,
            allocation={},
            level_sum=sum(v for v in c.levels.values() if v is not None),
        )
        for c in sample
    ]


def timed(run: Callable[[], object], runs: int = RUNS) -> tuple[float, object]:
    """The median wall time of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def show(capsys: pytest.CaptureFixture[str], title: str, lines: list[str]) -> None:
    """Print a table whether or not pytest captures output."""
    with capsys.disabled():
        print(f"\n{title}")
        for line in lines:
            print(f"  {line}")


# --- the benchmarks -------------------------------------------------------------------------


def test_engine_is_exact_and_100x_faster_than_one_linprog_per_candidate(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    org = organisation(1_000)
    rank = partial(rank_candidates, org.team, org.demand, org.candidates)
    engine_time, result = timed(rank)
    assert isinstance(result, Ranking)
    with monkeypatch.context() as patch:  # the engine as it runs without the optional highspy
        patch.setattr(forecast_module, "highspy", None)
        fallback_time, fallback = timed(rank, runs=3)
    assert isinstance(fallback, Ranking)
    assert [e.id for e in fallback.entries] == [e.id for e in result.entries]
    sample = random.Random(1).sample(org.candidates, SAMPLE)
    start = time.perf_counter()
    naive = naive_entries(org, sample)
    naive_time = (time.perf_counter() - start) / SAMPLE * len(org.candidates)

    by_id = {entry.id: entry for entry in result.entries}
    for entry in naive:
        assert by_id[entry.id].forecast_weeks == pytest.approx(
            entry.forecast_weeks, rel=1e-6, abs=1e-6
        )
    team_weeks = naive_forecast(org.team[:-1], org.team[-1], org.demand)
    assert result.forecast_weeks == pytest.approx(team_weeks, rel=1e-6)
    sampled = {c.id for c in sample}
    engine_order = [entry.id for entry in result.entries if entry.id in sampled]
    assert engine_order == [entry.id for entry in order_candidates(naive)]

    profiles = len({tuple(extra_of(c).levels.items()) for c in org.candidates})
    groups = len({tuple(m.levels.items()) for m in org.team})
    speedup = naive_time / engine_time
    show(
        capsys,
        "ranking engine vs one linprog per candidate (3 areas)",
        [
            f"members {len(org.team):,} ({groups} distinct profiles), candidates "
            f"{len(org.candidates):,} ({profiles} distinct profiles), demand "
            + ", ".join(f"{a} {d:,.0f}" for a, d in org.demand.items())
            + " points",
            f"engine (rank_candidates, median of {RUNS}): {engine_time:.3f} s "
            f"(without highspy, linprog per distinct profile, median of 3: {fallback_time:.3f} s)",
            f"naive (linprog per candidate, timed on {SAMPLE} random candidates and extrapolated "
            f"to {len(org.candidates):,}): {naive_time:.1f} s",
            f"speedup: {speedup:,.0f}x (without highspy {naive_time / fallback_time:,.0f}x); "
            "forecasts equal to 1e-6 and the same order on the sample",
        ],
    )
    assert speedup >= 100


def test_engine_time_grows_no_faster_than_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    sizes = (62, 250, 1_000)  # 1x, 4x, 16x: members; candidates are ten times as many
    rows, per_candidate = [], []
    for members in sizes:
        org = organisation(members)
        seconds, _ = timed(partial(rank_candidates, org.team, org.demand, org.candidates))
        per_candidate.append(seconds / len(org.candidates))
        rows.append(
            f"{members:>6,} members {len(org.candidates):>7,} candidates  {seconds:8.3f} s  "
            f"{per_candidate[-1] * 1e6:8.1f} us/candidate  "
            f"{per_candidate[-1] / per_candidate[0]:5.2f}x the 1x time per candidate"
        )
    show(capsys, f"ranking engine growth (median of {RUNS} runs)", rows)
    # 16 times the data may take at most 16 * 1.5 times as long.
    assert per_candidate[-1] <= 1.5 * per_candidate[0]
    assert per_candidate[1] <= 1.5 * per_candidate[0]


def test_pressures_on_the_merged_team_are_exact_and_faster(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The coverage report's numbers: the forecast and one more programme per area with a strong
    # specialist (MODEL.md, "Weakest areas"), against the same programmes over the unmerged team.
    org = organisation(1_000)
    engine_time, result = timed(partial(pressures, org.team, org.demand))
    assert isinstance(result, Pressures)
    start = time.perf_counter()
    speed = naive_speeds(org.team, org.demand)
    base = naive_weeks(speed, org.demand)
    strong = DEFAULT_POINTS_PER_WEEK * DEFAULT_VELOCITIES[STRONG]
    saved = {
        area: base - naive_weeks(np.vstack([speed, strong * (np.array(AREAS) == area)]), org.demand)
        for area in AREAS
    }
    naive_time = time.perf_counter() - start
    assert result.forecast.weeks == pytest.approx(base, rel=1e-6)
    for item in result.areas:
        assert item.pressure_weeks == pytest.approx(saved[item.area], rel=1e-6, abs=1e-6)
    show(
        capsys,
        "coverage pressures (forecast + one programme per area), merged vs unmerged",
        [
            f"members {len(org.team):,}, 3 areas: engine {engine_time * 1000:.0f} ms (median of "
            f"{RUNS}), plain linprog over every member {naive_time * 1000:.0f} ms "
            f"({naive_time / engine_time:,.0f}x); same pressures to 1e-6",
        ],
    )
    assert naive_time / engine_time >= 5
