"""The audit log people can read (issue 15): each entry a sentence with names ("Maria moved Yuki
to Offer made"), filtered by person, action and day through a GET form whose URL can be shared,
CSV imports told with their counts, a bad filter a form error, and 100,000 entries still a page
at a time. Through the page and the service; `tests/hiring/api/test_api_audit.py` is the API."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, func, select

from hiring.accounts.service import CurrentUser
from hiring.openings import audit_log, interviews, service
from hiring.openings.audit_log import LogFilter, read_log, record_import
from hiring.openings.candidates import add_hire_to_team
from hiring.openings.guides import set_area_guide
from hiring.openings.interview_schemas import GuideIn
from hiring.openings.models import AuditEntry
from hiring.openings.schemas import CandidateUpdate
from team.bulk import insert_rows
from team.schemas import MemberCreate
from tests.hiring.conftest import viewer_of

URL = "/admin/audit/"


def html(response) -> str:
    return response.get_data(as_text=True)


def sentences_on(page: str) -> list[str]:
    """Each entry's sentence as the page shows it, tags dropped, spaces collapsed."""
    found = re.findall(r'<span class="sentence">(.*?)</span>\s*(?:<div|</td>)', page, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", s).split()) for s in found]


def entries_in(db: Session) -> int:
    db.rollback()
    total = db.exec(select(func.count()).select_from(AuditEntry)).one()
    db.rollback()
    return total


@pytest.fixture
def story(make_user, make_opening, make_candidate, write_card, db) -> dict[str, Any]:
    """Maria manages "ML engineer"; Ivo sits on its panel. Yuki applies, is interviewed by Ivo
    (who writes a card and covers research), gets an offer, is hired and joins the team; Maria
    also changes the research guide and imports work items from Jira."""
    maria = make_user("hiring_manager", name="Maria", email="maria@example.com")
    ivo = make_user("interviewer", name="Ivo", email="ivo@example.com")
    admin = make_user("admin", name="Ada", email="ada@example.com")
    opening = make_opening(manager=maria, panel=[ivo], title="ML engineer")
    yuki = make_candidate(opening, name="Yuki", email="yuki@example.com")
    as_maria = viewer_of(maria, db)
    interviews.set_focus(opening.id, ivo.id, ["research"], viewer=as_maria, session=db)
    interviews.schedule_interviews(yuki.id, {ivo.id: date(2027, 3, 4)}, viewer=as_maria, session=db)
    service.set_status(yuki.id, "interviewing", viewer=as_maria, session=db)
    write_card(yuki, ivo, {"research": 3})
    service.update_candidate(
        yuki.id, CandidateUpdate(available_from=date(2027, 4, 5)), viewer=as_maria, session=db
    )
    service.set_status(yuki.id, "offer", viewer=as_maria, session=db, note="Great panel")
    service.set_status(yuki.id, "hired", viewer=as_maria, session=db)
    add_hire_to_team(
        yuki.id,
        MemberCreate(name="Yuki Sato", email="yuki.sato@example.com", levels={"research": 3}),
        viewer=as_maria,
        session=db,
    )
    set_area_guide(
        "research",
        GuideIn(questions=["Walk me through a paper"]),
        viewer=viewer_of(admin, db),
        session=db,
    )
    counts = {"created": 1180, "updated": 20, "closed": 4, "unchanged": 0}
    record_import(db, as_maria, "work_items", counts, "jira")
    db.commit()
    return {"maria": maria, "ivo": ivo, "admin": admin, "opening": opening, "yuki": yuki}


def test_every_entry_reads_as_a_sentence_with_names(story, client_for):
    page = html(client_for(story["admin"]).get(URL))
    assert sentences_on(page) == [
        "Maria imported 1,204 work items from Jira: 1,180 created, 20 updated, 4 closed",
        "Ada changed the interview guide of ML research",
        "Maria put Yuki on the team as Yuki Sato, starting 5 April 2027",
        "Maria moved Yuki to Hired",
        "Maria moved Yuki to Offer made",
        "Maria set the date Yuki can start to 5 April 2027",
        "Ivo submitted a scorecard for Yuki",
        "Maria moved Yuki to Interviewing",
        "Maria scheduled the interview of Yuki with Ivo for 4 March 2027",
        "Maria set the areas Ivo covers on ML engineer: research",
        "Maria added Yuki to ML engineer",
        "Maria opened ML engineer",
    ]
    yuki, opening = story["yuki"], story["opening"]
    # Names link to their records, people show their email on hover; the status note and the
    # card's revision stay readable beside the sentence.
    assert f'<a href="/candidates/{yuki.id}">Yuki</a>' in page
    assert f'<a href="/openings/{opening.id}">ML engineer</a>' in page
    assert '<span class="person" title="maria@example.com">Maria</span>' in page
    assert "Great panel" in page
    assert f"candidate {yuki.id}, revision 1" in page


def test_the_import_sentence_says_what_became_of_each_row(db, make_user, client_for):
    """Counts left at zero are not told, one is singular, our own format names no source, and
    a count that overlaps the outcomes (assignees not found) is told apart and not added."""
    maria = make_user("hiring_manager", name="Maria")
    admin = make_user("admin")
    as_maria = viewer_of(maria, db)
    record_import(db, as_maria, "members", {"created": 1, "updated": 0}, None)
    record_import(
        db, as_maria, "work_items", {"created": 2, "updated": 1, "unknown_assignees": 2}, None
    )
    record_import(db, as_maria, "work_items", {"unchanged": 7, "skipped": 3}, "linear")
    db.commit()
    assert sentences_on(html(client_for(admin).get(URL))) == [
        "Maria imported 10 work items from Linear: 7 unchanged, 3 skipped",
        "Maria imported 3 work items: 2 created, 1 updated; 2 unknown assignees",
        "Maria imported 1 team member: 1 created",
    ]
    with pytest.raises(ValueError, match="unknown import kind"):
        record_import(db, as_maria, "candidates", {"created": 1}, None)
    db.rollback()


def test_filters_by_person_action_and_day_keep_the_url(story, client_for, db):
    admin = client_for(story["admin"])
    page = html(admin.get(URL))
    # The selects offer the people who acted, by name, and the actions, in words.
    assert '<option value="maria@example.com">Maria</option>' in page
    assert '<option value="candidate.status">Moved a candidate</option>' in page

    by_ivo = html(admin.get(URL, query_string={"actor": "ivo@example.com"}))
    assert sentences_on(by_ivo) == ["Ivo submitted a scorecard for Yuki"]
    assert "1 entry match the filter" in by_ivo
    moves = html(
        admin.get(URL, query_string={"actor": "maria@example.com", "action": "candidate.status"})
    )
    assert [s.rsplit(" ", 1)[-1] for s in sentences_on(moves)] == ["Hired", "made", "Interviewing"]
    assert '<option selected value="candidate.status">Moved a candidate</option>' in moves

    # Days: move the opening's creation back to 1 March 2026 and read around it.
    db.rollback()
    created = db.exec(select(AuditEntry).where(AuditEntry.action == "opening.create")).one()
    created.at = datetime(2026, 3, 1, 23, 59, tzinfo=UTC)
    db.add(created)
    db.commit()
    that_day = html(admin.get(URL, query_string={"since": "2026-03-01", "until": "2026-03-01"}))
    assert sentences_on(that_day) == ["Maria opened ML engineer"]
    assert "1 March 2026, 23:59" in that_day
    assert 'value="2026-03-01"' in that_day  # the form keeps what was asked
    after = html(admin.get(URL, query_string={"since": "2026-03-02"}))
    assert "Maria opened ML engineer" not in sentences_on(after)
    assert len(sentences_on(after)) == 11
    before = html(admin.get(URL, query_string={"until": "2026-02-28"}))
    assert sentences_on(before) == [] and "Nothing recorded matches the filter." in before


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "2027-13-01"}, "since", "Not a valid date value"),
        ({"until": "yesterday"}, "until", "Not a valid date value"),
        ({"since": "2027-03-02", "until": "2027-03-01"}, "until", "must be on or after"),
        ({"actor": "nobody@example.com"}, "actor", "Not a valid choice"),
        ({"action": "x" * 5000}, "action", "Not a valid choice"),
    ],
)
def test_a_bad_filter_is_a_form_error_and_shows_nothing(
    story, client_for, db, query, field, message
):
    before = entries_in(db)
    response = client_for(story["admin"]).get(URL, query_string=query)
    assert response.status_code == 400
    page = html(response)
    assert re.search(rf'id="{field}"[^>]*>', page) and "is-invalid" in page
    assert message in page
    assert sentences_on(page) == [] and "Correct the filter to see entries." in page
    assert entries_in(db) == before


