"""What free text may hold: one rule for every name, title, note and search, wherever it enters.

Refused everywhere:
- C0 controls (NUL and friends) and DEL/C1: PostgreSQL refuses NUL in text, they corrupt CSV
  exports, and no person types them;
- the bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): a
  name holding RIGHT-TO-LEFT OVERRIDE is shown reversed, so "Bob\u202egnp.exe" reads as another
  text than it is (the "Trojan Source" trick). Arabic and Hebrew names need none of them: the
  browser lays out right-to-left letters by itself.
Tabs and line breaks are allowed only where the caller says so (notes, descriptions).
"""

from __future__ import annotations

import re
from datetime import date

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\t\n\r")

# The same characters as one regular expression each (a search in C, not a loop in Python: a
# 100,000-row file checks 800,000 cells): with and without the line breaks allowed.
_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_REFUSED_ANYWHERE = re.compile(f"[\t\n\r{_REFUSED}]")
_REFUSED_BESIDE_BREAKS = re.compile(f"[{_REFUSED}]")


def has_control(value: str, *, line_breaks: bool = False) -> bool:
    """Whether `value` holds a character no text field of ours accepts (see the module doc)."""
    pattern = _REFUSED_BESIDE_BREAKS if line_breaks else _REFUSED_ANYWHERE
    return pattern.search(value) is not None


def day_text(value: date) -> str:
    """A day as every page, message and mail writes it: 12 March 2027 (no leading zero, the
    month in words, so that nobody reads 03/12 as December)."""
    return f"{value.day} {value:%B %Y}"
