"""Interviewer calibration (MODEL.md, "Deciding together"): how each interviewer rates against
the rest of the panel, and how far the panel agrees in each area.

Interviewers differ in severity, and a hiring manager should know it before reading a card: a
"working" from someone who rates everyone a level below the panel says something else than the
same word from someone who rates a level above. This module measures that and nothing more. It
informs only: ratings are never adjusted, because an adjusted rating is an opinion about a
person that the panel should discuss, not something a formula should settle quietly.

Pure functions over plain values, like `rubric.py` and `ranking.py` beside it: the caller passes
the current submitted cards it may read (the newest submitted revision of each interviewer's
card for a candidate; drafts never count) and the areas in display order.

- **Bias**: for each rating r by interviewer i of candidate c in area a where at least one other
  interviewer also rated (c, a), the deviation is `r - median(others' ratings of (c, a))`. The
  bias is the mean deviation, overall and per area, with its count n (None when n = 0). A
  "not assessed" is not a rating: it neither deviates nor counts among the others.
- **Flag**: "rates_high" or "rates_low" when |bias| >= 0.5 and n >= 5. Deviations are multiples
  of a half (a median of levels is), so the sums are kept doubled, as integers, and the
  threshold is decided exactly, never by a float that lands at 0.4999999.
- **Agreement**: Krippendorff's alpha per area, ordinal over the levels 0-4, with candidates as
  the units and interviewers as the coders, computed by the `krippendorff` package (a
  well-tested implementation rather than our own). It is None where undefined: fewer than two
  pairable ratings (ratings of a candidate someone else also rated in that area), or a single
  value among them, where the expected disagreement is zero and alpha is 0/0.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import krippendorff
import numpy as np

from team.levels import LEVEL_MAX, LEVEL_MIN

__all__ = [
    "FLAG_BIAS",
    "FLAG_MIN_N",
    "LEVELS",
    "Agreement",
    "Bias",
    "Calibration",
    "Comparison",
    "Flag",
    "InterviewerCalibration",
    "SubmittedCard",
    "agreement",
    "calibrate",
]

# The levels in order: the ordinal metric needs the whole scale, not only the levels that occur.
LEVELS: tuple[int, ...] = tuple(range(LEVEL_MIN, LEVEL_MAX + 1))
FLAG_BIAS = 0.5
FLAG_MIN_N = 5

Flag = Literal["rates_high", "rates_low"]


@dataclass(frozen=True)
class SubmittedCard:
    """One interviewer's current submitted card for one candidate: area key -> level 0-4, or
    None for "not assessed"."""

    interviewer: int
    candidate: int
    ratings: Mapping[str, int | None]


@dataclass(frozen=True)
class Bias:
    """A mean deviation from the others' median and how many ratings it is over.

    `doubled` is twice the sum of the deviations, a whole number (see the module docstring)."""

    n: int
    doubled: int

    @property
    def bias(self) -> float | None:
        """The mean deviation, in levels; None when there is nothing to compare (n = 0)."""
        return self.doubled / (2 * self.n) if self.n else None


@dataclass(frozen=True)
class Comparison:
    """One rating set against the panel: what the interviewer gave the candidate in the area,
    and the median of what the others gave (a point of the calibration chart)."""

    candidate: int
    area: str
    rating: int
    others: float

    @property
    def deviation(self) -> float:
        """How far above (positive) or below the others' median the rating is."""
        return self.rating - self.others


@dataclass(frozen=True)
class InterviewerCalibration:
    """How one interviewer rates against the rest of the panel."""

    interviewer: int
    cards: int  # current submitted cards, compared or not
    overall: Bias
    by_area: Mapping[str, Bias]  # every area, in display order
    comparisons: tuple[Comparison, ...]

    @property
    def n(self) -> int:
        """Ratings compared with someone else's, over every area."""
        return self.overall.n

    @property
    def bias(self) -> float | None:
        """The overall mean deviation (None when nothing was compared)."""
        return self.overall.bias

    @property
    def flag(self) -> Flag | None:
        """Whether they rate high or low: "rates_high" or "rates_low" when |bias| >= 0.5 over
        at least 5 ratings, else None.

        Five ratings keep one odd interview from labelling a person; half a level is the
        smallest difference a median of levels can show."""
        if self.overall.n < FLAG_MIN_N or abs(self.overall.doubled) < self.overall.n:
            return None
        return "rates_high" if self.overall.doubled > 0 else "rates_low"


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha of one area, with what it rests on."""

    alpha: float | None
    ratings: int  # pairable ratings: of candidates at least two interviewers rated here
    candidates: int  # candidates at least two interviewers rated here
    values: int  # distinct levels among the pairable ratings

    @property
    def reading(self) -> str:
        """Alpha in plain words, on Krippendorff's own scale: 0.8 or more is agreement to rely
        on, 0.667 or more is enough for tentative conclusions, below that the panel's ratings
        in this area say more about who interviewed than about the candidate."""
        if self.alpha is None:
            if self.ratings < 2:
                return "not enough ratings to tell: no candidate was rated by two people here"
            return "cannot be measured: everyone gave the same level"
        if self.alpha >= 0.8:
            return "the panel agrees well"
        if self.alpha >= 2 / 3:
            return "the panel mostly agrees: enough for tentative conclusions"
        if self.alpha > 0:
            return "the panel often disagrees: discuss before relying on these ratings"
        return "no better than chance: the panel does not agree"


@dataclass(frozen=True)
class Calibration:
    """Every interviewer with a card (by id) and the agreement of each area (display order)."""

    interviewers: tuple[InterviewerCalibration, ...]
    agreement: Mapping[str, Agreement]


def _checked(card: SubmittedCard, areas: Sequence[str]) -> dict[str, int]:
    """The card's ratings in the given areas, "not assessed" left out; a level off the scale is
    a caller's mistake (the database and the forms allow none), so it is refused loudly."""
    found: dict[str, int] = {}
    for key in areas:
        level = card.ratings.get(key)
        if level is None:
            continue
        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise ValueError(f"a level is a whole number 0-4, not {level!r} ({key})")
        found[key] = level
    return found


