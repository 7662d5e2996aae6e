"""The operator commands print what API.md and the README promise."""

from __future__ import annotations

import hashlib
import os
import stat
from collections import Counter

from sqlmodel import Session, col, func, select

from hiring import create_app
from hiring.accounts import service as accounts
from hiring.accounts.models import ApiToken, User
from hiring.config import Config
from hiring.demo import grow_organisation, load_scaled_demo
from hiring.openings.models import Candidate, Opening, Scorecard, ScorecardRating, StatusChange
from team.models import Member, MemberLevel, WorkItem, WorkItemSkill
from tests.conftest import PASSWORD, TestConfig, post_form


def test_create_user_then_create_token_prints_the_token_last(app, db):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "create-user",
            "Ops@Example.com",
            "--name",
            "Ops",
            "--role",
            "admin",
            "--role",
            "leadership",
            "--password",
            "a long operator passphrase",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "Created ops@example.com with roles: admin, leadership." in made.output
    result = runner.invoke(args=["create-token", "ops@example.com"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("hg_")
    db.rollback()
    stored = db.exec(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    client = app.test_client(use_cookies=False)
    response = client.get("/api/v1/areas", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_create_user_refuses_a_short_password_and_writes_nothing(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "admin",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    db.rollback()
    assert db.exec(select(User)).all() == []


def test_create_token_for_an_unknown_user_fails_cleanly(app):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody@example.com"])
    assert result.exit_code != 0
    assert "no user with email nobody@example.com" in result.output


# `demo --scale N`: the synthetic organisation the benchmarks run against.


def _scaled_app(url: str, tmp_path):
    return create_app(TestConfig(url, tmp_path))


def test_demo_scale_builds_n_members_20n_items_10n_candidates_with_three_cards_each(
    empty_database_url,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    app = _scaled_app(empty_database_url, tmp_path)
    try:
        result = app.test_cli_runner().invoke(
            args=["demo", "--scale", "3", "--password", "demo password 1"]
        )
        assert result.exit_code == 0, result.output
        assert "3 team members, 60 work items, an opening with 30 candidates" in result.output
        assert "admin@example.com" in result.output and "demo password 1" in result.output
        with Session(app.extensions["engine"]) as session:

            def rows(table, *where):
                query = select(func.count()).select_from(table)
                return session.exec(query.where(*where) if where else query).one()

            assert rows(User) == 6
            assert rows(Member) == 3 and rows(WorkItem) == 60 and rows(Candidate) == 30
            assert rows(Scorecard) == 90
            assert rows(Scorecard, col(Scorecard.submitted_at).is_not(None)) == 90
            # Every card rates the three areas, a few of them "not assessed" (a null level).
            assert rows(ScorecardRating) == 270
            assert rows(MemberLevel) >= 3 and rows(WorkItemSkill) >= 60
            assert rows(StatusChange) >= 30  # each candidate was added ("applied") first
            cards = session.exec(
                select(
                    Scorecard.candidate_id,
                    func.count(),
                    func.count(Scorecard.interviewer_id.distinct()),
                ).group_by(Scorecard.candidate_id)
            ).all()
            assert {(n, distinct) for _, n, distinct in cards} == {(3, 3)}
        again = app.test_cli_runner().invoke(args=["demo", "--scale", "3"])
        assert again.exit_code == 0 and "already has data" in again.output
    finally:
        app.extensions["engine"].dispose()


def test_demo_scale_data_answers_the_ranking_and_coverage_with_varied_verdicts(app, db, client):
    """The generator fills the test database as the command would; the pages then answer."""
    assert load_scaled_demo(session=db, password=PASSWORD, scale=3) is not None
    opening_id = db.exec(select(Opening.id)).one()
    db.commit()
    login = post_form(client, "/login", {"email": "manager@example.com", "password": PASSWORD})
    assert login.status_code == 302
    assert client.get(f"/openings/{opening_id}/ranking").status_code == 200
    assert client.get("/reports/coverage").status_code == 200
    token = accounts.create_token(
        db.exec(select(User.id).where(User.email == "leader@example.com")).one(), "t", session=db
    )
    api = app.test_client(use_cookies=False)
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    ranking = api.get(f"/api/v1/openings/{opening_id}/ranking")
    assert ranking.status_code == 200
    entries = ranking.get_json()["candidates"]
    assert len(entries) == 30
    verdicts = Counter(e["rubric"]["verdict"] for e in entries)
    assert verdicts["passes"] >= 5 and len(verdicts) >= 3, verdicts
    # Levels are medians of three ratings scattered around a profile: not all the same.
    assert len({tuple(sorted(e["levels"].items(), key=lambda kv: kv[0])) for e in entries}) >= 5
    coverage = api.get("/api/v1/coverage").get_json()
    assert coverage["forecast_weeks"] > 0 and coverage["weakest_area"] is not None
    members = api.get("/api/v1/members?limit=500").get_json()
    assert members["total"] == 3


def test_demo_scale_is_the_same_organisation_for_the_same_seed(app, db):
    load_scaled_demo(session=db, password=PASSWORD, scale=2, seed=11)
    first = db.exec(select(Candidate.name, Candidate.email).order_by(Candidate.id)).all()
    points = db.exec(select(WorkItem.points).order_by(WorkItem.id)).all()
    assert len(first) == 20 and len(set(points)) > 1
    # Growing it again continues the emails instead of colliding with them.
    opening_id = db.exec(select(Candidate.opening_id)).first()
    manager = db.exec(select(User.id).where(User.email == "manager@example.com")).one()
    panel = db.exec(select(User.id).where(col(User.email).like("interviewer%"))).all()
    counts = grow_organisation(
        session=db, scale=1, opening_id=opening_id, manager_id=manager, interviewer_ids=panel
    )
    assert (counts.members, counts.work_items, counts.candidates, counts.scorecards) == (
        1,
        20,
        10,
        30,
    )
    assert len(set(db.exec(select(Candidate.email)).all())) == 30


# `demo` the README's PostgreSQL way: DATABASE_URL and SECRET_KEY both set (issue 10).


def test_demo_with_database_url_and_secret_key_set_keeps_the_password(
    empty_database_url,  # noqa: F811  (the fixture imported above)
    tmp_path,
    monkeypatch,
):
    """With both variables set, nothing else makes `instance/`; the demo used to load its data
    and then crash writing the password there, so the password was lost. Now it makes the
    folder (0700) and the password file (0600), prints the password, and prints it again next
    time."""
    instance = tmp_path / "checkout" / "instance"
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("SECRET_KEY", "a key from the environment")
    previous_umask = os.umask(0o022)  # the usual one, under which a plain mkdir gives 0755

    class FromEnvironment(Config):
        """The production config, reading the environment, with its instance folder here."""

        INSTANCE_PATH = instance

    app = create_app(FromEnvironment())
    try:
        assert app.config["SECRET_KEY"] == "a key from the environment"
        assert not instance.exists()
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        assert "Demo data loaded: 12 team members" in result.output
        kept = instance / "demo-credentials.txt"
        password = kept.read_text().strip()
        assert f"password: {password}" in result.output
        assert stat.S_IMODE(instance.stat().st_mode) == 0o700
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        again = app.test_cli_runner().invoke(args=["demo"])
        assert again.exit_code == 0 and "already has data" in again.output
        assert f"password: {password}" in again.output
        login = {"email": "admin@example.com", "password": password}
        assert post_form(app.test_client(), "/login", login).status_code == 302
    finally:
        os.umask(previous_umask)
        app.extensions["engine"].dispose()
