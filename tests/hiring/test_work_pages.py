"""Planned work pages over HTTP: roles, add/edit/status/delete (confirmed on a page of its own),
bad input, filters and totals."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from team import members as members_service
from team import work as service
from team.areas import create_skill
from team.models import WorkItem, WorkItemSkill
from team.schemas import WorkItemCreate, WorkItemUpdate
from tests.conftest import post_form

READ_PAGES = ("/work/",)
EDIT_PAGES = ("/work/new", "/work/{id}/edit", "/work/{id}/delete")
POSTS = ("/work/new", "/work/{id}/edit", "/work/{id}/status", "/work/{id}/delete")


def read(db: Session, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service on freshly read rows, then end the transaction so the app can write."""
    db.rollback()
    db.expire_all()
    try:
        return fn(*args, session=db, **kwargs)
    finally:
        db.rollback()


def rows(db: Session) -> tuple[int, int]:
    """Committed work items and skill links, to show that a request wrote nothing."""

    def both(session: Session) -> tuple[int, int]:
        items = session.exec(select(func.count()).select_from(WorkItem)).one()
        links = session.exec(select(func.count()).select_from(WorkItemSkill)).one()
        return items, links

    return read(db, both)


def form(**overrides: str) -> dict[str, Any]:
    """A valid work item form as a browser would send it."""
    return {
        "title": "Feature store",
        "area": "data",
        "points": "8",
        "status": "planned",
    } | overrides


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def invalid(page: str, field_id: str) -> bool:
    """Whether the form marks the field with that id as invalid."""
    return re.search(rf'class="[^"]*is-invalid[^"]*" id="{field_id}"', page) is not None