def test_a_control_character_is_refused_before_the_form(story, client_for):
    """The app refuses NUL in any query parameter (PostgreSQL would fail on it), naming why."""
    response = client_for(story["admin"]).get(URL, query_string={"action": "a\u0000"})
    assert response.status_code == 400
    assert "control characters" in html(response)


def test_only_admins_read_the_log(story, client_for, client):
    for user in (story["maria"], story["ivo"]):
        assert client_for(user).get(URL).status_code == 403
    assert client.get(URL).status_code == 302  # to the login page


def test_names_follow_who_may_see_the_record(story, db):
    """The service names a candidate or an opening only to a reader who may see it (the
    openings rule, `service.visible_openings`); anyone else reads its kind and id. Only admins
    open the log today, but the rule is the openings' one, not the log's own."""
    entries = db.exec(select(AuditEntry).where(AuditEntry.action == "candidate.add")).all()
    panelist = viewer_of(story["ivo"], db)  # on the opening's panel: sees it
    [seen] = audit_log.sentences(entries, viewer=panelist, session=db)
    assert seen.text == "Maria added Yuki to ML engineer"
    stranger = CurrentUser(id=0, email="x@example.com", name="X", roles=frozenset({"interviewer"}))
    [hidden] = audit_log.sentences(entries, viewer=stranger, session=db)
    assert hidden.text == f"Maria added candidate {story['yuki'].id}"
    db.rollback()


