"""The mapping from a tracker's rows to planned work: areas by the first known value, done and
in progress, points and defaults, what is skipped, what is an error, and what is unmapped."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from team.importers import ExportFile, ExportFormatError, read_export
from team.importers.mapping import (
    ImportMapping,
    MappedFile,
    MappedRow,
    Skipped,
    UnmappedValue,
    apply_mapping,
    mapping_problems,
)
from tests.team.importers.samples import SAMPLES, export_text

AREAS = ("research", "engineering", "data")
JIRA_AREAS = {
    "Data Pipelines": "data",
    "Feature Store": "data",
    "Model Training": "research",
    "Evaluation": "research",
    "Serving": "engineering",
    "llm": "research",
    "nlp": "research",
}


def mapped(export: ExportFile, area_by_value=None, **kwargs) -> MappedFile:
    """An export mapped with the Jira sample's areas unless told otherwise."""
    mapping = ImportMapping(JIRA_AREAS if area_by_value is None else area_by_value, **kwargs)
    return apply_mapping(export, mapping, AREAS)


def by_key(result: MappedFile) -> dict[str, MappedRow]:
    """The mapped rows by their key."""
    return {row.key: row for row in result.rows}


# --- areas ----------------------------------------------------------------------------------


def test_the_area_is_the_first_mapped_value_in_lookup_order(jira):
    rows = by_key(mapped(jira, default_points=3))
    assert rows["MLP-125"].area == "engineering"  # component Serving before label llm
    assert rows["MLP-118"].area == "engineering"  # the first of two components
    assert rows["MLP-129"].area == "research"
    assert rows["MLP-112"].area == "research"  # no component: label llm
    assert rows["MLP-126"].area == "research"  # label labelling is unmapped, nlp is


def test_team_and_project_come_after_labels(linear):
    result = mapped(
        linear,
        {"serving": "engineering", "Applied Research": "research", "Feature Store v2": "data"},
        default_points=2,
    )
    rows = by_key(result)
    assert rows["MLP-209"].area == "engineering"  # label, before its project
    assert rows["MLP-201"].area == "data"  # labels unmapped, project mapped
    assert rows["RES-96"].area == "research"  # labels unmapped, team mapped


def test_values_match_without_regard_to_case_or_spaces(jira):
    loose = {f"  {value.upper()} ": area for value, area in JIRA_AREAS.items()}
    assert mapped(jira, loose, default_points=3) == mapped(jira, default_points=3)


# --- status ---------------------------------------------------------------------------------


def test_statuses_follow_the_trackers_notion(jira, linear):
    rows = by_key(mapped(jira, default_points=3))
    assert (rows["MLP-101"].status, rows["MLP-120"].status) == ("done", "done")
    assert (rows["MLP-103"].status, rows["MLP-106"].status) == ("in_progress", "in_progress")
    assert rows["MLP-104"].status == "planned"


def test_done_statuses_add_to_the_trackers_notion_without_regard_to_case(linear):
    areas = {"Applied Research": "research", "ML Platform": "engineering"}
    before = by_key(mapped(linear, areas, default_points=1))
    after = by_key(mapped(linear, areas, default_points=1, done_statuses=(" in review ",)))
    assert (before["MLP-205"].status, after["MLP-205"].status) == ("in_progress", "done")
    assert {k for k, row in after.items() if row.status != before[k].status} == {"MLP-205"}


# --- points ---------------------------------------------------------------------------------


def test_points_come_from_the_first_non_empty_estimate(jira):
    rows = by_key(mapped(jira, default_points=3))
    assert rows["MLP-101"].points == 5.0
    assert rows["MLP-107"].points == 5.0  # only the team-managed estimate is set


def test_no_estimate_or_zero_takes_the_default_points_and_is_counted(jira):
    result = mapped(jira, default_points=3)
    rows = by_key(result)
    assert rows["MLP-111"].points == 3.0  # no estimate
    assert rows["MLP-127"].points == 3.0  # 0.0
    assert isinstance(rows["MLP-111"].points, float)
    assert result.unestimated == 2


def test_without_default_points_unestimated_rows_are_skipped(jira):
    result = mapped(jira)
    skipped = {s.key: s.reason for s in result.skipped}
    assert skipped["MLP-111"] == "no estimate and no default points"
    assert skipped["MLP-127"] == "no estimate and no default points"
    assert "MLP-111" not in by_key(result)
    assert result.unestimated == 0


