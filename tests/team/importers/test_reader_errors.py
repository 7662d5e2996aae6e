"""Reading the trackers' CSV exports: what makes a file or a row unreadable, and properties that
hold for any text."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from team.importers import (
    MAX_KEY_LENGTH,
    MAX_ROWS,
    SOURCES,
    ExportFormatError,
    read_export,
)
from tests.team.importers.samples import SAMPLES, export_text, format_error

# --- whole-file errors ----------------------------------------------------------------------


def test_a_file_of_no_tracker_is_refused_saying_what_was_expected():
    message = format_error("title,area,points\r\nTrain it,research,3\r\n")
    assert message.startswith("not a Jira, Linear or GitHub export")
    assert "'Issue key'" in message and "'ID'" in message and "'URL'" in message


def test_a_source_named_needs_its_key_and_title_columns():
    with pytest.raises(ExportFormatError) as caught:
        read_export(export_text(SAMPLES["linear"]), "jira")
    assert caught.value.messages == (
        "missing column 'Issue key', which every Jira export has",
        "missing column 'Summary', which every Jira export has",
    )
    message = format_error("Title,Status\r\na,Done\r\n", "github")
    assert "'URL'" in message and "'Title'" not in message


def test_an_unknown_source_is_refused():
    assert "unknown source 'trello'" in format_error("Title,URL\r\na,b\r\n", "trello")


@pytest.mark.parametrize("text", ["", "\ufeff", "\r\n\r\n", " , \n"])
def test_an_empty_file_is_refused(text):
    assert format_error(text) == "the file is empty"


def test_a_header_without_rows_is_refused():
    assert format_error("Summary,Issue key\r\n,\r\n\r\n") == "the file has a header but no rows"


def test_more_rows_than_allowed_is_refused():
    text = export_text(SAMPLES["jira"])
    assert format_error(text, max_rows=3) == "the file has more than 3 rows; split it up"
    assert len(read_export(text, max_rows=32).rows) == 32
    assert MAX_ROWS == 100_000


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('Summary,Issue key\r\na,ML-1\r\n"b,ML-2\r\nc,ML-3\r\n', 3),  # a quote never closed
        ('Summary,Issue key\r\na,ML-1\r\n"b"x,ML-2\r\n', 3),  # text after a closing quote
    ],
)
def test_a_quoting_error_is_refused_naming_the_line_the_record_starts_on(text, line):
    assert format_error(text).startswith(f"line {line}: cannot be read as CSV")


# --- row errors -----------------------------------------------------------------------------


def test_a_key_twice_is_refused_on_the_second_line_naming_the_first():
    text = "Summary,Issue key\r\nfirst,ML-12\r\nother,ML-13\r\n\r\nagain,ML-12\r\n"
    export = read_export(text)
    assert [(row.line, row.title) for row in export.rows] == [(2, "first"), (3, "other")]
    assert export.errors == {5: ("Issue key: 'ML-12' is also on line 2",)}


def test_an_empty_or_overlong_key_is_refused_on_its_row():
    long_url = "https://github.com/acme/x/issues/" + "9" * MAX_KEY_LENGTH
    export = read_export(f"Title,URL\r\ndraft issue,\r\nlong,{long_url}\r\nok,u1\r\n")
    assert export.errors == {
        2: ("URL: may not be empty",),
        3: (f"URL: may be at most {MAX_KEY_LENGTH} characters",),
    }
    assert [row.key for row in export.rows] == ["u1"]


def test_more_cells_than_the_header_is_refused_but_trailing_empty_cells_are_not():
    text = "ID,Title\r\nA-1,one,extra\r\nA-2,two,,  \r\n,three,x\r\n"
    export = read_export(text)
    assert [row.key for row in export.rows] == ["A-2"]
    assert export.errors == {
        2: ("has 3 cells but the header has 2 columns",),
        4: ("has 3 cells but the header has 2 columns", "ID: may not be empty"),
    }


def test_blank_records_are_skipped_and_lines_still_count():
    text = "ID,Title\n\nA-1,one\n , \nA-2,two\n"
    assert [(row.line, row.key) for row in read_export(text).rows] == [(3, "A-1"), (5, "A-2")]


# --- properties -----------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
CSVISH = st.text(alphabet='",\r\n \ufeffaIDTitleURLSummaryIssue key', max_size=200)


@given(st.one_of(TEXT, CSVISH), st.sampled_from([None, *SOURCES]))
def test_any_text_reads_or_is_refused_as_a_whole(text, source):
    try:
        export = read_export(text, source)
    except ExportFormatError as error:
        assert error.messages
    else:
        assert export.source in SOURCES
        assert all(row.key for row in export.rows)


@given(st.one_of(TEXT, CSVISH))
def test_any_text_under_a_real_header_reads_or_is_refused_as_a_whole(body):
    try:
        read_export("Summary,Issue key,Labels,Labels\r\n" + body)
    except ExportFormatError as error:
        assert error.messages


CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=20
).map(str.strip)
LABEL = CELL.filter(lambda s: s and "," not in s)
ISSUE = st.fixed_dictionaries(
    {
        "title": CELL,
        "description": st.text(alphabet='ab ,"\n\r', max_size=30),
        "labels": st.lists(LABEL, max_size=4),
        "estimate": st.sampled_from(["", "1", "2.5", "8"]),
        "started": st.booleans(),
    }
)


@given(st.lists(ISSUE, min_size=1, max_size=20))
def test_rows_written_by_a_csv_writer_read_back(issues):
    """Linear's columns written with Python's csv module (any quoting, line breaks inside cells)
    read back to the same cells, each on the line its record starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["ID", "Team", "Title", "Description", "Estimate", "Labels", "Started"])
    expected_lines = []
    for number, issue in enumerate(issues, start=1):
        expected_lines.append(len(re.findall(r"\r\n|\r|\n", buffer.getvalue())) + 1)
        writer.writerow(
            [
                f"ML-{number}",
                "ML Platform",
                issue["title"],
                issue["description"],
                issue["estimate"],
                ", ".join(issue["labels"]),
                "2024-03-01T09:00:00.000Z" if issue["started"] else "",
            ]
        )
    export = read_export(buffer.getvalue())
    assert export.source == "linear"
    assert export.errors == {}
    assert [row.line for row in export.rows] == expected_lines
    for issue, row in zip(issues, export.rows, strict=True):
        assert row.title == issue["title"]
        assert row.estimates == (("Estimate", issue["estimate"]),)
        assert row.values == (
            *(("labels", label) for label in issue["labels"]),
            ("team", "ML Platform"),
        )
        assert row.state == ("in_progress" if issue["started"] else "planned")


def test_a_full_size_export_reads_in_linear_time():
    """MAX_ROWS rows of Jira's real columns: a guard against anything quadratic, with room for
    a slow machine (about a second or two on a laptop)."""
    header = export_text(SAMPLES["jira"]).removeprefix("\ufeff").split("\r\n", 1)[0]
    columns = header.count(",") + 1
    row = ["x"] * columns
    buffer = io.StringIO()
    buffer.write(header + "\r\n")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for number in range(MAX_ROWS):
        row[0], row[1], row[4] = f"Item {number}", f"ML-{number}", "To Do"
        writer.writerow(row)
    started = time.perf_counter()
    export = read_export(buffer.getvalue())
    assert len(export.rows) == MAX_ROWS
    assert time.perf_counter() - started < 15
