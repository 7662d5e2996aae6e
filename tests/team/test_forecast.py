"""The forecast and pressures of MODEL.md: hand-solved cases, an exact oracle, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from team.forecast import (
    DEFAULT_POINTS_PER_WEEK,
    DEFAULT_VELOCITIES,
    ForecastMember,
    forecast,
    forecast_with,
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
@given(scenario=scenarios(), weights=st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4))
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