def test_a_panelist_admin_neither_reads_nor_finds_the_hidden_cards_author(
    make_user, make_opening, make_candidate, write_card, client_for
):
    """The independence rule: an admin on the panel who has not written their card reads no
    entry about the others' cards, and the person filter does not offer their author either."""
    writer = make_user("interviewer", name="Wren", email="wren@example.com")
    panel_admin = make_user("admin", "interviewer", email="pa@example.com")
    opening = make_opening(panel=[writer, panel_admin])
    candidate = make_candidate(opening)
    write_card(candidate, writer, {"research": 3})
    page = html(client_for(panel_admin).get(URL))
    assert "Wren" not in page
    refused = client_for(panel_admin).get(URL, query_string={"actor": "wren@example.com"})
    assert refused.status_code == 400


def _bulk_entries(db: Session, n: int, actors: list[Any]) -> None:
    """`n` entries, one a minute back from 1 January 2027, by turns of `actors`, in one
    bulk insert (the way imports write)."""
    start = datetime(2027, 1, 1, tzinfo=UTC)
    rows = [
        {
            "at": start - timedelta(minutes=i),
            "actor_id": actors[i % len(actors)].id,
            "actor_email": actors[i % len(actors)].email,
            "action": "candidate.status" if i % 2 else "opening.update",
            "subject_type": "candidate" if i % 2 else "opening",
            "subject_id": 10**6 + i,
            "details": "applied -> interviewing" if i % 2 else "title",
        }
        for i in range(n)
    ]
    insert_rows(AuditEntry.__table__, rows, session=db)
    db.commit()


def test_a_hundred_thousand_entries_are_still_read_a_page_at_a_time(db, make_user, client_for):
    admin = make_user("admin", name="Ada")
    other = make_user("hiring_manager", name="Bo")
    _bulk_entries(db, 100_000, [admin, other])
    browser = client_for(admin)
    first = html(browser.get(URL))
    assert "100,000 entries" in first and "Entries 1–50 of 100,000" in first
    assert len(sentences_on(first)) == 50
    assert sentences_on(first)[0] == f"Ada changed opening {10**6}"
    # The pager shows a few pages around this one, never all 2,000 of them.
    links = re.findall(r'class="page-link" href="([^"]+)"', first)
    assert len(links) <= 7 and any("offset=99950" in link for link in links)
    last = html(browser.get(URL, query_string={"offset": 99_950}))
    assert len(sentences_on(last)) == 50 and "Entries 99,951–100,000 of 100,000" in last
    by_bo = html(
        browser.get(URL, query_string={"actor": other.email, "action": "candidate.status"})
    )
    assert "50,000 entries match the filter" in by_bo
    links = re.findall(r'class="page-link" href="([^"]+)"', by_bo)
    assert links and all("actor=" in link and "action=candidate.status" in link for link in links)
    # 1 January 2027 00:00 back to 31 December 2026 00:00: 1,441 minutes, both days whole.
    days = {"since": "2026-12-31", "until": "2027-01-01"}
    assert "1,441 entries match the filter" in html(browser.get(URL, query_string=days))
    page = read_log(
        LogFilter(since=date(2026, 12, 31)), viewer=viewer_of(admin, db), session=db, limit=10
    )
    assert page.total == 1441 and len(page.lines) == 10
    db.rollback()
