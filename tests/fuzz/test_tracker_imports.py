"""Hypothesis on tracker exports (POST /import/work-items with Jira, Linear or GitHub files) and
their mappings (PUT /import/mappings/{source}): never a 5xx, all rows or none, and a file
imported twice changes nothing the second time.

Files are drawn around each tracker's real columns (repeated Jira columns included) with cells of
anything (numbers, NaN, formula starts, line breaks, weird characters) and sometimes spoiled the
way the members and work items fuzzing spoils ours.
"""

from __future__ import annotations

from typing import Any

from hypothesis import event, given
from hypothesis import strategies as st

from tests.fuzz.conftest import assert_error_shape, assert_not_server_error
from tests.fuzz.strategies import AREAS
from tests.fuzz.test_api_bodies import FUZZ
from tests.fuzz.test_csv_imports import cells, content_types, csv_files

API = "/api/v1"
VALUES = ("Data Pipelines", "ml platform", "Serving", "eval", "research", "")
ESTIMATES = ("", "0", "3", "5.0", " 8 ", "1000")
BAD_ESTIMATES = ("1001", "NaN", "five", "-2", "1e400")

COLUMNS = {
    "jira": (
        "Summary",
        "Issue key",
        "Status",
        "Status Category",
        "Component/s",
        "Labels",
        "Labels",
        "Custom field (Story Points)",
        "Assignee",
    ),
    "linear": ("ID", "Title", "Status", "Estimate", "Labels", "Team", "Project", "Completed"),
    "github": ("Title", "URL", "Status", "Labels", "Assignees", "Estimate"),
}


def _good_row(source: str) -> st.SearchStrategy[list[str]]:
    """A row a tracker could write: a key, a title, a status, values and an estimate."""
    key = st.integers(1, 40).map(
        {
            "jira": "ML-{}".format,
            "linear": "LIN-{}".format,
            "github": "https://github.com/acme/ml/issues/{}".format,
        }[source]
    )
    title = st.sampled_from(("Backfill", "Drift alarms", "=cmd", "Line\nbreak", "Ünïcode"))
    status = st.sampled_from(("To Do", "In Progress", "Done", "Won't Do", ""))
    value = st.sampled_from(VALUES)
    estimate = st.sampled_from(ESTIMATES * 3 + BAD_ESTIMATES)
    person = st.sampled_from(("", "Ada Lovelace", "ada@example.com", "nobody"))
    if source == "jira":
        category = st.sampled_from(("To Do", "In Progress", "Done", ""))
        parts = (title, key, status, category, value, value, value, estimate, person)
    elif source == "linear":
        done = st.sampled_from(("", "2026-11-02 10:00:00"))
        parts = (key, title, status, estimate, value, value, value, done)
    else:
        parts = (title, key, status, value, person, estimate)
    return st.tuples(*parts).map(list)


@st.composite
def exports(draw: Any) -> tuple[str, bytes]:
    source = draw(st.sampled_from(tuple(COLUMNS)))
    row = st.one_of(_good_row(source), st.lists(cells, min_size=0, max_size=10))
    return source, draw(csv_files(COLUMNS[source], row, _good_row(source)))


# Half the time every value maps and unestimated items count, so that files get through.
complete = st.fixed_dictionaries(
    {
        "area_by_value": st.fixed_dictionaries({v: st.sampled_from(AREAS) for v in VALUES[:-1]}),
        "default_points": st.sampled_from((1, 2.5)),
    }
)
mappings = st.one_of(
    complete,
    st.fixed_dictionaries(
        {"area_by_value": st.dictionaries(st.sampled_from(VALUES[:-1]), st.sampled_from(AREAS))},
        optional={
            "default_points": st.one_of(st.none(), st.sampled_from((1, 2.5, 1000))),
            "done_statuses": st.lists(st.sampled_from(("Won't Do", "Duplicate")), max_size=2),
        },
    ),
)


def test_tracker_imports(api, snapshot):
    client = api("hiring_manager")

    @FUZZ
    @given(export=exports(), mapping=mappings, close=st.booleans(), content_type=content_types)
    def run(export, mapping, close, content_type):
        source, data = export
        saved = client.put(f"{API}/import/mappings/{source}", json=mapping)
        assert saved.status_code == 200, saved.get_json()
        before = snapshot()
        query = f"?source={source}" if close else ""
        query += ("&" if query else "?") + "close_missing=true" if close else ""
        response = client.post(
            f"{API}/import/work-items{query}", data=data, content_type=content_type or None
        )
        assert_not_server_error(response, data)
        event(f"{source} {response.status_code}")
        if response.status_code >= 400:
            error = assert_error_shape(response)
            if response.status_code == 422 and "unmapped" in error:
                assert all(count > 0 for count in error["unmapped"].values()), error
            assert snapshot() == before, "a refused import wrote something"
            return
        counts = response.get_json()
        after = snapshot()
        assert len(after["work_item"]) == len(before["work_item"]) + counts["created"]
        # The same file again: every row it imports is there already, as it says.
        again = client.post(
            f"{API}/import/work-items{query}", data=data, content_type=content_type or None
        )
        assert again.status_code == 200, again.get_json()
        second = again.get_json()
        assert (second["created"], second["updated"], second["closed"]) == (0, 0, 0), second
        assert second["unchanged"] == counts["created"] + counts["updated"] + counts["unchanged"]

    run()
