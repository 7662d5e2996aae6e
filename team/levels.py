"""Levels and their names, as MODEL.md defines them.

Levels are plain integers 0-4 everywhere in storage and the API; the names and meanings here are
what pages show, so that a rating always reads in the users' words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

LEVEL_MIN = 0
LEVEL_MAX = 4
STRONG = 3

LEVEL_NAMES: tuple[str, ...] = ("none", "basic", "working", "strong", "expert")

LEVEL_MEANINGS: tuple[str, ...] = (
    "has not done this work",
    "can do small, well-specified tasks with help",
    "does routine work alone",
    "does hard work alone, reviews others",
    "sets direction, the reference others ask",
)

DEFAULT_VELOCITIES: tuple[float, ...] = (0.10, 0.35, 0.65, 1.00, 1.30)
DEFAULT_POINTS_PER_WEEK = 5.0

DEFAULT_AREAS: tuple[tuple[str, str], ...] = (
    ("research", "ML research"),
    ("engineering", "Software and ML engineering"),
    ("data", "Data engineering"),
)


def level_name(level: float | None) -> str:
    """Name a level for display; fractional levels (a candidate's median) name both neighbours."""
    if level is None:
        return "not assessed"
    if float(level).is_integer():
        return LEVEL_NAMES[int(level)]
    low = int(level)
    return f"{LEVEL_NAMES[low]}-{LEVEL_NAMES[low + 1]}"


def parse_level(value: object) -> int:
    """Read a stored or submitted level, refusing anything but a whole number 0-4.

    Raises ValueError with a message fit to show a user, so every entry point (forms, API, CSV)
    refuses the same inputs with the same words.
    """
    if isinstance(value, bool):
        raise ValueError("must be a whole number from 0 to 4")
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0
        if text.lower() in LEVEL_NAMES:
            return LEVEL_NAMES.index(text.lower())
        try:
            number = float(text)
        except ValueError:
            raise ValueError("must be a whole number from 0 to 4") from None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        raise ValueError("must be a whole number from 0 to 4")
    if not number.is_integer() or not LEVEL_MIN <= number <= LEVEL_MAX:
        raise ValueError("must be a whole number from 0 to 4")
    return int(number)


def level_changes(
    keys: Iterable[str], before: Mapping[str, int], after: Mapping[str, int]
) -> list[tuple[str, int, int]]:
    """(key, old, new) for each of `keys` whose level differs between `before` and `after`, in
    their order; a missing level is 0 (stored as no row). The one rule of what a rating change
    is, for a member edited alone, a members file's preview and its bulk write."""
    return [(k, old, new) for k in keys if (old := before.get(k, 0)) != (new := after.get(k, 0))]
