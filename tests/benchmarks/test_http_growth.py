"""Growth: the ranking and the coverage report at 1x, 4x and 16x the data (62, 250 and 1,000
members, 20x as many work items, 10x as many candidates) grow no faster than the data.

Time per size is the median of several runs; the figure that matters is how the 16x time compares
with 16 (linear growth). Each size also keeps the ratio to its listing, so a fixed cost that hides
the growth at the small size does not go unnoticed.
"""

from __future__ import annotations

import pytest

from tests.benchmarks.conftest import GROWTH_SIZES, REPORT, Http, Timing, api_pages, compare

# Time may grow by up to this factor more than the data, for the noise of a shared machine.
SLACK = 1.5
RUNS = 3


def _ranking(client: Http, opening_id: int) -> tuple[tuple[str, object], tuple[str, object]]:
    ranking = f"/api/v1/openings/{opening_id}/ranking"
    listing = f"/api/v1/openings/{opening_id}/candidates"
    return (
        (f"ranking {ranking}", lambda: client.get(ranking)),
        (f"listing {listing} (all pages)", lambda: api_pages(client, listing)),
    )


def _coverage(client: Http, _opening_id: int) -> tuple[tuple[str, object], tuple[str, object]]:
    return (
        ("coverage /api/v1/coverage", lambda: client.get("/api/v1/coverage")),
        ("listing /api/v1/members (all pages)", lambda: api_pages(client, "/api/v1/members")),
    )


@pytest.mark.parametrize("sides", [_ranking, _coverage], ids=["ranking", "coverage"])
def test_time_grows_no_faster_than_the_data(organisation, sides):
    measured: dict[int, tuple[Timing, Timing]] = {}
    for scale in GROWTH_SIZES:
        org = organisation(scale)
        client = Http(org.base, org.token)
        measured[scale] = compare(*sides(client, org.opening_id), runs=RUNS)
    small, big = GROWTH_SIZES[0], GROWTH_SIZES[-1]
    data = big / small
    name = measured[big][0].name.split()[0]
    REPORT.add("")
    REPORT.add(f"### d. growth of the {name} (median of {RUNS} runs per size)")
    REPORT.add("| members | report s | listing s | report/listing | report vs 1x | data vs 1x |")
    REPORT.add("|---|---|---|---|---|---|")
    for scale, (report, listing) in measured.items():
        REPORT.add(
            f"| {scale:,} | {report.median:.3f} | {listing.median:.3f} | "
            f"{report.median / listing.median:.2f} | "
            f"{report.median / measured[small][0].median:.1f}x | {scale / small:.1f}x |"
        )
    growth = measured[big][0].median / measured[small][0].median
    limit = data * SLACK
    REPORT.add(f"{name} time grew {growth:.1f}x for {data:.1f}x the data (limit {limit:.0f}x)")
    assert growth <= limit
