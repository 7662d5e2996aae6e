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

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\t\n\r")


def has_control(value: str, *, line_breaks: bool = False) -> bool:
    """Whether `value` holds a character no text field of ours accepts (see the module doc)."""
    for ch in value:
        code = ord(ch)
        if code < 32:
            if line_breaks and ch in LINE_BREAKS:
                continue
            return True
        if 0x7F <= code <= 0x9F or ch in BIDI_CONTROLS:
            return True
    return False
