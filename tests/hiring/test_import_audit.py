"""Every import that goes through leaves one audit entry with its counts, whichever way it came
(a page or the API, our format or a tracker's export); a refused one leaves none."""

from __future__ import annotations

from pathlib import Path

from tests.hiring.api.test_api_tracker_imports import JIRA_AREAS
from tests.hiring.test_imports import confirm, previewed_text, upload

API = "/api/v1"
DATA = Path(__file__).resolve().parents[1] / "data"


def _imports(admin) -> list[dict]:
    entries = []
    for action in ("import.members", "import.work_items"):
        answer = admin.get(f"{API}/audit", query_string={"action": action})
        assert answer.status_code == 200, answer.get_json()
        entries += answer.get_json()["items"]
    return entries


def test_api_imports_are_in_the_audit_log_with_their_counts(api, make_user):
    editor, admin = api("hiring_manager"), api("admin")
    members = "name,email,research\nAda Lovelace,ada@example.com,3\nBo Chen,bo@example.com,2\n"
    answer = editor.post(f"{API}/import/members", data=members, content_type="text/csv")
    assert answer.status_code == 200, answer.get_json()
    work = "title,area,points\nBackfill,data,3\n"
    answer = editor.post(f"{API}/import/work-items", data=work, content_type="text/csv")
    assert answer.status_code == 200, answer.get_json()
    mapped = editor.put(
        f"{API}/import/mappings/jira", json={"area_by_value": JIRA_AREAS, "default_points": 3}
    )
    assert mapped.status_code == 200
    export = (DATA / "jira_export.csv").read_bytes()
    jira = editor.post(f"{API}/import/work-items", data=export, content_type="text/csv")
    assert jira.status_code == 200, jira.get_json()
    answer = jira.get_json()
    created, skipped, unknown = (
        answer["created"],
        len(answer["skipped"]),
        answer["unknown_assignees"],
    )
    assert unknown  # the sample's assignees are not on this team: told, not added in

    entries = _imports(admin)
    sentences = sorted(entry["sentence"] for entry in entries)
    assert len(entries) == 3
    name = entries[0]["actor_name"]
    tracker = f"{name} imported {created + skipped:,} work items from Jira: {created:,} created"
    tracker += f", {skipped:,} skipped" if skipped else ""
    tracker += f"; {unknown:,} unknown assignees"
    assert sentences == sorted(
        [
            f"{name} imported 2 team members: 2 created",
            f"{name} imported 1 work item: 1 created",
            tracker,
        ]
    )


def test_a_refused_import_leaves_no_entry(api):
    editor, admin = api("hiring_manager"), api("admin")
    refused = editor.post(
        f"{API}/import/work-items", data="title,area,points\nX,nowhere,3\n", content_type="text/csv"
    )
    assert refused.status_code == 422
    unmapped = (DATA / "jira_export.csv").read_bytes()
    assert (
        editor.post(f"{API}/import/work-items", data=unmapped, content_type="text/csv").status_code
        == 422
    )
    assert _imports(admin) == []


def test_a_page_import_is_in_the_audit_log_once(client, as_role, api):
    as_role("hiring_manager")
    page = upload(
        client, "/work/import", "title,area,points\nBackfill,data,3\nDrift,data,2\n", "w.csv"
    )
    upload_id = previewed_text(page)
    assert confirm(client, "/work/import", upload_id).status_code == 302
    assert confirm(client, "/work/import", upload_id).status_code == 302  # a second press: once
    entries = _imports(api("admin"))
    assert [entry["sentence"].split(" imported ", 1)[1] for entry in entries] == [
        "2 work items: 2 created"
    ]
