"""Interviewer calibration on a real database, through the service, `GET /api/v1/calibration`
and the `/calibration` page: which cards count (current submitted revisions only, and only what
the independence rule lets the caller read), who may read it, and what the page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, select

from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.calibration import SubmittedCard, calibrate
from hiring.demo import load_demo
from hiring.openings import scorecards
from hiring.openings.calibration import calibration_report
from hiring.openings.independence import sight
from hiring.openings.models import Candidate, Opening, PanelSeat
from hiring.openings.schemas import OpeningUpdate
from hiring.openings.service import update_opening
from tests.conftest import PASSWORD
from tests.hiring.conftest import viewer_of
from tests.hiring.test_query_counts import Organisation, check, counts_before_and_after_growing

API = "/api/v1"
AREAS = ("research", "engineering", "data")


@pytest.fixture
def api_as(app, db: Session) -> Callable[[User], Any]:
    """api_as(user) -> a cookie-less client carrying a new bearer token of that user."""

    def make(user: User):
        token = accounts.create_token(user.id or 0, "test", session=db)
        db.rollback()
        client = app.test_client(use_cookies=False)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return make


def ratings(research: int | None, engineering: int | None, data: int | None) -> dict:
    return dict(zip(AREAS, (research, engineering, data), strict=True))


@pytest.fixture
def org(
    db: Session,
    make_user: Callable[..., Any],
    make_opening: Callable[..., Any],
    make_candidate: Callable[..., Any],
    write_card: Callable[..., Any],
) -> dict[str, Any]:
    """Two openings of two managers. On the first, Hana's, Ines rates a level above Theo and
    Uma on every area of two candidates (6 ratings: she rates high, they rate half a level low);
    the second, Omar's, has one candidate rated by Ines and Theo alike."""
    people = {
        "hana": make_user("hiring_manager", name="Hana Manager", email="hana@example.com"),
        "omar": make_user("hiring_manager", name="Omar Other", email="omar@example.com"),
        "ines": make_user("interviewer", name="Ines High", email="ines@example.com"),
        "theo": make_user("interviewer", name="Theo Two", email="theo@example.com"),
        "uma": make_user("interviewer", name="Uma Three", email="uma@example.com"),
    }
    panel = [people["ines"], people["theo"], people["uma"]]
    first = make_opening(manager=people["hana"], panel=panel, title="Data engineer")
    second = make_opening(
        manager=people["omar"], panel=[people["ines"], people["theo"]], title="Researcher"
    )
    x = make_candidate(first, name="Xena")
    y = make_candidate(first, name="Yuri")
    z = make_candidate(second, name="Zoe")
    for candidate in (x, y):
        write_card(candidate, people["ines"], ratings(3, 3, 3))
        write_card(candidate, people["theo"], ratings(2, 2, 2))
        write_card(candidate, people["uma"], ratings(2, 2, 2))
    write_card(z, people["ines"], ratings(1, 2, None))
    write_card(z, people["theo"], ratings(1, 2, None))
    return {"people": people, "first": first, "second": second, "x": x, "y": y, "z": z}


