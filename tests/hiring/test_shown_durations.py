"""Every page that shows how long the work takes adds up, for teams hypothesis makes.

Issue 15: "save 0.2 weeks: 3.6 -> 3.3" read as a mistake. Each page that shows durations is
rendered for a generated team (members with random levels, FTE and start dates, random open
work, candidates with random cards) and read back as a person reads it, in words: every shown
difference must equal the difference of the shown ends (5 working days to a week), and no
length under 2 weeks may be written in weeks. A candidate's saving, rank and finish date must
also read the same wherever they are shown: the hiring manager's home ("Hire X: the work lands
4 days sooner, about ..."), the ranking, the opening's candidate list and the candidate's own
page. The pages are parsed, not the code's numbers re-derived, so a template that rounds the
other way round, or words a saving its own way, fails here.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from hiring import create_app
from hiring.accounts import service as accounts
from hiring.db import write_intent
from hiring.openings import scorecards, service
from hiring.openings.schemas import CandidateCreate, OpeningCreate, ScorecardIn
from team import members as members_service
from team import work as work_service
from team.schemas import MemberCreate, WorkItemCreate
from tests.conftest import PASSWORD, TestConfig, fresh_database, post_form
from tests.hiring.conftest import viewer_of

AREAS = ("research", "engineering", "data")
# A length as a page writes it: "9 days", "1 day", "0.5 days", "10.2 weeks", "-2 days".
# How a test that renders whole pages for generated teams runs: a few examples, none shrunk
# (shrinking a page test takes minutes), no deadline (a page takes what it takes).
PAGE_EXAMPLES = settings(
    max_examples=5,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LENGTH = r"-?\d+(?:\.\d+)? (?:days?|weeks?)"
LENGTH_RE = re.compile(rf"(?<![\w.])({LENGTH})\b")
THIS_WEEK = date.today() - timedelta(days=date.today().weekday())

levels = st.fixed_dictionaries({a: st.integers(0, 4) for a in AREAS})
members = st.lists(
    st.tuples(
        levels,
        st.sampled_from([0.2, 0.5, 0.8, 1.0]),
        st.one_of(st.none(), st.integers(-20, 6)),  # start: weeks from the plan start
    ),
    min_size=1,
    max_size=4,
)
work = st.lists(st.tuples(st.sampled_from(AREAS), st.integers(1, 40)), min_size=1, max_size=4)
candidates = st.lists(
    st.tuples(levels, st.one_of(st.none(), st.integers(0, 6))), min_size=2, max_size=3
)
what_if = st.tuples(levels, st.sampled_from(["0.5", "1"]), st.booleans())


def weeks_of(text: str) -> Decimal:
    """A shown length in weeks, exactly as a reader converts it (5 working days a week)."""
    value, unit = text.split()
    return Decimal(value) / (5 if unit.startswith("day") else 1)


def visible(html: str) -> str:
    """The text a person reads: no scripts, no tags, spaces collapsed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    html = re.sub(r"<title>.*?</title>", " ", html, flags=re.S)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return text.replace(" .", ".").replace(" ,", ",").replace(" :", ":").replace(" )", ")")


def check_lengths(text: str, page: str) -> int:
    """No length under 2 weeks in weeks; days whole or half, weeks to a tenth. The count."""
    found = LENGTH_RE.findall(text)
    for length in found:
        value, unit = length.split()
        if unit.startswith("week"):
            assert abs(Decimal(value)) >= 2, f"{page}: {length!r} is under 2 weeks"
            assert Decimal(value) * 10 % 1 == 0, f"{page}: {length!r}"
        else:
            assert abs(Decimal(value)) < 10, f"{page}: {length!r} is 2 weeks or more, in days"
            assert Decimal(value) * 2 % 1 == 0, f"{page}: {length!r}"
    return len(found)


def gap_is(shown: str, first: str, second: str, where: str) -> None:
    """The shown difference is the difference of the shown ends, `first - second`."""
    assert weeks_of(shown) == weeks_of(first) - weeks_of(second), (where, shown, first, second)


