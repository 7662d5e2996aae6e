"""A member's dates and absences through the API (API.md, "Time, plan and decisions"): shapes,
every refusal naming its field and writing nothing, who may call what, and the OpenAPI document.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from team import absences
from team.models import Absence, Member
from team.schemas import AbsenceCreate

API = "/api/v1"
READERS = ("admin", "hiring_manager", "leadership")
EDITORS = ("admin", "hiring_manager")


@pytest.fixture
def ada(make_member):
    """A member on the team from 4 January to 30 June 2027."""
    return make_member(name="Ada", start_date=date(2027, 1, 4), end_date=date(2027, 6, 30))


@pytest.fixture
def conference(db, ada):
    """Ada's absence of 1 to 5 March 2027."""
    made = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5), note="Conference")
    absence = absences.add_absence(ada.id, made, session=db)
    db.commit()
    return absence


def stored(db, member_id: int) -> tuple:
    """The member's committed dates and version, and their absences."""
    db.rollback()
    row = db.get(Member, member_id, populate_existing=True)
    assert row is not None
    rows = db.exec(select(Absence).where(Absence.member_id == member_id)).all()
    away = sorted((a.start, a.end, a.note) for a in rows)
    db.rollback()
    return row.start_date, row.end_date, row.version, away


# --- member dates -----------------------------------------------------------------------------


def test_dates_round_trip_through_create_read_and_list(api):
    client = api("hiring_manager")
    body = {"name": "Lin", "email": "lin@example.com", "start_date": "2027-01-04"}
    response = client.post(f"{API}/members", json=body | {"end_date": "2027-12-31"})
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert (made["start_date"], made["end_date"]) == ("2027-01-04", "2027-12-31")
    assert client.get(response.headers["Location"]).get_json() == made
    assert client.get(f"{API}/members").get_json()["items"] == [made]
    # Left out or null on create: no date.
    other = client.post(f"{API}/members", json={"name": "Bo", "email": "bo@example.com"})
    assert (other.get_json()["start_date"], other.get_json()["end_date"]) == (None, None)
    nulls = {"name": "Cy", "email": "cy@example.com", "start_date": None, "end_date": None}
    assert client.post(f"{API}/members", json=nulls).status_code == 201


def test_patch_sets_keeps_and_clears_dates(api, ada, db):
    client = api("admin")
    url = f"{API}/members/{ada.id}"
    kept = client.patch(url, json={"title": "Lead"}).get_json()
    assert (kept["start_date"], kept["end_date"]) == ("2027-01-04", "2027-06-30")
    moved = client.patch(url, json={"end_date": "2027-09-30"}).get_json()
    assert (moved["start_date"], moved["end_date"]) == ("2027-01-04", "2027-09-30")
    cleared = client.patch(url, json={"start_date": None}).get_json()
    assert (cleared["start_date"], cleared["end_date"]) == (None, "2027-09-30")
    assert client.get(url).get_json() == cleared
    assert stored(db, ada.id)[:2] == (None, date(2027, 9, 30))


BAD_DATES = [
    ({"start_date": "2027-02-30"}, "start_date", "must be a date like 2027-01-04"),
    ({"start_date": "NaN"}, "start_date", "must be a date like 2027-01-04"),
    ({"start_date": "04/01/2027"}, "start_date", "must be a date like 2027-01-04"),
    ({"start_date": "2027-01-04T00:00:00"}, "start_date", "must be a date like 2027-01-04"),
    ({"end_date": "soon"}, "end_date", "must be a date like 2027-01-04"),
    ({"end_date": 20270104}, "end_date", "Input should be a valid date"),
    ({"end_date": True}, "end_date", "Input should be a valid date"),
    ({"end_date": ["2027-01-04"]}, "end_date", "Input should be a valid date"),
    ({"end_date": "2026-12-31"}, "end_date", "must be on or after the start date (4 January 2027)"),
    (
        {"start_date": "2027-08-01", "end_date": "2027-07-01"},
        "end_date",
        "must be on or after the start date (1 August 2027)",
    ),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_DATES)