def titles(page: str) -> list[str]:
    """Titles in the work table, in order."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert body, "no table"
    return re.findall(r"<tr>\s*<td>([^<]*)</td>", body.group(1))


def totals(page: str) -> dict[str, tuple[str, str, str]]:
    """The per-area cards: area name -> (open points, open items, points in all)."""
    cards = re.findall(
        r'stat-label">([^<]+)</div>\s*<div class="stat">([^ ]+) <span[^>]*>points open</span>'
        r'</div>\s*<div class="small text-secondary">(\d+) open items? · ([^ ]+) points in all',
        page,
    )
    return {name: (open_points, items, total) for name, open_points, items, total in cards}


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize("role", ("admin", "hiring_manager"))
def test_editors_open_every_page(client: FlaskClient, as_role, make_work_item, role: str):
    """Admins and hiring managers see the list with its controls, and both forms."""
    item = make_work_item()
    as_role(role)
    page = html(client.get("/work/"))
    assert "Add work item" in page and f"/work/{item.id}/edit" in page
    for url in EDIT_PAGES:
        assert client.get(url.format(id=item.id)).status_code == 200, url


def test_leadership_reads_but_may_not_change(
    client: FlaskClient, db: Session, as_role, make_work_item
) -> None:
    """Leadership reads the list without controls and gets 403 on forms and actions."""
    item = make_work_item(title="Ticket A")
    as_role("leadership")
    response = client.get("/work/")
    assert response.status_code == 200
    page = html(response)
    assert "Ticket A" in page
    assert "Add work item" not in page and "/edit" not in page and "/delete" not in page
    for url in EDIT_PAGES:
        assert client.get(url.format(id=item.id)).status_code == 403, url
    before = rows(db)
    for url in POSTS:
        data = form(status="done")
        response = post_form(client, url.format(id=item.id), data, page="/profile")
        assert response.status_code == 403, url
    assert rows(db) == before
    assert read(db, service.get_work_item, item.id) == item


def test_interviewers_see_nothing(client: FlaskClient, db: Session, as_role, make_work_item):
    """Interviewers get 403 on every work page and action."""
    item = make_work_item(title="Secret roadmap")
    as_role("interviewer")
    for url in READ_PAGES + EDIT_PAGES:
        response = client.get(url.format(id=item.id))
        assert response.status_code == 403, url
        assert "Secret roadmap" not in html(response)
    before = rows(db)
    for url in POSTS:
        response = post_form(client, url.format(id=item.id), form(), page="/profile")
        assert response.status_code == 403, url
    assert rows(db) == before
    assert read(db, service.get_work_item, item.id) == item


def test_anonymous_is_sent_to_login(client: FlaskClient, db: Session, make_work_item) -> None:
    """Without a login every page and action redirects to the login form with ?next=."""
    item = make_work_item()
    for url in READ_PAGES + EDIT_PAGES:
        path = url.format(id=item.id)
        response = client.get(path + "?area=data")
        assert response.status_code == 302, url
        target = urlsplit(response.headers["Location"])
        assert target.path == "/login"
        assert parse_qs(target.query)["next"] == [path + "?area=data"]
    before = rows(db)
    for url in POSTS:
        response = post_form(client, url.format(id=item.id), form(), page="/login")
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/login"
    assert rows(db) == before


@pytest.mark.parametrize("item_id", ["999", "2147483648", "9" * 20])
def test_unknown_item_is_404(client: FlaskClient, as_role, item_id: str) -> None:
    """Forms and actions on an item that does not exist (or cannot) answer 404, never 500."""
    as_role("hiring_manager")
    assert client.get(f"/work/{item_id}/edit").status_code == 404
    assert client.get(f"/work/{item_id}/delete").status_code == 404
    for action, data in (("status", {"status": "done"}), ("delete", {"confirm": "yes"})):
        response = post_form(client, f"/work/{item_id}/{action}", data, page="/work/new")
        assert response.status_code == 404, action


# --- add, edit, status, delete ---------------------------------------------------------


def test_add_item(client: FlaskClient, db: Session, as_role) -> None:
    """The form stores the item with its skills and returns to the list with a message."""
    create_skill("data", "streaming", "Streaming", session=db)
    create_skill("data", "warehousing", "Warehousing", session=db)
    as_role("hiring_manager")
    page = html(client.get("/work/new"))
    assert 'value="streaming"' in page and 'selected value="planned"' in page
    data = form(points="2.5", status="in_progress", skills=["streaming", "warehousing"])
    response = post_form(client, "/work/new", data)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/work/"
    items, total = read(db, service.list_work_items)
    assert total == 1
    item = items[0]
    assert (item.title, item.area, item.points, item.status) == (
        "Feature store",
        "data",
        2.5,
        "in_progress",
    )
    assert item.skills == ["streaming", "warehousing"]
    assert "Added “Feature store”." in html(client.get("/work/"))


def test_edit_item(client: FlaskClient, db: Session, as_role, make_work_item) -> None:
    """The edit form shows the stored values and version; saving writes the changes."""
    create_skill("engineering", "serving", "Serving", session=db)
    item = make_work_item(title="Old title", area="engineering", points=3, skills=["serving"])
    as_role("hiring_manager")
    page = html(client.get(f"/work/{item.id}/edit"))
    assert 'value="Old title"' in page
    assert re.search(r'<option selected value="engineering">', page)
    assert re.search(r'<option selected value="serving">', page)
    assert re.search(r'id="version" name="version" type="hidden" value="1"', page)
    data = form(title="New title", area="research", points="5", status="done", version="1")
    response = post_form(client, f"/work/{item.id}/edit", data)
    assert response.status_code == 302
    saved = read(db, service.get_work_item, item.id)
    assert (saved.title, saved.area, saved.points, saved.status, saved.skills) == (
        "New title",
        "research",
        5,
        "done",
        [],
    )
    assert read(db, service.get_item_row, item.id).version == 2


def test_change_status(client: FlaskClient, db: Session, as_role, make_work_item) -> None:
    """The list's status form moves an item; it returns to the filtered list it came from."""
    item = make_work_item(status="planned")
    as_role("hiring_manager")
    back = "http://localhost/work/?status=planned"
    response = post_form(
        client, f"/work/{item.id}/status", {"status": "in_progress"}, page="/work/"
    )
    assert response.status_code == 302
    assert read(db, service.get_work_item, item.id).status == "in_progress"
    response = post_form(
        client,
        f"/work/{item.id}/status",
        {"status": "done"},
        page="/work/",
        headers={"Referer": back},
    )
    assert response.headers["Location"] == back
    assert read(db, service.get_work_item, item.id).status == "done"
    # A referrer on another site is not followed.
    response = post_form(
        client,
        f"/work/{item.id}/status",
        {"status": "planned"},
        page="/work/",
        headers={"Referer": "https://evil.example/work/"},
    )
    assert urlsplit(response.headers["Location"]).path == "/work/"
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("status", ["archived", "", "DONE"])
def test_change_status_refuses_unknown(
    client: FlaskClient, db: Session, as_role, make_work_item, status: str
) -> None:
    """A status that does not exist is a 400 and the item keeps its status."""
    item = make_work_item(status="planned")
    as_role("hiring_manager")
    response = post_form(client, f"/work/{item.id}/status", {"status": status}, page="/work/")
    assert response.status_code == 400
    assert read(db, service.get_work_item, item.id).status == "planned"


