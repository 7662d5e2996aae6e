"""Team pages over HTTP: who may open what, the member flows, bad input, the matrix, escaping."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, func, select

from team import members as service
from team.areas import create_skill
from team.models import Member, MemberLevel, MemberSkill, RatingChange, WorkItem
from team.schemas import MemberUpdate
from tests.conftest import post_form

EDITORS = ("admin", "hiring_manager")
READ_PAGES = ("/team/", "/team/members", "/team/members/{id}", "/team/history")
EDIT_PAGES = ("/team/members/new", "/team/members/{id}/edit", "/team/members/{id}/leave")
POSTS = ("/team/members/new", "/team/members/{id}/edit", "/team/members/{id}/leave")
TEAM_TABLES = (Member, MemberLevel, MemberSkill, RatingChange, WorkItem)


def read(db: Session, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service on freshly read rows, then end the transaction so the app can write."""
    db.rollback()
    db.expire_all()
    try:
        return fn(*args, session=db, **kwargs)
    finally:
        db.rollback()


def count(db: Session, table: type) -> int:
    """Committed rows of a table."""
    return read(db, lambda session: session.exec(select(func.count()).select_from(table)).one())


def counts(db: Session) -> dict[str, int]:
    """Committed rows of every team table, to show that a request wrote nothing."""
    return {table.__name__: count(db, table) for table in TEAM_TABLES}


def form(**overrides: str) -> dict[str, str]:
    """A valid member form as a browser would send it."""
    return {
        "name": "Grace Hopper",
        "email": "grace@example.com",
        "title": "Staff engineer",
        "fte": "0.8",
        "level_research": "1",
        "level_engineering": "4",
        "level_data": "2",
    } | overrides


