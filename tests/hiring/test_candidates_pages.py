"""Candidate pages over HTTP: who sees a candidate, status decisions with their history and the
audit log, putting a hire on the team, the interviewer's home and the audit log page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import Session, func, select

from hiring.openings.models import AuditEntry, Candidate, StatusChange
from hiring.web import when
from team.models import Member
from tests.conftest import PASSWORD, post_form


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def fresh(db: Session) -> Session:
    """The test's session with the app's latest commits visible."""
    db.rollback()
    db.expire_all()
    return db


def count_of(db: Session, model: Any) -> int:
    """Committed rows of a table."""
    result = fresh(db).exec(select(func.count()).select_from(model)).one()
    db.rollback()
    return result


def text_of(fragment: str) -> str:
    """Visible text of an HTML fragment, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


@pytest.fixture
def hiring(make_user, make_opening, make_candidate) -> dict[str, Any]:
    """An opening with its owner, two panel interviewers and one candidate."""
    owner = make_user("hiring_manager", name="Owner")
    one = make_user("interviewer", name="Interviewer One")
    two = make_user("interviewer", name="Interviewer Two")
    opening = make_opening(manager=owner, panel=[one, two], title="ML engineer")
    candidate = make_candidate(opening, name="Ada Lovelace", email="ada@example.com")
    return {"owner": owner, "one": one, "two": two, "opening": opening, "candidate": candidate}


# --- who sees a candidate -------------------------------------------------------------------


def test_candidate_page_per_role(hiring, make_user, client_for, client):
    url = f"/candidates/{hiring['candidate'].id}"
    responses = {
        "owner": client_for(hiring["owner"]).get(url),
        "admin": client_for(make_user("admin")).get(url),
        "leadership": client_for(make_user("leadership")).get(url),
        "panel": client_for(hiring["one"]).get(url),
        "other manager": client_for(make_user("hiring_manager")).get(url),
        "off panel": client_for(make_user("interviewer")).get(url),
    }
    assert {k: r.status_code for k, r in responses.items()} == {
        "owner": 200,
        "admin": 200,
        "leadership": 200,
        "panel": 200,
        "other manager": 404,
        "off panel": 404,
    }
    for who in ("owner", "admin"):
        assert 'id="status-form"' in html(responses[who]), who
    for who in ("leadership", "panel"):
        assert 'id="status-form"' not in html(responses[who]), who
    assert "Write my card" in html(responses["panel"])
    assert "Write my card" not in html(responses["owner"])
    assert "ada@example.com" in html(responses["owner"])
    assert client.get(url).status_code == 302
    assert client_for(hiring["owner"]).get("/candidates/424242").status_code == 404


# --- status decisions -----------------------------------------------------------------------


def test_status_change_is_recorded_with_who_when_and_note(hiring, client_for, db):
    candidate, owner = hiring["candidate"], hiring["owner"]
    client = client_for(owner)
    url = f"/candidates/{candidate.id}"
    data = {"status": "interviewing", "note": "Strong CV; book the panel."}
    response = post_form(client, f"{url}/status", data, page=url)
    assert response.status_code == 302 and response.location == url
    assert fresh(db).get(Candidate, candidate.id).status == "interviewing"
    change = db.exec(select(StatusChange).where(StatusChange.new_status == "interviewing")).one()
    assert (change.old_status, change.note, change.changed_by_id) == (
        "applied",
        "Strong CV; book the panel.",
        owner.id,
    )
    assert change.changed_at is not None
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.status")).one()
    assert (entry.actor_email, entry.subject_id) == (owner.email, candidate.id)
    assert "applied -> interviewing" in entry.details
    db.rollback()
    history = re.search(r'id="status-history".*?</table>', html(client.get(url)), re.S).group(0)
    text = text_of(history)
    assert "Applied → Interviewing Strong CV; book the panel." in text
    assert owner.name in text and owner.email not in text  # by name, the email on hover
    assert f'title="{owner.email}"' in history
    assert when(change.changed_at) in text


