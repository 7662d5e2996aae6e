"""The weakest area in words a leader reads, not only its effect: "Data engineering: 54% of the
open work, 2 of 13 people strong or better; one strong hire here saves 2.5 days".

The facts come from the coverage report (`team.report.CoverageReport.weakest`, computed once);
this module only words them, with the one rule for lengths of time (hiring/numbers.py), so the
coverage page, the openings form and the API's coverage report say the same sentence. Pure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hiring.numbers import Duration, difference, number

if TYPE_CHECKING:
    from team.report import WeakestArea


def weakest_saves(facts: WeakestArea | None) -> Duration | None:
    """What one more strong specialist in the area saves, as the difference of the two shown
    forecasts (with and without them); None when the work cannot be finished."""
    if facts is None:
        return None
    return difference(facts.forecast_weeks, facts.weeks_with_specialist)


def weakest_words(facts: WeakestArea | None) -> str | None:
    """The sentence: the area, its share of the open work, how many of the team are strong or
    better there, and what one strong hire there would save (or that nobody can work there,
    when the work cannot be finished); None when no area holds the team back."""
    if facts is None:
        return None
    share = f"{facts.name}: {number(facts.demand_share * 100, 0)}% of the open work"
    if facts.people == 0:
        return f"{share}, and nobody on the team to do it."
    people = "person" if facts.people == 1 else "people"
    start = f"{share}, {facts.strong_or_better} of {facts.people} {people} strong or better"
    if facts.forecast_weeks is None:
        return (
            f"{start}, and nobody who can work on it: the planned work cannot be finished "
            "until someone can."
        )
    saves = weakest_saves(facts)
    if saves is None:
        return f"{start}."
    if saves.half_days <= 0:
        return f"{start}; one strong hire here would not make the work land sooner."
    return f"{start}; one strong hire here saves {saves}."