def test_bad_dates_are_refused_naming_the_field_and_write_nothing(
    api, ada, db, count, change, field, message
):
    client = api("admin")
    before = stored(db, ada.id)
    response = client.patch(f"{API}/members/{ada.id}", json=change)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][field] == [message]
    assert stored(db, ada.id) == before
    body = {"name": "New", "email": "new@example.com", "start_date": "2027-01-04"} | change
    response = client.post(f"{API}/members", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert count(Member) == 1


def test_dates_that_strand_an_absence_are_refused_naming_it(api, ada, conference, db):
    client = api("hiring_manager")
    before = stored(db, ada.id)
    for change, field in (
        ({"start_date": "2027-03-02"}, "start_date"),
        ({"end_date": "2027-03-04"}, "end_date"),
        ({"start_date": "2027-04-01", "end_date": "2027-05-01"}, "start_date"),
    ):
        response = client.patch(f"{API}/members/{ada.id}", json=change)
        assert response.status_code == 422, response.get_json()
        error = response.get_json()["error"]
        assert error["message"] == "An absence would fall outside their time on the team."
        assert "the absence 1 March 2027 to 5 March 2027 (Conference)" in error["fields"][field][0]
        assert stored(db, ada.id) == before


# --- absences ---------------------------------------------------------------------------------


def test_absences_are_added_read_listed_and_deleted(api, ada, db, count):
    client = api("hiring_manager")
    url = f"{API}/members/{ada.id}/absences"
    body = {"start": "2027-03-01", "end": "2027-03-05", "note": " Conference "}
    response = client.post(url, json=body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created == {
        "id": created["id"],
        "member_id": ada.id,
        "start": "2027-03-01",
        "end": "2027-03-05",
        "note": "Conference",
    }
    assert response.headers["Location"] == f"{API}/absences/{created['id']}"
    assert client.get(response.headers["Location"]).get_json() == created
    day = client.post(url, json={"start": "2027-01-04", "end": "2027-01-04"}).get_json()
    assert day["note"] == ""
    assert client.get(url).get_json() == {"items": [day, created], "total": 2}
    assert client.get(f"{url}?limit=1&offset=1").get_json() == {"items": [created], "total": 2}
    deleted = client.delete(f"{API}/absences/{created['id']}")
    assert deleted.status_code == 204 and deleted.data == b""
    assert client.get(f"{API}/absences/{created['id']}").status_code == 404
    assert client.delete(f"{API}/absences/{created['id']}").status_code == 404
    assert client.get(url).get_json() == {"items": [day], "total": 1}
    assert count(Absence) == 1


BAD_ABSENCES = [
    ({"start": "2027-03-05", "end": "2027-03-01"}, "end", "must be on or after the first day"),
    ({"start": "2027-01-01", "end": "2027-01-05"}, "start", "must be on or after their start"),
    ({"start": "2027-06-28", "end": "2027-07-02"}, "end", "must be on or before their end"),
    ({"start": "2027-02-30", "end": "2027-03-01"}, "start", "must be a date like 2027-01-04"),
    ({"start": "NaN", "end": "2027-03-01"}, "start", "must be a date like 2027-01-04"),
    ({"start": "2027-03-01", "end": "Infinity"}, "end", "must be a date like 2027-01-04"),
    ({"start": 1.5, "end": "2027-03-01"}, "start", "Input should be a valid date"),
    ({"start": None, "end": "2027-03-01"}, "start", "Input should be a valid date"),
    ({"end": "2027-03-01"}, "start", "Field required"),
    ({"start": "2027-03-01", "end": "2027-03-02", "note": "x" * 201}, "note", "at most 200"),
    ({"start": "2027-03-01", "end": "2027-03-02", "note": "a\x00b"}, "note", "control"),
    ({"start": "2027-03-01", "end": "2027-03-02", "member_id": 9}, "member_id", "not a field"),
    ({"start": "2027-03-01", "end": "2027-03-02", "id": 9}, "id", "not a field"),
]


@pytest.mark.parametrize(("body", "field", "message"), BAD_ABSENCES)
def test_bad_absences_are_refused_naming_the_field_and_write_nothing(
    api, ada, count, body, field, message
):
    response = api("admin").post(f"{API}/members/{ada.id}/absences", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "validation_error"
    assert message in " ".join(error["fields"][field]), error
    assert count(Absence) == 0


@pytest.mark.parametrize("raw", ['{"start": NaN, "end": "2027-03-01"}', "{", "[]"])
def test_bodies_that_are_no_json_object_are_refused(api, ada, count, raw):
    response = api("admin").post(
        f"{API}/members/{ada.id}/absences", data=raw, content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] == "validation_error"
    assert count(Absence) == 0


def test_someone_who_left_gets_no_absences_but_keeps_theirs(api, ada, conference, count):
    client = api("hiring_manager")
    assert client.delete(f"{API}/members/{ada.id}").status_code == 200
    response = client.post(
        f"{API}/members/{ada.id}/absences", json={"start": "2027-04-01", "end": "2027-04-02"}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "conflict"
    assert "has left the team" in response.get_json()["error"]["message"]
    assert client.get(f"{API}/members/{ada.id}/absences").get_json()["total"] == 1
    assert count(Absence) == 1


def test_unknown_members_and_absences_are_404(api, count):
    client = api("admin")
    good = {"start": "2027-03-01", "end": "2027-03-02"}
    for response in (
        client.get(f"{API}/members/999/absences"),
        client.post(f"{API}/members/999/absences", json=good),
        client.get(f"{API}/absences/999"),
        client.delete(f"{API}/absences/999"),
        client.get(f"{API}/absences/{2**40}"),
    ):
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"
    assert count(Absence) == 0


@pytest.mark.parametrize(("query", "field"), [("limit=0", "limit"), ("offset=-1", "offset")])
def test_bad_list_parameters_are_422(api, ada, query, field):
    response = api("leadership").get(f"{API}/members/{ada.id}/absences?{query}")
    assert response.status_code == 422
    assert list(response.get_json()["error"]["fields"]) == [field]


# --- who may call what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "hiring_manager", "interviewer", "leadership"])
def test_each_role_gets_what_api_md_says(api, ada, conference, count, role):
    client = api(role)
    listing = client.get(f"{API}/members/{ada.id}/absences")
    one = client.get(f"{API}/absences/{conference.id}")
    added = client.post(
        f"{API}/members/{ada.id}/absences", json={"start": "2027-04-01", "end": "2027-04-02"}
    )
    if role in READERS:
        assert (listing.status_code, one.status_code) == (200, 200)
        assert listing.get_json()["items"][0]["note"] == "Conference"
    else:
        assert (listing.status_code, one.status_code) == (403, 403)
        assert "Conference" not in listing.get_data(as_text=True)
    if role in EDITORS:
        assert added.status_code == 201
        assert client.delete(f"{API}/absences/{added.get_json()['id']}").status_code == 204
        assert client.delete(f"{API}/absences/{conference.id}").status_code == 204
        assert count(Absence) == 0
    else:
        assert added.status_code == 403
        assert added.get_json()["error"]["code"] == "forbidden"
        assert client.delete(f"{API}/absences/{conference.id}").status_code == 403
        assert count(Absence) == 1


def test_without_a_token_every_absence_route_is_401(app, ada, conference, count):
    client = app.test_client()
    for method, url in (
        ("GET", f"{API}/members/{ada.id}/absences"),
        ("POST", f"{API}/members/{ada.id}/absences"),
        ("GET", f"{API}/absences/{conference.id}"),
        ("DELETE", f"{API}/absences/{conference.id}"),
    ):
        response = client.open(
            url, method=method, json={"start": "2027-04-01", "end": "2027-04-01"}
        )
        assert response.status_code == 401, (method, url)
    assert count(Absence) == 1


# --- the OpenAPI document ---------------------------------------------------------------------


def test_the_document_describes_the_absence_operations(app):
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    paths = document["paths"]
    listing = paths["/members/{member_id}/absences"]
    single = paths["/absences/{absence_id}"]
    assert set(listing) == {"get", "post"} and set(single) == {"get", "delete"}
    assert listing["get"]["x-roles"] == ["admin", "hiring_manager", "leadership"]
    assert listing["post"]["x-roles"] == single["delete"]["x-roles"] == ["admin", "hiring_manager"]
    body = listing["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AbsenceCreate"}
    assert {"201", "404", "409", "422"} <= set(listing["post"]["responses"])
    assert "204" in single["delete"]["responses"] and "404" in single["delete"]["responses"]
    schemas = document["components"]["schemas"]
    create = schemas["AbsenceCreate"]
    assert create["required"] == ["start", "end"] and create["additionalProperties"] is False
    assert create["properties"]["start"]["format"] == "date"
    assert set(schemas["AbsencePublic"]["properties"]) == {
        "id",
        "member_id",
        "start",
        "end",
        "note",
    }
    member = schemas["MemberPublic"]["properties"]
    assert {"start_date", "end_date"} <= set(member)
