"""Openings pages over HTTP: who sees which opening, create and edit with the panel, bad input,
stale edits, adding candidates one by one and from a CSV file (all or nothing)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from hiring.numbers import duration
from hiring.openings.models import AuditEntry, Candidate, Opening, PanelSeat, StatusChange
from team.report import coverage_report
from tests.conftest import post_form
from tests.hiring.test_numbers import _weeks as weeks_of


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def invalid(page: str, field_id: str) -> bool:
    """Whether the form marks the field with that id as invalid."""
    return re.search(rf'class="[^"]*is-invalid[^"]*" id="{field_id}"', page) is not None


def fresh(db: Session) -> Session:
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def count_of(db: Session, model: Any, *where: Any) -> int:
    """Committed rows of a table (optionally filtered), to show what a request wrote."""
    query = select(func.count()).select_from(model)
    for condition in where:
        query = query.where(condition)
    result = fresh(db).exec(query).one()
    db.rollback()
    return result


def form(**overrides: Any) -> dict[str, Any]:
    """A valid opening form as a browser would send it."""
    return {
        "title": "Data engineer",
        "description": "Pipelines and the feature store.",
        "target_area": "data",
        "headcount": "2",
        "status": "open",
    } | overrides


def titles(page: str) -> list[str]:
    """Opening titles in the list's table, in order."""
    body = re.search(r'<table[^>]*id="openings".*?<tbody>(.*?)</tbody>', page, re.S)
    assert body, "no openings table"
    return re.findall(r'<a href="/openings/\d+">([^<]+)</a>', body.group(1))


# --- who sees what --------------------------------------------------------------------------


def test_each_role_sees_only_its_openings_in_the_list(make_user, make_opening, client_for, client):
    owner, other = make_user("hiring_manager"), make_user("hiring_manager")
    panelist, idle = make_user("interviewer"), make_user("interviewer")
    make_opening(manager=owner, title="Mine", panel=[panelist])
    make_opening(manager=other, title="Theirs")
    expected = {
        "admin": {"Mine", "Theirs"},
        "leadership": {"Mine", "Theirs"},
    }
    for role, seen in expected.items():
        page = html(client_for(make_user(role)).get("/openings/"))
        assert set(titles(page)) == seen, role
    assert titles(html(client_for(owner).get("/openings/"))) == ["Mine"]
    assert titles(html(client_for(other).get("/openings/"))) == ["Theirs"]
    assert titles(html(client_for(panelist).get("/openings/"))) == ["Mine"]
    assert titles(html(client_for(idle).get("/openings/"))) == []
    assert client.get("/openings/").status_code == 302


def test_opening_page_per_role(make_user, make_opening, client_for, client):
    owner, other = make_user("hiring_manager"), make_user("hiring_manager")
    panelist, idle = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(manager=owner, panel=[panelist], description="Line one\nLine two")
    url = f"/openings/{opening.id}"
    statuses = {
        "owner": client_for(owner).get(url),
        "admin": client_for(make_user("admin")).get(url),
        "leadership": client_for(make_user("leadership")).get(url),
        "panel": client_for(panelist).get(url),
        "other manager": client_for(other).get(url),
        "off panel": client_for(idle).get(url),
    }
    assert {k: r.status_code for k, r in statuses.items()} == {
        "owner": 200,
        "admin": 200,
        "leadership": 200,
        "panel": 200,
        "other manager": 404,
        "off panel": 404,
    }
    owner_page = html(statuses["owner"])
    assert "Line one<br>Line two" in owner_page
    assert panelist.email in owner_page and panelist.name in owner_page
    assert "Add a candidate" in owner_page and f"/openings/{opening.id}/edit" in owner_page
    for reader in ("leadership", "panel"):
        page = html(statuses[reader])
        assert "Add a candidate" not in page and f"/openings/{opening.id}/edit" not in page
    assert client.get(url).status_code == 302
    assert client.get("/openings/99999").status_code == 302  # anonymous: login first
    assert client_for(owner).get("/openings/99999").status_code == 404


def test_ranking_link_only_when_the_ranking_page_exists(app, make_user, make_opening, client_for):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    page = html(client_for(owner).get(f"/openings/{opening.id}"))
    assert ("Ranking</a>" in page) == ("ranking.show" in app.view_functions)


