"""CSV imports through the API: all rows or none, 422 naming the bad lines, nothing written."""

from __future__ import annotations

import pytest
from sqlmodel import select

from team import members
from team.areas import create_skill
from team.models import Member, MemberLevel, RatingChange, WorkItem, WorkItemSkill

API = "/api/v1"

MEMBERS = (
    "name,email,title,fte,research,engineering,data\n"
    "Ada Lovelace,ada@example.com,Researcher,0.5,4,1,\n"
    "Alan Turing,alan@example.com,,1,3,3,2\n"
)


def _post(client, path: str, body: str | bytes, content_type: str = "text/csv"):
    data = body.encode() if isinstance(body, str) else body
    return client.post(f"{API}{path}", data=data, content_type=content_type)


def test_members_are_created_and_read_back(api):
    client = api("hiring_manager")
    response = _post(client, "/import/members", MEMBERS)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 2, "updated": 0}
    members = client.get(f"{API}/members").get_json()["items"]
    assert [(m["name"], m["email"], m["fte"], m["levels"]) for m in members] == [
        ("Ada Lovelace", "ada@example.com", 0.5, {"research": 4, "engineering": 1}),
        ("Alan Turing", "alan@example.com", 1.0, {"research": 3, "engineering": 3, "data": 2}),
    ]


def test_a_known_email_updates_that_member(db, api, make_member, make_user, token_for, bearer):
    made = make_member(name="Ada", email="ada@example.com", levels={"research": 2})
    user = make_user("admin", email="importer@example.com")
    response = _post(bearer(token_for(user)), "/import/members", MEMBERS)
    assert response.get_json() == {"created": 1, "updated": 1}
    ada = api("admin").get(f"{API}/members/{made.id}").get_json()
    assert (ada["name"], ada["fte"], ada["levels"]) == (
        "Ada Lovelace",
        0.5,
        {"research": 4, "engineering": 1},
    )
    db.rollback()
    history = db.exec(select(RatingChange).where(RatingChange.member_id == made.id)).all()
    assert {row.changed_by for row in history} == {"test", "importer@example.com"}


@pytest.mark.parametrize(
    "content_type",
    ["text/csv", "text/csv; charset=utf-8", "text/plain", "application/octet-stream"],
)
def test_csv_plain_text_and_octet_stream_bodies_are_taken(api, count, content_type):
    response = _post(api("admin"), "/import/members", MEMBERS, content_type)
    assert response.status_code == 200
    assert count(Member) == 2


def test_a_byte_order_mark_is_fine(api, count):
    response = _post(api("admin"), "/import/members", "\ufeff" + MEMBERS)
    assert response.get_json() == {"created": 2, "updated": 0}
    assert count(Member) == 2