def html(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def invalid(page: str, field_id: str) -> bool:
    """Whether the form marks the field with that id as invalid."""
    return re.search(rf'class="[^"]*is-invalid[^"]*" id="{field_id}"', page) is not None


def path_of(url: str, member_id: int = 0) -> str:
    """A URL template with the member id filled in."""
    return url.format(id=member_id)


# --- who may open what -------------------------------------------------------------------


@pytest.mark.parametrize("role", EDITORS)
def test_editors_open_every_page(client: FlaskClient, as_role, make_member, role: str) -> None:
    """Admins and hiring managers see the read pages and the edit forms."""
    member = make_member(name="Ada")
    as_role(role)
    for url in READ_PAGES + EDIT_PAGES:
        response = client.get(path_of(url, member.id))
        assert response.status_code == 200, url


def test_leadership_reads_but_may_not_edit(
    client: FlaskClient, db: Session, as_role, make_member
) -> None:
    """Leadership gets the read pages without edit controls, and 403 on forms and POSTs."""
    member = make_member(name="Ada")
    as_role("leadership")
    for url in READ_PAGES:
        page = client.get(path_of(url, member.id))
        assert page.status_code == 200, url
        assert "Add member" not in html(page) and "Mark as left" not in html(page), url
    for url in EDIT_PAGES:
        assert client.get(path_of(url, member.id)).status_code == 403, url
    before = counts(db)
    for url in POSTS:
        response = post_form(client, path_of(url, member.id), form(), page="/profile")
        assert response.status_code == 403, url
    assert counts(db) == before
    assert read(db, service.get_member, member.id).active


def test_interviewers_never_see_the_team(
    client: FlaskClient, db: Session, as_role, make_member
) -> None:
    """Ratings are personal data: every team page and action is 403 for interviewers."""
    member = make_member(name="Ada Secret")
    as_role("interviewer")
    for url in READ_PAGES + EDIT_PAGES:
        response = client.get(path_of(url, member.id))
        assert response.status_code == 403, url
        assert "Ada Secret" not in html(response)
    before = counts(db)
    for url in POSTS:
        response = post_form(client, path_of(url, member.id), form(), page="/profile")
        assert response.status_code == 403, url
    assert counts(db) == before
    assert read(db, service.get_member, member.id).active


def test_anonymous_is_sent_to_login(client: FlaskClient, db: Session, make_member) -> None:
    """Without a login every page redirects to the login form, remembering where to return."""
    member = make_member()
    for url in READ_PAGES + EDIT_PAGES:
        path = path_of(url, member.id)
        response = client.get(path + "?q=x")
        assert response.status_code == 302, url
        target = urlsplit(response.headers["Location"])
        assert target.path == "/login"
        assert parse_qs(target.query)["next"] == [path + "?q=x"]
    before = counts(db)
    for url in POSTS:
        response = post_form(client, path_of(url, member.id), form(), page="/login")
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/login"
    assert counts(db) == before


def test_unknown_member_is_404(client: FlaskClient, as_role) -> None:
    """Pages and actions on a member id that does not exist answer 404."""
    as_role("hiring_manager")
    assert client.get("/team/members/999").status_code == 404
    assert client.get("/team/members/999/edit").status_code == 404
    assert client.get("/team/members/999/leave").status_code == 404
    response = post_form(client, "/team/members/999/leave", {"confirm": "yes"}, page="/profile")
    assert response.status_code == 404


@pytest.mark.parametrize("member_id", ["2147483648", "9" * 20])
def test_ids_beyond_the_database_range_are_404(client: FlaskClient, as_role, member_id: str):
    """An id too large for the database's integers is a 404, not an overflow and a 500."""
    as_role("hiring_manager")
    assert client.get(f"/team/members/{member_id}").status_code == 404
    assert client.get(f"/team/members/{member_id}/edit").status_code == 404
    assert client.get(f"/team/members/{member_id}/leave").status_code == 404
    response = post_form(client, f"/team/members/{member_id}/leave", {}, page="/profile")
    assert response.status_code == 404


# --- add, edit, leave -------------------------------------------------------------------


def test_add_member(client: FlaskClient, db: Session, as_role) -> None:
    """The form stores the member with levels; history names the acting user."""
    create_skill("data", "streaming", "Streaming", session=db)
    user = as_role("hiring_manager")
    assert client.get("/team/members/new").status_code == 200
    response = post_form(client, "/team/members/new", form(skill_streaming="3"))
    assert response.status_code == 302
    member_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    member = read(db, service.get_member, member_id)
    assert (member.name, member.email, member.title, member.fte) == (
        "Grace Hopper",
        "grace@example.com",
        "Staff engineer",
        0.8,
    )
    assert member.levels == {"research": 1, "engineering": 4, "data": 2}
    assert member.skills == {"streaming": 3}
    history = read(db, service.rating_history, member_id=member_id)
    assert len(history) == 4
    assert {h.changed_by for h in history} == {user.email}
    page = html(client.get(response.headers["Location"]))
    assert "Grace Hopper added to the team." in page
    assert "expert" in page and user.email in page


def test_edit_member(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """The edit form shows current values; saving changes only what changed, logged by user."""
    member = make_member(name="Ada", email="ada@example.com", title="Researcher")
    user = as_role("admin")
    page = html(client.get(f"/team/members/{member.id}/edit"))
    assert 'value="Ada"' in page and 'value="ada@example.com"' in page
    assert re.search(r'id="version" name="version" type="hidden" value="1"', page)
    assert re.search(r'<option selected value="2">working \(2\)</option>', page)
    data = form(
        name="Ada King",
        email="ada@example.com",
        fte="0.5",
        level_research="4",
        level_engineering="2",
        level_data="0",
        version="1",
    )
    response = post_form(client, f"/team/members/{member.id}/edit", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/team/members/{member.id}")
    saved = read(db, service.get_member, member.id)
    assert (saved.name, saved.fte, saved.title) == ("Ada King", 0.5, "Staff engineer")
    assert saved.levels == {"research": 4, "engineering": 2}
    assert read(db, service.get_member_row, member.id).version == 2
    changes = read(db, service.rating_history, member_id=member.id)
    by_user = [(h.what, h.old_level, h.new_level) for h in changes if h.changed_by == user.email]
    assert sorted(by_user) == [("Data engineering", 2, 0), ("ML research", 2, 4)]
    assert count(db, MemberLevel) == 2


def test_mark_as_left(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """The member page's button leads to a confirmation page; its form marks the member as
    left, which keeps the member and history, shows a badge, and takes them off the matrix."""
    stays = make_member(name="Stays Here")
    leaves = make_member(name="Gone Soon")
    as_role("hiring_manager")
    member_page = html(client.get(f"/team/members/{leaves.id}"))
    assert f'href="/team/members/{leaves.id}/leave">Mark as left</a>' in member_page
    assert f'action="/team/members/{leaves.id}/leave"' not in member_page  # no one-click form
    confirm = html(client.get(f"/team/members/{leaves.id}/leave"))
    assert "Mark Gone Soon as left?" in confirm
    assert "Gone will no longer count in the forecast, the skills matrix or the coverage" in confirm
    assert "Their ratings and the history of their changes are kept." in confirm
    assert f'href="/team/members/{leaves.id}">Cancel</a>' in confirm
    assert read(db, service.get_member, leaves.id).active  # the page itself changes nothing
    response = post_form(client, f"/team/members/{leaves.id}/leave", {"confirm": "yes"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/team/members/{leaves.id}")
    gone = read(db, service.get_member, leaves.id)
    assert not gone.active and gone.levels == leaves.levels
    assert len(read(db, service.rating_history, member_id=leaves.id)) == 3
    page = html(client.get(f"/team/members/{leaves.id}"))
    assert "is marked as having left" in page and ">left</span>" in page
    assert "Mark as left" not in page
    matrix = html(client.get("/team/"))
    assert "Stays Here" in matrix and "Gone Soon" not in matrix
    assert "Gone Soon" not in html(client.get("/team/members"))
    assert "Gone Soon" in html(client.get("/team/members?show=left"))
    assert "Stays Here" not in html(client.get("/team/members?show=left"))
    everyone = html(client.get("/team/members?show=all"))
    assert "Gone Soon" in everyone and "Stays Here" in everyone
    assert stays.id


def test_leave_needs_the_csrf_token(client: FlaskClient, db: Session, as_role, make_member):
    """A forged POST without the form's token is refused and changes nothing."""
    member = make_member()
    as_role("hiring_manager")
    response = client.post(f"/team/members/{member.id}/leave")
    assert response.status_code == 400
    response = client.post(f"/team/members/{member.id}/leave", data={"confirm": "yes"})
    assert response.status_code == 400
    assert read(db, service.get_member, member.id).active


@pytest.mark.parametrize("data", [{}, {"confirm": ""}, {"confirm": "no"}])
def test_leave_without_the_confirmation_changes_nothing(
    client: FlaskClient, db: Session, as_role, make_member, data: dict[str, str]
) -> None:
    """A POST with a valid token but without the confirmation page's field (an old one-click
    button, a script) is sent to the confirmation page, and the member stays on the team."""
    member = make_member(name="Still Here")
    as_role("hiring_manager")
    before = counts(db)
    response = post_form(client, f"/team/members/{member.id}/leave", data, page="/profile")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == f"/team/members/{member.id}/leave"
    assert counts(db) == before
    assert read(db, service.get_member_row, member.id).left_at is None
    page = html(client.get(response.headers["Location"]))
    assert "Still Here is not marked as left yet: confirm below, or cancel." in page


def test_the_confirmation_tells_the_forecast_without_them(
    client: FlaskClient, as_role, make_member, make_work_item
) -> None:
    """The page gives the time to finish the planned work now and without the member, worked
    out as the what-if does, and links to that what-if in the coverage report."""
    make_member(name="Ada Strong", levels={"research": 3, "engineering": 3, "data": 3})
    leaves = make_member(name="Bo Strong", levels={"research": 3, "engineering": 3, "data": 3})
    make_work_item(area="data", points=30)  # a strong person does 5 points a week
    as_role("admin")
    page = html(client.get(f"/team/members/{leaves.id}/leave"))
    assert (
        "Time to finish the planned work: 3 weeks now, 6 weeks without Bo (3 weeks more)."
        in " ".join(page.split())
    )
    link = f"/reports/coverage?what_if=1&amp;remove={leaves.id}"
    assert f'href="{link}">Compare in the coverage report</a>' in page
    report = client.get(link.replace("&amp;", "&"))
    assert report.status_code == 200
    assert "Bo Strong" in html(report)


def test_the_confirmation_of_someone_who_left_offers_nothing(
    client: FlaskClient, db: Session, as_role, make_member
) -> None:
    """For a member who already left, the page says so and has no form."""
    gone = make_member(name="Long Gone")
    read(db, service.mark_left, gone.id)
    as_role("hiring_manager")
    page = html(client.get(f"/team/members/{gone.id}/leave"))
    assert "Long Gone has already left" in page
    assert 'method="post"' not in page.split("<main", 1)[1]


# --- bad input --------------------------------------------------------------------------


BAD_MEMBER_INPUT = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "   "}, "name", "This field is required."),
    ({"name": "x" * 121}, "name", "Field cannot be longer than 120 characters."),
    ({"name": "Bell\x07"}, "name", "must not contain control characters"),
    ({"email": "not-an-email"}, "email", "Invalid email address."),
    ({"email": ""}, "email", "This field is required."),
    ({"title": "t" * 121}, "title", "Field cannot be longer than 120 characters."),
    ({"fte": "0"}, "fte", "Number must be between 0.01 and 1."),
    ({"fte": "1.5"}, "fte", "Number must be between 0.01 and 1."),
    ({"fte": "-1"}, "fte", "Number must be between 0.01 and 1."),
    ({"fte": "abc"}, "fte", "Not a valid decimal value."),
    ({"fte": ""}, "fte", "This field is required."),
    ({"level_research": "7"}, "level_research", "Not a valid choice."),
    ({"level_data": "-1"}, "level_data", "Not a valid choice."),
    ({"level_engineering": "expert"}, "level_engineering", "Not a valid choice."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_MEMBER_INPUT)
def test_add_member_bad_input(
    client: FlaskClient, db: Session, as_role, change: dict, field: str, message: str
) -> None:
    """Every bad value is a 400 with the error on its field, and nothing is stored."""
    as_role("hiring_manager")
    before = counts(db)
    response = post_form(client, "/team/members/new", form(**change))
    assert response.status_code == 400
    page = html(response)
    assert invalid(page, field), page
    assert message in page
    assert counts(db) == before


@pytest.mark.parametrize(("change", "field", "message"), BAD_MEMBER_INPUT)
def test_edit_member_bad_input(
    client: FlaskClient, db: Session, as_role, make_member, change: dict, field: str, message: str
) -> None:
    """A bad edit is a 400 naming the field; the member and their history stay as they were."""
    member = make_member(name="Ada", email="ada@example.com")
    as_role("admin")
    before = counts(db)
    data = form(name="Ada", email="ada@example.com", version="1") | change
    response = post_form(client, f"/team/members/{member.id}/edit", data)
    assert response.status_code == 400
    assert invalid(html(response), field)
    assert message in html(response)
    assert counts(db) == before
    assert read(db, service.get_member, member.id) == member


def test_duplicate_email_is_taken(client: FlaskClient, db: Session, as_role, make_member):
    """An email another member has is refused on add and on edit, whatever its case."""
    make_member(email="taken@example.com")
    other = make_member(email="other@example.com")
    as_role("hiring_manager")
    before = counts(db)
    response = post_form(client, "/team/members/new", form(email="TAKEN@example.com"))
    assert response.status_code == 400
    assert invalid(html(response), "email") and "is taken" in html(response)
    data = form(email="taken@example.com", version="1")
    response = post_form(client, f"/team/members/{other.id}/edit", data)
    assert response.status_code == 400
    assert invalid(html(response), "email") and "is taken" in html(response)
    assert counts(db) == before
    assert read(db, service.get_member, other.id) == other


def test_stale_edit_is_refused(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """Saving a form loaded before someone else's change answers 409 and writes nothing."""
    member = make_member(name="Ada", email="ada@example.com")
    as_role("hiring_manager")
    assert 'value="1"' in html(client.get(f"/team/members/{member.id}/edit"))
    read(db, service.update_member, member.id, MemberUpdate(title="Changed meanwhile"))
    before = counts(db)
    data = form(name="Overwrite", email="ada@example.com", level_research="4", version="1")
    response = post_form(client, f"/team/members/{member.id}/edit", data)
    assert response.status_code == 409
    page = html(response)
    assert 'class="alert alert-danger error-summary" role="alert"' in page
    assert "<li>Someone else changed this member" in page
    assert counts(db) == before
    current = read(db, service.get_member, member.id)
    assert (current.name, current.title, current.levels["research"]) == (
        "Ada",
        "Changed meanwhile",
        2,
    )


# --- the matrix, lists and history --------------------------------------------------------


def footer_counts(page: str) -> list[tuple[int, bool]]:
    """The matrix footer's strong-or-better counts per area: (count, flagged as a risk)."""
    footer = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S)
    assert footer, "no footer"
    cells = re.findall(r'<td class="text-center ([^"]*)"[^>]*>(\d+)</td>', footer.group(1))
    return [(int(n), "risk" in cls) for cls, n in cells if "skill-col" not in cls]


def test_matrix(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """Active members only, levels by name with number and meaning, bus-factor counts."""
    make_member(name="Ada", levels={"research": 4, "engineering": 3, "data": 0})
    make_member(name="Bob", levels={"research": 3, "engineering": 3, "data": 1})
    make_member(name="Cy", levels={"research": 2, "engineering": 4, "data": 2})
    left = make_member(name="Lefty", levels={"research": 4, "engineering": 4, "data": 4})
    read(db, service.mark_left, left.id)
    as_role("leadership")
    page = html(client.get("/team/"))
    assert "Ada" in page and "Bob" in page and "Cy" in page and "Lefty" not in page
    assert "3 people on the team" in page
    assert 'title="Ada: ML research expert (4) – sets direction, the reference others ask"' in page
    assert ">none</td>" in page and ">basic</td>" in page
    # research: Ada, Bob; engineering: all three; data: nobody -> 2, 3, 0 (risk).
    assert footer_counts(page) == [(2, False), (3, False), (0, True)]


def test_matrix_flags_a_single_strong_person_and_shows_skills(
    client: FlaskClient, db: Session, as_role, make_member
) -> None:
    """A count of one is a risk too; skill columns carry their own counts and level names."""
    create_skill("data", "streaming", "Streaming", session=db)
    make_member(name="Ada", levels={"research": 3, "engineering": 3}, skills={"streaming": 4})
    make_member(name="Bob", levels={"research": 3, "engineering": 1})
    as_role("hiring_manager")
    page = html(client.get("/team/"))
    assert footer_counts(page) == [(2, False), (1, True), (0, True)]
    assert "Streaming" in page
    assert 'title="Ada: Streaming expert (4) – sets direction, the reference others ask"' in page
    assert re.search(r'<td class="text-center skill-col risk">1</td>', page)


def test_empty_matrix_invites_adding(client: FlaskClient, as_role) -> None:
    """With nobody on the team the matrix says so and links to the add form for editors."""
    as_role("hiring_manager")
    page = html(client.get("/team/"))
    assert "No one is on the team yet." in page and "/team/members/new" in page


def member_links(page: str) -> list[str]:
    """Links to member pages on a page, in order."""
    return re.findall(r'href="/team/members/(\d+)"', page)


def test_member_list_paginates_by_50(client: FlaskClient, as_role, make_member) -> None:
    """55 members are two pages: 50, then 5, with a link to the second page."""
    for i in range(55):
        make_member(name=f"Person {i:02d}")
    as_role("leadership")
    first = html(client.get("/team/members"))
    assert "55 people" in first
    assert len(member_links(first)) == 50
    assert "offset=50" in first
    second = html(client.get("/team/members?offset=50"))
    assert len(member_links(second)) == 5
    assert "Person 54" in second and "Person 00" not in second
    assert not set(member_links(first)) & set(member_links(second))
    # A hand-edited offset never fails.
    assert client.get("/team/members?offset=abc").status_code == 200
    assert client.get("/team/members?offset=-5").status_code == 200
    huge = client.get("/team/members?offset=" + "9" * 30)
    assert huge.status_code == 200 and member_links(html(huge)) == []


def test_member_list_search_and_sort(client: FlaskClient, as_role, make_member) -> None:
    """?q= finds by name, email or title; ?sort=&dir= orders the rows."""
    make_member(name="Grace", email="grace@navy.example", title="Rear admiral", fte=0.5)
    make_member(name="alan", email="alan@example.com", title="Mathematician", fte=1.0)
    make_member(name="Barbara", email="barbara@example.com", title="Engineer", fte=0.2)
    as_role("hiring_manager")
    page = html(client.get("/team/members?q=navy"))
    assert "Grace" in page and "alan" not in page and "Barbara" not in page
    assert "1 person" in page and "matching “navy”" in page
    assert "Barbara" in html(client.get("/team/members?q=ENGINEER"))
    assert "Nobody matches." in html(client.get("/team/members?q=zzz"))

    def order(query: str) -> list[str]:
        page = html(client.get("/team/members" + query))
        return re.findall(r'href="/team/members/\d+">([^<]+)</a>', page)

    assert order("") == ["alan", "Barbara", "Grace"]
    assert order("?sort=name&dir=desc") == ["Grace", "Barbara", "alan"]
    assert order("?sort=fte") == ["Barbara", "Grace", "alan"]
    assert order("?sort=nonsense") == ["alan", "Barbara", "Grace"]


def test_member_list_show_filter(client: FlaskClient, db: Session, as_role, make_member):
    """show=active is the default, show=left and show=all widen it; nonsense means active."""
    make_member(name="Present")
    gone = make_member(name="Former")
    read(db, service.mark_left, gone.id)
    as_role("hiring_manager")

    def shown(query: str) -> set[str]:
        page = html(client.get("/team/members" + query))
        return set(re.findall(r'href="/team/members/\d+">([^<]+)</a>', page))

    assert shown("") == {"Present"}
    assert shown("?show=active") == {"Present"}
    assert shown("?show=left") == {"Former"}
    assert shown("?show=all") == {"Present", "Former"}
    assert shown("?show=bogus") == {"Present"}


def test_history_pages(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """The history page and the member page show who changed which level, from what to what."""
    ada = make_member(name="Ada", levels={"research": 1})
    make_member(name="Bob", levels={"data": 3})
    user = as_role("hiring_manager")
    data = form(name="Ada", email=ada.email, level_research="3", level_engineering="0")
    data |= {"level_data": "0", "version": "1"}
    assert post_form(client, f"/team/members/{ada.id}/edit", data).status_code == 302
    page = html(client.get("/team/history"))
    assert "basic → strong" in page and user.email in page
    assert "none → strong" in page  # Bob's data, by the test actor
    rows = re.findall(r"<tr><td data-value=\"", page)
    assert len(rows) == 3
    own = html(client.get(f"/team/members/{ada.id}"))
    assert "basic → strong" in own and user.email in own
    assert "none → strong" not in own


# --- safety ------------------------------------------------------------------------------


def test_names_are_escaped_everywhere(client: FlaskClient, as_role, make_member) -> None:
    """A member named like a script appears as text on every page, never as markup."""
    raw = "<script>alert(1)</script>"
    member = make_member(name=raw, title='"><img src=x onerror=alert(2)>')
    as_role("hiring_manager")
    for url in READ_PAGES + ("/team/members/{id}/edit",):
        page = html(client.get(path_of(url, member.id)))
        assert raw not in page, url
        assert "<img src=x" not in page, url
        if url != "/team/history":
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url


def test_escaped_in_the_flash_after_adding(client: FlaskClient, as_role) -> None:
    """The confirmation message repeats the name as text."""
    as_role("hiring_manager")
    response = post_form(client, "/team/members/new", form(name="<b>bold</b>"))
    assert response.status_code == 302
    page = html(client.get(response.headers["Location"]))
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_get_never_writes(client: FlaskClient, db: Session, as_role, make_member) -> None:
    """Opening every page, forms included and with odd parameters, changes no team row."""
    member = make_member(name="Ada")
    as_role("admin")
    before = counts(db)
    row_before = read(db, service.get_member_row, member.id)
    urls = [path_of(u, member.id) for u in READ_PAGES + EDIT_PAGES]
    urls += [f"/team/members/{member.id}/edit?name=X&level_research=4", "/team/members?show=x"]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/team/members/{member.id}/leave?confirm=yes").status_code == 200
    assert client.head(f"/team/members/{member.id}/leave?confirm=yes").status_code == 200
    assert counts(db) == before
    row_after = read(db, service.get_member_row, member.id)
    assert (row_after.version, row_after.left_at, row_after.name) == (
        row_before.version,
        None,
        "Ada",
    )


def test_edit_form_keeps_precise_values(
    client: FlaskClient, db: Session, as_role, make_member
) -> None:
    """Saving the edit form unchanged keeps an FTE like 0.125 instead of rounding it."""
    member = make_member(fte=0.125)
    as_role("hiring_manager")
    page = html(client.get(f"/team/members/{member.id}/edit"))
    value = re.search(r'id="fte" [^>]*value="([^"]*)"', page)
    assert value and value.group(1) == "0.125"
    levels = {f"level_{key}": str(level) for key, level in member.levels.items()}
    data = {"name": member.name, "email": member.email, "title": member.title}
    data |= levels | {"fte": value.group(1), "version": "1"}
    assert post_form(client, f"/team/members/{member.id}/edit", data).status_code == 302
    assert read(db, service.get_member, member.id).fte == 0.125
    assert read(db, service.rating_history, member_id=member.id)[0].changed_by == "test"