@pytest.mark.parametrize(
    ("data", "field_id"),
    [({"status": "promoted"}, "status"), ({"status": "offer", "note": "x" * 2001}, "note")],
)
def test_status_change_bad_input(hiring, client_for, db, data, field_id):
    candidate = hiring["candidate"]
    url = f"/candidates/{candidate.id}"
    response = post_form(client_for(hiring["owner"]), f"{url}/status", data, page=url)
    assert response.status_code == 400
    assert re.search(rf'is-invalid[^"]*" id="{field_id}"', html(response))
    assert fresh(db).get(Candidate, candidate.id).status == "applied"
    assert count_of(db, StatusChange) == 1


def test_only_the_manager_or_an_admin_decides(hiring, make_user, client_for, db):
    candidate = hiring["candidate"]
    url = f"/candidates/{candidate.id}/status"
    data = {"status": "rejected"}
    refusals = {
        "leadership": (client_for(make_user("leadership")), 403),
        "interviewer": (client_for(hiring["one"]), 403),
        "other manager": (client_for(make_user("hiring_manager")), 404),
    }
    for who, (client, status) in refusals.items():
        assert post_form(client, url, data, page="/profile").status_code == status, who
    assert fresh(db).get(Candidate, candidate.id).status == "applied"
    admin = client_for(make_user("admin"))
    assert post_form(admin, url, data, page="/profile").status_code == 302
    assert fresh(db).get(Candidate, candidate.id).status == "rejected"


# --- hire and add to the team ---------------------------------------------------------------


def test_hire_and_add_to_the_team(hiring, make_member, write_card, client_for, db):
    make_member(name="Existing Person")
    candidate, owner = hiring["candidate"], hiring["owner"]
    write_card(candidate, hiring["one"], {"research": 3, "engineering": 2, "data": 1})
    write_card(candidate, hiring["two"], {"research": 4, "engineering": 3, "data": None})
    client = client_for(owner)
    url = f"/candidates/{candidate.id}"
    assert "Add to the team" not in html(client.get(url))
    assert client.get(f"{url}/hire").status_code == 409  # not hired yet
    coverage = html(client.get("/reports/coverage"))
    assert "1 people" in coverage or "1 person" in coverage
    post_form(client, f"{url}/status", {"status": "hired", "note": "Accepted"}, page=url)
    assert f'href="/candidates/{candidate.id}/hire">Add to the team' in html(client.get(url))
    form = html(client.get(f"{url}/hire"))
    assert 'value="Ada Lovelace"' in form and 'value="ada@example.com"' in form
    assert 'value="ML engineer"' in form
    for key, level in {"research": 3, "engineering": 2, "data": 1}.items():
        assert re.search(rf'id="level_{key}".*?<option selected value="{level}">', form, re.S)
    data = {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "title": "ML engineer",
        "fte": "1",
        "level_research": "3",
        "level_engineering": "2",
        "level_data": "1",
    }
    response = post_form(client, f"{url}/hire", data)
    assert response.status_code == 302
    member = fresh(db).exec(select(Member).where(Member.email == "ada@example.com")).one()
    assert response.location == f"/team/members/{member.id}"
    assert db.get(Candidate, candidate.id).member_id == member.id
    db.rollback()
    member_page = html(client.get(response.location))
    assert "Ada Lovelace" in member_page and 'title="strong (3)' in member_page
    coverage = html(client.get("/reports/coverage"))
    assert "2 people" in coverage
    again = client.get(f"{url}/hire")
    assert again.status_code == 302 and again.location == f"/team/members/{member.id}"
    assert count_of(db, Member) == 2
    entry = fresh(db).exec(select(AuditEntry).where(AuditEntry.action == "candidate.join_team"))
    assert entry.one().subject_id == candidate.id


