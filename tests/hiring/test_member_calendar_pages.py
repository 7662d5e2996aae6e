"""A member's start and end dates and absences on the team pages, over HTTP: the member form's
date fields, the member page's Absences section, its add form and the delete confirmation; every
bad input is a field error and writes nothing; who may see and do what."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from team import absences
from team import members as service
from team.models import Absence, Member
from team.schemas import AbsenceCreate
from tests.conftest import post_form

JAN_4, JUN_30 = date(2027, 1, 4), date(2027, 6, 30)


def html(response) -> str:
    """The response body as text, entities decoded (so `→` and quotes read as written)."""
    return html_lib.unescape(response.get_data(as_text=True))


def invalid(page: str, field_id: str) -> bool:
    """Whether the form marks the field with that id as invalid."""
    return re.search(rf'class="[^"]*is-invalid[^"]*" id="{field_id}"', page) is not None


def date_input(page: str, name: str) -> str | None:
    """The value of the page's `<input type="date" name=...>` (None: there is none)."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if f'name="{name}"' in tag and 'type="date"' in tag:
            value = re.search(r'value="([^"]*)"', tag)
            return value.group(1) if value else ""
    return None


def state(db: Session) -> tuple:
    """Every member's dates and version and every absence, as committed."""
    db.rollback()
    members = db.exec(select(Member.id, Member.start_date, Member.end_date, Member.version)).all()
    away = db.exec(select(Absence.member_id, Absence.start, Absence.end, Absence.note)).all()
    db.rollback()
    return sorted(members), sorted(away)


def absence_count(db: Session) -> int:
    db.rollback()
    found = db.exec(select(func.count()).select_from(Absence)).one()
    db.rollback()
    return found


def member_form(**overrides: str) -> dict[str, str]:
    """A valid member form as a browser sends it (date inputs send YYYY-MM-DD or nothing)."""
    return {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "title": "Staff engineer",
        "fte": "1",
        "level_research": "1",
        "level_engineering": "4",
        "level_data": "2",
        "start_date": "",
        "end_date": "",
    } | overrides


@pytest.fixture
def ada(make_member):
    """On the team from 4 January to 30 June 2027."""
    return make_member(
        name="Ada Lovelace", email="ada@example.com", start_date=JAN_4, end_date=JUN_30
    )


@pytest.fixture
def conference(db: Session, ada):
    """Ada's absence of 1 to 5 March 2027."""
    made = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5), note="Conference")
    absence = absences.add_absence(ada.id, made, session=db)
    db.commit()
    return absence


def edit_data(member: Any, **overrides: str) -> dict[str, str]:
    """The edit form of `member` as loaded, with changes."""
    return (
        member_form(
            name=member.name,
            email=member.email,
            start_date=member.start_date.isoformat() if member.start_date else "",
            end_date=member.end_date.isoformat() if member.end_date else "",
            version="1",
        )
        | overrides
    )


# --- the member form's dates ------------------------------------------------------------------


def test_dates_are_added_shown_edited_and_cleared(client: FlaskClient, db: Session, as_role):
    as_role("hiring_manager")
    form_page = html(client.get("/team/members/new"))
    assert date_input(form_page, "start_date") == "" and date_input(form_page, "end_date") == ""
    response = post_form(
        client, "/team/members/new", member_form(start_date="2027-01-04", end_date="2027-06-30")
    )
    assert response.status_code == 302, html(response)[:3000]
    member_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = service.get_member(member_id, session=db)
    db.rollback()
    assert (saved.start_date, saved.end_date) == (JAN_4, JUN_30)
    page = html(client.get(f"/team/members/{member_id}"))
    assert "First working day 4 January 2027 · last working day 30 June 2027" in page
    edit = html(client.get(f"/team/members/{member_id}/edit"))
    assert date_input(edit, "start_date") == "2027-01-04"
    assert date_input(edit, "end_date") == "2027-06-30"
    data = edit_data(saved, end_date="")  # emptied: staying after all
    response = post_form(client, f"/team/members/{member_id}/edit", data)
    assert response.status_code == 302
    saved = service.get_member(member_id, session=db)
    db.rollback()
    assert (saved.start_date, saved.end_date) == (JAN_4, None)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"start_date": "2027-02-30"}, "start_date", "Not a valid date value."),
        ({"start_date": "NaN"}, "start_date", "Not a valid date value."),
        ({"end_date": "next summer"}, "end_date", "Not a valid date value."),
        ({"end_date": "9" * 10_000}, "end_date", "Not a valid date value."),
        (
            {"start_date": "2027-06-30", "end_date": "2027-01-04"},
            "end_date",
            "must be on or after the start date (30 June 2027)",
        ),
    ],
    ids=["no-such-day", "nan", "words", "huge", "end-before-start"],
)
def test_bad_dates_are_field_errors_and_write_nothing(
    client: FlaskClient, db: Session, as_role, ada, change, field, message
):
    as_role("admin")
    before = state(db)
    response = post_form(client, "/team/members/new", member_form(**change))
    assert response.status_code == 400
    assert invalid(html(response), field) and message in html(response)
    response = post_form(client, f"/team/members/{ada.id}/edit", edit_data(ada, **change))
    assert response.status_code == 400
    assert invalid(html(response), field) and message in html(response)
    assert state(db) == before


