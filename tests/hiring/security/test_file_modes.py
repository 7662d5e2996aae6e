"""The instance folder's files are its owner's alone (issue 10).

The SQLite database and its `-wal` and `-shm` files hold the team's and the candidates' personal
data; SQLite creates them 0644 (readable by every local user) unless told otherwise. They are
0600 now, like `instance/secret_key`, and the folder is 0700.

The app here is the production one, reading the environment (neither DATABASE_URL nor SECRET_KEY
set), with a fresh instance folder: the database is the default `instance/hiring.db`, on SQLite
whatever database the rest of the suite runs on, since only SQLite keeps files.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hiring import create_app
from hiring.config import Config
from tests.conftest import post_form


def mode(path: Path) -> int:
    """A file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The usual umask (022), under which SQLite and a plain mkdir give 0644 and 0755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_database_its_wal_and_shm_files_and_the_secret_key_are_0600(
    tmp_path, monkeypatch, usual_umask
):
    instance = tmp_path / "instance"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)

    class Production(Config):
        """The production config with its instance folder here."""

        INSTANCE_PATH = instance

    app = create_app(Production())
    engine = app.extensions["engine"]
    try:
        assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'hiring.db'}"
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        runner = app.test_cli_runner()
        made = runner.invoke(
            args=["create-user", "a@example.com", "--name", "A", "--role", "admin"]
            + ["--password", "a long enough passphrase"]
        )
        assert made.exit_code == 0, made.output
        # The app writes through a request too, and holds a connection, so the WAL files exist.
        client = app.test_client()
        login = {"email": "a@example.com", "password": "a long enough passphrase"}
        assert post_form(client, "/login", login).status_code == 302
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            files = [instance / name for name in ("hiring.db", "hiring.db-wal", "hiring.db-shm")]
            assert all(path.exists() for path in files), sorted(os.listdir(instance))
            assert {path.name: mode(path) for path in files} == {
                "hiring.db": 0o600,
                "hiring.db-wal": 0o600,
                "hiring.db-shm": 0o600,
            }
        assert mode(instance / "secret_key") == 0o600
        assert mode(instance) == 0o700
    finally:
        engine.dispose()


def test_an_existing_database_keeps_its_mode(tmp_path, usual_umask):
    """An operator who made the file themselves chose its mode; the app does not change it."""
    database = tmp_path / "shared.db"
    database.touch(mode=0o640)
    os.chmod(database, 0o640)

    class Here(Config):
        INSTANCE_PATH = tmp_path

        def __init__(self) -> None:
            self.SECRET_KEY = "k"
            self.DATABASE_URL = f"sqlite:///{database}"

    app = create_app(Here())
    try:
        assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
        assert mode(database) == 0o640
    finally:
        app.extensions["engine"].dispose()
