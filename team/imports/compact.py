"""What a big members or work items file keeps of each row, compactly: 100,000 rows are
checked and held at once (the preview lists them all, the import writes them all), in one
worker's 300 MB.

Many rows say the same things (the same ratings, title, "ML research: basic → working"), so
`Shared` hands out one copy of each; and a row's summary is a slotted mapping, a third of the
memory of a dict with the same keys.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T", bound=Hashable)


@dataclass
class Shared:
    """One copy of each distinct value, handed out for every equal one (never changed after).

    Ratings are kept in the order given: equal mappings in another order are other copies.
    """

    _copies: dict[Hashable, Any] = field(default_factory=dict)

    def mapping(self, value: dict[str, int]) -> Mapping[str, int]:
        """The shared copy of a mapping of keys to levels."""
        return self._copies.setdefault(("mapping", *value.items()), value)

    def value(self, value: T) -> T:
        """The shared copy of a hashable value (a title, say)."""
        return self._copies.setdefault(value, value)


SUMMARY_KEYS = (
    "name",
    "email",
    "title",
    "fte",
    "levels",
    "skills",
    "start_date",
    "end_date",
    "changes",
    "changed",
    "left",
)


class _Slotted(Mapping[str, Any]):
    """A read-only mapping of a fixed set of keys (`KEYS`), also readable as attributes (as
    templates do), in slots: a third of the memory of a dict with the same keys."""

    __slots__ = ()
    KEYS: tuple[str, ...] = ()

    def __init__(self, **values: Any) -> None:
        for key in self.KEYS:
            object.__setattr__(self, key, values[key])

    def __getitem__(self, key: str) -> Any:
        if key not in self.KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.KEYS)

    def __len__(self) -> int:
        return len(self.KEYS)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a summary is read only")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict(self)!r})"


class Summary(_Slotted):
    """A members row's summary (`ImportRow.summary`)."""

    __slots__ = SUMMARY_KEYS
    KEYS = SUMMARY_KEYS


WORK_SUMMARY_KEYS = (
    "title",
    "area",
    "area_name",
    "points",
    "status",
    "skills",
    "note",
    "assignee",
    "assignee_name",
    "assignee_problem",
)


class WorkSummary(_Slotted):
    """A work items row's summary (`ImportRow.summary`)."""

    __slots__ = WORK_SUMMARY_KEYS
    KEYS = WORK_SUMMARY_KEYS