def test_delete_item(client: FlaskClient, db: Session, as_role, make_work_item) -> None:
    """The list's Delete leads to a page saying what deleting changes; its form deletes the item
    and its skill links, and leaves the others."""
    create_skill("data", "streaming", "Streaming", session=db)
    gone = make_work_item(title="Gone", area="data", points=3, skills=["streaming"])
    kept = make_work_item(title="Kept", skills=["streaming"])
    as_role("admin")
    listed = html(client.get("/work/"))
    assert f'href="/work/{gone.id}/delete"' in listed
    assert f'action="/work/{gone.id}/delete"' not in listed  # no one-click delete on the list
    page = html(client.get(f"/work/{gone.id}/delete"))
    assert "Delete “Gone” (3 points, Data engineering)?" in page
    assert "It will no longer count in the forecast" in page
    assert 'name="confirm" type="hidden" value="yes"' in page
    assert 'href="/work/">Cancel</a>' in page
    assert rows(db) == (2, 2)  # the page itself deletes nothing
    response = post_form(client, f"/work/{gone.id}/delete", {"confirm": "yes"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/work/"
    assert rows(db) == (1, 1)
    assert read(db, service.get_work_item, kept.id) == kept
    page = html(client.get("/work/"))
    assert "Deleted “Gone”." in page and titles(page) == ["Kept"]


def test_deleting_a_done_item_says_the_forecast_stays(
    client: FlaskClient, as_role, make_work_item
) -> None:
    """A done item no longer counts in the forecast, so the page does not claim it changes."""
    item = make_work_item(title="Old report", area="data", points=1, status="done")
    as_role("hiring_manager")
    page = html(client.get(f"/work/{item.id}/delete"))
    assert "Delete “Old report” (1 point, Data engineering, done)?" in page
    assert "It is done, so the forecast stays as it is" in page


@pytest.mark.parametrize("data", [{}, {"confirm": ""}, {"confirm": "no"}])
def test_delete_without_the_confirmation_deletes_nothing(
    client: FlaskClient, db: Session, as_role, make_work_item, data: dict[str, str]
) -> None:
    """A POST with a valid token but without the confirmation page's field (an old one-click
    button, a script) is sent to the confirmation page, and the item stays."""
    item = make_work_item(title="Stays")
    as_role("hiring_manager")
    response = post_form(client, f"/work/{item.id}/delete", data, page="/work/")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == f"/work/{item.id}/delete"
    assert rows(db) == (1, 0)
    assert read(db, service.get_work_item, item.id) == item
    page = html(client.get(response.headers["Location"]))
    assert "Nothing was deleted yet: confirm below, or cancel." in page
    assert "Delete “Stays”" in page


def test_actions_need_the_csrf_token(client: FlaskClient, db: Session, as_role, make_work_item):
    """Forged POSTs without the form's token change nothing."""
    item = make_work_item()
    as_role("hiring_manager")
    assert client.post(f"/work/{item.id}/delete").status_code == 400
    assert client.post(f"/work/{item.id}/delete", data={"confirm": "yes"}).status_code == 400
    assert client.post(f"/work/{item.id}/status", data={"status": "done"}).status_code == 400
    assert client.post("/work/new", data=form()).status_code == 400
    assert rows(db) == (1, 0)
    assert read(db, service.get_work_item, item.id) == item


# --- bad input --------------------------------------------------------------------------


BAD_ITEM_INPUT = [
    ({"points": "0"}, "points", "Must be more than 0 and at most 1000."),
    ({"points": "-1"}, "points", "Must be more than 0 and at most 1000."),
    ({"points": "1001"}, "points", "Must be more than 0 and at most 1000."),
    ({"points": "x"}, "points", "Not a valid decimal value."),
    ({"points": "nan"}, "points", "Must be more than 0 and at most 1000."),
    ({"points": "inf"}, "points", "Must be more than 0 and at most 1000."),
    ({"points": ""}, "points", "This field is required."),
    ({"area": "quantum"}, "area", "Not a valid choice."),
    ({"area": ""}, "area", "This field is required."),
    ({"status": "archived"}, "status", "Not a valid choice."),
    ({"title": ""}, "title", "This field is required."),
    ({"title": "   "}, "title", "This field is required."),
    ({"title": "t" * 201}, "title", "Field cannot be longer than 200 characters."),
    ({"title": "Tab\there"}, "title", "must not contain control characters"),
    ({"skills": ["juggling"]}, "skills", "&#39;juggling&#39; is not a valid choice"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_ITEM_INPUT)
def test_add_item_bad_input(
    client: FlaskClient, db: Session, as_role, change: dict, field: str, message: str
) -> None:
    """Every bad value is a 400 with its message on its field, and nothing is stored."""
    create_skill("data", "streaming", "Streaming", session=db)
    as_role("hiring_manager")
    response = post_form(client, "/work/new", form(skills=["streaming"]) | change)
    assert response.status_code == 400
    page = html(response)
    assert invalid(page, field), page
    assert message in page
    assert rows(db) == (0, 0)


@pytest.mark.parametrize(("change", "field", "message"), BAD_ITEM_INPUT)
def test_edit_item_bad_input(
    client: FlaskClient,
    db: Session,
    as_role,
    make_work_item,
    change: dict,
    field: str,
    message: str,
) -> None:
    """A bad edit is a 400 naming the field; the stored item is unchanged."""
    create_skill("data", "streaming", "Streaming", session=db)
    item = make_work_item(title="Stays", area="data", skills=["streaming"])
    as_role("hiring_manager")
    data = form(title="Changed", version="1") | change
    response = post_form(client, f"/work/{item.id}/edit", data)
    assert response.status_code == 400
    assert invalid(html(response), field)
    assert message in html(response)
    assert read(db, service.get_work_item, item.id) == item
    assert read(db, service.get_item_row, item.id).version == 1


def test_stale_edit_is_refused(client: FlaskClient, db: Session, as_role, make_work_item):
    """Saving a form loaded before someone else's change answers 409 and writes nothing."""
    item = make_work_item(title="Original", points=3)
    as_role("hiring_manager")
    assert 'value="1"' in html(client.get(f"/work/{item.id}/edit"))
    read(db, service.update_work_item, item.id, WorkItemUpdate(points=13))
    data = form(title="Overwrite", points="1", version="1")
    response = post_form(client, f"/work/{item.id}/edit", data)
    assert response.status_code == 409
    page = html(response)
    assert 'class="alert alert-danger error-summary" role="alert"' in page
    assert "<li>Someone else changed this item" in page
    saved = read(db, service.get_work_item, item.id)
    assert (saved.title, saved.points) == ("Original", 13)
    assert read(db, service.get_item_row, item.id).version == 2


# --- list, filters, totals -------------------------------------------------------------


@pytest.fixture
def backlog(make_work_item) -> None:
    """Research: 3 planned + 2 in progress + 5 done; engineering: 1.5 planned; data: none."""
    make_work_item(title="R planned", area="research", points=3, status="planned")
    make_work_item(title="R doing", area="research", points=2, status="in_progress")
    make_work_item(title="R done", area="research", points=5, status="done")
    make_work_item(title="E planned", area="engineering", points=1.5, status="planned")


def test_totals_per_area_exclude_done(client: FlaskClient, as_role, backlog: None) -> None:
    """Open points leave out done items; every area has a card, empty ones at 0."""
    as_role("leadership")
    page = html(client.get("/work/"))
    assert totals(page) == {
        "ML research": ("5", "2", "10"),
        "Software and ML engineering": ("1.5", "1", "1.5"),
        "Data engineering": ("0", "0", "0"),
    }
    assert titles(page) == ["R planned", "R doing", "R done", "E planned"]


def test_filters(client: FlaskClient, as_role, backlog: None) -> None:
    """Area and status filters combine; unknown values are ignored; totals stay whole."""
    as_role("hiring_manager")
    assert titles(html(client.get("/work/?area=research"))) == ["R planned", "R doing", "R done"]
    assert titles(html(client.get("/work/?status=done"))) == ["R done"]
    page = html(client.get("/work/?area=research&status=in_progress"))
    assert titles(page) == ["R doing"]
    assert "1 item shown by this filter." in page
    assert totals(page)["ML research"] == ("5", "2", "10")
    assert len(titles(html(client.get("/work/?area=nope&status=nope")))) == 4
    assert titles(html(client.get("/work/?q=DOING"))) == ["R doing"]
    assert titles(html(client.get("/work/?area=data"))) == []
    assert "No work items match." in html(client.get("/work/?area=data"))
    assert titles(html(client.get("/work/?sort=points&dir=desc"))) == [
        "R done",
        "R planned",
        "R doing",
        "E planned",
    ]


def test_list_paginates(client: FlaskClient, db: Session, as_role) -> None:
    """More than 50 items are split into pages that keep the filter."""
    for i in range(55):
        read(db, service.create_work_item, WorkItemCreate(**form(title=f"T{i:02d}")))
    as_role("hiring_manager")
    first = html(client.get("/work/?area=data"))
    assert len(titles(first)) == 50 and "55 items" in first
    assert re.search(r'href="/work/\?[^"]*area=data[^"]*offset=50', first.replace("&amp;", "&"))
    second = html(client.get("/work/?area=data&offset=50"))
    assert titles(second) == [f"T{i}" for i in range(50, 55)]
    huge = client.get("/work/?offset=" + "9" * 30)
    assert huge.status_code == 200 and titles(html(huge)) == []


# --- safety ------------------------------------------------------------------------------


def test_titles_are_escaped(client: FlaskClient, as_role, make_work_item) -> None:
    """A title that looks like markup is shown as text on the list, the form and the flash."""
    raw = "<script>alert(1)</script>"
    item = make_work_item(title=raw)
    as_role("hiring_manager")
    for url in ("/work/", f"/work/{item.id}/edit"):
        page = html(client.get(url))
        assert raw not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
    response = post_form(client, "/work/new", form(title="<b>x</b>"))
    assert response.status_code == 302
    page = html(client.get("/work/"))
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_get_never_writes(client: FlaskClient, db: Session, as_role, make_work_item) -> None:
    """Opening the pages, with form-like query strings too, changes no row."""
    item = make_work_item(title="Stays")
    as_role("admin")
    before = rows(db)
    for url in (
        "/work/",
        "/work/new?title=X&area=data&points=1",
        f"/work/{item.id}/edit?title=X&points=9",
        "/work/?status=done&area=data&offset=x",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/work/{item.id}/delete?confirm=yes").status_code == 200
    assert client.head(f"/work/{item.id}/delete?confirm=yes").status_code == 200
    assert client.get(f"/work/{item.id}/status?status=done").status_code == 405
    assert rows(db) == before
    assert read(db, service.get_work_item, item.id) == item
    assert read(db, service.get_item_row, item.id).version == 1


def test_edit_form_keeps_precise_points(
    client: FlaskClient, db: Session, as_role, make_work_item
) -> None:
    """Saving the edit form unchanged keeps 2.25 points instead of rounding them to 2.2."""
    item = make_work_item(points=2.25)
    as_role("hiring_manager")
    page = html(client.get(f"/work/{item.id}/edit"))
    value = re.search(r'id="points" [^>]*value="([^"]*)"', page)
    assert value and value.group(1) == "2.25"
    data = form(title=item.title, area=item.area, points=value.group(1), version="1")
    assert post_form(client, f"/work/{item.id}/edit", data).status_code == 302
    assert read(db, service.get_work_item, item.id).points == 2.25


def test_fractions_of_a_point_above_zero_are_accepted_as_in_the_api(client, as_role, db):
    """MODEL.md asks only for points > 0, so the form takes 0.05 just as the API does."""
    from tests.conftest import post_form

    as_role("hiring_manager")
    response = post_form(
        client,
        "/work/new",
        {"title": "Tiny", "area": "data", "points": "0.05", "status": "planned"},
    )
    assert response.status_code == 302
    db.rollback()
    from team.work import list_work_items

    items, _total = list_work_items(session=db, search="Tiny")
    assert [i.points for i in items] == [0.05]


# --- the assignee ------------------------------------------------------------------------


@pytest.fixture
def people(db: Session, make_member) -> dict[str, Any]:
    """Ada and Bo on the team, Oliver marked as left."""
    found = {
        "ada": make_member(name="Ada Lovelace", email="ada@example.com"),
        "bo": make_member(name="Bo Chen", email="bo@example.com"),
        "oliver": make_member(name="Oliver Smith", email="oliver@example.com"),
    }
    members_service.mark_left(found["oliver"].id, session=db, actor="test")
    db.commit()
    return found


def assignee_options(page: str) -> list[tuple[str, str, bool]]:
    """The assignee select's options: (value, label, selected)."""
    select = re.search(
        r'<select class="form-select[^"]*" id="assignee"[^>]*>(.*?)</select>', page, re.S
    )
    assert select, "no assignee select"
    return [
        (value, label, bool(selected))
        for selected, value, label in re.findall(
            r'<option (selected )?value="([^"]*)">([^<]*)</option>', select.group(1)
        )
    ]


def test_the_form_offers_the_team_by_name_and_sets_and_clears_the_assignee(
    client: FlaskClient, db: Session, as_role, people
) -> None:
    as_role("hiring_manager")
    page = html(client.get("/work/new"))
    assert assignee_options(page) == [
        ("", "Nobody", True),
        ("ada@example.com", "Ada Lovelace", False),
        ("bo@example.com", "Bo Chen", False),
    ]
    response = post_form(client, "/work/new", form(assignee="ada@example.com"))
    assert response.status_code == 302, html(response)[:2000]
    (item,), _ = read(db, service.list_work_items)
    assert item.assignee == "ada@example.com"
    listed = html(client.get("/work/"))
    assert "Assigned to Ada Lovelace" in listed
    edit = html(client.get(f"/work/{item.id}/edit"))
    assert ("ada@example.com", "Ada Lovelace", True) in assignee_options(edit)
    data = form(assignee="bo@example.com", version="1")
    assert post_form(client, f"/work/{item.id}/edit", data).status_code == 302
    assert read(db, service.get_work_item, item.id).assignee == "bo@example.com"
    data = form(assignee="", version="2")
    assert post_form(client, f"/work/{item.id}/edit", data).status_code == 302
    assert read(db, service.get_work_item, item.id).assignee is None
    assert "Assigned to" not in html(client.get("/work/"))


BAD_ASSIGNEES = [
    ("x@y.com", "no member has the email x@y.com"),
    ("oliver@example.com", "Oliver Smith has left the team"),
    ("Ada Lovelace", "no member has the email ada lovelace"),
    ("a\tb@example.com", "must not contain control characters"),
]


@pytest.mark.parametrize(("value", "message"), BAD_ASSIGNEES)
def test_a_bad_assignee_is_a_form_error_and_writes_nothing(
    client: FlaskClient, db: Session, as_role, people, make_work_item, value: str, message: str
) -> None:
    as_role("hiring_manager")
    response = post_form(client, "/work/new", form(assignee=value))
    assert response.status_code == 400
    page = html(response)
    assert invalid(page, "assignee"), page
    assert message in page
    assert rows(db) == (0, 0)
    item = make_work_item(title="Stays", assignee="ada@example.com")
    response = post_form(
        client, f"/work/{item.id}/edit", form(title="Changed", assignee=value, version="1")
    )
    assert response.status_code == 400
    assert invalid(html(response), "assignee") and message in html(response)
    assert read(db, service.get_work_item, item.id) == item


def test_an_item_whose_assignee_left_can_still_be_edited(
    client: FlaskClient, db: Session, as_role, people, make_work_item
) -> None:
    """The form keeps the departed assignee as the selected choice, saying they left, so saving
    other changes keeps them; the list says so too."""
    item = make_work_item(title="Drift", status="in_progress", assignee="bo@example.com")
    members_service.mark_left(people["bo"].id, session=db, actor="test")
    db.commit()
    as_role("hiring_manager")
    listed = re.sub(r"<[^>]+>", "", html(client.get("/work/")))
    assert "Assigned to Bo Chen (has left the team)" in listed
    edit = html(client.get(f"/work/{item.id}/edit"))
    assert ("bo@example.com", "Bo Chen (has left the team)", True) in assignee_options(edit)
    assert "oliver@example.com" not in edit
    data = form(title="Drift v2", status="in_progress", assignee="bo@example.com", version="1")
    assert post_form(client, f"/work/{item.id}/edit", data).status_code == 302
    saved = read(db, service.get_work_item, item.id)
    assert (saved.title, saved.assignee) == ("Drift v2", "bo@example.com")
