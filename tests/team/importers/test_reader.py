"""Reading the trackers' CSV exports: detection, records spanning lines, repeated columns, and
each tracker's notion of state and estimate (unreadable files and rows: test_reader_errors)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from team.importers import (
    SOURCES,
    ExportFile,
    detect,
    read_export,
)
from tests.team.importers.samples import DATA, SAMPLES, export_text, format_error


def by_key(export: ExportFile) -> dict:
    """The rows of an export by their key."""
    return {row.key: row for row in export.rows}


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", SOURCES)
def test_each_sample_is_detected_from_its_header(source):
    header = next(csv.reader(io.StringIO(export_text(SAMPLES[source]), newline="")))
    assert detect(header) == source
    assert read_export(export_text(SAMPLES[source])).source == source


@pytest.mark.parametrize(
    "header",
    [
        ["title", "area", "points", "status", "skills", "assignee"],
        ["name", "email", "title", "fte"],
        ["Summary", "Status"],
        [],
    ],
)
def test_our_own_files_and_other_headers_are_no_tracker_export(header):
    assert detect(header) is None


def test_detection_ignores_case_spaces_and_a_byte_order_mark():
    assert detect(["\ufeffSUMMARY", " issue key "]) == "jira"
    assert detect([" id", "TITLE "]) == "linear"
    assert detect(["Title", "url"]) == "github"
    # Jira also has an ID-like column; its issue key decides.
    assert detect(["Summary", "Issue key", "ID", "Title"]) == "jira"


# --- the samples ----------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "count"), [("jira", 32), ("linear", 30), ("github", 27)])
def test_every_record_of_the_samples_is_a_row(source, count):
    export = read_export(export_text(SAMPLES[source]))
    assert len(export.rows) == count
    assert export.errors == {}


@pytest.mark.parametrize("source", SOURCES)
def test_each_row_is_on_the_physical_line_its_record_starts_on(source):
    """Descriptions span lines, so record numbers and line numbers part ways: every row's line
    must be where its first cell is in the file as an editor shows it."""
    text = export_text(SAMPLES[source])
    lines = re.split(r"\r\n|\n", text)
    export = read_export(text)
    first_cell = {"jira": "title", "linear": "key", "github": "title"}[source]
    for row in export.rows:
        value = getattr(row, first_cell)
        assert lines[row.line - 1].startswith((value, f'"{value}')), row


def test_lines_after_multi_line_descriptions(jira, linear):
    jira_lines = {row.key: row.line for row in jira.rows}
    assert jira_lines["MLP-101"] == 2
    assert jira_lines["MLP-102"] == 4  # MLP-101's description has two lines
    assert jira_lines["MLP-104"] == 11  # MLP-103's has six
    assert jira_lines["MLP-114"] == 24  # MLP-113's line breaks are CRLF inside the cell
    linear_lines = {row.key: row.line for row in linear.rows}
    assert (linear_lines["MLP-201"], linear_lines["MLP-202"]) == (2, 7)


def test_the_jira_sample_has_a_bom_and_crlf_and_the_header_reads_without_it(jira):
    raw = (DATA / SAMPLES["jira"]).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfSummary,Issue key,")
    assert b"\r\n" in raw
    assert jira.columns[:2] == ("Summary", "Issue key")


def test_a_bom_on_any_export_is_ignored():
    export = read_export("\ufeff" + export_text(SAMPLES["linear"]))
    assert export.source == "linear"
    assert export.columns[0] == "ID"


def test_repeated_jira_component_and_label_columns_all_count(jira):
    assert jira.columns.count("Labels") == 3
    assert jira.columns.count("Component/s") == 2
    rows = by_key(jira)
    assert rows["MLP-102"].values == (
        ("components", "Data Pipelines"),
        ("components", "Feature Store"),
        ("labels", "pipeline"),
        ("project", "ML Platform"),
    )
    assert [v for k, v in rows["MLP-125"].values if k == "labels"] == ["llm", "search", "retrieval"]
    # No component: the labels come first.
    assert rows["MLP-112"].values[0] == ("labels", "research")


def test_linear_labels_are_split_on_commas_then_team_and_project_follow(linear):
    rows = by_key(linear)
    assert rows["MLP-204"].values == (
        ("labels", "Data"),
        ("labels", "pipeline"),
        ("labels", "Bug"),
        ("team", "ML Platform"),
    )
    assert rows["MLP-201"].values[-1] == ("project", "Feature Store v2")
    assert rows["MLP-214"].values == (("team", "ML Platform"),)


def test_a_linear_record_one_cell_short_still_reads(linear):
    row = by_key(linear)["MLP-208"]
    assert (row.title, row.status, row.estimates) == (
        "p99 latency budget per endpoint on the serving dashboard",
        "Backlog",
        (("Estimate", "2"),),
    )


def test_github_labels_and_the_first_of_several_assignees(github):
    rows = by_key(github)
    issue = rows["https://github.com/acme-ml/feature-store/issues/314"]
    assert issue.assignee == "mlin"  # "mlin, praman"
    assert issue.values == (("labels", "enhancement"), ("labels", "feature-store"))
    assert rows["https://github.com/acme-ml/feature-store/issues/316"].assignee == ""


def test_cells_are_kept_as_written_but_trimmed():
    text = "Summary,Issue key,Status\r\n  '=SUM(A1)  , ML-1 ,  To Do \r\n"
    (row,) = read_export(text).rows
    assert (row.title, row.key, row.status) == ("'=SUM(A1)", "ML-1", "To Do")


def test_an_empty_title_passes_through_for_the_mapping_to_report():
    (row,) = read_export("ID,Title\r\nML-1,\r\n").rows
    assert row.title == ""


# --- states ---------------------------------------------------------------------------------


def states(export: ExportFile) -> dict[str, str]:
    """Each row's state by key."""
    return {row.key: row.state for row in export.rows}