@pytest.mark.parametrize("role", ["leadership", "interviewer"])
def test_readers_cannot_write(make_user, make_opening, client_for, role, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    client = client_for(make_user(role))
    posts = {
        "/openings/new": form(),
        f"/openings/{opening.id}/edit": form(),
        f"/openings/{opening.id}/candidates": {"name": "Ada", "email": "ada@example.com"},
    }
    assert client.get("/openings/new").status_code == 403
    for url, data in posts.items():
        assert post_form(client, url, data, page="/profile").status_code == 403, url
    assert count_of(db, Opening) == 1
    assert count_of(db, Candidate) == 0


def test_other_hiring_manager_cannot_change_an_opening(make_user, make_opening, client_for, db):
    opening = make_opening(title="Theirs")
    other = client_for(make_user("hiring_manager"))
    assert other.get(f"/openings/{opening.id}/edit").status_code == 404
    response = post_form(
        other, f"/openings/{opening.id}/edit", form(title="Taken over"), page="/openings/new"
    )
    assert response.status_code == 404
    assert fresh(db).get(Opening, opening.id).title == "Theirs"


def test_manager_on_another_panel_sees_but_cannot_change(make_user, make_opening, client_for, db):
    both = make_user("hiring_manager", "interviewer")
    opening = make_opening(panel=[both], title="Not mine")
    client = client_for(both)
    assert client.get(f"/openings/{opening.id}").status_code == 200
    assert client.get(f"/openings/{opening.id}/edit").status_code == 403
    data = {"name": "Ada", "email": "ada@example.com"}
    url = f"/openings/{opening.id}/candidates"
    assert post_form(client, url, data, page="/openings/new").status_code == 403
    assert count_of(db, Candidate) == 0


# --- create and edit ------------------------------------------------------------------------


def test_create_an_opening_with_a_panel(make_user, client_for, db):
    manager = make_user("hiring_manager")
    ada = make_user("interviewer", name="Ada Lovelace", email="ada@example.com")
    grace = make_user("interviewer", "leadership", name="Grace Hopper", email="grace@example.com")
    client = client_for(manager)
    page = html(client.get("/openings/new"))
    assert "Ada Lovelace (ada@example.com)" in page and "Grace Hopper (grace@example.com)" in page
    data = form(panel=[ada.email, grace.email])
    response = post_form(client, "/openings/new", data)
    assert response.status_code == 302
    opening = fresh(db).exec(select(Opening)).one()
    assert response.location == f"/openings/{opening.id}"
    assert (opening.title, opening.headcount, opening.status) == ("Data engineer", 2, "open")
    assert opening.hiring_manager_id == manager.id
    seats = db.exec(select(PanelSeat.user_id).where(PanelSeat.opening_id == opening.id)).all()
    assert set(seats) == {ada.id, grace.id}
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "opening.create")).one()
    assert (entry.actor_email, entry.subject_id) == (manager.email, opening.id)
    detail = html(client.get(response.location))
    assert "Ada Lovelace" in detail and "Data engineering" in detail


def test_new_opening_suggests_the_weakest_area(
    make_user, make_member, make_work_item, client_for, db
):
    make_member(levels={"research": 3, "engineering": 3, "data": 0})
    make_member(levels={"research": 2, "engineering": 3, "data": 1})
    make_work_item(area="data", points=20)
    make_work_item(area="engineering", points=5)
    report = coverage_report(session=fresh(db))
    db.rollback()
    assert report.weakest_area == "data"
    weakest = report.area("data")
    page = html(client_for(make_user("hiring_manager")).get("/openings/new"))
    suggestion = re.search(r'id="suggested-area">(.*?)</p>', page, re.S)
    assert suggestion
    text = " ".join(re.sub(r"<[^>]+>", " ", suggestion.group(1)).split())
    # The saving is the difference of the two forecasts as the coverage report shows them.
    gap = weeks_of(duration(report.forecast_weeks)) - weeks_of(
        duration(weakest.weeks_with_specialist)
    )
    assert gap == pytest.approx(6.3)
    assert text.startswith(
        "Suggested: Data engineering (the weakest area). Data engineering: 80% of the open "
        "work, 0 of 2 people strong or better; one strong hire here saves 6.3 weeks."
    ), text
    assert re.search(r'<option selected value="data">|<option value="data" selected', page)


