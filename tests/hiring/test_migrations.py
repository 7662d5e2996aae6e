"""The Alembic migrations build the whole schema on an empty database, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import Result
from sqlalchemy import Engine, inspect, text
from sqlmodel import Session, SQLModel, select

from hiring import create_app
from hiring.accounts.models import User
from hiring.db import make_engine
from hiring.openings.models import Candidate
from team.models import Area, Member, Settings
from tests.conftest import TestConfig


def migrate_to(engine: Engine, url: str, revision: str, *, down: bool = False) -> None:
    """Upgrade (or, `down`, downgrade) the database at `url` to `revision`, as `init-db` would,
    in one transaction on `engine`: the revision tests here and in test_mail go down and up."""
    from alembic import command

    from hiring.cli import alembic_config

    with engine.begin() as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _init_db(url: str, tmp_path: Path) -> Result:
    app = create_app(TestConfig(url, tmp_path))
    try:
        return app.test_cli_runner().invoke(args=["init-db"])
    finally:
        app.extensions["engine"].dispose()


def test_init_db_upgrades_an_empty_database_to_the_models(empty_database_url, tmp_path):
    result = _init_db(empty_database_url, tmp_path)
    assert result.exit_code == 0, result.output
    engine = make_engine(empty_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {t.name for t in SQLModel.metadata.sorted_tables} <= tables
        assert "alembic_version" in tables
        with engine.connect() as connection:
            # Nothing in the models that the migrations do not create, and nothing extra.
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert diff == []
        with Session(engine) as session:
            keys = [a.key for a in session.exec(select(Area).order_by(Area.position)).all()]
            settings = session.get(Settings, 1)
        assert keys == ["research", "engineering", "data"]
        assert settings is not None and settings.velocities == (0.10, 0.35, 0.65, 1.00, 1.30)
    finally:
        engine.dispose()


def test_init_db_twice_is_safe_and_keeps_admin_changes(empty_database_url, tmp_path):
    assert _init_db(empty_database_url, tmp_path).exit_code == 0
    engine = make_engine(empty_database_url)
    try:
        with Session(engine) as session:
            area = session.exec(select(Area).where(Area.key == "data")).one()
            area.name = "Data platform"
            session.add(area)
            session.commit()
        assert _init_db(empty_database_url, tmp_path).exit_code == 0
        with Session(engine) as session:
            names = [a.name for a in session.exec(select(Area).order_by(Area.position)).all()]
        assert names == ["ML research", "Software and ML engineering", "Data platform"]
    finally:
        engine.dispose()


def test_demo_migrates_an_empty_database_fills_it_once_and_tells_how_to_log_in(
    empty_database_url, tmp_path
):
    app = create_app(TestConfig(empty_database_url, tmp_path))
    try:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["demo", "--password", "demo password 1"])
        assert first.exit_code == 0, first.output
        assert "manager@example.com" in first.output and "demo password 1" in first.output
        second = runner.invoke(args=["demo"])
        assert second.exit_code == 0, second.output
        assert "already has data" in second.output
        assert "password: demo password 1" in second.output  # kept in instance/
        with Session(app.extensions["engine"]) as session:
            assert len(session.exec(select(User)).all()) == 6
            assert len(session.exec(select(Member)).all()) == 12
            assert len(session.exec(select(Candidate)).all()) == 8
    finally:
        app.extensions["engine"].dispose()


INTERVIEW_TABLES = {"panel_focus", "interview", "area_level_meaning", "area_question"}


def test_the_interview_structure_revision_goes_down_and_up_again(empty_database_url, tmp_path):
    """0012 (focus areas, interview dates, level meanings and questions) undoes cleanly, with
    rows in its tables, and comes back matching the models, on SQLite and PostgreSQL."""
    assert _init_db(empty_database_url, tmp_path).exit_code == 0
    engine = make_engine(empty_database_url)

    def migrate(revision: str, *, down: bool = False) -> None:
        migrate_to(engine, empty_database_url, revision, down=down)

    try:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO area_question VALUES (1, 1, 'Why?')"))
            connection.execute(text("INSERT INTO area_level_meaning VALUES (1, 3, 'Strong')"))
        migrate("0011", down=True)
        tables = set(inspect(engine).get_table_names())
        assert not INTERVIEW_TABLES & tables and "plan_publication" in tables
        migrate("head")
        assert INTERVIEW_TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_the_rating_history_revision_drops_its_keys_and_brings_them_back(
    empty_database_url, tmp_path
):
    """0015 takes the foreign keys off rating_change, keeping its rows, and its downgrade
    puts them back, on SQLite (which names unnamed keys to drop them) and PostgreSQL."""
    assert _init_db(empty_database_url, tmp_path).exit_code == 0
    engine = make_engine(empty_database_url)

    def migrate(revision: str, *, down: bool = False) -> None:
        migrate_to(engine, empty_database_url, revision, down=down)

    def keys() -> list[tuple[str, str]]:
        found = inspect(engine).get_foreign_keys("rating_change")
        return sorted((key["constrained_columns"][0], key["referred_table"]) for key in found)

    try:
        assert keys() == []
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO member (name, email, title, fte, created_at, updated_at, "
                    "version) VALUES ('Ada', 'ada@example.com', '', 1, "
                    "'2026-03-02 09:00:00', '2026-03-02 09:00:00', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO rating_change (member_id, area_id, old_level, new_level, "
                    "changed_by, changed_at) SELECT m.id, a.id, 0, 3, 'maria@example.com', "
                    "'2026-03-02 09:00:00' FROM member m, area a WHERE a.key = 'research'"
                )
            )
        migrate("0014", down=True)
        expected = [("area_id", "area"), ("member_id", "member"), ("skill_id", "skill")]
        assert keys() == expected
        migrate("head")
        assert keys() == []
        with engine.connect() as connection:
            assert connection.execute(text("SELECT new_level FROM rating_change")).all() == [(3,)]
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert diff == []
    finally:
        engine.dispose()