def test_a_date_change_that_strands_an_absence_is_refused_naming_it(
    client: FlaskClient, db: Session, as_role, ada, conference
):
    as_role("hiring_manager")
    before = state(db)
    response = post_form(
        client, f"/team/members/{ada.id}/edit", edit_data(ada, end_date="2027-03-04")
    )
    page = html(response)
    assert response.status_code == 400
    assert invalid(page, "end_date")
    assert "would leave the absence 1 March 2027 to 5 March 2027 (Conference) outside" in page
    assert state(db) == before


# --- the Absences section ---------------------------------------------------------------------


def test_editors_add_an_absence_and_see_it_listed(client: FlaskClient, db: Session, as_role, ada):
    as_role("hiring_manager")
    page = html(client.get(f"/team/members/{ada.id}"))
    assert '<section class="mt-4" id="absences">' in page and "No absences recorded." in page
    assert f'action="/team/members/{ada.id}/absences"' in page
    assert date_input(page, "start") == date_input(page, "end") == ""
    data = {"start": "2027-03-01", "end": "2027-03-05", "note": "Conference"}
    response = post_form(
        client, f"/team/members/{ada.id}/absences", data, page=f"/team/members/{ada.id}"
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/team/members/{ada.id}#absences"
    page = html(client.get(response.headers["Location"]))
    assert "Absence 1 March 2027 to 5 March 2027 (Conference) added." in page
    assert re.search(r"1 March 2027 to 5 March 2027</span>\s*<span[^>]*>· Conference</span>", page)
    assert state(db)[1] == [(ada.id, date(2027, 3, 1), date(2027, 3, 5), "Conference")]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"start": "2027-03-05", "end": "2027-03-01"}, "end", "must be on or after the first day"),
        ({"start": "2026-12-28", "end": "2027-01-05"}, "start", "on or after their start date"),
        ({"start": "2027-06-28", "end": "2027-07-02"}, "end", "on or before their end date"),
        ({"start": "2027-02-30", "end": "2027-03-01"}, "start", "Not a valid date value."),
        ({"start": "NaN", "end": "2027-03-01"}, "start", "Not a valid date value."),
        ({"start": "", "end": "2027-03-01"}, "start", "This field is required."),
        (
            {"start": "2027-03-01", "end": "2027-03-01", "note": "x" * 201},
            "note",
            "longer than 200",
        ),
        (
            {"start": "2027-03-01", "end": "2027-03-01", "note": "a\x1bb"},
            "note",
            "control characters",
        ),
    ],
    ids=["reversed", "before-start", "after-end", "no-such-day", "nan", "empty", "long", "control"],
)
def test_a_bad_absence_is_a_field_error_and_writes_nothing(
    client: FlaskClient, db: Session, as_role, ada, data, field, message
):
    as_role("admin")
    response = post_form(
        client, f"/team/members/{ada.id}/absences", data, page=f"/team/members/{ada.id}"
    )
    page = html(response)
    assert response.status_code == 400
    assert invalid(page, field), page[-4000:]
    assert message in page
    assert "Ada Lovelace" in page  # the member page again, with the form's problem shown
    assert absence_count(db) == 0


