"""Jira, Linear and GitHub exports through the API: mapped, matched on their keys, all or nothing.

The files are the realistic samples in tests/data/ (BOM, CRLF, quoted newlines, repeated columns,
empty estimates); re-imports are those files edited the way a later export would differ.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlmodel import select

from team.models import ImportMapping, InputChange, WorkItem

API = "/api/v1"
DATA = Path(__file__).resolve().parents[2] / "data"

JIRA_AREAS = {
    "Data Pipelines": "data",
    "Feature Store": "data",
    "Model Training": "research",
    "Evaluation": "research",
    "Serving": "engineering",
    "ML Platform": "engineering",
}


def _file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _post(client, body: bytes | str, query: str = ""):
    data = body.encode() if isinstance(body, str) else body
    return client.post(f"{API}/import/work-items{query}", data=data, content_type="text/csv")


def _map(client, source: str, **mapping):
    return client.put(f"{API}/import/mappings/{source}", json=mapping)


def _rows(body: bytes) -> tuple[list[str], list[list[str]]]:
    reader = csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""))
    header = next(reader)
    return header, list(reader)


def _write(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def _items(db) -> list[WorkItem]:
    db.rollback()
    return list(db.exec(select(WorkItem).order_by(WorkItem.id)).all())


def test_an_unmapped_jira_export_is_refused_listing_every_value_with_its_count(db, api):
    client = api("hiring_manager")
    response = _post(client, _file("jira_export.csv"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "map to no area" in error["message"]
    # Every open row names the project, so it is listed with the count of those rows (rows
    # with no estimate are left out, as no default points are set, and so are not counted).
    header, rows = _rows(_file("jira_export.csv"))
    category = header.index("Status Category")
    estimates = [i for i, name in enumerate(header) if "Story" in name]
    open_rows = sum(
        row[category] != "Done" and any(row[i] and float(row[i]) for i in estimates) for row in rows
    )
    assert 0 < open_rows < len(rows)
    assert error["unmapped"]["ML Platform"] == open_rows
    assert error["unmapped"]["Data Pipelines"] >= 1
    assert _items(db) == []


def test_a_mapping_to_an_area_that_does_not_exist_is_refused_naming_it(db, api):
    client = api("admin")
    response = _map(client, "jira", area_by_value={"Data Pipelines": "dta"})
    assert response.status_code == 422
    assert "Data Pipelines" in str(response.get_json()["error"])
    assert "dta" in str(response.get_json()["error"])
    db.rollback()
    assert db.get(ImportMapping, "jira") is None


@pytest.mark.parametrize(
    "mapping",
    [
        {"default_points": "NaN"},
        {"default_points": -1},
        {"default_points": 0},
        {"area_by_value": ["data"]},
        {"surprise": 1},
    ],
)
def test_bad_mapping_bodies_are_refused(db, api, mapping):
    response = _map(api("admin"), "jira", **mapping)
    assert response.status_code == 422, response.get_json()
    db.rollback()
    assert db.get(ImportMapping, "jira") is None


def test_an_unknown_source_is_refused(api):
    client = api("admin")
    assert _map(client, "trello", area_by_value={}).status_code == 404
    assert client.get(f"{API}/import/mappings/trello").status_code == 404
    assert _post(client, _file("jira_export.csv"), "?source=trello").status_code == 422


def test_a_mapped_jira_export_imports_then_reimports_unchanged(db, api):
    client = api("hiring_manager")
    saved = _map(client, "jira", area_by_value=JIRA_AREAS, default_points=3)
    assert saved.status_code == 200, saved.get_json()
    assert client.get(f"{API}/import/mappings/jira").get_json()["area_by_value"] == JIRA_AREAS

    first = _post(client, _file("jira_export.csv"))
    assert first.status_code == 200, first.get_json()
    counts = first.get_json()
    header, rows = _rows(_file("jira_export.csv"))
    assert counts["source"] == "jira"
    assert counts["created"] == len(rows) - len(counts["skipped"])
    assert (counts["updated"], counts["unchanged"], counts["closed"]) == (0, 0, 0)
    items = _items(db)
    assert len(items) == counts["created"]
    keys = [row[header.index("Issue key")] for row in rows]
    assert {item.external_key for item in items} <= set(keys)
    assert {item.external_source for item in items} == {"jira"}
    # Every item written in bulk has its history record, as one added by a form would.
    recorded = db.exec(select(InputChange.subject_id).where(InputChange.kind == "work_item"))
    assert set(recorded.all()) == {item.id for item in items}

    again = _post(client, _file("jira_export.csv")).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, counts["created"])
    assert len(_items(db)) == counts["created"]


def test_a_later_export_updates_adds_and_closes_what_it_no_longer_lists(db, api):
    client = api("admin")
    _map(client, "jira", area_by_value=JIRA_AREAS, default_points=3)
    header, rows = _rows(_file("jira_export.csv"))
    assert _post(client, _write(header, rows)).status_code == 200
    key, title = header.index("Issue key"), header.index("Summary")
    category = header.index("Status Category")
    open_keys = [row[key] for row in rows if row[category] != "Done"]
    renamed, dropped = open_keys[0], open_keys[1]
    later = [list(row) for row in rows if row[key] != dropped]
    for row in later:
        if row[key] == renamed:
            row[title] = "Renamed in Jira"
    new_row = list(later[0])
    new_row[key], new_row[title], new_row[category] = "MLP-999", "A brand new ticket", "To Do"
    later.append(new_row)

    preview_free = _post(client, _write(header, later), "?close_missing=true")
    counts = preview_free.get_json()
    assert preview_free.status_code == 200, counts
    assert (counts["created"], counts["updated"], counts["closed"]) == (1, 1, 1)
    by_key = {item.external_key: item for item in _items(db)}
    assert by_key[renamed].title == "Renamed in Jira"
    assert by_key[renamed].version == 2
    assert by_key[dropped].status == "done"
    assert by_key["MLP-999"].title == "A brand new ticket"


def test_close_missing_is_refused_for_our_own_format(db, api):
    body = "title,area,points\nA,research,3\n"
    response = _post(api("admin"), body, "?close_missing=true")
    assert response.status_code == 422
    assert "close_missing" in response.get_json()["error"]["fields"]
    assert _items(db) == []


def test_an_estimate_that_is_not_a_number_is_refused_naming_the_column_and_value(db, api):
    client = api("admin")
    _map(client, "jira", area_by_value=JIRA_AREAS, default_points=3)
    header, rows = _rows(_file("jira_export.csv"))
    column = header.index("Custom field (Story Points)")
    rows[2][column] = "five"
    response = _post(client, _write(header, rows))
    assert response.status_code == 422
    problems = response.get_json()["error"]["rows"]
    assert any("five" in m and "Story Points" in m for ms in problems.values() for m in ms)
    assert _items(db) == []


def test_a_key_twice_in_one_file_is_refused(db, api):
    client = api("admin")
    _map(client, "jira", area_by_value=JIRA_AREAS, default_points=3)
    header, rows = _rows(_file("jira_export.csv"))
    rows.append(list(rows[0]))
    response = _post(client, _write(header, rows))
    assert response.status_code == 422
    assert rows[0][header.index("Issue key")] in str(response.get_json()["error"]["rows"])
    assert _items(db) == []


def test_a_file_without_a_title_column_names_it(db, api):
    body = "Issue key,Status\nML-1,To Do\n"
    response = _post(api("admin"), body, "?source=jira")
    assert response.status_code == 422
    assert "Summary" in str(response.get_json()["error"])
    assert _items(db) == []


def test_unestimated_items_are_skipped_without_default_points_and_listed(db, api):
    client = api("admin")
    _map(client, "jira", area_by_value=JIRA_AREAS)
    counts = _post(client, _file("jira_export.csv")).get_json()
    reasons = {s["reason"] for s in counts["skipped"]}
    assert counts["skipped"] and all(s["key"] for s in counts["skipped"])
    assert any("estimate" in reason for reason in reasons)
    assert counts["unestimated"] == 0
    assert len(_items(db)) == counts["created"]


def test_linear_and_github_exports_import_with_their_mappings(db, api):
    client = api("hiring_manager")
    _map(
        client,
        "linear",
        area_by_value={"ML Platform": "engineering", "Applied Research": "research"},
        default_points=2,
    )
    linear = _post(client, _file("linear_export.csv"))
    assert linear.status_code == 200, linear.get_json()
    assert linear.get_json()["source"] == "linear"
    _map(
        client,
        "github",
        area_by_value={label: "engineering" for label in ("serving", "bug", "infra")}
        | {"feature-store": "data", "data": "data", "pipeline": "data"}
        | {"training": "research", "eval": "research", "research": "research"},
        default_points=1,
        points_column="Estimate",
    )
    github = _post(client, _file("github_project_export.csv"), "?source=github")
    body = github.get_json()
    assert github.status_code in (200, 422), body
    if github.status_code == 422:
        # Values no mapping above knows are listed, each with its count: map them and retry.
        extra = {value: "engineering" for value in body["error"]["unmapped"]}
        mapping = client.get(f"{API}/import/mappings/github").get_json()
        _map(
            client,
            "github",
            area_by_value=mapping["area_by_value"] | extra,
            default_points=1,
            points_column="Estimate",
        )
        github = _post(client, _file("github_project_export.csv"), "?source=github")
    assert github.status_code == 200, github.get_json()
    sources = {item.external_source for item in _items(db)}
    assert sources == {"linear", "github"}


@pytest.mark.parametrize("role", ["interviewer", "leadership"])
def test_only_team_editors_map_and_import(db, api, role):
    client = api(role)
    assert _map(client, "jira", area_by_value={}).status_code == 403
    assert client.get(f"{API}/import/mappings/jira").status_code == 403
    assert _post(client, _file("jira_export.csv")).status_code == 403
    db.rollback()
    assert db.get(ImportMapping, "jira") is None


def test_a_100000_row_export_imports_in_one_request(db, api):
    client = api("admin")
    _map(client, "linear", area_by_value={"platform": "engineering"})
    header = ["ID", "Team", "Title", "Description", "Status", "Estimate", "Started", "Completed"]
    about = '"Why: the nightly job, see the runbook.\nDone when: green for a week."'
    lines = [",".join(header)]
    lines += [f"ML-{n},Platform,Ticket {n},{about},Todo,{1 + n % 5},," for n in range(100_000)]
    body = "\n".join(lines).encode()
    assert len(body) > 5 * 1024 * 1024  # beyond what any other request may send
    response = _post(client, body)
    assert response.status_code == 200, str(response.get_json())[:500]
    assert response.get_json()["created"] == 100_000
    db.rollback()
    assert db.exec(select(WorkItem.id)).all().__len__() == 100_000
