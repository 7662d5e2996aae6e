"""Around the decision on the candidate and opening pages (issue 13): a candidate's rank, weeks
saved with the panel's range, and start, for those who may read the ranking only; the opening's
candidates by rank for them, by name for everyone else."""

from __future__ import annotations

import re

from hiring.openings import service
from hiring.openings.schemas import OpeningUpdate
from tests.hiring.conftest import viewer_of
from tests.hiring.decisions.conftest import World


def _text(html: str) -> str:
    """Visible text, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _standing(client, world: World, name: str) -> str | None:
    page = client.get(f"/candidates/{world.id(name)}").get_data(as_text=True)
    found = re.search(
        r'<section class="card card-body mb-3" id="standing">(.*?)</section>', page, re.S
    )
    return _text(found.group(1)) if found else None


def test_the_manager_reads_rank_weeks_saved_range_and_start(client_for, world: World):
    client = client_for(world.manager)
    avery = _standing(client, world, "Avery")
    assert avery is not None
    assert avery.startswith(
        "Ranked 1 of 2 on the ranking (rejected and withdrawn candidates left out)."
    )
    # 12 weeks without her, 11.75/6.75 = 1.74 weeks (9 days) with her: 12 weeks - 9 days = 10.2
    # weeks, the difference of the shown ends as on the ranking page; one card, so no range;
    # no notice: the plan start.
    assert re.search(r"Would save 10\.2 weeks ?, starting \d+ \w+ \d{4}", avery), avery
    assert "the work would land about" in avery
    cleo = _standing(client, world, "Cleo")
    assert cleo is not None and cleo.startswith("Ranked 2 of 2")
    assert _standing(client, world, "Bruno") == (
        "Not ranked (rejected): the ranking leaves rejected and withdrawn candidates out."
    )
    assert (_standing(client, world, "Dana") or "").startswith("Not ranked (withdrawn)")


def test_the_range_shows_when_the_panel_disagrees(
    client_for, make_user, write_card, db, world: World
):
    other = make_user("interviewer", name="Otto Other")
    panel = [world.interviewer.email, other.email]
    viewer = viewer_of(world.manager, db)
    service.update_opening(world.opening.id, OpeningUpdate(panel=panel), viewer=viewer, session=db)
    db.commit()
    # Data at 3 rather than 1: Cleo, who works the data, would land it sooner.
    write_card(world.candidates["Cleo"], other, {"research": 3, "engineering": 1, "data": 3})
    cleo = _standing(client_for(world.manager), world, "Cleo") or ""
    # Each end is a difference of shown forecasts: 12 weeks less 2.7 weeks, and less 8 days.
    assert re.search(r"\( ?between 9\.3 and 10\.4 weeks, as the panel disagrees ?\)", cleo), cleo


def test_leadership_reads_it_and_an_interviewer_who_may_not_rank_does_not(
    client_for, make_user, world: World
):
    assert (_standing(client_for(make_user("leadership")), world, "Avery") or "").startswith(
        "Ranked 1 of 2"
    )
    # Ivo has submitted a card for everyone, but a panelist reads no ranking: nothing at all,
    # not even "not ranked".
    client = client_for(world.interviewer)
    for name in ("Avery", "Bruno"):
        page = client.get(f"/candidates/{world.id(name)}").get_data(as_text=True)
        assert 'id="standing"' not in page and "Ranked" not in page and "Not ranked" not in page


def test_an_owner_on_the_panel_reads_no_rank_before_their_card(
    client_for, make_user, make_opening, make_candidate, write_card
):
    owner = make_user("hiring_manager", "interviewer")
    writer = make_user("interviewer")
    opening = make_opening(manager=owner, panel=[owner, writer])
    xena, yuri = make_candidate(opening, name="Xena"), make_candidate(opening, name="Yuri")
    for candidate in (xena, yuri):
        write_card(candidate, writer, {"research": 3, "engineering": 1, "data": 1})
    write_card(yuri, owner, {"research": 3, "engineering": 1, "data": 1})
    client = client_for(owner)
    assert 'id="standing"' not in client.get(f"/candidates/{xena.id}").get_data(as_text=True)
    yuri_page = client.get(f"/candidates/{yuri.id}").get_data(as_text=True)
    assert "Ranked 1 of 1" in _text(yuri_page)  # Xena is not ranked for them yet


def _order(page: str) -> list[str]:
    table = page.split('id="candidates"')[1].split("</table>")[0]
    return re.findall(r'/candidates/\d+">([^<]+)</a>', table)


def test_the_opening_lists_candidates_by_rank_for_those_who_may_rank(
    client_for, make_user, world: World
):
    manager = client_for(world.manager)
    page = manager.get(f"/openings/{world.opening.id}").get_data(as_text=True)
    assert _order(page) == ["Avery", "Cleo", "Bruno", "Dana"]
    row = page.split('id="candidates"')[1].split("</tr>")[1]
    assert '<td class="num fw-semibold stack-1 stack-inline" data-value="1">1</td>' in row
    # Avery would save: the difference of the shown forecasts (12 weeks - 9 days), as on the
    # ranking page, not the 10.26 weeks before rounding.
    assert ">10.2 weeks</td>" in row
    (bruno,) = [r for r in page.split("</tr>") if '">Bruno</a>' in r]
    assert "not ranked" in bruno and ">rejected</span>" in bruno
    by_name = manager.get(f"/openings/{world.opening.id}?sort=name").get_data(as_text=True)
    assert _order(by_name) == ["Avery", "Bruno", "Cleo", "Dana"]
    assert "list by rank" in by_name
    leader = client_for(make_user("leadership")).get(f"/openings/{world.opening.id}")
    assert _order(leader.get_data(as_text=True)) == ["Avery", "Cleo", "Bruno", "Dana"]


def test_others_see_the_list_by_name_as_before(client_for, world: World):
    page = client_for(world.interviewer).get(f"/openings/{world.opening.id}").get_data(as_text=True)
    assert _order(page) == ["Avery", "Bruno", "Cleo", "Dana"]
    assert "Would save" not in page and "list by rank" not in page


def test_the_opening_pages_by_rank(app, client_for, make_candidate, world: World):
    app.config["TESTING"] = True
    for n in range(50):  # 54 candidates: two pages of 50
        make_candidate(world.opening, name=f"Zed {n:02d}")
    client = client_for(world.manager)
    first = client.get(f"/openings/{world.opening.id}").get_data(as_text=True)
    second = client.get(f"/openings/{world.opening.id}?offset=50").get_data(as_text=True)
    assert _order(first)[:2] == ["Avery", "Cleo"] and len(_order(first)) == 50
    assert len(_order(second)) == 4
    assert set(_order(first)).isdisjoint(_order(second))
