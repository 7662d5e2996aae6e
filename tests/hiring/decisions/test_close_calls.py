"""Too close to call (issue 13, "Disagreement"): a row whose weeks-saved range overlaps the
range of the row above. Worked on hand-made rows, then seen through the API, page and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from hiring.openings import service
from hiring.openings.schemas import OpeningUpdate
from hiring.pages.range_bars import scale_of
from hiring.ranking import RankedCandidate, too_close_to_call, too_close_to_call_ids
from hiring.rubric import Rubric
from tests.hiring.conftest import viewer_of
from tests.hiring.decisions.conftest import World

PASSES = Rubric("passes", True, "", ())
FAILS = Rubric("below_basic", False, "", ())


def row(
    id_: int,
    low: float | None,
    high: float | None,
    saved: float | None = 0.0,
    rubric: Rubric = PASSES,
) -> RankedCandidate:
    """A ranking row with only what the mark reads."""
    return RankedCandidate(
        rank=id_,
        id=id_,
        name=f"R{id_}",
        levels={},
        rubric=rubric,
        forecast_weeks=10.0,
        weeks_saved=saved,
        allocation={},
        level_sum=0.0,
        weeks_saved_low=low,
        weeks_saved_high=high,
    )


@pytest.mark.parametrize(
    "above, below, close",
    [
        ((2.0, 3.0), (2.5, 2.8), True),  # inside
        ((2.0, 3.0), (1.0, 2.2), True),  # overlapping the low end
        ((2.0, 3.0), (1.0, 2.0), True),  # touching ends count
        ((2.0, 3.0), (1.0, 2.0 - 2e-9), False),  # apart by more than 1e-9 weeks
        ((2.0, 3.0), (0.5, 1.5), False),
        ((3.0, 2.0), (2.9, 2.95), True),  # low above high (another mentor): still a range
        ((2.0, 2.0), (2.0, 2.0), True),  # panels that agree, on the same number
        ((2.0, 2.0), (1.9, 1.9), False),
        ((-1.0, 0.5), (-2.0, -0.5), True),  # delays too
        ((None, None), (1.0, 2.0), False),  # no range above (the team never finishes)
        ((1.0, 2.0), (None, None), False),  # no range on the row
        ((1.0, None), (1.0, 2.0), False),
    ],
)
def test_overlapping_ranges_are_too_close_to_call(above, below, close):
    assert too_close_to_call(row(1, *above), row(2, *below)) is close


def test_the_rubric_line_is_not_a_close_call():
    """The rubric, not the forecast, puts a failing row below a passing one."""
    assert too_close_to_call(row(1, 2.0, 3.0), row(2, 2.5, 2.6, rubric=FAILS)) is False
    assert too_close_to_call(row(1, 2.0, 3.0, rubric=FAILS), row(2, 2.5, 2.6, rubric=FAILS))


def test_each_row_is_marked_against_the_row_above_it():
    rows = [
        row(1, 5.0, 6.0),
        row(2, 4.5, 5.2),  # overlaps 1
        row(3, 3.0, 4.0),  # apart from 2
        row(4, 3.5, 3.6),  # overlaps 3
        row(5, None, None),
        row(6, 3.5, 3.6),  # the row above has no range
    ]
    assert too_close_to_call_ids(rows) == {2, 4}
    assert too_close_to_call_ids([]) == frozenset()
    assert too_close_to_call_ids(rows[:1]) == frozenset()


def test_the_range_bars_share_one_scale_with_room_at_the_ends():
    rows = [row(1, 2.0, 4.0, saved=3.0), row(2, -1.0, 1.0, saved=0.5), row(3, None, None)]
    scale = scale_of(rows)
    assert (scale.least, scale.most) == (-1.5, 4.5)  # -1 to 4, a tenth of the span to spare
    first, second = scale.bar(rows[0]), scale.bar(rows[1])
    assert first and second and scale.bar(rows[2]) is None
    assert (first.x, first.width, first.mark, first.zero) == (
        pytest.approx(58.333, abs=1e-3),
        pytest.approx(33.333, abs=1e-3),
        pytest.approx(75.0),
        pytest.approx(25.0),
    )
    assert (second.x, second.mark) == (pytest.approx(8.333, abs=1e-3), pytest.approx(33.333))
    # Saving weeks only: the scale holds the ranges, not 0, so close rows read apart.
    apart = scale_of([row(1, 10.1, 10.3, saved=10.2), row(2, 9.0, 9.4, saved=9.2)])
    assert apart.least == pytest.approx(8.87) and apart.most == pytest.approx(10.43)
    assert apart.bar(row(1, 10.1, 10.3, saved=10.2)).zero is None  # type: ignore[union-attr]
    agreed = scale_of([row(1, 2.0, 2.0, saved=2.0)]).bar(row(1, 2.0, 2.0, saved=2.0))
    assert agreed and agreed.width == 1.0 and agreed.x + agreed.width <= 100.0


@pytest.fixture
def close_call(world: World, make_candidate, write_card, make_user, db) -> World:
    """Eve and Finn, carded alike by Ivo and a second interviewer who disagree in research:
    their ranges are the same, so whichever is second is too close to call."""
    second = make_user("interviewer", name="Sol Second", email="sol@example.com")
    service.update_opening(
        world.opening.id,
        OpeningUpdate(panel=[world.interviewer.email, second.email]),
        viewer=viewer_of(world.manager, db),
        session=db,
    )
    db.commit()
    for name in ("Eve", "Finn"):
        made = make_candidate(world.opening, name=name)
        world.candidates[name] = made
        write_card(made, world.interviewer, {"research": 2, "engineering": 1, "data": 3})
        write_card(made, second, {"research": 4, "engineering": 1, "data": 3})
    return world


def test_the_api_page_and_csv_mark_the_close_call(api, client_for, close_call: World):
    world = close_call
    body = api("admin").get(f"/api/v1/openings/{world.opening.id}/ranking").get_json()
    rows = body["candidates"]
    marked = [r["name"] for r in rows if r["too_close_to_call"]]
    eve_finn = [r["name"] for r in rows if r["name"] in ("Eve", "Finn")]
    assert eve_finn[1] in marked
    # The API's flags are the pure rule's on the API's own numbers, row after row.
    for above, below in zip(rows, rows[1:], strict=False):
        ends = sorted([below["weeks_saved_low"], below["weeks_saved_high"]])
        over = sorted([above["weeks_saved_low"], above["weeks_saved_high"]])
        same_group = above["rubric"]["passes"] == below["rubric"]["passes"]
        overlaps = max(ends[0], over[0]) <= min(ends[1], over[1]) + 1e-9
        assert below["too_close_to_call"] is (same_group and overlaps), below["name"]
    assert rows[0]["too_close_to_call"] is False
    client = client_for(world.manager)
    page = client.get(f"/openings/{world.opening.id}/ranking").get_data(as_text=True)
    assert page.count("too close to call</span>") == sum(
        1 for r in rows if r["too_close_to_call"] and r["name"] not in ("Bruno", "Dana")
    )
    second = next(r for r in rows if r["name"] == eve_finn[1])
    first = next(r for r in rows if r["name"] == eve_finn[0])
    link = f"/openings/{world.opening.id}/compare?c={first['id']}&amp;c={second['id']}"
    assert link in page  # "compare with" the row above
    assert '<svg class="range-bar"' in page
    low, high = sorted([second["weeks_saved_low"], second["weeks_saved_high"]])
    assert f"between {round(low, 1):g} and {round(high, 1):g} weeks" in page
    text = client.get(f"/openings/{world.opening.id}/ranking.csv").get_data(as_text=True)
    csv_rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert {r["name"]: r["too_close_to_call"] for r in csv_rows}[eve_finn[1]] == "yes"
