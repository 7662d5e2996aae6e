"""The home page (issue 15): every role lands on `/home`, which answers each role's question.

A hiring manager reads the top of each of their openings' rankings in words, the cards still
missing and the weakest area; an interviewer the cards to write, overdue first; leadership the
finish date and what moved since last week; an admin their links. Each number is checked
against the service its own page uses (the ranking, the coverage report, the history), so the
home can never say something the page it links to does not.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlmodel import Session, col

from hiring.accounts.models import User
from hiring.home import dates_apart, working_days_between
from hiring.numbers import Duration, difference, sooner
from hiring.openings import interviews
from hiring.openings.rankings import PAGE_STATUSES, opening_ranking
from hiring.weakest import weakest_words
from hiring.web import day
from team.models import InputChange, RatingChange
from team.report import coverage_report
from team.settings import update_settings
from team.timeline import today
from tests.conftest import PASSWORD, post_form
from tests.hiring.conftest import viewer_of


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def text_of(fragment: str) -> str:
    """What a reader reads: tags dropped, whitespace folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


def part(page: str, element_id: str) -> str:
    """The element with this id, up to its section's end (the sections do not nest)."""
    start = page.index(">", page.index(f'id="{element_id}"')) + 1
    end = page.find("</section>", start)
    return page[start : end if end != -1 else None]


@pytest.fixture
def data_gap(make_member: Callable[..., Any], make_work_item: Callable[..., Any]) -> None:
    """A team strong in research only, and data work: a strong data hire saves weeks."""
    make_member(name="Ada", levels={"research": 3, "engineering": 2, "data": 1})
    make_member(name="Bea", levels={"research": 2, "engineering": 3, "data": 1})
    make_work_item(title="Pipeline", area="data", points=20)
    make_work_item(title="Model", area="research", points=5)


@pytest.fixture
def people(make_user: Callable[..., Any]) -> dict[str, User]:
    return {
        "maria": make_user("hiring_manager", name="Maria Manager"),
        "hugo": make_user("hiring_manager", name="Hugo Other"),
        "ines": make_user("interviewer", name="Ines One"),
        "theo": make_user("interviewer", name="Theo Two"),
    }


# --- landing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "roles",
    [
        ("admin",),
        ("hiring_manager",),
        ("interviewer",),
        ("leadership",),
        ("hiring_manager", "interviewer"),
        ("admin", "leadership", "interviewer"),
    ],
)
def test_every_role_lands_on_the_home(
    client: FlaskClient, make_user: Callable[..., Any], roles: tuple[str, ...]
):
    user = make_user(*roles)
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/home"
    assert client.get("/").location == "/home"  # the brand link goes home too
    page = html(client.get("/home"))
    assert '<a class="nav-link active" href="/home" aria-current="page">Home</a>' in page


def test_the_home_asks_for_a_login(client: FlaskClient):
    response = client.get("/home")
    assert response.status_code == 302 and response.location.startswith("/login")


# --- the hiring manager ----------------------------------------------------------------------


