"""Every person by name, not email (issue 13): card authors, the hiring manager, who changed a
status, who did what in the audit log, who changed a level. The name is the visible text; the
email is in its `title` (on hover), through the one `person` filter."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlmodel import Session, select

from team import members as members_service
from team.models import Member
from team.schemas import MemberCreate, MemberUpdate
from tests.hiring.decisions.conftest import World

MARA = ("Mara Manager", "mara@example.com")
IVO = ("Ivo Interviewer", "ivo@example.com")


class _Visible(HTMLParser):
    """The text a reader sees: character data only, never attribute values."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible(fragment: str) -> str:
    parser = _Visible()
    parser.feed(fragment)
    return " ".join(" ".join(parser.parts).split())


def by_name(fragment: str, person: tuple[str, str]) -> None:
    """The fragment names the person, with the email on hover but not in the visible text."""
    name, email = person
    assert name in visible(fragment), visible(fragment)[:500]
    assert email not in visible(fragment), visible(fragment)[:500]
    assert f'title="{email}">{name}</span>' in fragment


def part(page: str, element_id: str) -> str:
    """The table (or list) with this id."""
    found = re.search(rf'id="{element_id}".*?</(table|ul|p)>', page, re.S)
    assert found, element_id
    return found.group(0)


def test_hiring_pages_name_people(client_for, make_user, world: World):
    admin = make_user("admin", name="Ada Admin")
    client = client_for(admin)
    listing = client.get("/openings/").get_data(as_text=True)
    by_name(part(listing, "openings"), MARA)
    opening = client.get(f"/openings/{world.opening.id}").get_data(as_text=True)
    by_name(opening.split("<h1")[1].split("</p>")[0], MARA)  # "hiring manager Mara Manager"
    candidate = client.get(f"/candidates/{world.id('Avery')}").get_data(as_text=True)
    by_name(part(candidate, "cards"), IVO)
    by_name(part(candidate, "status-history"), MARA)
    ranking = client.get(f"/openings/{world.opening.id}/ranking").get_data(as_text=True)
    explained = ranking.split('class="explain"')[1].split("</details>")[0]
    by_name(explained, IVO)  # "who said what"
    audit = client.get("/admin/audit/").get_data(as_text=True)
    by_name(part(audit, "audit"), MARA)
    by_name(part(audit, "audit"), IVO)  # scorecard.submit


def test_the_level_history_names_who_changed_a_level(client_for, make_user, db: Session):
    admin = make_user("admin", name="Ada Admin", email="ada.admin@example.com")
    data = MemberCreate(name="Priya", email="priya@example.com", levels={"research": 2})
    member = members_service.create_member(data, session=db, actor=admin.email)
    db.commit()
    row = db.exec(select(Member).where(Member.id == member.id)).one()
    change = MemberUpdate(levels={"research": 3})
    members_service.change_member(row, change, session=db, actor=admin.email)
    db.commit()
    client = client_for(admin)
    for url in (f"/team/members/{member.id}", "/team/history"):
        page = client.get(url).get_data(as_text=True)
        assert 'title="ada.admin@example.com">Ada Admin</span>' in page, url
        assert "ada.admin@example.com" not in visible(page.split("<main")[1]), url


def test_an_email_no_user_has_is_shown_as_it_is(client_for, make_user, make_member):
    """A change made by the CLI or an import names no user: it reads as recorded."""
    make_member(name="Kenji")  # the factory records its changes as "test"
    page = client_for(make_user("admin")).get("/team/history").get_data(as_text=True)
    assert '<span class="person">test</span>' in page
