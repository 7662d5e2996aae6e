"""Search boxes: a user's text matched literally inside names and titles."""

from __future__ import annotations

LIKE_ESCAPE = "\\"


def contains_pattern(search: str) -> str:
    """A case-folded LIKE pattern finding `search` literally (`%` and `_` included).

    Use with `func.lower(column).like(pattern, escape=LIKE_ESCAPE)`.
    """
    text = search.strip().lower()
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"