def test_add_to_team_bad_input_and_refusals(
    hiring, make_user, make_member, make_candidate, client_for, db
):
    make_member(email="taken@example.com")
    opening, owner = hiring["opening"], hiring["owner"]
    hired = make_candidate(opening, email="taken@example.com", status="hired")
    url = f"/candidates/{hired.id}/hire"
    client = client_for(owner)
    base = {"name": "Taken", "email": "taken@example.com", "title": "", "fte": "1"}
    levels = {"level_research": "1", "level_engineering": "1", "level_data": "1"}
    response = post_form(client, url, base | levels)
    assert response.status_code == 400 and "is taken" in html(response)
    response = post_form(client, url, base | levels | {"email": "new@example.com", "fte": "0"})
    assert response.status_code == 400
    assert re.search(r'is-invalid[^"]*" id="fte"', html(response))
    assert count_of(db, Member) == 1
    assert fresh(db).get(Candidate, hired.id).member_id is None
    db.rollback()
    assert client_for(make_user("leadership")).get(url).status_code == 403
    assert client_for(make_user("hiring_manager")).get(url).status_code == 404


# --- the interviewer's home ------------------------------------------------------------------


def test_interviewer_lands_on_the_cards_they_owe(hiring, make_candidate, write_card, client):
    one = hiring["one"]
    other = make_candidate(hiring["opening"], name="Bob Draft")
    done = make_candidate(hiring["opening"], name="Carol Done")
    write_card(other, one, {"research": 2}, submit=False)
    write_card(done, one, {"research": 2})
    response = post_form(client, "/login", {"email": one.email, "password": PASSWORD})
    # The home lists them (tests/hiring/test_home.py); "Cards to write" is the full table.
    assert response.status_code == 302 and response.location == "/home"
    home = html(client.get("/home"))
    assert f'href="/candidates/{other.id}/scorecard">Continue the card for Bob Draft</a>' in home
    assert "Carol Done" not in home
    page = html(client.get("/candidates/mine"))
    rows = {
        name: text_of(row) for name, row in re.findall(r">([^<]+)</a></td>(.*?)</tr>", page, re.S)
    }
    assert set(rows) == {"Ada Lovelace", "Bob Draft"}
    assert "not started" in rows["Ada Lovelace"] and "Write card" in rows["Ada Lovelace"]
    assert "draft" in rows["Bob Draft"] and "Continue card" in rows["Bob Draft"]
    assert f'href="/candidates/{other.id}/scorecard"' in page


def test_other_roles_land_on_the_home_too(make_user, client):
    manager = make_user("hiring_manager", "interviewer")
    response = post_form(client, "/login", {"email": manager.email, "password": PASSWORD})
    assert response.location == "/home"


def test_cards_to_write_is_for_interviewers(make_user, client_for):
    assert client_for(make_user("leadership")).get("/candidates/mine").status_code == 403
    page = html(client_for(make_user("interviewer")).get("/candidates/mine"))
    assert 'id="nothing-owed"' in page


# --- the audit log --------------------------------------------------------------------------


def test_audit_log_is_for_admins_newest_first_with_filter(hiring, make_user, client_for, client):
    for role in ("hiring_manager", "interviewer", "leadership"):
        assert client_for(make_user(role)).get("/admin/audit/").status_code == 403, role
    assert client.get("/admin/audit/").status_code == 302
    admin = client_for(make_user("admin"))
    page = html(admin.get("/admin/audit/"))
    actions = re.findall(r'<tr data-action="([^"]+)">', page)
    assert actions == ["candidate.add", "opening.create"]
    assert "Audit log</a>" in page
    filtered = html(admin.get("/admin/audit/?action=opening.create"))
    assert re.findall(r'<tr data-action="([^"]+)">', filtered) == ["opening.create"]
    assert hiring["owner"].email in filtered
    # An action the log does not hold is a form error (400), not every entry.
    nonsense = admin.get("/admin/audit/?action=nonsense")
    assert nonsense.status_code == 400
    assert re.findall(r'<tr data-action="', html(nonsense)) == []


def test_audit_log_pages(hiring, make_user, make_candidate, client_for):
    for _ in range(50):
        make_candidate(hiring["opening"])
    admin = client_for(make_user("admin"))
    first = html(admin.get("/admin/audit/"))
    assert len(re.findall(r'<tr data-action="', first)) == 50
    assert "52 entries" in first
    second = html(admin.get("/admin/audit/?offset=50"))
    assert re.findall(r'<tr data-action="([^"]+)">', second) == [
        "candidate.add",
        "opening.create",
    ]