def test_a_points_column_reads_only_that_estimate():
    text = export_text(SAMPLES["jira"])
    column = "Custom field (Story point estimate)"
    export = read_export(text, estimate_column=column)
    result = mapped(export, default_points=1, points_column=column.upper())
    rows = by_key(result)
    assert (rows["MLP-107"].points, rows["MLP-125"].points) == (5.0, 8.0)
    assert rows["MLP-101"].points == 1.0  # its Story Points are not read
    with pytest.raises(ExportFormatError, match="'Story Points'"):
        mapped(read_export(text), default_points=1, points_column="Story Points")


def jira_row(estimate: str, title: str = "Train the ranker", component: str = "Serving") -> str:
    """A one-row Jira export with this estimate, title and component."""
    return (
        "Summary,Issue key,Status,Component/s,Custom field (Story Points)\r\n"
        f'"{title}",ML-1,To Do,{component},{estimate}\r\n'
    )


@pytest.mark.parametrize(
    ("estimate", "problem"),
    [
        ("five", "'five' is not a number"),
        ("NaN", "'NaN' is not a number"),
        ("inf", "'inf' is not a number"),
        ("-Infinity", "'-Infinity' is not a number"),
        ("1_000", "'1_000' is not a number"),
        ("-2", "'-2' may not be negative"),
        ("1001", "'1001' is more than 1000 points"),
    ],
)
def test_an_estimate_that_is_no_usable_number_is_a_row_error(estimate, problem):
    result = mapped(read_export(jira_row(estimate)), default_points=3)
    assert result.rows == ()
    assert result.errors == {2: (f"Custom field (Story Points): {problem}",)}


@given(st.floats(min_value=0.001, max_value=1000))
def test_any_estimate_in_range_is_the_points(points):
    (row,) = mapped(read_export(jira_row(repr(points)))).rows
    assert row.points == points


# --- skipped, errors, unmapped --------------------------------------------------------------


def test_done_rows_with_no_mapped_area_are_skipped_not_refused(jira):
    result = mapped(jira, default_points=3)
    assert result.skipped == (Skipped(34, "MLP-124", "done, with no mapped area"),)
    assert result.errors == {}


def test_values_of_rows_with_no_mapped_value_are_counted(jira):
    result = mapped(jira, default_points=3)
    assert result.unmapped[0] == UnmappedValue("project", "ML Platform", 5)
    assert {(u.kind, u.value): u.count for u in result.unmapped[1:]} == {
        ("components", "Documentation"): 1,
        ("components", "Legacy ETL"): 1,
        ("components", "Monitoring"): 1,
        ("components", "Security Review"): 1,
        ("labels", "compliance"): 1,
        ("labels", "docs"): 1,
        ("labels", "drift"): 1,
        ("labels", "reliability"): 1,
        ("labels", "responsible-ai"): 1,
        ("labels", "tech-debt"): 1,  # only on MLP-122: the others have a mapped value
    }
    assert [u.value for u in result.unmapped[1:]] == sorted(
        (u.value for u in result.unmapped[1:]), key=str.casefold
    )
    # Those rows are neither imported nor errors: the service refuses the file for them.
    assert not {"MLP-121", "MLP-122", "MLP-123", "MLP-128", "MLP-132"} & by_key(result).keys()


def test_unmapped_values_merge_without_regard_to_case_keeping_the_first_spelling():
    text = (
        "Title,URL,Labels,Estimate\r\n"
        'a,u1,"GPU, infra",1\r\nb,u2,"gpu, Infra, GPU",1\r\nc,u3,gpu,1\r\nd,u4,"data, gpu",1\r\n'
    )
    result = mapped(read_export(text), {"data": "data"})
    assert result.unmapped == (
        UnmappedValue("labels", "GPU", 3),
        UnmappedValue("labels", "infra", 2),
    )
    assert [row.key for row in result.rows] == ["u4"]


def test_a_row_with_no_value_at_all_is_an_error():
    text = "Title,URL,Labels,Estimate\r\nTrain it,u1,,2\r\nDone thing,u2,,\r\n"
    export = read_export(text)
    result = mapped(export, {"x": "data"}, done_statuses=())
    assert result.errors == {2: ("no component, label, team or project to tell its area",)}
    assert result.skipped == (Skipped(3, "u2", "no estimate and no default points"),)


