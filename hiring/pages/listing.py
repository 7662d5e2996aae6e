"""Reading list parameters (search, sort, page) the same way on every list page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import request

PAGE_SIZE = 50
# Ids are 32-bit integers in the database (PostgreSQL `integer`).
# Offsets beyond this are clamped: a hand-typed 10**30 would overflow the database's integers.
MAX_OFFSET = 10**9


@dataclass(frozen=True)
class PageArgs:
    """What a list page was asked for; bad values fall back to defaults instead of failing."""

    search: str
    sort: str
    descending: bool
    limit: int
    offset: int

    def query(self, **extra: object) -> dict[str, object]:
        """The arguments as a query string dict, to build links that keep the current view."""
        base: dict[str, object] = {"sort": self.sort, "dir": "desc" if self.descending else "asc"}
        if self.search:
            base["q"] = self.search
        return base | extra


def page_args(*, sorts: Mapping[str, object], default_sort: str) -> PageArgs:
    """Parse ?q=&sort=&dir=&offset= leniently: a hand-edited URL never gives an error page."""
    sort = request.args.get("sort", default_sort)
    try:
        offset = min(max(0, int(request.args.get("offset", "0"))), MAX_OFFSET)
    except ValueError:
        offset = 0
    return PageArgs(
        search=request.args.get("q", "").strip()[:100],
        sort=sort if sort in sorts else default_sort,
        descending=request.args.get("dir") == "desc",
        limit=PAGE_SIZE,
        offset=offset,
    )