@contextmanager
def site(pg_engine: Engine | None) -> Iterator[tuple[Flask, Session]]:
    """A fresh database and app for one example (the test's own fixtures last a whole test)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig(fresh_database(Path(tmp), pg_engine), Path(tmp)))
        try:
            with (
                write_intent(False),
                Session(app.extensions["engine"], expire_on_commit=False) as db,
            ):
                yield app, db
        finally:
            app.extensions["engine"].dispose()


def build(db: Session, team: list, open_work: list, people: list) -> tuple[int, list[int], int]:
    """The generated team, work and an opening whose candidates carry one submitted card each."""
    made_ids = []
    for n, (lv, fte, start) in enumerate(team, start=1):
        made_ids.append(
            members_service.create_member(
                MemberCreate(
                    name=f"Member {n}",
                    email=f"member{n}@example.com",
                    fte=fte,
                    levels=lv,
                    start_date=None if start is None else THIS_WEEK + timedelta(weeks=start),
                ),
                session=db,
                actor="test",
            ).id
        )
    for area, points in open_work:
        work_service.create_work_item(
            WorkItemCreate(title="Ticket", area=area, points=points), session=db
        )
    manager = accounts.create_user(
        "hm@example.com", "Hanna", ["hiring_manager"], PASSWORD, session=db
    )
    panel = accounts.create_user("iv@example.com", "Ivo", ["interviewer"], PASSWORD, session=db)
    viewer = viewer_of(manager, db)
    opening = service.create_opening(
        OpeningCreate(title="ML engineer", panel=[panel.email]), viewer=viewer, session=db
    )
    ids = []
    for k, (lv, start) in enumerate(people):
        made = service.add_candidate(
            opening.id,
            CandidateCreate(
                name=f"Cand {k}",
                email=f"cand{k}@example.com",
                available_from=None if start is None else THIS_WEEK + timedelta(weeks=start),
            ),
            viewer=viewer,
            session=db,
        )
        scorecards.save_card(
            made.id or 0,
            ScorecardIn(ratings=lv, submit=True, recommendation="yes"),
            viewer=viewer_of(panel, db),
            session=db,
        )
        ids.append(made.id or 0)
    db.commit()
    return opening.id, ids, made_ids[0]


def logged_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = post_form(client, "/login", {"email": "hm@example.com", "password": PASSWORD})
    assert response.status_code == 302
    return client


def read(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def check_coverage(html: str, text: str) -> None:
    """The what-if sentence, the areas' "one strong hire saves" against their explanation, and
    the weakest area's sentence against its row."""
    said = re.search(r'id="what-if-result">(.*?)</p>', html, re.S)
    if said:
        sentence = visible(said.group(1))
        found = re.match(
            rf"This would (save|delay the work by) ({LENGTH}): ({LENGTH}) → ({LENGTH})", sentence
        )
        if found:
            verb, gap, before, after = found.groups()
            if verb == "save":
                gap_is(gap, before, after, sentence)
            else:
                gap_is(gap, after, before, sentence)
        else:
            assert "would" not in sentence or "cannot" in sentence, sentence
    table = html.split('id="areas"')[1].split("</table>")[0]
    saves = {}
    for area in table.split("</details>")[:-1]:
        name = re.search(r"<th scope=\"row\"[^>]*>([^<]+)</th>", area)
        gap = re.search(rf"<td class=\"num[^\"]*\"[^>]*>({LENGTH}|–)</td>", area)
        assert name and gap, area
        explained = re.search(rf"the forecast would be ({LENGTH}) instead of ({LENGTH})", area)
        if explained:
            gap_is(gap.group(1), explained.group(2), explained.group(1), name.group(1))
        else:
            assert gap.group(1) == "–" and "cannot be finished" in text, area
        saves[name.group(1)] = gap.group(1)
    weakest = re.search(r'id="weakest-why">(.*?)</div>', html, re.S)
    if weakest and "saves" in weakest.group(1):
        sentence = visible(weakest.group(1))
        name, gap = re.match(rf"(.+?): .*saves ({LENGTH})\.$", sentence).groups()
        assert saves[name] == gap, (sentence, saves)