def test_title_problems_name_the_trackers_title_column():
    assert mapped(read_export(jira_row("3", title=""))).errors == {
        2: ("Summary: may not be empty",)
    }
    linear = "ID,Title,Team,Estimate\r\nML-1,,ML Platform,2\r\n"
    assert mapped(read_export(linear), {"ml platform": "data"}).errors == {
        2: ("Title: may not be empty",)
    }
    long = mapped(read_export(jira_row("3", title="x" * 201))).errors
    assert long == {2: ("Summary: may be at most 200 characters (it has 201)",)}
    control = mapped(read_export(jira_row("3", title="bad\x07bell"))).errors
    assert control == {2: ("Summary: may not contain control characters",)}
    assert mapped(read_export(jira_row("3", title="Ünïcödé — fine ✓"))).errors == {}


def test_an_empty_title_on_a_skipped_row_is_no_error():
    result = mapped(read_export(jira_row("", title="")))
    assert result.errors == {}
    assert [s.reason for s in result.skipped] == ["no estimate and no default points"]


def test_the_readers_errors_are_kept_in_line_order():
    text = (
        "Summary,Issue key,Component/s,Custom field (Story Points)\r\n"
        "a,ML-1,Serving,x\r\nb,,Serving,1\r\nc,ML-3,Serving,2\r\n"
    )
    result = mapped(read_export(text))
    assert list(result.errors.items()) == [
        (2, ("Custom field (Story Points): 'x' is not a number",)),
        (3, ("Issue key: may not be empty",)),
    ]
    assert [row.key for row in result.rows] == ["ML-3"]


def test_the_github_sample_maps_whole_with_a_sensible_mapping(github):
    areas = {
        "feature-store": "data",
        "data": "data",
        "training": "research",
        "research": "research",
        "eval": "research",
        "serving": "engineering",
        "infra": "engineering",
        "documentation": "engineering",
        "tracking": "engineering",
    }
    result = mapped(github, areas, default_points=2)
    assert (result.errors, result.unmapped) == ({}, ())
    assert [s.key for s in result.skipped] == ["https://github.com/acme-ml/serving/pull/413"]
    rows = by_key(result)
    assert rows["https://github.com/acme-ml/feature-store/issues/314"].assignee == "mlin"
    assert rows["https://github.com/acme-ml/serving/issues/416"].status == "done"
    assert result.unestimated == 4


# --- the mapping itself ---------------------------------------------------------------------


def test_a_sound_mapping_has_no_problems():
    assert mapping_problems(ImportMapping(JIRA_AREAS, ("Won't do",), 3, "Estimate"), AREAS) == {}
    assert mapping_problems(ImportMapping({}), AREAS) == {}


def test_mapping_problems_name_each_field():
    mapping = ImportMapping(
        {"Data Pipelines": "dta", "GPU": "engineering", "gpu": "research", " ": "data"},
        done_statuses=("Won't do", " "),
        default_points=0,
        points_column="",
    )
    assert mapping_problems(mapping, AREAS) == {
        "area_by_value": [
            "'Data Pipelines' maps to 'dta', which is not an area",
            "'GPU' and 'gpu' are the same value but map to 'engineering' and 'research'",
            "a value may not be empty",
        ],
        "done_statuses": ["a status may not be empty"],
        "default_points": ["must be a number greater than 0 and at most 1000, or null"],
        "points_column": ["may not be empty (null reads the first estimate column)"],
    }


@pytest.mark.parametrize("points", [-1.0, math.nan, math.inf, 1000.5])
def test_default_points_must_be_a_positive_finite_number(points):
    problems = mapping_problems(ImportMapping({}, default_points=points), AREAS)
    assert list(problems) == ["default_points"]


def test_the_same_value_twice_for_the_same_area_is_fine():
    mapping = ImportMapping({"GPU": "engineering", "gpu": "engineering"})
    assert mapping_problems(mapping, AREAS) == {}


def test_applying_a_mapping_to_an_area_that_is_not_one_is_refused(jira):
    with pytest.raises(ValueError, match="'Serving' maps to 'serving', which is not an area"):
        apply_mapping(jira, ImportMapping({"Serving": "serving"}), AREAS)