def body(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    return response.get_json()


def by_email(found: dict) -> dict[str, dict]:
    return {i["email"]: i for i in found["interviewers"]}


# --- what counts ------------------------------------------------------------------------------


def test_the_api_answers_api_mds_shape(api_as, org):
    found = body(api_as(org["people"]["hana"]), f"{API}/calibration")
    assert set(found) >= {"interviewers", "agreement"}
    assert [i["name"] for i in found["interviewers"]] == ["Ines High", "Theo Two", "Uma Three"]
    ines = by_email(found)["ines@example.com"]
    assert set(ines) >= {"email", "name", "n", "bias", "by_area", "flag"}
    assert (ines["cards"], ines["n"], ines["bias"], ines["flag"]) == (2, 6, 1.0, "rates_high")
    assert ines["by_area"] == {key: {"n": 2, "bias": 1.0} for key in AREAS}
    theo = by_email(found)["theo@example.com"]
    assert (theo["n"], theo["bias"], theo["flag"]) == (6, -0.5, "rates_low")
    assert set(found["agreement"]) == set(AREAS)
    # Each area: (3, 2, 2) twice. Alpha from the package; checked by hand in test_calibration.
    assert all(isinstance(a, float) for a in found["agreement"].values())
    assert found["agreement_n"] == dict.fromkeys(AREAS, 6)
    assert found["opening_id"] is None


def test_drafts_and_corrected_revisions_do_not_count(db, org, write_card, make_candidate):
    people = org["people"]
    hana = viewer_of(people["hana"], db)

    def ines() -> tuple[int, int, float | None]:
        report = calibration_report(viewer=hana, session=db, opening_id=org["first"].id)
        db.rollback()
        found = {i.interviewer: i for i in report.interviewers}[people["ines"].id]
        return found.cards, found.n, found.bias

    assert ines() == (2, 6, 1.0)
    # A draft counts for nothing: a new candidate with only drafts adds no card.
    w = make_candidate(org["first"], name="Wanda")
    write_card(w, people["ines"], ratings(0, 0, 0), submit=False)
    write_card(w, people["theo"], ratings(4, 4, 4), submit=False)
    assert ines() == (2, 6, 1.0)
    # A correction started is a draft: revision 1 still counts.
    scorecards.revise_card(org["x"].id, viewer=viewer_of(people["ines"], db), session=db)
    db.commit()
    assert ines() == (2, 6, 1.0)
    # Submitted, it replaces revision 1, which no longer counts (2, 2, 2 as the others: 0).
    write_card(org["x"], people["ines"], ratings(2, 2, 2))
    assert ines() == (2, 6, 0.5)


def test_not_assessed_is_not_a_rating(api_as, org):
    found = body(api_as(org["people"]["omar"]), f"{API}/calibration")
    ines = by_email(found)["ines@example.com"]
    assert (ines["cards"], ines["n"], ines["bias"], ines["flag"]) == (1, 2, 0.0, None)
    assert ines["by_area"]["data"] == {"n": 0, "bias": None}
    # research and engineering: one candidate, both gave the same level: alpha is undefined.
    assert found["agreement"] == dict.fromkeys(AREAS)
    assert found["agreement_n"] == {"research": 2, "engineering": 2, "data": 0}


# --- who may read it ----------------------------------------------------------------------------


def test_who_may_read_calibration(api, api_as, org, client):
    first, second = org["first"].id, org["second"].id
    # An interviewer alone: 403, with or without an opening.
    ines = api_as(org["people"]["ines"])
    assert ines.get(f"{API}/calibration").status_code == 403
    assert ines.get(f"{API}/calibration?opening_id={first}").status_code == 403
    # A hiring manager reads their own openings only: another's is not found.
    hana = api_as(org["people"]["hana"])
    assert body(hana, f"{API}/calibration")["agreement_n"]["research"] == 6  # not Zoe's 2
    assert body(hana, f"{API}/calibration?opening_id={first}")["opening_id"] == first
    assert body(hana, f"{API}/calibration?opening_id={second}", 404)["error"]["code"] == "not_found"
    # Leadership and admins read every opening: both openings' cards.
    for role in ("leadership", "admin"):
        found = body(api(role), f"{API}/calibration")
        assert found["agreement_n"]["research"] == 8, role
        assert by_email(found)["ines@example.com"]["cards"] == 3, role
        assert body(api(role), f"{API}/calibration?opening_id={second}")["opening_id"] == second
    # An opening nobody has, and no token at all.
    assert body(api("admin"), f"{API}/calibration?opening_id=999999", 404)
    assert client.get(f"{API}/calibration").status_code == 401


def test_a_manager_who_only_sits_on_anothers_panel_may_not_read_it_there(
    api_as, db, org, make_user
):
    """Seated on Omar's panel, Mia sees his opening, but reads its cards only as a panelist:
    calibration is for those who read an opening's cards off its panel."""
    mia = make_user("hiring_manager", "interviewer", name="Mia Both")
    panel = [org["people"]["ines"].email, org["people"]["theo"].email, mia.email]
    owner = viewer_of(org["people"]["omar"], db)
    update_opening(org["second"].id, OpeningUpdate(panel=panel), viewer=owner, session=db)
    db.commit()
    client = api_as(mia)
    assert client.get(f"{API}/calibration?opening_id={org['second'].id}").status_code == 403
    assert body(client, f"{API}/calibration") == {
        "opening_id": None,
        "interviewers": [],
        "agreement": dict.fromkeys(AREAS),
        "agreement_n": dict.fromkeys(AREAS, 0),
    }


@pytest.mark.parametrize(
    "raw", ["abc", "0", "-3", "1.5", "²", "99999999999999", "2147483648", ""], ids=repr
)
def test_a_bad_opening_id_is_a_clear_error(api, org, raw):
    error = body(api("admin"), f"{API}/calibration?opening_id={raw}", 422)["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["opening_id"]


def test_the_openapi_document_covers_calibration(app):
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    operation = document["paths"]["/calibration"]["get"]
    assert operation["x-roles"] == ["admin", "hiring_manager", "leadership"]
    assert [p["name"] for p in operation["parameters"]] == ["opening_id"]
    assert {"200", "401", "403", "404", "422"} <= set(operation["responses"])
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/CalibrationPublic")
    interviewer = document["components"]["schemas"]["InterviewerCalibrationPublic"]
    assert {"email", "name", "n", "bias", "by_area", "flag"} <= set(interviewer["properties"])


# --- independence -----------------------------------------------------------------------------


def _as_sight_allows(db: Session, user: User) -> list[SubmittedCard]:
    """The current submitted cards of every opening the user reads off its panel, keeping a
    candidate's cards only where `sight` says the user reads them: the oracle."""
    viewer = viewer_of(user, db)
    kept: list[SubmittedCard] = []
    ids = {u.email: u.id or 0 for u in db.exec(select(User)).all()}
    for opening in db.exec(select(Opening)).all():
        if not (viewer.has_role("admin", "leadership") or opening.hiring_manager_id == user.id):
            continue
        seen = sight(opening, viewer, db)
        candidates = db.exec(select(Candidate.id).where(Candidate.opening_id == opening.id)).all()
        cards = scorecards.submitted_ratings([c or 0 for c in candidates], session=db)
        for candidate_id, cards_of in cards.items():
            if seen.reads(candidate_id):
                kept += [
                    SubmittedCard(ids[c.interviewer], candidate_id, dict(c.ratings))
                    for c in cards_of
                ]
    db.rollback()
    return kept


PANELISTS = [
    ("hiring_manager", "interviewer"),
    ("leadership", "interviewer"),
    ("admin", "interviewer"),
]


@pytest.mark.parametrize("roles", PANELISTS, ids="+".join)
def test_a_panelist_without_their_card_counts_none_of_that_candidates_cards(
    roles, db, org, make_user, api_as, client_for, write_card
):
    """Pat sits on the first opening's panel (and, as a manager, owns it). With no card of
    their own, neither Xena's nor Yuri's cards count for them; once they submit for Xena,
    Xena's do (their own card included) and Yuri's still do not: exactly what `sight` says."""
    pat = make_user(*roles, name="Pat Panel", email="pat@example.com")
    opening = db.get(Opening, org["first"].id)
    assert opening is not None
    if "hiring_manager" in roles:
        opening.hiring_manager_id = pat.id or 0
    db.add(opening)
    db.add(PanelSeat(opening_id=opening.id or 0, user_id=pat.id or 0))
    db.commit()
    client = api_as(pat)
    ids = {u.email: u.id or 0 for u in db.exec(select(User)).all()} | {pat.email: pat.id or 0}
    db.rollback()

    def expected() -> dict:
        found = calibrate(_as_sight_allows(db, pat), list(AREAS))
        return {
            "interviewers": sorted(
                (i.interviewer, i.cards, i.n, i.bias) for i in found.interviewers
            ),
            "agreement_n": {k: a.ratings for k, a in found.agreement.items()},
        }

    def actual(url: str) -> dict:
        found = body(client, url)
        return {
            "interviewers": sorted(
                (ids[i["email"]], i["cards"], i["n"], i["bias"]) for i in found["interviewers"]
            ),
            "agreement_n": found["agreement_n"],
        }

    first = f"{API}/calibration?opening_id={org['first'].id}"
    before = actual(first)
    assert before["interviewers"] == [] and before["agreement_n"] == dict.fromkeys(AREAS, 0)
    assert actual(f"{API}/calibration") == expected()
    page = client_for(pat).get("/calibration").get_data(as_text=True)
    db.rollback()  # reading `pat` after a rollback began a snapshot older than the login's write
    assert "Ines High" not in page or "leadership" in roles or "admin" in roles
    write_card(org["x"], pat, ratings(4, 4, 4))
    after = actual(first)
    assert {i[0] for i in after["interviewers"]} == {
        ids[f"{n}@example.com"] for n in ("ines", "theo", "uma", "pat")
    }
    assert all(i[1] == 1 for i in after["interviewers"])  # Xena's cards only, not Yuri's
    assert actual(f"{API}/calibration") == expected()


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_each_interviewer_by_name_with_bias_flag_and_chart(client_for, org):
    response = client_for(org["people"]["hana"]).get("/calibration")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # By name, the email on hover and beside it.
    assert '<span class="fw-semibold" title="ines@example.com">Ines High</span>' in page
    row = re.search(r'<tr id="interviewer-\d+">.*?Ines High.*?</tr>', page, re.S)
    assert row is not None
    ines = row.group(0)
    assert "rates high" in ines and "+1" in ines and "6 ratings" in ines
    assert 'role="img"' in ines and "Ines High's ratings against the median of the others'" in ines
    assert "Of 6 ratings compared, 6 above the others' median, 0 equal to it, 0 below it." in ines
    assert ines.count('<circle class="dot above"') == 1  # six ratings at one point: one dot
    assert "6 ratings: they gave 3 (strong) where the others' median was 2" in ines
    assert "rates low" in page and "−0.5" in page
    assert "Ratings are never adjusted" in page and "discuss" in page
    assert page.count('class="calibration-chart"') == 3
    # Agreement per area, in words; the filter lists only Hana's opening.
    assert re.search(r'<tr id="agreement-research">.*?class="reading">[^<]+</td>', page, re.S)
    assert "Data engineer</option>" in page and "Researcher</option>" not in page
    assert 'href="/calibration"' in page  # the menu entry, shown to a hiring manager


def test_the_filter_by_opening(client_for, org, make_user):
    client = client_for(make_user("leadership"))
    every = client.get("/calibration").get_data(as_text=True)
    assert "8 cards of 3 candidates" in every
    second = org["second"].id
    page = client.get(f"/calibration?opening_id={second}").get_data(as_text=True)
    assert "2 cards of 1 candidate" in page
    assert f'<option value="{second}" selected>Researcher</option>' in page
    assert "Uma Three" not in page and "Theo Two" in page
    # A hand-edited URL: not a number shows every opening; a number nobody has is not found.
    for raw in ("x", "-1", "1.5", "²"):
        found = client.get(f"/calibration?opening_id={raw}")
        assert "8 cards of 3 candidates" in found.get_data(as_text=True), raw
    assert client.get("/calibration?opening_id=999999").status_code == 404
    assert client.get("/calibration?opening_id=99999999999999").status_code == 404
    # The CSV keeps the filter.
    csv = client.get(f"/calibration.csv?opening_id={second}")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).removeprefix("\ufeff").splitlines()
    assert lines[0] == (
        "name,email,cards,n,bias,flag,research_n,research_bias,engineering_n,"
        "engineering_bias,data_n,data_bias"
    )
    assert lines[1] == "Ines High,ines@example.com,1,2,0,,1,0,1,0,0,"


def test_who_may_open_the_page(client_for, org):
    hana = client_for(org["people"]["hana"])
    assert hana.get(f"/calibration?opening_id={org['second'].id}").status_code == 404
    ines = client_for(org["people"]["ines"])
    assert ines.get("/calibration").status_code == 403
    assert ines.get("/calibration.csv").status_code == 403
    home = ines.get("/candidates/mine").get_data(as_text=True)
    assert 'href="/calibration"' not in home  # no menu entry for an interviewer


def test_the_demo_has_cards_to_calibrate(db, api_as):
    assert load_demo(session=db, password=PASSWORD) is not None
    manager = db.exec(select(User).where(User.email == "manager@example.com")).one()
    db.rollback()
    found = body(api_as(manager), f"{API}/calibration")
    assert [i["name"] for i in found["interviewers"]] == [
        "Igor Interviewer",
        "Irene Interviewer",
        "Ivan Interviewer",
    ]
    assert all(i["n"] >= 5 for i in found["interviewers"])
    assert any(alpha is not None for alpha in found["agreement"].values())


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def organisation(db: Session) -> Organisation:
    return Organisation(db)


@pytest.mark.parametrize("email", ["admin@example.com", "manager@example.com"])
def test_calibration_runs_a_fixed_number_of_statements(
    app, organisation: Organisation, email: str, client_for
):
    """Cards and ratings are read in a query each, whatever their number."""
    user = organisation.db.exec(select(User).where(User.email == email)).one()
    organisation.db.rollback()
    client = client_for(user)
    opening = organisation.opening_id
    urls = ["/calibration", f"/calibration?opening_id={opening}", "/calibration.csv"]
    check(*counts_before_and_after_growing(app, organisation, client, urls))