def check_ranking(html: str) -> None:
    """Each explained row: without them, with them, and how much sooner, and its "Would save"
    cell; the slate's saving and how much later the greedy set lands."""
    for row in html.split('<tr class="explain">')[1:]:
        sentence = visible(row)
        found = re.search(
            rf"Without [^:]+: ({LENGTH}|cannot be finished)\. With them full-time"
            rf"(?: from [^:]+)?: ({LENGTH}|cannot be finished)(?:, ({LENGTH}) (sooner|later))?",
            sentence,
        )
        assert found, sentence[:300]
        before, after, gap, way = found.groups()
        if gap:
            gap_is(gap, *((before, after) if way == "sooner" else (after, before)), sentence)
        elif "cannot" not in before + after:
            assert weeks_of(before) == weeks_of(after), sentence[:300]  # "no sooner"
    cells = re.findall(rf'saved[^"]*"[^>]*>({LENGTH})<', html)
    for cell in cells:
        check_lengths(cell, "ranking cell")
    summary = re.search(r'id="slate-summary">(.*?)</p>', html, re.S)
    if summary:
        text = visible(summary.group(1))
        found = re.search(
            rf"({LENGTH}) from the plan start; that saves ({LENGTH}) against the team alone "
            rf"\(({LENGTH})\)",
            text,
        )
        if found:
            after, gap, before = found.groups()
            gap_is(gap, before, after, text)
        greedy = re.search(r'id="slate-greedy">(.*?)</p>', html, re.S)
        if greedy and found:
            words = visible(greedy.group(1))
            late = re.search(
                rf"land the work ({LENGTH}) from the plan start: ({LENGTH}) later", words
            )
            if late:
                gap_is(late.group(2), late.group(1), after, words)


def check_compare(html: str) -> None:
    """With all of them together: the forecast and how much sooner, against the team's."""
    team = re.search(rf"the team finishes the open work .*?\(({LENGTH}) from", visible(html))
    together = re.search(r'id="together-forecast">(.*?)</p>', html, re.S)
    if team and together:
        words = visible(together.group(1))
        found = re.search(rf"\(({LENGTH})\), ({LENGTH}) sooner", words)
        if found:
            gap_is(found.group(2), team.group(1), found.group(1), words)


def signed(words: str) -> Decimal | None:
    """A saving as a page words it, in weeks, sooner positive: "4 days" or "4 days sooner",
    "would delay the work by 2 days" or "2 days later", "no sooner"; None for "–" (it never
    lands without them, or with them)."""
    words = words.strip()
    if words == "–":
        return None
    if words == "no sooner":
        return Decimal(0)
    found = re.fullmatch(rf"(would delay the work by )?({LENGTH})(?: (sooner|later))?", words)
    assert found, words
    delay, length, way = found.groups()
    return -weeks_of(length) if delay or way == "later" else weeks_of(length)


def ranking_rows(html: str) -> dict[int, tuple[int, str, str]]:
    """Each ranked candidate's rank, "Work lands with them" date and "Would save" words, by id."""
    table = html.split('id="ranking"')[1]  # its explanations hold tables of their own
    rows = {}
    for cell in re.finditer(r'data-label="Would save">', table):
        row = table[table.rindex('<tr class="', 0, cell.start()) : cell.end() + 2000]
        found = re.search(r'href="/candidates/(\d+)"', row)
        rank = re.search(r"(\d+)</td>", row)
        lands = re.search(r'data-label="Work lands with them">([^<]*)<', row)
        gap = re.search(r'data-label="Would save">(.*?)(?:<svg|<div|</td>)', row, re.S)
        assert found and rank and lands and gap, row[-600:]
        rows[int(found.group(1))] = (int(rank.group(1)), lands.group(1), visible(gap.group(1)))
    return rows


def check_opening(html: str, rows: dict[int, tuple[int, str, str]]) -> None:
    """The opening's candidates, listed by rank: each one's rank and "Would save" read as on the
    ranking page."""
    table = html.split('id="candidates"')[1].split("</table>")[0]
    seen = set()
    for row in table.split("<tr>")[2:]:
        found = re.search(r'href="/candidates/(\d+)"', row)
        rank = re.search(r"(\d+)</td>", row)
        gap = re.search(r'data-label="Would save"[^>]*>(.*?)</td>', row, re.S)
        assert found and rank and gap, row
        ranked, _lands, words = rows[int(found.group(1))]
        assert int(rank.group(1)) == ranked, row
        assert signed(visible(gap.group(1))) == signed(words), (visible(gap.group(1)), words)
        seen.add(int(found.group(1)))
    assert seen == set(rows)