def calibrate(cards: Iterable[SubmittedCard], areas: Sequence[str]) -> Calibration:
    """Bias per interviewer and agreement per area over the current submitted cards.

    `cards` must hold one card per (interviewer, candidate): the current revision, as counting
    an old one too would count one opinion twice (ValueError otherwise). Ratings of areas not
    in `areas` are left out."""
    # (candidate, area) -> interviewer -> level
    rated: dict[tuple[int, str], dict[int, int]] = defaultdict(dict)
    card_count: dict[int, int] = defaultdict(int)
    seen: set[tuple[int, int]] = set()
    for card in cards:
        if (card.interviewer, card.candidate) in seen:
            raise ValueError(
                f"two cards of interviewer {card.interviewer} for candidate {card.candidate}: "
                "pass the current revision only"
            )
        seen.add((card.interviewer, card.candidate))
        card_count[card.interviewer] += 1
        for key, level in _checked(card, areas).items():
            rated[(card.candidate, key)][card.interviewer] = level
    area_order = {key: i for i, key in enumerate(areas)}
    compared: dict[int, list[Comparison]] = defaultdict(list)
    for (candidate, key), levels in sorted(
        rated.items(), key=lambda item: (item[0][0], area_order[item[0][1]])
    ):
        if len(levels) < 2:
            continue
        for interviewer, level in levels.items():
            others = statistics.median(v for i, v in levels.items() if i != interviewer)
            compared[interviewer].append(Comparison(candidate, key, level, float(others)))
    interviewers = tuple(
        _interviewer(interviewer, card_count[interviewer], compared[interviewer], areas)
        for interviewer in sorted(card_count)
    )
    by_area: dict[str, dict[int, list[int]]] = {key: defaultdict(list) for key in areas}
    for (candidate, key), levels in rated.items():
        by_area[key][candidate].extend(levels.values())
    return Calibration(
        interviewers=interviewers,
        agreement={key: agreement(by_area[key].values()) for key in areas},
    )


def _interviewer(
    interviewer: int, cards: int, comparisons: list[Comparison], areas: Sequence[str]
) -> InterviewerCalibration:
    """One interviewer's bias, overall and per area, from their comparisons."""
    n: dict[str, int] = dict.fromkeys(areas, 0)
    doubled: dict[str, int] = dict.fromkeys(areas, 0)
    for c in comparisons:
        n[c.area] += 1
        # A median of whole levels is a whole or a half level: twice it is a whole number.
        doubled[c.area] += 2 * c.rating - round(2 * c.others)
    return InterviewerCalibration(
        interviewer=interviewer,
        cards=cards,
        overall=Bias(n=sum(n.values()), doubled=sum(doubled.values())),
        by_area={key: Bias(n=n[key], doubled=doubled[key]) for key in areas},
        comparisons=tuple(comparisons),
    )


def agreement(units: Iterable[Sequence[int]]) -> Agreement:
    """Krippendorff's alpha (ordinal, levels 0-4) of one area: `units` holds, per candidate,
    the levels the interviewers gave them there (any order; "not assessed" left out).

    The package is given the value counts (per candidate, how many interviewers gave each
    level), which is exactly what it makes of a candidates x interviewers matrix itself: a
    manager's view over every opening can hold thousands of candidates and many interviewers,
    and the matrix would be mostly empty. Candidates rated by fewer than two people pair with
    nobody and are left out, which changes nothing in alpha. `value_domain` names the whole
    scale, so that the ordinal distances count the levels between two ratings even where
    nobody gave them."""
    counts = [
        [sum(1 for level in unit if level == value) for value in LEVELS]
        for unit in (list(u) for u in units)
        if len(unit) >= 2
    ]
    ratings = sum(sum(row) for row in counts)
    values = sum(1 for i in range(len(LEVELS)) if any(row[i] for row in counts))
    found = Agreement(alpha=None, ratings=ratings, candidates=len(counts), values=values)
    if ratings < 2 or values < 2:
        return found  # undefined: nothing to pair, or no variation to disagree about (0/0)
    with np.errstate(all="ignore"):
        alpha = float(
            krippendorff.alpha(
                value_counts=np.array(counts, dtype=int),
                value_domain=list(LEVELS),
                level_of_measurement="ordinal",
            )
        )
    if not math.isfinite(alpha):
        return found
    return Agreement(alpha=alpha, ratings=ratings, candidates=len(counts), values=values)
