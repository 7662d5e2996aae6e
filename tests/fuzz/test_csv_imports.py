"""Hypothesis on the CSV imports (POST /import/members and /import/work-items): no 5xx, all
rows or none.

Files are built from a header and rows, then sometimes spoiled: repeated columns (also in
another case or with spaces), unknown or nameless columns, a BOM, cells with quotes, commas,
line breaks and formula starts, unbalanced quotes, ragged rows, blank lines, CR-only line ends,
NUL bytes, Latin-1 or UTF-16 instead of UTF-8, and the wrong content type.

The invariants: never a 5xx; a 4xx answers API.md's error shape (a 422 names the bad lines in
`rows`); a refused file writes nothing; an accepted one writes every row, as the counts say,
and each row reads back through the API.
"""

from __future__ import annotations

import csv
import io
import math
from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from team.csvio import neutralise, restore
from tests.fuzz.conftest import assert_error_shape, assert_not_server_error
from tests.fuzz.strategies import AREAS, WEIRD_CHARS, good_emails, good_names, text
from tests.fuzz.test_api_bodies import (  # noqa: F401  (the skills and assignees fixtures)
    ASSIGNABLE,
    DEPARTED,
    FUZZ,
    assignees,
    skills,
)

API = "/api/v1"

cells = st.one_of(
    text,
    st.sampled_from(("", " ", "=1+1", "+1", "-1", "@SUM(A1)", "'=quoted", '"', '""', "a,b")),
    st.sampled_from(("a\nb", "a\r\nb", "line\rbreak", "tab\there", "1e400", "NaN", "inf")),
)


def _csv(rows: list[list[str]], line_end: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def _spoil(text_: str, how: str) -> str:
    """Break a well-formed file in one of the ways spreadsheets and scripts do."""
    if how == "unbalanced_quote":
        return text_.replace(",", ',"', 1)
    if how == "blank_lines":
        return "\n\n" + text_.replace("\n", "\n\n") + "\n  \n"
    if how == "ragged":
        return text_.rstrip("\r\n") + ",extra,cells\n"
    if how == "nul":
        return text_[: len(text_) // 2] + "\x00" + text_[len(text_) // 2 :]
    if how == "weird":
        return text_.replace(",", "," + "".join(WEIRD_CHARS[:6]), 1)
    return text_


@st.composite
def csv_files(
    draw: Any,
    columns: tuple[str, ...],
    row: st.SearchStrategy[list[str]],
    good_row: st.SearchStrategy[list[str]],
) -> bytes:
    """A CSV file as bytes: a clean file of good rows (a third of the time, so that imports
    get through), or a header drawn around `columns` and rows of anything, maybe spoiled."""
    if draw(st.integers(0, 2)) == 0:
        rows = draw(st.lists(good_row, min_size=1, max_size=5, unique_by=tuple))
        body = _csv([list(columns), *rows], draw(st.sampled_from(("\n", "\r\n", "\r"))))
        return (draw(st.sampled_from(("", "\ufeff"))) + body).encode("utf-8")
    header = list(columns)
    header_change = draw(
        st.sampled_from(
            ("none", "none", "none", "duplicate", "case", "unknown", "nameless", "drop")
        )
    )
    if header_change == "duplicate":
        header.append(draw(st.sampled_from(columns)))
    elif header_change == "case":
        header = [f" {name.upper()} " for name in header]
        header.append(f" {columns[0].title()}")  # the same column again, spelled otherwise
    elif header_change == "unknown":
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(("id", "role", "x"))))
    elif header_change == "nameless":
        header.append("")
    elif header_change == "drop":
        header.pop(draw(st.integers(0, len(header) - 1)))
    rows = draw(st.lists(row, max_size=6))
    rows = [r[: len(header)] + [""] * (len(header) - len(r)) for r in rows]
    body = _csv([header, *rows], draw(st.sampled_from(("\n", "\r\n", "\r"))))
    body = _spoil(
        body,
        draw(
            st.sampled_from(
                ("none",) * 6 + ("unbalanced_quote", "blank_lines", "ragged", "nul", "weird")
            )
        ),
    )
    if draw(st.booleans()):
        body = "\ufeff" + body
    encoding = draw(st.sampled_from(("utf-8",) * 6 + ("latin-1", "utf-16", "utf-8-bom-twice")))
    if encoding == "utf-8-bom-twice":
        return ("\ufeff" + body).encode("utf-8", "surrogatepass")
    return body.encode(encoding, "surrogatepass" if encoding != "latin-1" else "replace")


good_member_row = st.tuples(
    good_names,
    good_emails,
    st.one_of(st.just(""), good_names),
    st.sampled_from(("", "1", "0.5", "1.0", " 0.25 ")),
    *[st.sampled_from(("", "0", "1", "2", "3", "4", "strong", "Expert")) for _ in AREAS],
    st.sampled_from(("", "2")),
).map(list)
member_row = st.one_of(good_member_row, st.lists(cells, min_size=0, max_size=9))
MEMBER_COLUMNS = ("name", "email", "title", "fte", *AREAS, "pytorch")