def check_candidate(html: str, row: tuple[int, str, str], total: int) -> None:
    """A candidate's standing: their rank, saving and finish date as the ranking page says."""
    ranked, lands, words = row
    standing = visible(html.split('id="standing"')[1].split("</section>")[0])
    assert f"Ranked {ranked} of {total} " in standing, standing
    if signed(words) is None:
        assert "no number of weeks saved can be given" in standing, standing
        return
    found = re.search(
        rf"\. Would (save|delay the work by) ({LENGTH})(?: \(.*?\))?, starting ", standing
    )
    assert found, standing
    way, length = found.groups()
    said = weeks_of(length) if way == "save" else -weeks_of(length)
    assert said == signed(words), (standing, words)
    if re.match(r"\d", lands):
        assert f"the work would land about {lands}." in standing, (standing, lands)


def check_home(
    html: str, opening_id: int, rows: dict[int, tuple[int, str, str]], coverage: str
) -> None:
    """The manager's home: the opening's top is the ranking's first, with its saving and finish
    date as the ranking says them; the weakest area as the coverage report words it."""
    card = html.split(f'id="opening-{opening_id}"')[1].split("</article>")[0]
    pick = re.search(r'class="top-pick[^"]*">(.*?)</p>', card, re.S)
    assert pick, card
    said = visible(pick.group(1))
    top = re.search(r'href="/candidates/(\d+)"', pick.group(1))
    assert top, said
    ranked, lands, words = rows[int(top.group(1))]
    assert ranked == 1, (said, rows)
    found = re.search(
        rf": the work lands ({LENGTH} (?:sooner|later)|no sooner)(?:, about ([^.]+))?\.$", said
    )
    if said.startswith("Hire ") or "):" in said:
        if found:
            assert signed(found.group(1)) == signed(words), (said, words)
            assert found.group(2) == (lands if re.match(r"\d", lands) else None), (said, lands)
        elif "without them it cannot" in said:
            assert signed(words) is None, (said, words)
            assert said.endswith(f"about {lands}; without them it cannot."), (said, lands)
        else:
            assert "even with them the work cannot be finished" in said, said
            assert lands == "cannot be finished", (said, lands)
    else:
        assert said.startswith("Nobody passes the rubric yet."), said
    weakest = re.search(r'id="home-weakest">(.*?)<a ', html, re.S)
    assert weakest, html[-2000:]
    words_there = re.search(r'id="weakest-why">(.*?)</div>', coverage, re.S)
    home_words = visible(weakest.group(1))
    if words_there:
        assert home_words == visible(words_there.group(1)), (home_words, words_there.group(1))
    else:
        assert home_words.startswith("None: there is no open work"), home_words


@PAGE_EXAMPLES
@given(team=members, open_work=work, people=candidates, change=what_if)
def test_every_shown_difference_is_the_difference_of_the_shown_ends(
    pg_engine: Engine | None, team: list, open_work: list, people: list, change: Any
) -> None:
    with site(pg_engine) as (app, db):
        opening_id, ids, first_member = build(db, team, open_work, people)
        client = logged_in(app)
        hypothetical, fte, remove_first = change
        query = "&".join(f"level_{a}={lv}" for a, lv in hypothetical.items())
        if remove_first:
            query += f"&remove={first_member}"
        pages = {
            "coverage": f"/reports/coverage?what_if=1&name=Grace&fte={fte}&{query}",
            "plain coverage": "/reports/coverage",
            "ranking": f"/openings/{opening_id}/ranking?slate=2",
            "compare": f"/openings/{opening_id}/compare?c={ids[0]}&c={ids[1]}",
            "key people": "/reports/key-people",
            "history": "/reports/history",
            "home": "/home",
            "opening": f"/openings/{opening_id}",
            **{f"candidate {k}": f"/candidates/{k}" for k in ids},
        }
        lengths = 0
        read_back: dict[str, str] = {}
        for name, url in pages.items():
            html = read(client, url)
            main = read_back[name] = html.split('id="main"')[1]
            lengths += check_lengths(visible(main), name)
            if "coverage" in name:
                check_coverage(main, visible(main))
            elif name == "ranking":
                check_ranking(main)
            elif name == "compare":
                check_compare(main)
        assert lengths > 0  # the pages did show lengths of time, so the rule was checked
        # The same candidate's saving reads the same wherever it is shown.
        rows = ranking_rows(read_back["ranking"])
        assert set(rows) == set(ids)
        check_home(read_back["home"], opening_id, rows, read_back["plain coverage"])
        check_opening(read_back["opening"], rows)
        for k in ids:
            check_candidate(read_back[f"candidate {k}"], rows[k], len(ids))
