"""The ranking and coverage pages (HTML) against the HTML list pages of the same rows.

The pages render what the API returns and more (the ranking page explains every candidate: the
forecast with them, where they would work, who said what), so they are compared with the pages
that list the same rows: the opening's candidate list (50 a page, every page) and the members
list (50 a page, every page, those who left included).
"""

from __future__ import annotations

from hiring.openings.models import CANDIDATE_STATUSES
from tests.benchmarks.conftest import FULL, REPORT, Http, compare

TARGET = 2.0
PAGE = 50  # hiring.pages.listing.PAGE_SIZE


def html_pages(client: Http, path: str, rows: int) -> int:
    """GET every page of an HTML list of `rows` rows; returns the bytes read."""
    read = 0
    for offset in range(0, rows, PAGE):
        read += len(client.get(f"{path}{'&' if '?' in path else '?'}offset={offset}"))
    return read


def test_ranking_page_within_2x_of_the_candidate_list_pages(organisation):
    org = organisation(FULL)
    client = Http(org.base)
    client.login()
    # Every row of every status, as the listing has them (the page leaves rejected and
    # withdrawn candidates out unless ticked); the listing by name, as it was before rankers
    # got it by rank (which would rank the opening for each of its pages).
    every = "&".join(f"status={s}" for s in CANDIDATE_STATUSES)
    ranking_path = f"/openings/{org.opening_id}/ranking?rows=all&{every}"
    listing_path = f"/openings/{org.opening_id}?sort=name"
    page = client.get(ranking_path).decode()
    assert page.count('class="explain"') == 10 * FULL
    ranking, listing = compare(
        (f"GET {ranking_path} (HTML)", lambda: client.get(ranking_path)),
        (
            f"GET {listing_path}?offset=... (HTML, all {10 * FULL // PAGE} pages)",
            lambda: html_pages(client, listing_path, 10 * FULL),
        ),
    )
    ratio = REPORT.ratio(
        "c. ranking page vs the candidate list pages (HTML)", org.sizes, ranking, listing, TARGET
    )
    assert ratio <= TARGET


def test_coverage_page_within_2x_of_the_member_list_pages(organisation):
    org = organisation(FULL)
    client = Http(org.base)
    client.login()
    listing_path = "/team/members?show=all"
    assert 'id="weakest-area"' in client.get("/reports/coverage").decode()
    coverage, members = compare(
        ("GET /reports/coverage (HTML)", lambda: client.get("/reports/coverage")),
        (
            f"GET {listing_path}&offset=... (HTML, all {FULL // PAGE} pages)",
            lambda: html_pages(client, listing_path, FULL),
        ),
    )
    ratio = REPORT.ratio(
        "c. coverage page vs the member list pages (HTML)", org.sizes, coverage, members, TARGET
    )
    assert ratio <= TARGET
