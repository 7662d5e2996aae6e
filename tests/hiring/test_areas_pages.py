"""The admin's areas and skills page: add, rename, reorder, add skills; refusals; who may."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from team.models import Area, Skill
from tests.conftest import post_form

PAGE = "/admin/areas"


def fetch(db, statement) -> list:
    """Rows as the database has them now, read in a session of their own.

    A fresh session never serves stale objects, and closing it ends the read at once, so no
    lock is held while the app writes next.
    """
    with Session(db.get_bind()) as fresh:
        return list(fresh.exec(statement).all())


def area_keys(db) -> list[str]:
    """Area keys in display order."""
    return fetch(db, select(Area.key).order_by(Area.position, Area.id))


def area_id(db, key: str) -> int:
    """The id of the area with that key."""
    return fetch(db, select(Area.id).where(Area.key == key))[0]


def snapshot(db) -> tuple[list, list]:
    """Everything this page can change, to prove a refusal wrote nothing."""
    areas = fetch(db, select(Area.key, Area.name, Area.position).order_by(Area.id))
    skills = fetch(db, select(Skill.key, Skill.name, Skill.area_id).order_by(Skill.id))
    return [tuple(a) for a in areas], [tuple(s) for s in skills]


def test_page_lists_areas_in_order_and_explains_keys(client, as_role):
    as_role("admin")
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    positions = [
        html.index(name)
        for name in ("ML research", "Software and ML engineering", "Data engineering")
    ]
    assert positions == sorted(positions)
    assert "Keys cannot change" in html and "CSV headers" in html and "API" in html


def test_add_area_shows_in_matrix_and_member_form(client, as_role, make_member, db):
    as_role("admin")
    make_member(name="Ada Lovelace")
    data = {"new-area-key": "infra", "new-area-name": "ML infrastructure"}
    response = post_form(client, f"{PAGE}/new", data, page=PAGE)
    assert response.status_code == 302 and response.location.endswith(PAGE)
    assert area_keys(db) == ["research", "engineering", "data", "infra"]
    assert "Area “ML infrastructure” added." in client.get(PAGE).get_data(as_text=True)

    matrix = client.get("/team/").get_data(as_text=True)
    assert '<th class="area" data-sort>ML infrastructure</th>' in matrix
    member_form = client.get("/team/members/new").get_data(as_text=True)
    assert 'name="level_infra"' in member_form and "ML infrastructure" in member_form


def test_rename_area_keeps_key(client, as_role, db):
    as_role("admin")
    research = area_id(db, "research")
    data = {f"area-{research}-name": "Applied research"}
    response = post_form(client, f"{PAGE}/{research}/rename", data, page=PAGE)
    assert response.status_code == 302
    assert fetch(db, select(Area.key, Area.name).where(Area.id == research)) == [
        ("research", "Applied research")
    ]
    assert "Applied research" in client.get(PAGE).get_data(as_text=True)


def test_move_area_up_and_down(client, as_role, db):
    as_role("admin")
    data_id = area_id(db, "data")
    url = f"{PAGE}/{data_id}/move"
    response = post_form(client, url, {f"move-{data_id}-direction": "up"}, page=PAGE)
    assert response.status_code == 302
    assert area_keys(db) == ["research", "data", "engineering"]
    post_form(client, url, {f"move-{data_id}-direction": "up"}, page=PAGE)
    assert area_keys(db) == ["data", "research", "engineering"]
    post_form(client, url, {f"move-{data_id}-direction": "up"}, page=PAGE)  # already first
    assert area_keys(db) == ["data", "research", "engineering"]
    post_form(client, url, {f"move-{data_id}-direction": "down"}, page=PAGE)
    assert area_keys(db) == ["research", "data", "engineering"]
    html = client.get("/team/members/new").get_data(as_text=True)
    assert html.index('name="level_data"') < html.index('name="level_engineering"')


def test_move_refuses_unknown_direction(client, as_role, db):
    as_role("admin")
    data_id = area_id(db, "data")
    url = f"{PAGE}/{data_id}/move"
    response = post_form(client, url, {f"move-{data_id}-direction": "sideways"}, page=PAGE)
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert area_keys(db) == ["research", "engineering", "data"]


def test_add_and_rename_skill(client, as_role, make_member, db):
    as_role("admin")
    make_member(name="Ada Lovelace")
    data_id = area_id(db, "data")
    data = {f"new-skill-{data_id}-key": "streaming", f"new-skill-{data_id}-name": "Streaming"}
    response = post_form(client, f"{PAGE}/{data_id}/skills", data, page=PAGE)
    assert response.status_code == 302
    skill = fetch(db, select(Skill).where(Skill.key == "streaming"))[0]
    assert skill.area_id == data_id and skill.name == "Streaming"
    assert "Streaming" in client.get("/team/").get_data(as_text=True)
    assert 'name="skill_streaming"' in client.get("/team/members/new").get_data(as_text=True)

    data = {f"skill-{skill.id}-name": "Streaming pipelines"}
    response = post_form(client, f"{PAGE}/skills/{skill.id}/rename", data, page=PAGE)
    assert response.status_code == 302
    assert fetch(db, select(Skill.key, Skill.name).where(Skill.id == skill.id)) == [
        ("streaming", "Streaming pipelines")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"new-area-key": "research", "new-area-name": "Again"}, "is taken"),
        ({"new-area-key": "Has Space", "new-area-name": "Spaced"}, "use lowercase letters"),
        ({"new-area-key": "9lives", "new-area-name": "Digits"}, "use lowercase letters"),
        ({"new-area-key": "email", "new-area-name": "Email"}, "is a CSV column name"),
        ({"new-area-key": "infra", "new-area-name": ""}, "This field is required"),
        ({"new-area-key": "", "new-area-name": "No key"}, "This field is required"),
        ({"new-area-key": "infra", "new-area-name": "x" * 81}, "longer than 80"),
    ],
)
def test_add_area_refusals(client, as_role, db, data, message):
    as_role("admin")
    before = snapshot(db)
    response = post_form(client, f"{PAGE}/new", data, page=PAGE)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert snapshot(db) == before


def test_add_skill_refusals(client, as_role, db):
    as_role("admin")
    data_id = area_id(db, "data")
    url = f"{PAGE}/{data_id}/skills"
    before = snapshot(db)
    for key, message in [("engineering", "is taken"), ("Bad Key", "use lowercase letters")]:
        data = {f"new-skill-{data_id}-key": key, f"new-skill-{data_id}-name": "A skill"}
        response = post_form(client, url, data, page=PAGE)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    assert snapshot(db) == before
    data = {"new-skill-9999-key": "orphan", "new-skill-9999-name": "Orphan"}
    assert post_form(client, f"{PAGE}/9999/skills", data, page=PAGE).status_code == 404
    assert snapshot(db) == before


def test_rename_refusals(client, as_role, db):
    as_role("admin")
    research = area_id(db, "research")
    before = snapshot(db)
    for name, message in [("", "This field is required"), ("Tab\there", "give a name")]:
        data = {f"area-{research}-name": name}
        response = post_form(client, f"{PAGE}/{research}/rename", data, page=PAGE)
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    data = {"area-9999-name": "Ghost"}
    assert post_form(client, f"{PAGE}/9999/rename", data, page=PAGE).status_code == 404
    assert post_form(client, f"{PAGE}/skills/9999/rename", {}, page=PAGE).status_code == 404
    assert snapshot(db) == before


def test_refused_form_keeps_other_forms_filled(client, as_role, db):
    as_role("admin")
    data = {"new-area-key": "research", "new-area-name": "Again"}
    html = post_form(client, f"{PAGE}/new", data, page=PAGE).get_data(as_text=True)
    assert (
        'value="Software and ML engineering"' in html
    )  # the rename forms still show the current names
    assert 'value="research"' in html  # the failed form keeps what was typed


@pytest.mark.parametrize("role", ["hiring_manager", "interviewer", "leadership"])
def test_non_admins_are_forbidden(client, as_role, db, role):
    as_role(role)
    research = area_id(db, "research")
    before = snapshot(db)
    assert client.get(PAGE).status_code == 403
    posts = {
        f"{PAGE}/new": {"new-area-key": "infra", "new-area-name": "Infra"},
        f"{PAGE}/{research}/rename": {f"area-{research}-name": "Hacked"},
        f"{PAGE}/{research}/move": {f"move-{research}-direction": "down"},
        f"{PAGE}/{research}/skills": {
            f"new-skill-{research}-key": "nlp",
            f"new-skill-{research}-name": "NLP",
        },
        f"{PAGE}/skills/1/rename": {"skill-1-name": "Hacked"},
    }
    for url, data in posts.items():
        assert post_form(client, url, data, page="/profile").status_code == 403, url
    assert snapshot(db) == before


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(PAGE).status_code == 302
    data = {"new-area-key": "infra", "new-area-name": "Infra"}
    response = post_form(client, f"{PAGE}/new", data, page="/login")
    assert response.status_code == 302 and "/login" in response.location
    assert area_keys(db) == ["research", "engineering", "data"]
