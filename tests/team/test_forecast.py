"""The forecast and pressures of MODEL.md: hand-solved cases, an exact oracle, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import team.forecast as forecast_module
from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    ForecastMember,
    forecast,
    forecast_with,
    forecast_with_each,
    pressures,
    velocity_at,
    weeks_saved,
)

PPW = DEFAULT_POINTS_PER_WEEK
VEL = DEFAULT_VELOCITIES
PROPERTY_SETTINGS = settings(max_examples=100, deadline=None)


def speed(member: ForecastMember, area: str) -> float:
    """s[p][a] of MODEL.md with the default settings."""
    return PPW * member.fte * velocity_at(member.levels.get(area, 0.0))


# --- velocity -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [(0, 0.10), (1, 0.35), (2, 0.65), (3, 1.00), (4, 1.30), (2.5, 0.825), (0.5, 0.225)],
)
def test_velocity_at_whole_and_fractional_levels(level: float, expected: float) -> None:
    assert velocity_at(level) == pytest.approx(expected, rel=1e-12)


def test_velocity_at_clamps_outside_zero_to_four() -> None:
    assert velocity_at(-1) == pytest.approx(0.10)
    assert velocity_at(7) == pytest.approx(1.30)


def test_velocity_at_uses_the_given_table() -> None:
    assert velocity_at(1.5, (0.0, 0.2, 0.4, 1.0, 2.0)) == pytest.approx(0.3)


def test_velocity_at_refuses_a_short_table() -> None:
    with pytest.raises(ValueError, match="5 velocities"):
        velocity_at(1, (0.1, 0.2))


# --- hand-computed forecasts ----------------------------------------------------------------


def test_one_member_one_area() -> None:
    # T = demand / (ppw * fte * velocity) = 13 / (5 * 0.5 * 0.65) = 8 weeks.
    member = ForecastMember(1, 0.5, {"research": 2})
    result = forecast([member], {"research": 13.0})
    assert result.weeks == pytest.approx(8.0, rel=1e-9)
    assert result.allocation[0].member_id == 1
    assert result.allocation[0].shares == pytest.approx({"research": 1.0})
    assert result.area_speed == pytest.approx({"research": 1.625})


def test_one_member_several_areas_works_them_one_after_another() -> None:
    # Alone, the member does each area in turn: 10/5 + 13/3.25 = 2 + 4 = 6 weeks.
    member = ForecastMember(7, 1.0, {"a": 3, "b": 2})
    result = forecast([member], {"a": 10.0, "b": 13.0})
    assert result.weeks == pytest.approx(6.0, rel=1e-9)
    assert result.allocation[0].shares == pytest.approx({"a": 2 / 6, "b": 4 / 6})


def test_zero_demand_areas_are_ignored() -> None:
    member = ForecastMember(1, 1.0, {"a": 3})
    result = forecast([member], {"a": 10.0, "b": 0.0})
    assert result.weeks == pytest.approx(2.0, rel=1e-9)
    assert result.allocation[0].shares == pytest.approx({"a": 1.0})


def test_fractional_level_uses_the_interpolated_velocity() -> None:
    # 2.5 -> 0.825, so 10 points take 10 / (5 * 0.825) weeks.
    result = forecast([ForecastMember(1, 1.0, {"a": 2.5})], {"a": 10.0})
    assert result.weeks == pytest.approx(10 / 4.125, rel=1e-9)


def alice_and_bob() -> list[ForecastMember]:
    """Alice: research strong, engineering basic. Bob: research none, engineering working."""
    return [
        ForecastMember(1, 1.0, {"research": 3, "engineering": 1}),
        ForecastMember(2, 1.0, {"research": 0, "engineering": 2}),
    ]


ALICE_AND_BOB_DEMAND = {"research": 20.0, "engineering": 30.0}


def test_two_members_two_areas_solved_on_paper() -> None:
    # In strong-weeks (points / 5): research 4, engineering 6.
    # Rates (fte * velocity): Alice r=1.00 e=0.35; Bob r=0.10 e=0.65.
    # Alice is relatively best at research (1/0.35 > 0.1/0.65), so she does all of it (4 weeks)
    # and helps engineering for the rest; Bob does engineering full time:
    #   0.65 T + 0.35 (T - 4) = 6  ->  T = 7.4 weeks.
    # Optimal, by the dual: y = (research 0.35, engineering 1) gives
    #   (4*0.35 + 6*1) / (max(1*0.35, 0.35*1) + max(0.1*0.35, 0.65*1)) = 7.4 / 1.0 = 7.4.
    result = forecast(alice_and_bob(), ALICE_AND_BOB_DEMAND)
    assert result.weeks == pytest.approx(7.4, rel=1e-9)
    alice, bob = result.allocation
    assert alice.shares == pytest.approx({"research": 4 / 7.4, "engineering": 3.4 / 7.4})
    assert bob.shares == pytest.approx({"engineering": 1.0})
    assert result.area_speed == pytest.approx({"research": 5.5, "engineering": 5.0})


def test_empty_team_with_demand_cannot_finish() -> None:
    result = pressures([], {"research": 0.0, "engineering": 5.0, "data": 3.0})
    assert result.forecast.weeks == math.inf
    assert not result.forecast.finite
    assert result.forecast.allocation == ()
    assert [p.pressure_weeks for p in result.areas] == [None, None, None]
    assert [p.pressure_share for p in result.areas] == [None, None, None]
    assert result.weakest_area == "engineering"


def test_an_area_nobody_can_work_in_makes_the_forecast_infinite() -> None:
    # With a velocity of 0 at level 0, nobody can work in "b"; "b" is why, so it is the weakest.
    velocities = (0.0, 0.35, 0.65, 1.0, 1.3)
    members = [ForecastMember(1, 1.0, {"a": 3})]
    result = pressures(members, {"a": 10.0, "b": 1.0, "c": 1.0}, velocities)
    assert result.forecast.weeks == math.inf
    assert result.weakest_area == "b"
    assert weeks_saved(result.forecast.weeks, 3.0) is None


def test_no_open_work_takes_zero_weeks() -> None:
    result = pressures(alice_and_bob(), {"research": 0.0, "engineering": 0.0})
    assert result.forecast.weeks == 0.0
    assert result.forecast.allocation == ()
    assert [(p.pressure_weeks, p.pressure_share) for p in result.areas] == [(0.0, None)] * 2
    assert result.weakest_area is None


def test_no_areas_at_all() -> None:
    result = pressures(alice_and_bob(), {})
    assert result.forecast.weeks == 0.0
    assert result.areas == ()
    assert result.weakest_area is None


# --- pressures ------------------------------------------------------------------------------


def test_strong_specialist_pressure_by_hand() -> None:
    # Team and demand as in test_two_members_two_areas_solved_on_paper: T = 7.4.
    # + specialist in research (rate 1 there): engineering is the bottleneck; Alice and Bob do
    #   only engineering at 0.35 + 0.65 = 1 a week -> 6 weeks (dual y = (0, 1): 6 / 1).
    #   pressure = 7.4 - 6 = 1.4.
    # + specialist in engineering: now research is short. Alice does research full time, Bob
    #   helps research for u weeks:  T + 0.1 u = 4  and  0.65 (T - u) + T = 6
    #   -> u = 40 - 10 T, 8.15 T = 32, T = 32 / 8.15 = 640/163.
    #   (dual y = (1, 0.1/0.65) certifies it.)  pressure = 7.4 - 640/163 = 3.4736...
    result = pressures(alice_and_bob(), ALICE_AND_BOB_DEMAND)
    research, engineering = result.areas
    assert research.area == "research"
    assert research.pressure_weeks == pytest.approx(1.4, rel=1e-9)
    assert research.pressure_share == pytest.approx(1.4 / 7.4, rel=1e-9)
    assert engineering.pressure_weeks == pytest.approx(7.4 - 640 / 163, rel=1e-9)
    assert engineering.pressure_share == pytest.approx((7.4 - 640 / 163) / 7.4, rel=1e-9)
    assert result.weakest_area == "engineering"


def test_area_without_demand_has_zero_pressure() -> None:
    result = pressures(alice_and_bob(), {"research": 20.0, "engineering": 0.0, "data": 0.0})
    assert [p.pressure_weeks for p in result.areas][1:] == [0.0, 0.0]
    assert result.areas[1].pressure_share == 0.0
    assert result.weakest_area == "research"


@pytest.mark.parametrize(("order", "weakest"), [(("a", "b"), "a"), (("b", "a"), "b")])
def test_tied_pressures_go_to_the_area_listed_first(order: tuple[str, str], weakest: str) -> None:
    # One strong generalist, 2 strong-weeks in each area: T = 4. A specialist in either area
    # halves the total work per person: T = 2 either way, a tie.
    member = ForecastMember(1, 1.0, {"a": 3, "b": 3})
    result = pressures([member], {area: 10.0 for area in order})
    assert [p.pressure_weeks for p in result.areas] == pytest.approx([2.0, 2.0], rel=1e-9)
    assert result.weakest_area == weakest


# --- gap fill -------------------------------------------------------------------------------


def test_forecast_with_a_candidate_and_weeks_saved() -> None:
    team = [ForecastMember(1, 1.0, {"research": 3})]
    candidate = ForecastMember(99, 1.0, {"research": 3})
    alone = forecast(team, {"research": 20.0})
    together = forecast_with(team, candidate, {"research": 20.0})
    assert alone.weeks == pytest.approx(4.0, rel=1e-9)
    assert together.weeks == pytest.approx(2.0, rel=1e-9)
    assert [a.member_id for a in together.allocation] == [1, 99]
    assert weeks_saved(alone.weeks, together.weeks) == pytest.approx(2.0, rel=1e-9)


def test_candidate_makes_an_infinite_forecast_finite() -> None:
    candidate = ForecastMember(5, 1.0, {"data": 3})
    together = forecast_with([], candidate, {"data": 10.0})
    assert together.weeks == pytest.approx(2.0, rel=1e-9)
    assert weeks_saved(math.inf, together.weeks) is None


def test_weeks_saved_reads_solver_noise_as_zero() -> None:
    assert weeks_saved(5.0, 5.0 + 1e-13) == 0.0


@pytest.mark.parametrize(
    ("members", "demand", "points_per_week"),
    [
        ([ForecastMember(1, 0.0, {})], {"a": 1.0}, 5.0),
        ([ForecastMember(1, 1.5, {})], {"a": 1.0}, 5.0),
        ([], {"a": -1.0}, 5.0),
        ([], {"a": math.nan}, 5.0),
        ([], {"a": 1.0}, 0.0),
    ],
)
def test_refuses_inputs_the_model_does_not_define(
    members: list[ForecastMember], demand: dict[str, float], points_per_week: float
) -> None:
    with pytest.raises(ValueError):
        forecast(members, demand, VEL, points_per_week)


# --- an exact oracle for two areas ----------------------------------------------------------


def two_area_oracle(members: list[ForecastMember], demand: dict[str, float]) -> float:
    """T for two areas by LP duality, without a solver.

    T = max over y >= 0 of (d . y) / sum_p max_a s[p][a] y[a]. On the segment y0 + y1 = 1 the
    denominator is piecewise linear, so the ratio is monotone on each piece and its maximum lies
    at y = (1, 0), y = (0, 1) or where some member is indifferent (s[p][0] y0 = s[p][1] y1).
    """
    a, b = demand
    candidates = [(1.0, 0.0), (0.0, 1.0)]
    candidates += [(speed(m, b), speed(m, a)) for m in members]
    best = 0.0
    for ya, yb in candidates:
        denominator = sum(max(speed(m, a) * ya, speed(m, b) * yb) for m in members)
        best = max(best, (demand[a] * ya + demand[b] * yb) / denominator)
    return best


# Whole and half levels, or None for an area the member is not rated in (level 0).
levels = st.one_of(st.none(), st.integers(0, 8).map(lambda half: half / 2))
ftes = st.sampled_from([0.05, 0.2, 0.5, 0.8, 1.0])
points = st.one_of(st.just(0.0), st.integers(1, 200).map(float), st.floats(0.5, 500.0))


def members_for(
    areas: list[str], min_size: int = 0, max_size: int = 6
) -> st.SearchStrategy[list[ForecastMember]]:
    """Teams of `min_size` to `max_size` with any levels, some areas left unrated."""
    row = st.tuples(ftes, st.lists(levels, min_size=len(areas), max_size=len(areas)))
    return st.lists(row, min_size=min_size, max_size=max_size).map(
        lambda rows: [
            ForecastMember(
                i + 1, fte, {a: lv for a, lv in zip(areas, lvs, strict=True) if lv is not None}
            )
            for i, (fte, lvs) in enumerate(rows)
        ]
    )


@st.composite
def scenarios(draw: st.DrawFn, min_members: int = 0) -> tuple[list[ForecastMember], dict]:
    """A team of 0-6 and demand over 1-4 areas."""
    areas = ["research", "engineering", "data", "infra"][: draw(st.integers(1, 4))]
    team = draw(members_for(areas, min_size=min_members))
    return team, {area: draw(points) for area in areas}


@PROPERTY_SETTINGS
@given(
    team=members_for(["a", "b"], min_size=1),
    demand=st.fixed_dictionaries({"a": points, "b": points}),
)
def test_matches_the_exact_two_area_oracle(team: list[ForecastMember], demand: dict) -> None:
    assert forecast(team, demand).weeks == pytest.approx(two_area_oracle(team, demand), rel=1e-9)


# --- properties -----------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenario=scenarios(), extra=members_for(["research", "engineering", "data"], 1, 1))
def test_adding_a_member_never_raises_the_forecast(scenario: tuple, extra: list) -> None:
    team, demand = scenario
    before = forecast(team, demand).weeks
    for newcomer in extra:
        after = forecast_with(team, newcomer, demand).weeks
        assert after <= before * (1 + 1e-9) + 1e-12


@PROPERTY_SETTINGS
@given(scenario=scenarios(), k=st.floats(0.01, 100.0))
def test_scaling_demand_scales_the_forecast(scenario: tuple, k: float) -> None:
    team, demand = scenario
    base = forecast(team, demand).weeks
    scaled = forecast(team, {a: k * d for a, d in demand.items()}).weeks
    if math.isinf(base):
        assert math.isinf(scaled)
    else:
        assert scaled == pytest.approx(k * base, rel=1e-6, abs=1e-12)


@PROPERTY_SETTINGS
# Weights are 0 or at least 1e-6: subnormal weights (5e-324) lose their digits in the test's own
# products, so the bound it computes would be wrong, not the forecast.
@given(
    scenario=scenarios(),
    weights=st.lists(st.one_of(st.just(0.0), st.floats(1e-6, 1.0)), min_size=4, max_size=4),
)
def test_forecast_respects_the_dual_lower_bounds(scenario: tuple, weights: list) -> None:
    team, demand = scenario
    weeks = forecast(team, demand).weeks
    areas = [a for a, d in demand.items() if d > 0]
    if not areas:
        assert weeks == 0.0
        return
    if any(sum(speed(m, a) for m in team) == 0 for a in areas):
        assert weeks == math.inf
        return
    # Everyone working flat out at their best speed still needs this long.
    best = sum(max(speed(m, a) for a in areas) for m in team)
    assert weeks >= sum(demand.values()) / best * (1 - 1e-9)
    for a in areas:  # Each area needs its demand over everyone's speed there.
        assert weeks >= demand[a] / sum(speed(m, a) for m in team) * (1 - 1e-9)
    # Any weights y >= 0 give the bound (d . y) / sum_p max_a s[p][a] y[a] (weak duality).
    y = dict(zip(demand, weights, strict=False))
    denominator = sum(max(speed(m, a) * y[a] for a in areas) for m in team)
    if denominator > 0:
        assert weeks >= sum(demand[a] * y[a] for a in areas) / denominator * (1 - 1e-9)


@PROPERTY_SETTINGS
@given(scenario=scenarios(min_members=1))
def test_the_allocation_finishes_the_work_within_the_forecast(scenario: tuple) -> None:
    team, demand = scenario
    result = forecast(team, demand)
    if not 0 < result.weeks < math.inf:
        assert result.allocation == ()
        return
    assert [a.member_id for a in result.allocation] == [m.id for m in team]
    for area, needed in demand.items():
        done = sum(
            speed(m, area) * alloc.shares.get(area, 0.0) * result.weeks
            for m, alloc in zip(team, result.allocation, strict=True)
        )
        assert done >= needed * (1 - 1e-6)
    busiest = max(sum(alloc.shares.values()) for alloc in result.allocation)
    assert busiest == pytest.approx(1.0, rel=1e-6)  # the forecast is the busiest person's time
    for alloc in result.allocation:
        assert sum(alloc.shares.values()) <= 1 + 1e-9
        assert all(0 < share <= 1 + 1e-9 for share in alloc.shares.values())


@settings(max_examples=100, deadline=None)
@given(scenario=scenarios())
def test_pressure_is_never_negative_and_names_the_weakest_area(scenario: tuple) -> None:
    team, demand = scenario
    result = pressures(team, demand)
    weeks = result.forecast.weeks
    assert [p.area for p in result.areas] == list(demand)
    if math.isinf(weeks):
        assert all(p.pressure_weeks is None for p in result.areas)
        assert result.forecast.area_speed[result.weakest_area] == 0
        assert demand[result.weakest_area] > 0
        return
    values = [p.pressure_weeks for p in result.areas]
    assert all(v is not None and 0.0 <= v <= weeks for v in values)
    if weeks == 0:
        assert result.weakest_area is None
        return
    top = max(v for v in values if v is not None)
    weakest = next(p for p in result.areas if p.area == result.weakest_area)
    assert weakest.pressure_weeks == pytest.approx(top, abs=1e-9)
    assert demand[weakest.area] > 0


# --- the merged engine against a plain programme per member ---------------------------------
# `forecast` merges members with equal profiles and `forecast_with_each` solves once per distinct
# extra on the merged team (see team/forecast.py). These compare both with MODEL.md's programme
# written out here as plainly as possible: one variable per person and area, points as given,
# velocities by numpy's interpolation, HiGHS with its default options through `linprog`.


def plain_weeks(speeds: list[list[float]], demand: list[float]) -> float:
    """T for people with `speeds[p][a]` points a week in each area; infinite if infeasible."""
    n, k = len(speeds), len(demand)
    a_ub = np.zeros((k + n, 1 + n * k))  # variables [T, t[0][0], ..., t[0][k-1], t[1][0], ...]
    for p, row in enumerate(speeds):
        for a, s in enumerate(row):
            a_ub[a, 1 + p * k + a] = -s  # sum_p s[p][a] t[p][a] >= demand[a]
            a_ub[k + p, 1 + p * k + a] = 1.0  # sum_a t[p][a] <= T
        a_ub[k + p, 0] = -1.0
    b_ub = np.concatenate([-np.asarray(demand, dtype=float), np.zeros(n)])
    cost = np.zeros(1 + n * k)
    cost[0] = 1.0
    result = linprog(cost, A_ub=a_ub, b_ub=b_ub, method="highs")
    if result.status == 2:  # infeasible: some area with demand has no one
        return math.inf
    assert result.status == 0, result.message
    return float(result.x[0])


def plain_speeds(
    members: list[ForecastMember], areas: list[str], velocities: tuple, ppw: float
) -> list[list[float]]:
    """s[p][a] = ppw * fte * velocity(level), level 0 where missing."""
    return [
        [ppw * m.fte * float(np.interp(m.levels.get(a, 0.0), range(5), velocities)) for a in areas]
        for m in members
    ]


def plain_forecast(
    members: list[ForecastMember], demand: dict, velocities: tuple = VEL, ppw: float = PPW
) -> float:
    """`plain_weeks` for a team of members."""
    areas = list(demand)
    return plain_weeks(plain_speeds(members, areas, velocities, ppw), list(demand.values()))


velocity_tables = st.one_of(
    st.just(VEL),
    st.just((0.0, 0.35, 0.65, 1.0, 1.3)),  # level none cannot work: infinite forecasts
    # Rising, 0 or at least 0.01: a velocity of 1e-22 makes HiGHS call a finite T infeasible.
    st.lists(
        st.one_of(st.just(0.0), st.floats(0.01, 3.0)), min_size=5, max_size=5, unique=True
    ).map(lambda vs: tuple(sorted(vs))),
)
any_fte = st.one_of(ftes, st.floats(0.01, 1.0))


@st.composite
def engine_scenarios(draw: st.DrawFn) -> tuple:
    """A team of 0-12 and 0-6 extras drawn mostly from a few shared profiles, and settings.

    Shared profiles make groups of equal members (and extras equal to members and to each other),
    with different fte; levels are whole or half, some areas unrated; some areas have no demand.
    """
    areas = ["research", "engineering", "data", "infra"][: draw(st.integers(1, 4))]
    profile = st.lists(levels, min_size=len(areas), max_size=len(areas))
    shared = draw(st.lists(profile, min_size=1, max_size=3))
    pick = st.one_of(st.sampled_from(shared), profile)

    def person(i: int) -> ForecastMember:
        lvs = draw(pick)
        rated = {a: lv for a, lv in zip(areas, lvs, strict=True) if lv is not None}
        return ForecastMember(i, draw(any_fte), rated)

    team = [person(i) for i in range(1, draw(st.integers(0, 12)) + 1)]
    extras = [person(100 + i) for i in range(draw(st.integers(0, 6)))]
    demand = {area: draw(points) for area in areas}
    return team, extras, demand, draw(velocity_tables), draw(st.sampled_from([5.0, 1.0, 7.5]))


def same_weeks(got: float, want: float) -> bool:
    """Equal to 1e-6, relative or absolute; infinite only if both are."""
    return got == pytest.approx(want, rel=1e-6, abs=1e-6)


@PROPERTY_SETTINGS
@given(scenario=engine_scenarios())
def test_merged_forecast_equals_the_plain_programme(scenario: tuple) -> None:
    team, _, demand, velocities, ppw = scenario
    result = forecast(team, demand, velocities, ppw)
    assert same_weeks(result.weeks, plain_forecast(team, demand, velocities, ppw))
    if not 0 < result.weeks < math.inf:
        assert result.allocation == ()
        return
    # Everyone keeps their own entry; members with one profile get the same shares; the plan
    # finishes every area within the forecast.
    assert [a.member_id for a in result.allocation] == [m.id for m in team]
    by_profile: dict[tuple, dict] = {}
    for member, alloc in zip(team, result.allocation, strict=True):
        key = tuple(sorted(member.levels.items()))
        assert by_profile.setdefault(key, dict(alloc.shares)) == alloc.shares
        assert sum(alloc.shares.values()) <= 1 + 1e-9
    areas = list(demand)
    speeds = plain_speeds(team, areas, velocities, ppw)
    for k, area in enumerate(areas):
        done = sum(
            row[k] * alloc.shares.get(area, 0.0) * result.weeks
            for row, alloc in zip(speeds, result.allocation, strict=True)
        )
        assert done >= demand[area] * (1 - 1e-6)


def check_each_against_the_plain_programme(scenario: tuple) -> list[float]:
    """`forecast_with_each` equals the plain programme with each extra; their shares are optimal."""
    team, extras, demand, velocities, ppw = scenario
    results = forecast_with_each(team, extras, demand, velocities, ppw)
    assert len(results) == len(extras)
    areas = list(demand)
    for extra, result in zip(extras, results, strict=True):
        assert same_weeks(result.weeks, plain_forecast([*team, extra], demand, velocities, ppw))
        assert same_weeks(result.weeks, forecast_with(team, extra, demand, velocities, ppw).weeks)
        if not 0 < result.weeks < math.inf:
            assert result.shares == {}
            continue
        assert set(result.shares) <= {a for a in areas if demand[a] > 0}
        assert sum(result.shares.values()) <= 1 + 1e-9
        # The extra's shares belong to an optimal plan: the team alone finishes what is left of
        # the work within the same forecast.
        (own,) = plain_speeds([extra], areas, velocities, ppw)
        left = [
            max(demand[a] - own[k] * result.shares.get(a, 0.0) * result.weeks, 0.0)
            for k, a in enumerate(areas)
        ]
        rest = plain_weeks(plain_speeds(team, areas, velocities, ppw), left)
        assert rest <= result.weeks * (1 + 1e-6) + 1e-6
    return [result.weeks for result in results]


@PROPERTY_SETTINGS
@given(scenario=engine_scenarios())
def test_forecast_with_each_equals_the_plain_programme_per_extra(scenario: tuple) -> None:
    check_each_against_the_plain_programme(scenario)


@settings(max_examples=50, deadline=None)
@given(scenario=engine_scenarios())
def test_forecast_with_each_without_highspy_solves_each_profile_with_linprog(
    scenario: tuple,
) -> None:
    # The service runs without the optional highspy too: then linprog solves each profile.
    with_highspy = forecast_with_each(*scenario)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(forecast_module, "highspy", None)
        without = check_each_against_the_plain_programme(scenario)
    assert without == pytest.approx([r.weeks for r in with_highspy], rel=1e-9, abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(scenario=engine_scenarios())
def test_merged_pressures_equal_the_plain_programme(scenario: tuple) -> None:
    team, _, demand, velocities, ppw = scenario
    result = pressures(team, demand, velocities, ppw)
    areas = list(demand)
    speeds = plain_speeds(team, areas, velocities, ppw)
    base = plain_weeks(speeds, list(demand.values()))
    for pressure in result.areas:
        if math.isinf(base):
            assert pressure.pressure_weeks is None
            continue
        strong = ppw * float(np.interp(3, range(5), velocities))
        specialist = [strong if a == pressure.area else 0.0 for a in areas]
        saved = base - plain_weeks([*speeds, specialist], list(demand.values()))
        assert pressure.pressure_weeks == pytest.approx(max(saved, 0.0), rel=1e-6, abs=1e-6)


def test_equal_members_merge_into_one_with_their_summed_fte() -> None:
    # Two half-time working researchers are one full-time one: 13 / (5 * 0.65) = 4 weeks, and
    # each spends all of it on research.
    halves = [ForecastMember(1, 0.5, {"research": 2}), ForecastMember(2, 0.5, {"research": 2})]
    result = forecast(halves, {"research": 13.0})
    assert result.weeks == pytest.approx(4.0, rel=1e-9)
    assert [(a.member_id, a.shares) for a in result.allocation] == [
        (1, pytest.approx({"research": 1.0})),
        (2, pytest.approx({"research": 1.0})),
    ]


def test_a_clone_of_alice_by_hand() -> None:
    # Alice twice (merged: research 2, engineering 0.7 strong-units) and Bob, as in
    # test_two_members_two_areas_solved_on_paper: the Alices do research (4 strong-weeks, so 2
    # weeks), then engineering with Bob: 0.65 T + 0.7 (T - 2) = 6, T = 7.4 / 1.35 = 148/27.
    # The dual y = (research 0.35, engineering 1) certifies it: 7.4 / (2 * 0.35 + 0.65).
    alice, bob = alice_and_bob()
    clone = ForecastMember(3, 1.0, dict(alice.levels))
    result = forecast([alice, bob, clone], ALICE_AND_BOB_DEMAND)
    weeks = 148 / 27
    assert result.weeks == pytest.approx(weeks, rel=1e-9)
    first, second, third = result.allocation
    assert first.shares == pytest.approx({"research": 2 / weeks, "engineering": 1 - 2 / weeks})
    assert third.shares == first.shares
    assert second.shares == pytest.approx({"engineering": 1.0})


def test_forecast_with_each_by_hand() -> None:
    # Alice and Bob plus an engineering expert (research 0.1, engineering 1.3 strong-units): Alice
    # does only research, Bob helps her u weeks, the rest is engineering:
    #   T + 0.1 u = 4  and  0.65 (T - u) + 1.3 T = 6   ->   8.45 T = 32.
    # Dual y = (1, 2/13): (4 + 6 * 2/13) / (1 + 0.1 + 0.2) = 32 / 8.45. The expert does only
    # engineering. The same expert twice is solved once and gets the very same answer.
    expert = ForecastMember(9, 1.0, {"engineering": 4})
    twin = ForecastMember(10, 1.0, {"engineering": 4, "research": 0})
    first, second = forecast_with_each(alice_and_bob(), [expert, twin], ALICE_AND_BOB_DEMAND)
    assert first.weeks == pytest.approx(32 / 8.45, rel=1e-9)
    assert first.shares == pytest.approx({"engineering": 1.0})
    assert second == first


def test_forecast_with_each_finite_infinite_and_no_work() -> None:
    # Level none cannot work. Alice (research strong) cannot do data; a data-strong extra does it
    # alone in 10/5 = 2 weeks while Alice takes 20/5 = 4 on research: T = 4, half the extra's
    # time on data. A research-only extra leaves data undone: infinite, no shares.
    velocities = (0.0, 0.35, 0.65, 1.0, 1.3)
    alice = [ForecastMember(1, 1.0, {"research": 3})]
    helps = ForecastMember(2, 1.0, {"data": 3})
    useless = ForecastMember(3, 1.0, {"research": 4})
    demand = {"research": 20.0, "data": 10.0, "infra": 0.0}
    helped, not_helped = forecast_with_each(alice, [helps, useless], demand, velocities)
    assert helped.weeks == pytest.approx(4.0, rel=1e-9)
    assert helped.shares == pytest.approx({"data": 0.5})
    assert (not_helped.weeks, not_helped.shares) == (math.inf, {})
    nothing = forecast_with_each(alice, [helps, useless], dict.fromkeys(demand, 0.0))
    assert [(r.weeks, r.shares) for r in nothing] == [(0.0, {}), (0.0, {})]
    assert forecast_with_each(alice, [], demand) == ()


def test_forecast_with_each_refuses_an_extra_over_full_time() -> None:
    with pytest.raises(ValueError, match="fte"):
        forecast_with_each([], [ForecastMember(1, 1.5, {})], {"a": 1.0})