def test_no_suggestion_without_planned_work(make_user, client_for):
    page = html(client_for(make_user("admin")).get("/openings/new"))
    assert 'id="suggested-area"' not in page
    assert re.search(r'<option selected value="">|<option value="" selected', page)


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"title": ""}, "title", "This field is required"),
        ({"title": "   "}, "title", "This field is required"),
        ({"headcount": "0"}, "headcount", "Number must be between 1 and 100"),
        ({"headcount": "many"}, "headcount", "Not a valid integer value"),
        ({"target_area": "astrology"}, "target_area", "is not a known area"),
        ({"status": "paused"}, "status", "Not a valid choice"),
    ],
)
def test_create_refuses_bad_input(make_user, client_for, db, change, field_id, message):
    client = client_for(make_user("hiring_manager"))
    response = post_form(client, "/openings/new", form(**change))
    assert response.status_code == 400
    page = html(response)
    assert invalid(page, field_id), field_id
    assert message in page
    assert count_of(db, Opening) == 0


def test_control_characters_write_nothing(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    client = client_for(owner)
    response = post_form(client, "/openings/new", form(title="Bad\x00title"))
    assert response.status_code == 400
    data = {"name": "Ada\x07", "email": "ada@example.com"}
    url = f"/openings/{opening.id}/candidates"
    assert post_form(client, url, data, page=f"/openings/{opening.id}").status_code == 400
    assert count_of(db, Opening) == 1
    assert count_of(db, Candidate) == 0


def test_create_refuses_a_panel_member_who_is_not_an_interviewer(make_user, client_for, db):
    boss = make_user("leadership", email="boss@example.com")
    client = client_for(make_user("hiring_manager"))
    response = post_form(client, "/openings/new", form(panel=[boss.email]))
    assert response.status_code == 400
    page = html(response)
    assert "boss@example.com is not an active interviewer" in page
    assert 'class="invalid-feedback d-block">boss@example.com' in page
    assert count_of(db, Opening) == 0
    assert count_of(db, PanelSeat) == 0


def test_edit_an_opening_and_its_panel(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    ada, grace = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(manager=owner, panel=[ada], title="Old title")
    client = client_for(owner)
    page = html(client.get(f"/openings/{opening.id}/edit"))
    assert 'value="Old title"' in page
    assert re.search(rf'checked[^>]*value="{re.escape(ada.email)}"', page)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)
    assert version and version.group(1) == "1"
    data = form(title="New title", panel=[grace.email], status="closed", version="1")
    response = post_form(client, f"/openings/{opening.id}/edit", data)
    assert response.status_code == 302
    row = fresh(db).get(Opening, opening.id)
    assert (row.title, row.status, row.version, row.headcount) == ("New title", "closed", 2, 2)
    seats = db.exec(select(PanelSeat.user_id).where(PanelSeat.opening_id == opening.id)).all()
    assert seats == [grace.id]


def test_stale_edit_is_refused_with_409(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner, title="First")
    client = client_for(owner)
    url = f"/openings/{opening.id}/edit"
    assert post_form(client, url, form(title="Second", version="1")).status_code == 302
    response = post_form(client, url, form(title="Lost update", version="1"))
    assert response.status_code == 409
    assert "Someone else changed this opening meanwhile" in html(response)
    row = fresh(db).get(Opening, opening.id)
    assert (row.title, row.version) == ("Second", 2)


def test_admin_edits_any_opening(make_user, make_opening, client_for, db):
    opening = make_opening(title="Someone's")
    client = client_for(make_user("admin"))
    response = post_form(client, f"/openings/{opening.id}/edit", form(title="Admin's", version="1"))
    assert response.status_code == 302
    assert fresh(db).get(Opening, opening.id).title == "Admin's"


def test_edit_bad_input_writes_nothing(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner, title="Kept")
    client = client_for(owner)
    url = f"/openings/{opening.id}/edit"
    response = post_form(client, url, form(target_area="astrology", title="Changed", version="1"))
    assert response.status_code == 400
    assert invalid(html(response), "target_area")
    row = fresh(db).get(Opening, opening.id)
    assert (row.title, row.version) == ("Kept", 1)


# --- the list -------------------------------------------------------------------------------


def test_list_search_filter_sort_and_counts(make_user, make_opening, make_candidate, client_for):
    owner = make_user("hiring_manager")
    ml = make_opening(manager=owner, title="ML researcher", headcount=3)
    make_opening(manager=owner, title="Data engineer", status="closed")
    make_opening(manager=owner, title="Platform engineer")
    make_candidate(ml)
    make_candidate(ml, status="interviewing")
    make_candidate(ml, status="rejected")
    client = client_for(owner)
    page = html(client.get("/openings/"))
    assert titles(page) == ["Platform engineer", "ML researcher", "Data engineer"]
    row = re.search(r"ML researcher</a>.*?</tr>", page, re.S)
    assert row
    cells = " ".join(re.sub(r"<[^>]+>", " ", row.group(0)).split())
    assert "3 in all" in cells and "1 applied" in cells and "1 interviewing" in cells
    assert "1 rejected" in cells
    assert titles(html(client.get("/openings/?q=ENGINEER"))) == [
        "Platform engineer",
        "Data engineer",
    ]
    assert titles(html(client.get("/openings/?show=closed"))) == ["Data engineer"]
    assert titles(html(client.get("/openings/?show=open&sort=title"))) == [
        "ML researcher",
        "Platform engineer",
    ]
    by_title_desc = titles(html(client.get("/openings/?sort=title&dir=desc")))
    assert by_title_desc == ["Platform engineer", "ML researcher", "Data engineer"]
    assert titles(html(client.get("/openings/?sort=nonsense&show=bogus&offset=x"))) == titles(page)
    assert titles(html(client.get("/openings/?q=%25"))) == []
    assert "New opening" in page


def test_new_opening_button_only_for_those_who_may(make_user, client_for):
    assert "New opening" not in html(client_for(make_user("leadership")).get("/openings/"))
    assert "New opening" in html(client_for(make_user("admin")).get("/openings/"))


# --- candidates -----------------------------------------------------------------------------


def test_add_a_candidate(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    client = client_for(owner)
    url = f"/openings/{opening.id}/candidates"
    data = {"name": "Ada Lovelace", "email": "Ada@Example.com"}
    response = post_form(client, url, data, page=f"/openings/{opening.id}")
    assert response.status_code == 302
    candidate = fresh(db).exec(select(Candidate)).one()
    assert (candidate.name, candidate.email, candidate.status) == (
        "Ada Lovelace",
        "ada@example.com",
        "applied",
    )
    change = db.exec(select(StatusChange)).one()
    assert (change.new_status, change.changed_by_id) == ("applied", owner.id)
    page = html(client.get(f"/openings/{opening.id}"))
    assert f'href="/candidates/{candidate.id}">Ada Lovelace</a>' in page


def test_duplicate_candidate_email_is_refused(
    make_user, make_opening, make_candidate, client_for, db
):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    make_candidate(opening, email="ada@example.com")
    client = client_for(owner)
    data = {"name": "Ada again", "email": "ADA@example.com"}
    page_url = f"/openings/{opening.id}"
    response = post_form(client, f"/openings/{opening.id}/candidates", data, page=page_url)
    assert response.status_code == 400
    assert invalid(html(response), "email") and "is taken" in html(response)
    assert count_of(db, Candidate) == 1


@pytest.mark.parametrize(
    ("data", "field_id"),
    [
        ({"name": "", "email": "ada@example.com"}, "name"),
        ({"name": "Ada", "email": "not an email"}, "email"),
    ],
)
def test_add_candidate_bad_input(make_user, make_opening, client_for, db, data, field_id):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    client = client_for(owner)
    page_url = f"/openings/{opening.id}"
    response = post_form(client, f"/openings/{opening.id}/candidates", data, page=page_url)
    assert response.status_code == 400
    assert invalid(html(response), field_id)
    assert count_of(db, Candidate) == 0


def test_closed_opening_refuses_candidates(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner, status="closed")
    client = client_for(owner)
    page_url = f"/openings/{opening.id}"
    assert "reopen it" in html(client.get(page_url))
    data = {"name": "Ada", "email": "ada@example.com"}
    response = post_form(client, f"/openings/{opening.id}/candidates", data, page=page_url)
    assert response.status_code == 409
    assert "The opening is closed; reopen it to add candidates." in html(response)
    upload = {"file": (io.BytesIO(b"name,email\nAda,ada@example.com\n"), "c.csv")}
    response = post_form(client, f"/openings/{opening.id}/candidates/upload", upload, page=page_url)
    assert response.status_code == 409
    assert count_of(db, Candidate) == 0
    assert count_of(db, AuditEntry, col(AuditEntry.action) == "candidate.add") == 0


def upload(client, opening_id: int, text: str | bytes, name: str = "candidates.csv"):
    """Post a candidates file to the opening's upload form."""
    body = text.encode() if isinstance(text, str) else text
    return post_form(
        client,
        f"/openings/{opening_id}/candidates/upload",
        {"file": (io.BytesIO(body), name)},
        page=f"/openings/{opening_id}",
    )


def test_csv_upload_adds_every_candidate(make_user, make_opening, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    client = client_for(owner)
    text = "\ufeffName,Email\nAda Lovelace,ada@example.com\n\n Alan Turing , alan@example.com\n"
    response = upload(client, opening.id, text)
    assert response.status_code == 302
    rows = fresh(db).exec(select(Candidate).order_by(Candidate.name)).all()
    assert [(c.name, c.email) for c in rows] == [
        ("Ada Lovelace", "ada@example.com"),
        ("Alan Turing", "alan@example.com"),
    ]
    assert count_of(db, StatusChange) == 2
    assert count_of(db, AuditEntry, col(AuditEntry.action) == "candidate.add") == 2


def test_csv_upload_is_all_or_nothing(make_user, make_opening, make_candidate, client_for, db):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    make_candidate(opening, email="taken@example.com")
    client = client_for(owner)
    bad_lines = (
        "name,email\n"
        "Ada Lovelace,ada@example.com\n"
        "No Email,\n"
        "Bad Email,not-an-email\n"
        "Too,many@example.com,values\n"
    )
    response = upload(client, opening.id, bad_lines)
    assert response.status_code == 400
    problems = re.findall(r"<li>(Line \d+[^<]*)</li>", html(response))
    assert [p.split(":")[0] for p in problems] == ["Line 3", "Line 4", "Line 5"]
    assert "Nobody was added" in html(response)
    duplicates = "name,email\nAda,ada@example.com\nTaken,taken@example.com\nAda 2,ADA@example.com\n"
    response = upload(client, opening.id, duplicates)
    assert response.status_code == 400
    problems = re.findall(r"<li>(Line \d+[^<]*)</li>", html(response))
    assert problems == [
        "Line 3: taken@example.com is already on this opening.",
        "Line 4: ada@example.com is also in row 1 of the list.",
    ]
    assert count_of(db, Candidate) == 1


@pytest.mark.parametrize(
    ("body", "name", "message"),
    [
        (b"email,first name\nada@example.com,Ada\n", "c.csv", "header must be exactly"),
        (b"name,email\n", "c.csv", "no candidates below its header"),
        (b"name,email\nAd\xe9,ada@example.com\n", "c.csv", "not UTF-8"),
        (b"name,email\nAda,ada@example.com\n", "c.txt", "Choose a .csv file."),
    ],
)
def test_csv_upload_bad_files(make_user, make_opening, client_for, db, body, name, message):
    owner = make_user("hiring_manager")
    opening = make_opening(manager=owner)
    response = upload(client_for(owner), opening.id, body, name)
    assert response.status_code == 400
    assert message in html(response)
    assert count_of(db, Candidate) == 0


def test_csv_upload_by_someone_else_is_refused(make_user, make_opening, client_for, db):
    opening = make_opening()
    response = upload(client_for(make_user("admin", "leadership")), opening.id, "name,email\n")
    assert response.status_code == 400  # an admin may: the file itself is what is wrong
    assert upload(client_for(make_user("leadership")), opening.id, "x").status_code == 403
    assert upload(client_for(make_user("hiring_manager")), opening.id, "x").status_code == 404
    assert count_of(db, Candidate) == 0


def test_candidates_table_shows_levels_and_verdicts(
    make_user, make_opening, make_candidate, write_card, client_for
):
    owner = make_user("hiring_manager")
    one, two = make_user("interviewer"), make_user("interviewer")
    opening = make_opening(manager=owner, panel=[one, two])
    ada = make_candidate(opening, name="Ada")
    bob = make_candidate(opening, name="Bob")
    write_card(ada, one, {"research": 3, "engineering": 2, "data": 1})
    write_card(ada, two, {"research": 2, "engineering": 2, "data": 1})
    write_card(bob, one, {"research": 3, "engineering": 0})
    page = html(client_for(owner).get(f"/openings/{opening.id}"))
    ada_row = re.search(r">Ada</a>.*?</tr>", page, re.S).group(0)
    assert 'class="level level-2" title="working-strong (2.5)' in ada_row
    assert "No strong area" in ada_row
    assert "not strong in any area: best is ML research at working-strong" in ada_row
    bob_row = re.search(r">Bob</a>.*?</tr>", page, re.S).group(0)
    assert "Not fully assessed" in bob_row and "not assessed in Data engineering" in bob_row
    assert "text-bg-secondary verdict" in bob_row
