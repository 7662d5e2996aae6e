"""The one rule for shown lengths of time: ends rounded first, differences of the shown ends."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from hiring.numbers import (
    Duration,
    as_shown,
    between,
    difference,
    duration,
    later,
    number,
    saving,
    shown,
    sooner,
)


def test_the_issue_example_reads_as_the_difference_of_its_ends() -> None:
    # 3.64 -> 3.26 was "save 0.4 weeks: 3.6 -> 3.3"; now the ends decide.
    assert str(shown(3.64)) == "3.6 weeks"
    assert str(shown(3.26)) == "3.3 weeks"
    assert str(difference(3.64, 3.26)) == "1.5 days"


def test_under_two_weeks_reads_in_working_days() -> None:
    assert duration(0.8) == "4 days"
    assert duration(0.2) == "1 day"
    assert duration(0.0) == "0 days"
    assert duration(1.9) == "9.5 days"
    assert duration(1.96) == "2 weeks"
    assert duration(2.0) == "2 weeks"
    assert duration(12.25) == "12.3 weeks"  # halves away from zero, as people round
    assert duration(-0.4) == "-2 days"


def test_no_length_or_a_length_that_never_ends() -> None:
    assert shown(None) is None and shown(math.inf) is None and shown(math.nan) is None
    assert duration(math.inf, never="cannot be finished") == "cannot be finished"
    assert duration(None) == "–"
    assert difference(3.0, math.inf) is None


finite = st.floats(min_value=-500, max_value=500, allow_nan=False)


@given(finite, finite)
def test_a_shown_difference_is_the_difference_of_the_shown_ends(a: float, b: float) -> None:
    first, second, gap = shown(a), shown(b), difference(a, b)
    assert first is not None and second is not None and gap is not None
    # In the words a page prints: parse the ends back and subtract them.
    assert math.isclose(_weeks(str(first)) - _weeks(str(second)), _weeks(str(gap)), abs_tol=1e-9)


@given(finite)
def test_a_shown_length_is_within_half_its_last_place(a: float) -> None:
    length = shown(a)
    assert isinstance(length, Duration)
    tolerance = 0.1 if length.in_days else 0.05  # half a day, or half a tenth of a week
    assert abs(length.weeks - a) <= tolerance + 1e-9


def _weeks(text: str) -> float:
    value, unit = text.split()
    return float(value) / (5 if unit.startswith("day") else 1)


def test_differences_in_words() -> None:
    assert sooner(difference(3.64, 3.26)) == "1.5 days sooner"
    assert sooner(difference(3.0, 5.0)) == "2 weeks later"
    assert sooner(difference(1.0, 1.01)) == "no sooner"
    assert sooner(difference(math.inf, 1.0), never="never") == "never"
    assert later(difference(12.0, 1.909)) == "10.1 weeks later"
    assert later(difference(1.0, 1.8)) == "4 days sooner"
    assert later(Duration(0)) == "no later"
    # A Duration passes through the filter as it reads; weeks are shown first.
    assert duration(Duration(7)) == "3.5 days"
    assert as_shown(0.8) == Duration(8)


def test_a_saving_without_its_second_end_reads_as_one_with_it() -> None:
    # 12 weeks -> 1.74 weeks (9 days) saves 10.2 weeks, not 10.3 (10.26 rounded).
    assert saving(12.0, 12.0 - 1.74) == difference(12.0, 1.74) == Duration(102)
    assert str(saving(12.0, 10.26)) == "10.2 weeks"
    assert saving(math.inf, 1.0) is None and saving(3.0, None) is None


def test_a_range_says_its_unit_once_when_both_ends_share_it() -> None:
    assert between(0.4, 1.2) == "between 2 and 6 days"
    assert between(1.8, 2.5) == "between 9 days and 2.5 weeks"
    assert between(2.04, 3) == "between 2 and 3 weeks"
    assert between(None, 3) == "–"


def test_points_and_shares_keep_their_own_format() -> None:
    assert number(3.0) == "3" and number(2.500000001) == "2.5" and number(None) == "–"
    assert number(56.52, 0) == "57"