def test_a_manager_reads_the_top_of_each_ranking_and_the_cards_missing(
    db: Session,
    data_gap: None,
    people: dict[str, User],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    maria, ines, theo = people["maria"], people["ines"], people["theo"]
    opening = make_opening(manager=maria, panel=[ines, theo], title="Data engineer")
    theirs = make_opening(manager=people["hugo"], panel=[ines], title="Somebody else's role")
    yuki = make_candidate(opening, name="Yuki Tanaka", status="interviewing")
    bob = make_candidate(opening, name="Bob Basic", status="interviewing")
    make_candidate(opening, name="Cleo New")  # applied, no card yet: both owe one
    make_candidate(opening, name="Dan Gone", status="rejected")  # owed nothing
    strong = {"research": 1, "engineering": 1, "data": 4}
    write_card(yuki, ines, strong)
    write_card(yuki, theo, strong)
    write_card(bob, ines, {"research": 1, "engineering": 2, "data": 2})
    write_card(bob, theo, {"research": 1}, submit=False)  # a draft is not in

    page = html(client_for(maria).get("/home"))

    # Only her own openings (the visibility rule), not the other manager's.
    assert 'id="home-manager"' in page
    assert f'id="opening-{opening.id}"' in page
    assert f'id="opening-{theirs.id}"' not in page and "Somebody else" not in page
    # The top of the ranking in words, with the number the ranking page shows.
    result = opening_ranking(
        opening.id, viewer=viewer_of(maria, db), session=db, statuses=PAGE_STATUSES
    )
    db.rollback()
    top = result.ranking.entries[0]
    assert top.name == "Yuki Tanaka"
    saved = difference(top.without_weeks, top.forecast_weeks)
    assert saved is not None and saved.half_days > 0
    card = part(page, f"opening-{opening.id}")
    assert (
        f"Hire Yuki Tanaka: the work lands {sooner(saved)}, about {day(top.finish_date)}."
        in text_of(card)
    )
    assert f'<a href="/candidates/{yuki.id}">Yuki Tanaka</a>' in card
    ranking_page = html(client_for(maria).get(f"/openings/{opening.id}/ranking"))
    assert str(saved) in text_of(ranking_page.split(f"/candidates/{yuki.id}", 1)[1][:6000])
    assert f'href="/openings/{opening.id}/ranking">See the ranking of 3 candidates</a>' in card
    # Cards missing: Bob lacks Theo's (a draft), Cleo lacks both; Yuki's and Dan's are not owed.
    assert "3 cards still missing" in text_of(card)
    owed = re.findall(r'<span class="person"[^>]*>([^<]+)</span>: (\d+)</li>', card)
    assert owed == [("Theo Two", "2"), ("Ines One", "1")]
    assert f'href="/openings/{opening.id}/panel"' in card
    # The weakest area, as the coverage report words it (no leadership section to say it).
    words = weakest_words(coverage_report(session=db).weakest)
    db.rollback()
    assert words and words in text_of(part(page, "home-weakest"))
    assert 'href="/reports/coverage"' in part(page, "home-weakest")


def test_a_top_candidate_who_fails_the_rubric_is_not_called_a_hire(
    data_gap: None,
    people: dict[str, User],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    opening = make_opening(manager=people["maria"], panel=[people["ines"]])
    weak = make_candidate(opening, name="Wes Weak", status="interviewing")
    write_card(weak, people["ines"], {"research": 2, "engineering": 2, "data": 2})
    card = text_of(part(html(client_for(people["maria"]).get("/home")), f"opening-{opening.id}"))
    assert "Nobody passes the rubric yet. Closest: Wes Weak, not strong in any area" in card
    assert "Hire" not in card
    assert "No cards missing" in card


def test_a_manager_on_their_own_panel_reads_only_their_own_missing_card(
    make_user: Callable[..., Any],
    people: dict[str, User],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    """The independence rule: until the manager's own card is in, the candidate's place and the
    panel's progress on them (who else submitted) are not theirs to read."""
    both = make_user("hiring_manager", "interviewer", name="Pat Both")
    opening = make_opening(manager=both, panel=[both, people["ines"]])
    xena = make_candidate(opening, name="Xena Hidden", status="interviewing")
    write_card(xena, people["ines"], {"research": 3, "engineering": 1, "data": 1})

    page = html(client_for(both).get("/home"))
    card = part(page, f"opening-{opening.id}")
    assert "No candidate is ranked yet: 1 candidate is left out until you submit your card." in (
        text_of(card)
    )
    owed = re.findall(r'<span class="person"[^>]*>([^<]+)</span>: (\d+)</li>', card)
    assert owed == [("Pat Both", "1")]
    assert "Ines One" not in card
    # Their interviewer section lists the card, after the manager's section.
    assert page.index('id="home-manager"') < page.index('id="home-interviewer"')
    assert f'href="/candidates/{xena.id}/scorecard">Write the card for Xena Hidden</a>' in page


def test_a_manager_without_openings_or_work(
    make_user: Callable[..., Any], client_for: Callable[[User], FlaskClient]
):
    page = html(client_for(make_user("hiring_manager")).get("/home"))
    first_steps = part(page, "no-team")
    assert text_of(first_steps).startswith("No one is on the team yet")
    assert 'href="/team/members/new"' in first_steps and 'href="/team/import"' in first_steps
    assert "No open openings to rank." in text_of(part(page, "no-openings"))
    assert 'href="/openings/new"' in part(page, "no-openings")
    assert "None: there is no open work, so no area holds the team back." in page


def test_closed_openings_are_left_off(
    db: Session,
    people: dict[str, User],
    make_opening: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    from hiring.openings import service
    from hiring.openings.schemas import OpeningUpdate

    opening = make_opening(manager=people["maria"], title="Filled already")
    service.update_opening(
        opening.id,
        OpeningUpdate(status="closed"),
        viewer=viewer_of(people["maria"], db),
        session=db,
    )
    db.commit()
    page = html(client_for(people["maria"]).get("/home"))
    assert "Filled already" not in page and 'id="no-openings"' in page


def test_the_home_ranks_at_most_ten_openings_and_links_to_the_rest(
    people: dict[str, User],
    make_opening: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    from hiring.home import HOME_OPENINGS

    made = [make_opening(manager=people["maria"]) for _ in range(HOME_OPENINGS + 1)]
    page = html(client_for(people["maria"]).get("/home"))
    shown = [int(i) for i in re.findall(r'<article [^>]*id="opening-(\d+)"', page)]
    assert shown == sorted((o.id for o in made), reverse=True)[:HOME_OPENINGS]  # newest first
    assert "1 more open opening: see every opening." in text_of(part(page, "more-openings"))


# --- the interviewer -------------------------------------------------------------------------


def test_an_interviewer_reads_the_cards_to_write_overdue_first(
    db: Session,
    people: dict[str, User],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    ines, maria = people["ines"], people["maria"]
    opening = make_opening(manager=maria, panel=[ines], title="Research engineer")
    late = make_candidate(opening, name="Lara Late")
    soon = make_candidate(opening, name="Sam Soon")
    undated = make_candidate(opening, name="Una Undated")
    done = make_candidate(opening, name="Dora Done")
    write_card(soon, ines, {"research": 2}, submit=False)
    write_card(done, ines, {"research": 2})
    # Overdue from `card_due_days` (2) after the interview, as the reminders count: the card
    # for an interview two days ago is overdue, yesterday's not yet.
    past, future = today() - timedelta(days=2), today() - timedelta(days=1)
    for candidate, when in ((late, past), (soon, future)):
        interviews.schedule_interviews(
            candidate.id, {ines.id: when}, viewer=viewer_of(maria, db), session=db
        )
    db.commit()

    page = html(client_for(ines).get("/home"))
    section = part(page, "home-interviewer")
    assert "You owe 3 cards, 1 overdue (the interview was 2 days ago or more)." in text_of(section)
    rows = re.findall(r'<li class="card home-card mb-2( overdue)?">(.*?)</li>', section, re.S)
    assert [text_of(row) for _late, row in rows] == [
        f"Interview {day(past)} overdue Lara Late · Research engineer Write the card for Lara Late",
        f"Interview {day(future)} Sam Soon · Research engineer Continue the card for Sam Soon",
        "No interview date yet Una Undated · Research engineer Write the card for Una Undated",
    ]
    assert [bool(flag) for flag, _row in rows] == [True, False, False]
    assert f'href="/candidates/{undated.id}/scorecard"' in section
    assert "Dora Done" not in section
    assert 'id="home-manager"' not in page and 'id="home-leadership"' not in page


def test_an_interviewer_with_nothing_to_write(
    make_user: Callable[..., Any], client_for: Callable[[User], FlaskClient]
):
    page = html(client_for(make_user("interviewer")).get("/home"))
    assert "Nothing to write: every card you owe is submitted." in page
    assert 'id="cards-owed"' not in page


# --- leadership ------------------------------------------------------------------------------


def _back_date(db: Session, days: int) -> None:
    """Date every recorded change `days` ago, as if the team had been set up then."""
    day_then = today() - timedelta(days=days)
    at = datetime(day_then.year, day_then.month, day_then.day, 12, tzinfo=UTC)
    db.exec(update(InputChange).values(at=at))  # type: ignore[call-overload]
    db.exec(update(RatingChange).values(changed_at=at))  # type: ignore[call-overload]
    db.commit()


def test_leadership_reads_the_finish_date_and_what_moved_this_week(
    db: Session,
    make_member: Callable[..., Any],
    make_work_item: Callable[..., Any],
    make_user: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    # One strong researcher, 10 points: 2 weeks from Monday 1 March 2027 (12 March); ten days
    # later 5 more points make it 3 weeks (19 March): 5 working days later.
    update_settings(session=db, plan_start=date(2027, 3, 1))
    make_member(name="Ada", levels={"research": 3, "engineering": 1, "data": 0})
    make_work_item(title="Model", area="research", points=10)
    _back_date(db, days=10)
    make_work_item(title="Evaluation", area="research", points=5)

    page = html(client_for(make_user("leadership")).get("/home"))
    section = part(page, "home-leadership")
    report = coverage_report(session=db)
    db.rollback()
    assert report.finish_date == date(2027, 3, 19)
    assert text_of(part(section, "home-finish")).startswith("about 19 March 2027")
    assert "3 weeks from the plan start, 1 March 2027" in text_of(section)
    then, since = today() - timedelta(days=10), today() - timedelta(days=7)
    assert (
        f"On {day(then)}, the last change before {day(since)}, the work was to land about "
        "12 March 2027. Now it lands 5 days later, about 19 March 2027."
    ) in text_of(section)
    assert f"{day(today())}: 1 item added (5 points): Evaluation" in text_of(section)
    assert 'href="/reports/history"' in section and 'href="/reports/coverage"' in section
    words = weakest_words(report.weakest)
    assert words and words in text_of(part(section, "home-weakest"))


def test_leadership_with_no_work_and_a_young_history(
    make_user: Callable[..., Any], client_for: Callable[[User], FlaskClient]
):
    page = html(client_for(make_user("leadership")).get("/home"))
    section = part(page, "home-leadership")
    assert text_of(part(section, "home-finish")).startswith("nothing to do")
    assert "younger than a week" in text_of(section)
    assert "None: there is no open work, so no area holds the team back." in section


# --- several roles, and the admin ------------------------------------------------------------


def test_several_roles_show_each_section_once_in_order(
    data_gap: None,
    make_user: Callable[..., Any],
    people: dict[str, User],
    make_opening: Callable[..., Any],
    client_for: Callable[[User], FlaskClient],
):
    lead = make_user("leadership", "hiring_manager", "interviewer", "admin", name="Ola All")
    mine = make_opening(manager=lead, panel=[people["ines"]], title="Mine")
    other = make_opening(manager=people["maria"], panel=[lead], title="On my panel")
    page = html(client_for(lead).get("/home"))
    order = [
        page.index(f'id="home-{name}"')
        for name in ("manager", "interviewer", "leadership", "admin")
    ]
    assert order == sorted(order)
    for name in ("manager", "interviewer", "leadership", "admin"):
        assert page.count(f'id="home-{name}"') == 1
    # The weakest area once, in the leadership section, not again in the manager's.
    assert page.count('id="home-weakest"') == 1
    assert page.index('id="home-weakest"') > page.index('id="home-leadership"')
    # Leadership sees every opening; one they sit on the panel of (and do not own) is not
    # theirs to rank, so it is not in the manager's section.
    manager = part(page, "home-manager")
    assert f'id="opening-{mine.id}"' in manager and f'id="opening-{other.id}"' not in manager


def test_an_admin_reads_a_short_home_of_links(
    make_user: Callable[..., Any], client_for: Callable[[User], FlaskClient]
):
    page = html(client_for(make_user("admin")).get("/home"))
    links = part(page, "admin-links")
    assert '<a href="/admin/users">Users and roles</a>' in links
    assert '<a href="/admin/audit/">Audit log</a>' in links
    for other in ("home-manager", "home-interviewer", "home-leadership"):
        assert f'id="{other}"' not in page


# --- dates apart -----------------------------------------------------------------------------


def test_working_days_between_dates():
    monday = date(2027, 3, 1)
    assert working_days_between(monday, monday) == 0
    assert working_days_between(monday, date(2027, 3, 5)) == 4  # to Friday
    assert working_days_between(monday, date(2027, 3, 8)) == 5  # to next Monday
    assert working_days_between(date(2027, 3, 5), date(2027, 3, 8)) == 1  # over a weekend
    assert working_days_between(date(2027, 3, 8), monday) == -5
    assert working_days_between(monday, date(2027, 5, 10)) == 50


def test_dates_apart_read_as_the_numbers_rule_says():
    monday = date(2027, 3, 1)
    assert dates_apart(date(2027, 3, 8), monday) == Duration(10)  # 5 days sooner
    assert str(dates_apart(monday, date(2027, 3, 8))) == "-5 days"  # later
    assert str(dates_apart(monday, date(2027, 5, 10))) == "-10 weeks"
    assert str(dates_apart(monday, date(2027, 3, 15))) == "-2 weeks"
    assert dates_apart(None, monday) is None and dates_apart(monday, None) is None
    assert dates_apart(monday, monday) == Duration(0)


def test_the_home_is_a_user_s_own(
    db: Session, make_user: Callable[..., Any], client_for: Callable[[User], FlaskClient]
):
    """The page is read-only: opening it writes nothing (no audit entry, no recorded change)."""
    from sqlmodel import func, select

    from hiring.openings.models import AuditEntry

    user = make_user("leadership", "hiring_manager", "interviewer")
    before = (
        db.exec(select(func.count()).select_from(AuditEntry)).one(),
        db.exec(select(func.count(col(InputChange.id)))).one(),
    )
    db.rollback()
    html(client_for(user).get("/home"))
    after = (
        db.exec(select(func.count()).select_from(AuditEntry)).one(),
        db.exec(select(func.count(col(InputChange.id)))).one(),
    )
    assert after == before
