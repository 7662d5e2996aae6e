"""Importing a tracker's export through the pages: preview, map the values, confirm, once.

Nothing is written (work items, the saved mapping) before the import is confirmed; the mapping
chosen on the preview is saved with the import; the upload page tells how each upload ended.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from team.models import ImportMapping, WorkItem
from tests.conftest import csrf_token, post_form

DATA = Path(__file__).resolve().parents[1] / "data"
UPLOAD_FIELD = re.compile(r'name="upload_id"[^>]*value="(\d+)"')


def _upload(client, name: str, source: str = "", headers: dict | None = None):
    file = FileStorage(io.BytesIO((DATA / name).read_bytes()), name)
    fields = {"csrf_token": csrf_token(client, "/work/import"), "file": file, "source": source}
    boundary, body = encode_multipart(fields)
    return client.post(
        "/work/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


def _items(db) -> int:
    count = db.exec(select(func.count()).select_from(WorkItem)).one()
    db.rollback()
    return count


def _mapping_fields(body: str) -> dict[str, str]:
    """The mapping form's value fields, and an area for each: data for everything."""
    fields = {}
    for index, value in re.findall(r'name="value_(\d+)" type="hidden" value="([^"]*)"', body):
        fields[f"value_{index}"] = html.unescape(value)
        fields[f"area_{index}"] = "data"
    return fields


def _map_all(client, upload_id: str, body: str, **extra: str) -> str:
    """Map every value the preview lists to data, previewing again until none is left (a row
    left out for want of an estimate shows its values once default points bring it in)."""
    for _ in range(3):
        fields = _mapping_fields(body) | extra
        post_form(client, f"/work/import/{upload_id}/mapping", fields, page="/work/import")
        preview = client.get(f"/work/import/{upload_id}")
        body = html.unescape(preview.get_data(as_text=True))
        if preview.status_code == 200:
            return body
    raise AssertionError(body[:3000])


@pytest.fixture
def manager(as_role):
    return as_role("hiring_manager")


def test_an_export_is_mapped_on_the_preview_and_imported_once_confirmed(client, manager, db):
    page = _upload(client, "jira_export.csv")
    body = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 400
    assert "Import work items from Jira" in body
    assert "map to no area" in body
    assert "ML Platform" in body and "project, on" in body
    upload_id = re.search(r"/work/import/(\d+)/mapping", body).group(1)

    fields = _mapping_fields(body) | {"default_points": "3", "done_statuses": "Won't do"}
    kept = post_form(client, f"/work/import/{upload_id}/mapping", fields, page="/work/import")
    assert kept.status_code == 302
    assert kept.headers["Location"].endswith(f"/work/import/{upload_id}")
    preview = client.get(f"/work/import/{upload_id}")
    shown = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200, shown[:3000]
    assert "32 to add" in re.sub(r"<[^>]+>", "", shown)
    # Nothing is written before the import is confirmed: no item, no saved mapping.
    assert _items(db) == 0
    assert db.get(ImportMapping, "jira") is None
    db.rollback()

    confirmed = post_form(client, "/work/import", {"upload_id": upload_id})
    assert confirmed.status_code == 302
    assert _items(db) == 32
    saved = db.get(ImportMapping, "jira")
    assert saved is not None and saved.default_points == 3 and saved.done_statuses == ["Won't do"]
    assert saved.area_by_value["ML Platform"] == "data"
    db.rollback()
    listing = html.unescape(client.get("/work/import").get_data(as_text=True))
    assert "Imported" in listing and "32 created" in listing

    # Confirming the same upload again imports nothing more.
    post_form(client, "/work/import", {"upload_id": upload_id})
    assert _items(db) == 32

    # The next export of the same backlog reads with the saved mapping: nothing to map.
    again = _upload(client, "jira_export.csv")
    again_body = re.sub(r"<[^>]+>", "", html.unescape(again.get_data(as_text=True)))
    assert again.status_code == 200
    assert "0 to add" in again_body and "32 unchanged" in again_body


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("default_points", "NaN", "Enter a finite number"),
        ("default_points", "-2", "Must be more than 0 and at most 1000."),
        ("area_0", "no-such-area", "Not a valid choice"),
    ],
)
def test_a_bad_mapping_is_refused_and_kept_nowhere(client, manager, db, field, value, message):
    page = _upload(client, "jira_export.csv")
    body = html.unescape(page.get_data(as_text=True))
    upload_id = re.search(r"/work/import/(\d+)/mapping", body).group(1)
    fields = _mapping_fields(body) | {field: value}
    refused = post_form(client, f"/work/import/{upload_id}/mapping", fields, page="/work/import")
    assert refused.status_code == 400
    assert message in html.unescape(refused.get_data(as_text=True))
    # The preview still shows every value unmapped: the bad mapping was not kept.
    preview = html.unescape(client.get(f"/work/import/{upload_id}").get_data(as_text=True))
    assert "map to no area" in preview
    assert _items(db) == 0
    assert db.get(ImportMapping, "jira") is None
    db.rollback()


def test_the_page_script_gets_the_preview_address_to_go_to(client, manager, db):
    response = _upload(client, "linear_export.csv", headers={"X-Upload": "1"})
    assert response.status_code == 200
    address = response.get_json()["preview"]
    assert re.fullmatch(r"/work/import/\d+", address)
    assert "Import work items from Linear" in client.get(address).get_data(as_text=True)


def test_our_own_format_chosen_explicitly_is_read_as_ours(client, manager, db):
    response = _upload(client, "github_project_export.csv", source="ours")
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "missing column" in body  # our format needs title, area, points
    assert _items(db) == 0


def test_close_missing_through_the_page(client, manager, db):
    page = _upload(client, "github_project_export.csv")
    body = html.unescape(page.get_data(as_text=True))
    upload_id = re.search(r"/work/import/(\d+)/mapping", body).group(1)
    _map_all(client, upload_id, body, default_points="1")
    assert post_form(client, "/work/import", {"upload_id": upload_id}).status_code == 302
    imported = _items(db)
    assert imported > 0
    # A later export that lists only the first item closes the other open ones when asked to.
    text = (DATA / "github_project_export.csv").read_text(encoding="utf-8-sig")
    header, first = text.splitlines()[0], text.splitlines()[1]
    shorter = FileStorage(io.BytesIO(f"{header}\r\n{first}\r\n".encode()), "later.csv")
    fields = {"csrf_token": csrf_token(client, "/work/import"), "file": shorter, "source": ""}
    boundary, multipart = encode_multipart(fields)
    later = client.post(
        "/work/import", data=multipart, content_type=f"multipart/form-data; boundary={boundary}"
    )
    later_body = html.unescape(later.get_data(as_text=True))
    assert later.status_code == 200, later_body[:2000]
    assert "that this file no longer lists" in later_body
    later_id = UPLOAD_FIELD.search(later_body).group(1)
    done = post_form(client, "/work/import", {"upload_id": later_id, "close_missing": "y"})
    assert done.status_code == 302
    open_now = db.exec(
        select(func.count()).select_from(WorkItem).where(WorkItem.status != "done")
    ).one()
    db.rollback()
    assert open_now <= 1
    assert _items(db) == imported
