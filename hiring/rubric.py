"""A candidate's levels and rubric verdict from their submitted scorecards (MODEL.md, "Candidates").

Pure functions over plain values, so the verdict a page shows is tested without a database: the
caller passes the ratings of the submitted cards only (drafts count for nothing) and the workspace's
areas as an ordered mapping of area key to display name. Every verdict names the areas that decided
it, in the users' words, so that "why did this candidate fail?" is answered on the page itself.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from team.levels import LEVEL_MAX, LEVEL_MIN, STRONG, level_name

__all__ = [
    "BASIC",
    "CardRatings",
    "Rubric",
    "VERDICT_NAMES",
    "Verdict",
    "candidate_levels",
    "unrated_areas",
    "verdict",
]

BASIC = 1

Verdict = Literal["incomplete", "no_strong_area", "below_basic", "passes"]

# The one label of each verdict, on every page that shows one (ranking, candidate, opening,
# comparison); the API answers the keys.
VERDICT_NAMES: dict[str, str] = {
    "passes": "Passes",
    "incomplete": "Not fully assessed",
    "no_strong_area": "No strong area",
    "below_basic": "Below basic in an area",
}


@dataclass(frozen=True)
class CardRatings:
    """Who said what: one submitted scorecard's ratings (None = not assessed) and recommendation."""

    interviewer: str
    ratings: Mapping[str, int | None]
    recommendation: str | None


@dataclass(frozen=True)
class Rubric:
    """The rubric's verdict, whether it passes, and the reason in words naming the deciding areas.

    `verdict` is the first of "incomplete", "no_strong_area", "below_basic" that applies, else
    "passes"; `deciding_areas` are the area keys the reason names, in display order.
    """

    verdict: Verdict
    passes: bool
    reason: str
    deciding_areas: tuple[str, ...]


Card = Mapping[str, int | None] | CardRatings


def candidate_levels(cards: Iterable[Card], areas: Iterable[str]) -> dict[str, float | None]:
    """Per area (display order), the median of the submitted ratings; None if nobody rated it.

    The median, not the mean, so that one outlying interviewer does not move the level; an even
    count gives the mean of the middle two (e.g. 2 and 3 give 2.5). Ratings of areas not in `areas`
    (an area removed since) are ignored.
    """
    keys = list(areas)
    rated: dict[str, list[int]] = {key: [] for key in keys}
    for card in cards:
        for key, rating in _ratings(card).items():
            if rating is not None and key in rated:
                rated[key].append(_checked(key, rating))
    return {key: float(statistics.median(rated[key])) if rated[key] else None for key in keys}


def level_range(
    cards: Iterable[Card], areas: Iterable[str]
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Per area, the lowest and the highest submitted rating (MODEL.md, "Disagreement"); None
    where nobody rated it. The range informs; the median alone ranks."""
    keys = list(areas)
    rated: dict[str, list[int]] = {key: [] for key in keys}
    for card in cards:
        for key, rating in _ratings(card).items():
            if rating is not None and key in rated:
                rated[key].append(_checked(key, rating))
    low = {key: float(min(rated[key])) if rated[key] else None for key in keys}
    high = {key: float(max(rated[key])) if rated[key] else None for key in keys}
    return low, high


def unrated_areas(cards: Iterable[Card], areas: Iterable[str]) -> tuple[str, ...]:
    """The areas nobody has rated yet, so a hiring manager knows what the panel still has to ask."""
    levels = candidate_levels(cards, areas)
    return tuple(key for key, level in levels.items() if level is None)


def verdict(levels: Mapping[str, float | None], areas: Mapping[str, str]) -> Rubric:
    """Apply "strong in one area, basic in all" to a candidate's levels (missing area = None).

    The checks run in MODEL.md's order, so a candidate with an unrated area is "incomplete" even if
    another area is already below basic: the panel is not done, and the verdict may still change.
    """
    named = {key: levels.get(key) for key in areas}
    missing = tuple(key for key, level in named.items() if level is None)
    if missing:
        names = _join(areas[key] for key in missing)
        return Rubric("incomplete", False, f"not assessed in {names}", missing)
    assessed = {key: float(level) for key, level in named.items() if level is not None}
    strong = tuple(key for key, level in assessed.items() if level >= STRONG)
    if not strong:
        return _no_strong_area(assessed, areas)
    weak = tuple(key for key, level in assessed.items() if level < BASIC)
    if weak:
        return Rubric("below_basic", False, f"below basic in {_at(weak, assessed, areas)}", weak)
    reason = f"strong in {_at(strong, assessed, areas)}, at least basic in all"
    return Rubric("passes", True, reason, strong)


def _no_strong_area(assessed: Mapping[str, float], areas: Mapping[str, str]) -> Rubric:
    """The verdict when no area is strong, naming the best area(s): the nearest to passing."""
    if not assessed:
        return Rubric("no_strong_area", False, "not strong in any area: there are no areas", ())
    top = max(assessed.values())
    best = tuple(key for key, level in assessed.items() if level == top)
    reason = f"not strong in any area: best is {_join(areas[k] for k in best)} at {level_name(top)}"
    return Rubric("no_strong_area", False, reason, best)


def _ratings(card: Card) -> Mapping[str, int | None]:
    """A card's ratings, whether the caller passed the bare mapping or who-said-what."""
    return card.ratings if isinstance(card, CardRatings) else card


def _checked(area: str, rating: object) -> int:
    """Refuse a rating the model does not define rather than average it into a level."""
    if isinstance(rating, bool) or not isinstance(rating, int):
        raise ValueError(f"rating for {area} must be a whole number from 0 to 4, got {rating!r}")
    if not LEVEL_MIN <= rating <= LEVEL_MAX:
        raise ValueError(f"rating for {area} must be from 0 to 4, got {rating}")
    return rating


def _at(keys: Iterable[str], levels: Mapping[str, float], areas: Mapping[str, str]) -> str:
    """Areas with their level names, e.g. "research (none) and data (none-basic)"."""
    return _join(f"{areas[key]} ({level_name(levels[key])})" for key in keys)


def _join(parts: Iterable[str]) -> str:
    """Join names as a sentence would: "a", "a and b", "a, b and c"."""
    items = list(parts)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"
