"""Hostile names and notes are stored and shown escaped, or refused cleanly (issue 5, "Output").

Every string goes in through the real forms, then every page that shows it is read back: the
markup must never appear raw, and refused input must write nothing.
"""

from __future__ import annotations

import pytest

from tests.conftest import post_form
from tests.hiring.security.conftest import snapshot

# Shown escaped wherever they appear: each would run script or break out of an attribute raw.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
]
# Refused with a form error: control characters and text-direction overrides.
REFUSED = ["Ann\x00Lee", "Bob\u202egnp.exe", "Eve\x1b[31m", "Zed\u2066x\u2069"]


def _raw_markup_absent(html: str, value: str) -> None:
    if any(ch in value for ch in "<>\"'"):
        assert value not in html
    assert 'href="javascript:' not in html and "<img src=x" not in html
    assert "<script>alert" not in html


def test_markup_in_every_text_field_is_shown_escaped(
    client, db, make_user, make_opening, login, write_card
):
    manager = make_user("hiring_manager", "admin")
    interviewer = make_user("interviewer")
    login(manager)
    pages: set[str] = {"/team/", "/team/members", "/work/", "/reports/coverage", "/admin/audit/"}
    for n, value in enumerate(MARKUP):
        member = post_form(
            client,
            "/team/members/new",
            {
                "name": f"M{n} {value}",
                "email": f"m{n}@example.com",
                "title": value,
                "fte": "1",
                "level_research": "2",
                "level_engineering": "3",
                "level_data": "1",
            },
        )
        assert member.status_code == 302, member.get_data(as_text=True)[:300]
        pages.add(member.headers["Location"])
        item = post_form(
            client,
            "/work/new",
            {"title": f"T{n} {value}", "area": "data", "points": "3", "status": "planned"},
        )
        assert item.status_code == 302, item.get_data(as_text=True)[:300]
    opening = make_opening(
        manager=manager, panel=[interviewer], title="Opening " + MARKUP[0], description=MARKUP[1]
    )
    pages |= {f"/openings/{opening.id}", f"/openings/{opening.id}/ranking", "/openings/"}
    for n, value in enumerate(MARKUP):
        added = post_form(
            client,
            f"/openings/{opening.id}/candidates",
            {"name": f"C{n} {value}", "email": f"c{n}@example.com"},
            page=f"/openings/{opening.id}",
        )
        assert added.status_code == 302, added.get_data(as_text=True)[:300]
    from sqlmodel import select

    from hiring.openings.models import Candidate

    db.rollback()
    for candidate in db.exec(select(Candidate)).all():
        write_card(
            candidate,
            interviewer,
            {"research": 2, "engineering": 3, "data": 1},
            notes=MARKUP[2] + "\n" + MARKUP[0],
            recommendation="yes",
        )
        pages.add(f"/candidates/{candidate.id}")
    db.rollback()
    for page in sorted(pages):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        for value in MARKUP:
            _raw_markup_absent(html, value)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or page in {
            "/reports/coverage",
            "/team/",
            "/work/",
            "/admin/audit/",
        }, page


@pytest.mark.parametrize("value", REFUSED, ids=["nul", "rtl-override", "escape", "isolate"])
def test_control_and_direction_characters_are_refused_with_a_form_error(client, db, as_role, value):
    as_role("hiring_manager")
    before = snapshot(db)
    member = post_form(
        client, "/team/members/new", {"name": value, "email": "x@example.com", "fte": "1"}
    )
    assert member.status_code == 400
    assert "control characters" in member.get_data(as_text=True)
    item = post_form(
        client, "/work/new", {"title": value, "area": "data", "points": "3", "status": "planned"}
    )
    assert item.status_code == 400
    assert snapshot(db) == before


@pytest.mark.parametrize("value", REFUSED, ids=["nul", "rtl-override", "escape", "isolate"])
def test_the_api_refuses_them_too(api, db, value):
    client = api("admin")
    before = snapshot(db)
    response = client.post("/api/v1/members", json={"name": value, "email": "x@example.com"})
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]
    assert snapshot(db) == before


def test_right_to_left_names_without_overrides_are_kept(api, db):
    client = api("admin")
    response = client.post("/api/v1/members", json={"name": "דנה כהן", "email": "d@example.com"})
    assert response.status_code == 201
    assert response.get_json()["name"] == "דנה כהן"


def test_csv_exports_neutralise_formula_cells(client, as_role, make_member, make_work_item):
    as_role("hiring_manager")
    for n, lead in enumerate("=+-@"):
        make_member(name=f'{lead}HYPERLINK("http://evil")', email=f"f{n}@example.com")
        make_work_item(title=f"{lead}cmd|' /C calc'!A0")
    for url in ("/team/members.csv", "/work/items.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        lines = response.get_data(as_text=True).splitlines()[1:]
        assert len(lines) >= 4
        for line in lines:
            assert not line.startswith(("=", "+", "-", "@")), line
            for cell in line.split(","):
                assert not cell.lstrip('"').startswith(("=", "+", "-", "@")), (url, cell)
