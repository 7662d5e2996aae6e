"""Hypothesis strategies for hostile API input: JSON values of every type, strings that break
things (NUL, right-to-left overrides, lone surrogates, BOMs, huge lengths), numbers at the
edges, and whole request bodies that are not JSON objects at all.

Each body strategy mixes well-shaped values (so that requests get past the first check and
reach the services and the database) with junk in any field, so both sides of every rule are
walked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import strategies as st

AREAS = ("research", "engineering", "data")
SKILLS = ("pytorch", "sql")  # made by the fixtures: one skill in research, one in data

# Characters that have broken web apps before: NUL and other controls, bidi overrides, a BOM,
# lone surrogates (valid as a JSON escape, invalid in UTF-8), a dotted capital I whose
# lowercase is two characters, line and paragraph separators, an emoji outside the BMP.
WEIRD_CHARS = (
    "\x00",
    "\x01",
    "\x1f",
    "\x7f",
    "\x85",
    "\t",
    "\n",
    "\r",
    "\u202e",
    "\u200f",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\u0130",
    "\u00df",
    "\U0001f600",
    "\u3000",
    "\xa0",
    '"',
    "'",
    "<",
    ";",
    ",",
)

NASTY_STRINGS = (
    "",
    " ",
    "   \t ",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "1e309",
    "-0",
    "0x10",
    "1_000",
    "null",
    "true",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    '=HYPERLINK("http://x")',
    "'; DROP TABLE member; --",
    "\u202eexe.txt",
    "a\x00b",
    "\ufeffresearch",
    "RESEARCH",
    " research ",
    "research\x00",
    "\ud83d",
    "%00",
    "../../etc/passwd",
)

text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.one_of(st.characters(), st.sampled_from(WEIRD_CHARS)), max_size=20),
    st.sampled_from(NASTY_STRINGS),
    # Very long strings: around and far past every length limit (120, 200, 5000, 10000).
    st.sampled_from((119, 120, 121, 199, 200, 201, 5001, 10001, 20000)).map(lambda n: "x" * n),
)

numbers = st.one_of(
    st.integers(min_value=-5, max_value=6),
    st.integers(),
    st.sampled_from((2**31, 2**63, -(2**63) - 1, 10**30, 10**400)),
    st.floats(),  # NaN and infinities included: json.dumps sends them as NaN/Infinity literals
    st.sampled_from((0.0, -0.0, 5e-324, 1e-9, 0.004, 0.5, 1.0, 1.0000001, 999.9, 1000.0, 1e308)),
)

scalars = st.one_of(st.none(), st.booleans(), numbers, text)

junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)

# Fields a client must never set: ids, owners, roles, versions, times, statuses of others.
MASS_ASSIGNMENT = (
    "id",
    "version",
    "role",
    "roles",
    "admin",
    "active",
    "left_at",
    "created_at",
    "hiring_manager",
    "hiring_manager_id",
    "interviewer",
    "interviewer_id",
    "revision",
    "submitted_at",
    "member_id",
    "opening_id",
    "candidate_id",
    "password_hash",
    "__proto__",
)
unknown_fields = st.dictionaries(
    st.one_of(st.sampled_from(MASS_ASSIGNMENT), text), junk, min_size=1, max_size=2
)


def maybe(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a good value, sometimes anything at all."""
    return st.one_of(good, good, good, junk)