def test_one_bad_row_means_nothing_is_imported(api, count):
    body = MEMBERS + "Bad Row,bad@example.com,,1.5,9,1,1\n"
    response = _post(api("admin"), "/import/members", body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "nothing was imported" in error["message"]
    assert list(error["rows"]) == ["4"]
    assert any("fte" in message for message in error["rows"]["4"])
    assert any("research" in message for message in error["rows"]["4"])
    assert (count(Member), count(MemberLevel), count(RatingChange)) == (0, 0, 0)


def test_a_bad_header_is_reported_on_line_1(api, count):
    response = _post(api("admin"), "/import/members", "fullname,mail\nAda,ada@example.com\n")
    assert response.status_code == 422
    assert "1" in response.get_json()["error"]["rows"]
    assert count(Member) == 0


def test_a_file_that_is_not_utf8_is_refused_clearly(api, count):
    body = MEMBERS.replace("Ada Lovelace", "Zoë").encode("latin-1")
    response = _post(api("admin"), "/import/members", body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert "UTF-8" in error["message"]
    assert "UTF-8" in error["fields"]["body"][0]
    assert count(Member) == 0


@pytest.mark.parametrize("body", ["", "\ufeff", "  \n"], ids=["empty", "bom-only", "blank"])
def test_an_empty_file_is_refused(api, count, body):
    response = _post(api("admin"), "/import/members", body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "body": ["is empty; send a CSV file with a header row"]
    }
    assert count(Member) == 0


@pytest.mark.parametrize("content_type", ["application/json", "multipart/form-data", ""])
def test_another_content_type_is_415(api, count, content_type):
    response = _post(api("admin"), "/import/members", MEMBERS, content_type)
    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "text/csv" in error["message"]
    assert count(Member) == 0


WORK = (
    "title,area,points,status,skills\n"
    "Feature store,data,5,,streaming;nlp\n"
    "Ranker,research,8,done,\n"
)


@pytest.fixture
def skills(db):
    """Skills the work file names."""
    create_skill("data", "streaming", "Streaming", session=db)
    create_skill("research", "nlp", "Language models", session=db)
    db.rollback()


def test_work_items_are_created_and_read_back(api, skills):
    client = api("admin")
    response = _post(client, "/import/work-items", WORK)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 2, "updated": 0, "unknown_assignees": 0}
    items = client.get(f"{API}/work-items").get_json()["items"]
    assert [(i["title"], i["area"], i["points"], i["status"], i["skills"]) for i in items] == [
        ("Feature store", "data", 5, "planned", ["streaming", "nlp"]),
        ("Ranker", "research", 8, "done", []),
    ]


def test_bad_work_rows_are_named_and_nothing_is_written(api, count, skills):
    body = WORK + "Nothing,design,3,,\nZero,data,0,,\nLater,data,2,finished,\nOk,data,1,,nosuch\n"
    response = _post(api("admin"), "/import/work-items", body)
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    assert list(rows) == ["4", "5", "6", "7"]
    assert "area" in rows["4"][0]
    assert "points" in rows["5"][0]
    assert "status" in rows["6"][0]
    assert "skills" in rows["7"][0]
    assert "4 lines of the file have problems" in response.get_json()["error"]["message"]
    assert (count(WorkItem), count(WorkItemSkill)) == (0, 0)


def test_work_items_import_needs_csv(api, count):
    response = _post(api("admin"), "/import/work-items", '{"title": "x"}', "application/json")
    assert response.status_code == 415
    assert count(WorkItem) == 0


def test_member_dates_are_imported_and_bad_ones_are_named_by_line_and_column(api, count):
    client = api("admin")
    body = (
        "name,email,start_date,end_date\n"
        "Ada Lovelace,ada@example.com,2027-01-04,2027-06-30\n"
        "Alan Turing,alan@example.com,,\n"
    )
    response = _post(client, "/import/members", body)
    assert response.get_json() == {"created": 2, "updated": 0}
    members = client.get(f"{API}/members").get_json()["items"]
    assert [(m["start_date"], m["end_date"]) for m in members] == [
        ("2027-01-04", "2027-06-30"),
        (None, None),
    ]
    bad = (
        "name,email,start_date,end_date\n"
        "Ada Lovelace,ada@example.com,2027-07-01,2027-06-30\n"
        "Alan Turing,alan@example.com,2027-13-01,\n"
        "New,new@example.com,2027-01-04,2026-01-04\n"
    )
    response = _post(client, "/import/members", bad)
    assert response.status_code == 422
    rows = response.get_json()["error"]["rows"]
    assert rows == {
        "2": ["end_date: must be on or after the start date (1 July 2027)"],
        "3": ["start_date: must be a date like 2027-01-04"],
        "4": ["end_date: must be on or after the start date (4 January 2027)"],
    }
    # Without an end_date column the stored end date stays, and the new start must fit it.
    response = _post(
        client, "/import/members", "name,email,start_date\nA,ada@example.com,2027-07-01\n"
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["rows"] == {
        "2": ["end_date: must be on or after the start date (1 July 2027)"]
    }
    assert count(Member) == 2
    assert client.get(f"{API}/members").get_json()["items"] == members


def test_work_item_assignees_are_set_or_left_empty_and_counted(api, db, make_member, count):
    """An assignee column names members by email (any case); one who is no member, has left or
    is past their last working day does not refuse the row: the item comes in with nobody, and
    the answer counts them."""
    make_member(name="Ada Lovelace", email="ada@example.com")
    oliver = make_member(name="Oliver Smith", email="oliver@example.com")
    make_member(name="Ines Park", email="ines@example.com", end_date="2020-01-03")
    members.mark_left(oliver.id, session=db, actor="test")
    db.commit()
    body = (
        "title,area,points,status,skills,assignee\n"
        "Mine,data,5,in_progress,, Ada@Example.com \n"
        "Nobody's,data,1,,,\n"
        "Stranger's,data,1,,,someone@else.org\n"
        "Oliver's,data,1,,,oliver@example.com\n"
        "Ines's,data,1,,,ines@example.com\n"
        "Typo,data,1,,,not an email\n"
    )
    client = api("hiring_manager")
    response = _post(client, "/import/work-items", body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 6, "updated": 0, "unknown_assignees": 4}
    items = client.get(f"{API}/work-items").get_json()["items"]
    assert [(i["title"], i["assignee"]) for i in items] == [
        ("Mine", "ada@example.com"),
        ("Nobody's", None),
        ("Stranger's", None),
        ("Oliver's", None),
        ("Ines's", None),
        ("Typo", None),
    ]
    # A bad row still refuses the whole file, assignees and all.
    response = _post(client, "/import/work-items", body + "Zero,data,0,,,ada@example.com\n")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["rows"]) == ["8"]
    assert count(WorkItem) == 6


def test_an_assignee_column_is_optional_and_without_it_nothing_is_counted(api):
    response = _post(api("admin"), "/import/work-items", "title,area,points\nA,data,1\n")
    assert response.get_json() == {"created": 1, "updated": 0, "unknown_assignees": 0}
