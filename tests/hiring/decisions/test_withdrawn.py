"""The `withdrawn` status: the candidate stepped back. Any candidate may withdraw and come
back, recorded like every decision; a hire already on the team cannot (they leave the team
instead); nobody owes a card for a withdrawn candidate."""

from __future__ import annotations

from sqlmodel import select

from hiring.accounts.service import create_token
from hiring.openings import candidates as assessments
from hiring.openings import service
from hiring.openings.models import Candidate, StatusChange
from team.schemas import MemberCreate
from tests.conftest import post_form
from tests.hiring.conftest import viewer_of
from tests.hiring.decisions.conftest import World


def _status(db, world: World, name: str) -> str:
    """The candidate's status as the app last committed it."""
    db.rollback()
    db.expire_all()
    return db.exec(select(Candidate.status).where(Candidate.id == world.id(name))).one()


def _patch(client, world: World, name: str, body: dict):
    return client.patch(f"/api/v1/candidates/{world.id(name)}", json=body)


def test_a_candidate_withdraws_and_comes_back_recorded(app, db, world: World):
    token = create_token(world.manager.id, "test", session=db)
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    gone = _patch(client, world, "Avery", {"status": "withdrawn", "note": "Took another offer"})
    assert gone.status_code == 200 and gone.get_json()["status"] == "withdrawn"
    back = _patch(client, world, "Avery", {"status": "interviewing", "note": "Offer fell through"})
    assert back.status_code == 200 and back.get_json()["status"] == "interviewing"
    db.rollback()
    moves = db.exec(
        select(StatusChange.old_status, StatusChange.new_status, StatusChange.note)
        .where(StatusChange.candidate_id == world.id("Avery"))
        .order_by(StatusChange.id)
    ).all()
    assert moves[-2:] == [
        ("interviewing", "withdrawn", "Took another offer"),
        ("withdrawn", "interviewing", "Offer fell through"),
    ]


def test_the_status_form_offers_withdrawn(client_for, db, world: World):
    client = client_for(world.manager)
    url = f"/candidates/{world.id('Cleo')}"
    assert '<option value="withdrawn">Withdrawn</option>' in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/status", {"status": "withdrawn"}, page=url)
    assert response.status_code == 302
    assert _status(db, world, "Cleo") == "withdrawn"


def test_a_hire_on_the_team_cannot_withdraw(api, client_for, db, world: World):
    viewer = viewer_of(world.manager, db)
    service.set_status(world.id("Avery"), "hired", viewer=viewer, session=db)
    data = MemberCreate(name="Avery", email="avery.member@example.com", levels={"data": 3})
    assessments.add_hire_to_team(world.id("Avery"), data, viewer=viewer, session=db)
    db.commit()
    client = client_for(world.manager)
    url = f"/candidates/{world.id('Avery')}"
    response = post_form(client, f"{url}/status", {"status": "withdrawn"}, page=url)
    assert response.status_code == 400
    assert "a hire on the team cannot withdraw: mark them as left on the team" in (
        response.get_data(as_text=True)
    )
    assert _status(db, world, "Avery") == "hired"


def test_a_withdrawn_candidate_is_owed_no_card(client_for, make_candidate, db, world: World):
    fresh = make_candidate(world.opening, name="Fresh Face")
    gone = make_candidate(world.opening, name="Gone Already", status="withdrawn")
    page = client_for(world.interviewer).get("/candidates/mine").get_data(as_text=True)
    assert "Fresh Face" in page and "Gone Already" not in page
    assert fresh.id and gone.id