def test_someone_who_left_gets_no_absence_form_and_no_absence(
    client: FlaskClient, db: Session, as_role, ada, conference
):
    as_role("hiring_manager")
    token_page = f"/team/members/{ada.id}"
    token = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', html(client.get(token_page))
    )
    assert token
    service.mark_left(ada.id, session=db)
    db.commit()
    page = html(client.get(token_page))
    assert "1 March 2027 to 5 March 2027" in page  # kept for history
    assert 'id="absence-form"' not in page
    data = {"csrf_token": token.group(1), "start": "2027-04-01", "end": "2027-04-02"}
    response = client.post(f"/team/members/{ada.id}/absences", data=data)
    assert response.status_code == 409
    assert "has left the team: absences are for people on it." in html(response)
    assert absence_count(db) == 1


def test_deleting_an_absence_takes_the_confirmation_page(
    client: FlaskClient, db: Session, as_role, ada, conference
):
    as_role("hiring_manager")
    page = html(client.get(f"/team/members/{ada.id}"))
    link = f"/team/absences/{conference.id}/delete"
    assert f'href="{link}">Delete</a>' in page
    assert f'action="{link}"' not in page  # no one-click delete on the member page
    confirm = html(client.get(link))
    assert (
        "Delete the absence of Ada Lovelace from 1 March 2027 to 5 March 2027 (Conference)?"
        in confirm
    )
    assert "The forecast will count Ada as working on those days again" in confirm
    assert f'href="/team/members/{ada.id}#absences">Cancel</a>' in confirm
    assert absence_count(db) == 1  # the page itself changes nothing
    for data in ({}, {"confirm": "no"}):
        response = post_form(client, link, data)
        assert response.status_code == 303
        assert urlsplit(response.headers["Location"]).path == link
        assert absence_count(db) == 1
    assert client.post(link, data={"confirm": "yes"}).status_code == 400  # no CSRF token
    assert absence_count(db) == 1
    response = post_form(client, link, {"confirm": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/team/members/{ada.id}#absences"
    assert "Absence 1 March 2027 to 5 March 2027 (Conference) deleted." in html(
        client.get(f"/team/members/{ada.id}")
    )
    assert absence_count(db) == 0
    assert client.get(link).status_code == 404


def test_unknown_members_and_absences_are_404(client: FlaskClient, as_role):
    as_role("admin")
    assert client.get("/team/absences/999/delete").status_code == 404
    assert (
        post_form(
            client, "/team/absences/999/delete", {"confirm": "yes"}, page="/profile"
        ).status_code
        == 404
    )
    data = {"start": "2027-03-01", "end": "2027-03-01"}
    assert post_form(client, "/team/members/999/absences", data, page="/profile").status_code == 404


def test_leadership_reads_absences_but_may_not_change_them(
    client: FlaskClient, db: Session, as_role, ada, conference
):
    as_role("leadership")
    page = html(client.get(f"/team/members/{ada.id}"))
    assert "1 March 2027 to 5 March 2027" in page and "Conference" in page
    assert 'id="absence-form"' not in page and "/delete" not in page
    link = f"/team/absences/{conference.id}/delete"
    assert client.get(link).status_code == 403
    assert post_form(client, link, {"confirm": "yes"}, page="/profile").status_code == 403
    data = {"start": "2027-04-01", "end": "2027-04-01"}
    response = post_form(client, f"/team/members/{ada.id}/absences", data, page="/profile")
    assert response.status_code == 403
    assert absence_count(db) == 1


def test_interviewers_see_no_dates_and_no_absences(
    client: FlaskClient, db: Session, as_role, ada, conference
):
    as_role("interviewer")
    for url in (f"/team/members/{ada.id}", f"/team/absences/{conference.id}/delete"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Conference" not in html(response) and "2027-01-04" not in html(response)
    data = {"start": "2027-04-01", "end": "2027-04-01"}
    response = post_form(client, f"/team/members/{ada.id}/absences", data, page="/profile")
    assert response.status_code == 403
    assert absence_count(db) == 1


def test_markup_in_a_note_is_shown_escaped(client: FlaskClient, as_role, ada):
    as_role("hiring_manager")
    note = '<script>alert(1)</script>"><img src=x>'
    data = {"start": "2027-03-01", "end": "2027-03-01", "note": note}
    response = post_form(
        client, f"/team/members/{ada.id}/absences", data, page=f"/team/members/{ada.id}"
    )
    assert response.status_code == 302
    raw = client.get(f"/team/members/{ada.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in raw and "<img src=x>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