def keys(good: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Area or skill keys: known ones, spelled oddly, or not keys at all."""
    return st.one_of(
        st.sampled_from(good),
        st.sampled_from(good).map(lambda k: f" {k.upper()} "),
        text,
    )


levels = st.one_of(st.integers(min_value=0, max_value=4), numbers, junk)
good_emails = st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z0-9]{1,4})?@example\.com", fullmatch=True)
emails = st.one_of(
    good_emails,
    st.from_regex(r"[a-z][a-z0-9.]{0,8}@example\.com", fullmatch=True),
    st.from_regex(r"[A-Z][a-z]{0,5}@Example\.ORG", fullmatch=True),
    st.sampled_from(("a@b", "@example.com", "a@@example.com", "x@example.com\x00", "a b@c.com")),
    st.sampled_from(("\u202eadmin@example.com", "ad\u0130min@example.com", "é@exämple.com")),
    text,
)
good_names = st.one_of(
    st.from_regex(r"[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?", fullmatch=True),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(
        lambda s: s.strip()
    ),
    st.sampled_from(("  Ada Lovelace ", "\u202eevil", "<b>bold</b>", 'O\'Brien "Bob"', "王小明")),
)
names = st.one_of(good_names, text)
# ISO dates (API.md: `YYYY-MM-DD`), and what looks like a date but is not one.
good_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)).map(date.isoformat)
dates = st.one_of(
    good_dates,
    st.sampled_from(
        (
            "2027-02-30",
            "2027-1-4",
            "04/01/2027",
            "2027-01-04T00:00:00",
            "20270104",
            "2027-W01",
            "0000-01-01",
            "\uff12\uff10\uff12\uff17-01-04",  # full-width digits: \d matches them, ISO does not
        )
    ),
    text,
    numbers,
)


def body(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A JSON object with any subset of `fields` (each maybe junk), sometimes unknown ones too."""
    known = st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in fields.items()})
    return st.one_of(
        known,
        known,
        known,
        st.tuples(known, unknown_fields).map(lambda pair: pair[1] | pair[0]),
    )


@dataclass(frozen=True)
class Raw:
    """A body sent as these exact bytes with this content type (not through json.dumps)."""

    data: bytes
    content_type: str
    value: Any = None  # the JSON object the bytes hold, when they hold one


RAW_BODIES = (
    Raw(b"", "application/json"),
    Raw(b"{", "application/json"),
    Raw(b"null", "application/json"),
    Raw(b"[]", "application/json"),
    Raw(b'"a string"', "application/json"),
    Raw(b"12", "application/json"),
    Raw(b'{"name": NaN, "fte": Infinity, "points": -Infinity}', "application/json"),
    # Duplicate keys: the last one counts (as in every JSON parser the API's clients use).
    Raw(b'{"name": "a", "name": "b", "name": 3}', "application/json", {"name": 3}),
    # RFC 8259 lets a parser ignore a BOM before the JSON text.
    Raw(b'\xef\xbb\xbf{"name": "bom"}', "application/json", {"name": "bom"}),
    Raw(b'{"name": "\xff\xfe bad utf-8"}', "application/json"),
    Raw(b'{"name": "\\ud800"}', "application/json"),  # a lone surrogate as a JSON escape
    Raw(b"[" * 5000 + b"]" * 5000, "application/json"),  # deeper than any parser recursion
    Raw(b'{"a": ' * 3000 + b"1" + b"}" * 3000, "application/json"),
    Raw(b'{"name": "x"}', "text/plain"),
    Raw(b'{"name": "x"}', "application/x-www-form-urlencoded"),
    Raw(b"name=x&email=y", "application/x-www-form-urlencoded"),
    # Any JSON media type is read as JSON; the bytes here are ASCII whatever the charset says.
    Raw(b'{"name": "x"}', "application/json; charset=latin-1", {"name": "x"}),
    Raw(b'{"name": "x"}', "application/merge-patch+json", {"name": "x"}),
)


def requests(
    fields: dict[str, st.SearchStrategy[Any]], valid: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[Any]:
    """What is sent: a well-formed body (`valid`), an object of these fields (each maybe junk,
    plus unknown ones), raw bytes, or a JSON value that is not an object."""
    return st.one_of(
        valid,
        valid,
        body(fields),
        body(fields),
        body(fields),
        st.sampled_from(RAW_BODIES),
        junk.filter(lambda v: not isinstance(v, dict)),
        # The same objects in another encoding, or after a BOM (JSON is UTF-8, RFC 8259).
        body(fields).map(lambda b: Raw(json.dumps(b).encode("utf-16"), "application/json", b)),
        body(fields).map(
            lambda b: Raw(b"\xef\xbb\xbf" + json.dumps(b).encode(), "application/json", b)
        ),
    )


def send(client: Any, method: str, url: str, sent: Any) -> Any:
    """Send `sent` as the body: raw bytes as they are, anything else as JSON."""
    if isinstance(sent, Raw):
        return client.open(url, method=method, data=sent.data, content_type=sent.content_type)
    return client.open(url, method=method, data=json.dumps(sent), content_type="application/json")