good_item_row = st.tuples(
    good_names,
    st.sampled_from(AREAS + (" Data ", "RESEARCH")),
    st.sampled_from(("1", "2.5", "13", " 8 ", "1000")),
    st.sampled_from(("", "planned", "in_progress", "done")),
    st.sampled_from(("", "pytorch", "pytorch;sql", " SQL ; pytorch ")),
    st.sampled_from(("", ASSIGNABLE, f" {ASSIGNABLE.upper()} ", DEPARTED, "nobody@example.com")),
).map(list)
item_row = st.one_of(good_item_row, st.lists(cells, min_size=0, max_size=7))
ITEM_COLUMNS = ("title", "area", "points", "status", "skills", "assignee")

content_types = st.sampled_from(
    ("text/csv",) * 6 + ("text/plain", "application/octet-stream", "application/json", "")
)


def _post(client, url: str, data: bytes, content_type: str):
    response = client.post(url, data=data, content_type=content_type or None)
    assert_not_server_error(response, data)
    if response.status_code >= 400:
        error = assert_error_shape(response)
        if response.status_code == 422 and "rows" in error:
            assert all(line.isdigit() for line in error["rows"]), error
    return response


def _rows_of(data: bytes) -> list[dict[str, str]]:
    """The accepted file's data rows as the import reads them: blank records skipped (also
    before the header), cells trimmed and un-neutralised."""
    text_ = data.decode("utf-8-sig").removeprefix("\ufeff")
    records = [r for r in csv.reader(io.StringIO(text_, newline="")) if any(c.strip() for c in r)]
    header = [name.strip().lower() for name in records[0]]
    return [
        {name: restore(cell.strip()) for name, cell in zip(header, cells, strict=False) if name}
        for cells in records[1:]
    ]


def test_member_imports(api, snapshot, skills):  # noqa: F811
    client = api("hiring_manager")

    @FUZZ
    @given(data=csv_files(MEMBER_COLUMNS, member_row, good_member_row), content_type=content_types)
    def run(data, content_type):
        before = snapshot()
        count = len(before["member"])
        response = _post(client, f"{API}/import/members", data, content_type)
        event(f"members {response.status_code}")
        if response.status_code >= 400:
            assert snapshot() == before, "a refused import wrote something"
            return
        counts = response.get_json()
        assert set(counts) == {"created", "updated"}
        rows = _rows_of(data)
        assert counts["created"] + counts["updated"] <= len(rows)
        assert len(snapshot()["member"]) == count + counts["created"]
        for row in rows:
            email = row["email"].lower()
            found = client.get(f"{API}/members", query_string={"q": email}).get_json()["items"]
            member = next(m for m in found if m["email"] == email)
            assert member["name"] == row["name"], (row, member)
            if row.get("title") is not None:
                assert member["title"] == row["title"], (row, member)
            if row.get("fte"):
                assert math.isclose(member["fte"], float(row["fte"])), (row, member)

    run()


def test_work_item_imports(api, snapshot, skills, assignees):  # noqa: F811
    client = api("hiring_manager")

    @FUZZ
    @given(data=csv_files(ITEM_COLUMNS, item_row, good_item_row), content_type=content_types)
    def run(data, content_type):
        before = snapshot()
        response = _post(client, f"{API}/import/work-items", data, content_type)
        event(f"work items {response.status_code}")
        if response.status_code >= 400:
            assert snapshot() == before, "a refused import wrote something"
            return
        counts = response.get_json()
        rows = _rows_of(data)
        # An assignee who may not be given work leaves the item with nobody, counted.
        wanted_assignees = [
            ASSIGNABLE if row.get("assignee", "").strip().lower() == ASSIGNABLE else None
            for row in rows
        ]
        pairs = zip(rows, wanted_assignees, strict=True)
        unknown = sum(1 for row, a in pairs if row.get("assignee") and not a)
        assert counts == {"created": len(rows), "updated": 0, "unknown_assignees": unknown}
        items = client.get(f"{API}/work-items?limit=500").get_json()["items"]
        added = items[len(before["work_item"]) :]
        assert len(added) == len(rows)
        for row, item, assignee in zip(rows, added, wanted_assignees, strict=True):
            assert item["assignee"] == assignee, (row, item)
            assert item["title"] == row["title"], (row, item)
            assert item["area"] == row["area"].lower(), (row, item)
            assert math.isclose(item["points"], float(row["points"])), (row, item)
            assert item["status"] == (row.get("status") or "planned"), (row, item)
            wanted = {k.strip().lower() for k in row.get("skills", "").split(";") if k.strip()}
            assert set(item["skills"]) == wanted, (row, item)

    run()


def test_an_exported_file_imports_back_unchanged(api, snapshot, skills):  # noqa: F811
    """Formula-looking cells round-trip: neutralised on export, restored on import."""
    client = api("hiring_manager")
    names = ["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "'=already"]
    rows = [["name", "email"], *([neutralise(n), f"f{i}@example.com"] for i, n in enumerate(names))]
    response = _post(client, f"{API}/import/members", _csv(rows, "\r\n").encode(), "text/csv")
    assert response.status_code == 200, response.get_json()
    stored = {m["email"]: m["name"] for m in client.get(f"{API}/members").get_json()["items"]}
    assert stored == {f"f{i}@example.com": n for i, n in enumerate(names)}