def test_jira_states_follow_the_status_category(jira):
    got = states(jira)
    assert got["MLP-101"] == "done"
    assert got["MLP-120"] == "done"  # Won't Do, category Done
    assert got["MLP-103"] == "in_progress"
    assert got["MLP-106"] == "in_progress"  # In Review, category In Progress
    assert got["MLP-119"] == "in_progress"  # Blocked, category In Progress
    assert got["MLP-107"] == "planned"  # Selected for Development, category To Do
    assert got["MLP-104"] == "planned"


def test_jira_without_a_status_category_goes_by_the_status_name():
    text = (
        "Summary,Issue key,Status\r\n"
        "a,X-1,Closed\r\nb,X-2,in progress\r\nc,X-3,RESOLVED\r\nd,X-4,To Do\r\ne,X-5,Done\r\n"
    )
    assert states(read_export(text)) == {
        "X-1": "done",
        "X-2": "in_progress",
        "X-3": "done",
        "X-4": "planned",
        "X-5": "done",
    }


def test_linear_states_follow_the_timestamps_then_the_status(linear):
    got = states(linear)
    assert got["MLP-204"] == "done"  # Completed
    assert got["MLP-210"] == "done"  # Canceled
    assert got["MLP-213"] == "done"  # Duplicate: canceled by Linear
    assert got["MLP-205"] == "in_progress"  # In Review, Started set
    assert got["MLP-216"] == "in_progress"  # In Progress with no Started
    assert got["MLP-202"] == "planned"


def test_github_states_follow_the_status_and_a_closed_state(github):
    got = states(github)
    assert got["https://github.com/acme-ml/serving/issues/416"] == "done"  # Closed
    assert got["https://github.com/acme-ml/serving/issues/407"] == "done"
    assert got["https://github.com/acme-ml/serving/issues/405"] == "in_progress"
    assert got["https://github.com/acme-ml/training/issues/152"] == "planned"  # no status
    text = "Title,URL,Status,State\r\na,u1,Todo,CLOSED\r\nb,u2,Todo,OPEN\r\nc,u3,In progress,\r\n"
    assert states(read_export(text)) == {"u1": "done", "u2": "planned", "u3": "in_progress"}


# --- estimates ------------------------------------------------------------------------------


def test_jira_keeps_every_estimate_column_in_header_order(jira):
    assert by_key(jira)["MLP-107"].estimates == (
        ("Custom field (Story Points)", ""),
        ("Custom field (Story point estimate)", "5"),
    )


def test_an_estimate_column_named_is_the_only_one_read(jira):
    export = read_export(
        export_text(SAMPLES["jira"]), estimate_column="custom field (story point estimate)"
    )
    assert by_key(export)["MLP-107"].estimates == (("Custom field (Story point estimate)", "5"),)
    linear = read_export(export_text(SAMPLES["linear"]), estimate_column="Cycle Number")
    assert by_key(linear)["MLP-201"].estimates == (("Cycle Number", "21"),)


def test_github_reads_the_first_common_estimate_name_unless_one_is_named():
    text = "Title,URL,Size,Points\r\na,u1,M,3\r\n"
    assert read_export(text).rows[0].estimates == (("Points", "3"),)
    assert read_export(text, estimate_column="Size").rows[0].estimates == (("Size", "M"),)
    assert read_export("Title,URL\r\na,u1\r\n").rows[0].estimates == ()


def test_an_estimate_column_named_but_absent_is_refused():
    message = format_error(export_text(SAMPLES["github"]), estimate_column="Story Points")
    assert "'Story Points'" in message
