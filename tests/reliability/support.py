"""Real gunicorn servers, HTTP clients and database checks for the reliability tests.

Everything here runs the service the way README's "Operating" section does: `init-db` through the
CLI, configuration from the environment, gunicorn on a loopback port, clients over real HTTP.
Nothing of the application is replaced; the only shortcut is seeding many users in-process with
the test suite's cheap argon2 cost (tests/conftest.py), since hashing 50 passwords at production
cost would take most of the time budget and say nothing about concurrency.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import text
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# What a server log must never say: SQLite lock timeouts and unhandled exceptions.
BAD_LOG_LINES = re.compile(r"database is locked|Traceback|Exception on ", re.IGNORECASE)
# A connect timeout and a generous read timeout: a request queued behind SQLite's writer or a
# busy worker is slow, not lost; only a dead server makes a client give up.
TIMEOUT = (5, 90)
# gthread: threads of one worker process contend too (RELIABILITY_WORKER_CLASS=sync for the
# README's plain command).
WORKER_CLASS = os.environ.get("RELIABILITY_WORKER_CLASS", "gthread")


def env_int(name: str, default: int) -> int:
    """A count from the environment (CI bounds the run with these), else a small default."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def free_port() -> int:
    """A port nobody listens on now (the kernel's pick for port 0)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def flask_cli(env: Mapping[str, str], *args: str) -> str:
    """Run `flask --app wsgi ARGS` as an operator would; its output, or the test fails loudly."""
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise AssertionError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def children(pid: int) -> list[int]:
    """The live child processes of `pid`, read from /proc (gunicorn's workers of a master)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may contain spaces) start after the last ')'.
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2 :].split()[0] != "Z"


def _has_option(flag: str) -> bool:
    """Whether the installed gunicorn knows a command-line flag."""
    from gunicorn.config import KNOWN_SETTINGS

    return any(flag in (setting.cli or []) for setting in KNOWN_SETTINGS)


class Gunicorn:
    """One gunicorn master with its workers on a loopback port, its output kept in a log file.

    `kill_worker` and `kill_all` send SIGKILL (no cleanup, no graceful shutdown): the first is a
    worker dying mid-request (the master starts a new one), the second the whole server dying
    (an operator or supervisor then `start`s it again on the same port).
    """

    def __init__(
        self,
        env: Mapping[str, str],
        log: Path,
        *,
        workers: int = 4,
        worker_class: str = "gthread",
        threads: int = 4,
        port: int | None = None,
    ) -> None:
        self.env = dict(env)
        self.log = log
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> None:
        """Start the server and wait until it answers the login page."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(self.workers),
            "--worker-class",
            self.worker_class,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "10",
            "--access-logfile",
            str(self.log.with_suffix(".access.log")),
        ]
        if self.worker_class == "gthread":
            command += ["--threads", str(self.threads)]
        if _has_option("--no-control-socket"):
            # gunicorn 24+ opens a control socket at one fixed path in $HOME; servers running
            # side by side (two instances, or other test runs) would fight over it.
            command.append("--no-control-socket")
        with open(self.log, "ab") as log:
            now = time.strftime("%H:%M:%S")
            log.write(f"\n=== {now} start {self.starts + 1}: {' '.join(command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [*command, "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start:\n{self.log_text()[-3000:]}")
            try:
                if requests.get(self.url + "/login", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer in {timeout} s:\n{self.log_text()[-3000:]}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def worker_pids(self) -> list[int]:
        return children(self.pid)

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one worker; the master notices and forks a replacement."""
        os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """SIGKILL the master and every worker at once, and reap them."""
        assert self.process is not None
        workers = self.worker_pids()
        for pid in [self.pid, *workers]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_all()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def bad_log_lines(text_: str) -> list[str]:
    """Lines of a server log that report a lock timeout or an unhandled exception."""
    return [line for line in text_.splitlines() if BAD_LOG_LINES.search(line)]


@dataclass
class Tally:
    """What the clients saw, shared by their threads: statuses per kind of request, failures."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_texts: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, response: requests.Response, started: float) -> None:
        with self.lock:
            self.statuses[(kind, response.status_code)] += 1
            self.seconds.append(time.monotonic() - started)
            body = response.text[:2000]
            if response.status_code >= 500:
                self.server_errors.append(
                    f"{response.request.method} {response.url} -> {response.status_code}: "
                    f"{body[:300]}"
                )
            if "database is locked" in body:
                self.locked.append(f"{response.request.method} {response.url}")

    def failed(self, kind: str, error: Exception) -> None:
        why = "refused" if "refused" in str(error) else type(error).__name__
        with self.lock:
            self.errors[f"{kind}: {why}"] += 1
            if len(self.error_texts) < 20:
                self.error_texts.append(f"{time.strftime('%H:%M:%S')} {kind}: {error!r}")

    def oddity(self, message: str) -> None:
        with self.lock:
            self.unexpected.append(message)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def count(self, kinds: Iterable[str] | None = None, ok: bool | None = None) -> int:
        wanted = set(kinds) if kinds is not None else None
        return sum(
            n
            for (kind, status), n in self.statuses.items()
            if (wanted is None or kind in wanted) and (ok is None or (200 <= status < 400) == ok)
        )

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0

    def by_kind(self) -> dict[str, dict[int, int]]:
        table: dict[str, dict[int, int]] = {}
        for (kind, status), n in sorted(self.statuses.items()):
            table.setdefault(kind, {})[status] = n
        return table


def attempt(
    tally: Tally, kind: str, session: requests.Session, method: str, url: str, **kwargs: Any
) -> requests.Response | requests.RequestException:
    """One request, recorded; a connection failure is counted and returned, not raised."""
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=TIMEOUT, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        tally.failed(kind, error)
        return error
    tally.record(kind, response, started)
    return response


def request(
    tally: Tally, kind: str, session: requests.Session, method: str, url: str, **kwargs: Any
) -> requests.Response | None:
    """One request, recorded; a connection failure is counted and answered with None."""
    answer = attempt(tally, kind, session, method, url, **kwargs)
    return answer if isinstance(answer, requests.Response) else None


def new_session() -> requests.Session:
    """A client that opens a new connection for every request.

    gunicorn closes an idle keep-alive connection after 2 s; a client that reuses it at that
    very moment gets a reset that says nothing about the service (one in a thousand requests
    here). Browsers retry those silently; these clients would count them as failures.
    """
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


def api_session(token: str) -> requests.Session:
    """A client that authenticates with a bearer token (the API takes no cookies)."""
    session = new_session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def browser_login(base: str, email: str, password: str) -> tuple[requests.Session, str]:
    """Log in through the real login form; the cookie-carrying client and a CSRF token.

    Flask-WTF's token belongs to the session (no time limit here), so the one read from a page
    after login is valid for every form that session posts.
    """
    session = new_session()
    page = session.get(base + "/login", timeout=TIMEOUT)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on /login ({page.status_code})"
    answer = session.post(
        base + "/login",
        data={"csrf_token": match.group(1), "email": email, "password": password},
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"login of {email}: {answer.status_code} {answer.text[:300]}"
    page = session.get(base + "/profile", timeout=TIMEOUT)
    match = CSRF.search(page.text)
    assert match, f"no CSRF token on /profile ({page.status_code})"
    return session, match.group(1)


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar()


def rows(engine: Engine, sql: str, **params: Any) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql), params).all())


def half_written(engine: Engine, areas: int) -> dict[str, list[Any]]:
    """Records of multi-row writes that lack rows their write adds in the same transaction.

    Every member, candidate and submitted scorecard the reliability clients create has a level
    or rating in every area, so: a member without `areas` level rows (or its rating history), a
    candidate without its first "applied" status row or its audit entry, a submitted card
    without `areas` ratings or its audit entry, a work item without the skills it was sent
    with (titles end in "#skills=N") -- each would be a write that is half there.
    """
    problems = {
        "member without all its levels": rows(
            engine,
            "SELECT m.id, count(l.area_id) FROM member m LEFT JOIN member_level l"
            " ON l.member_id = m.id GROUP BY m.id HAVING count(l.area_id) <> :n",
            n=areas,
        ),
        "member without its rating history": rows(
            engine,
            "SELECT m.id FROM member m WHERE (SELECT count(*) FROM rating_change r"
            " WHERE r.member_id = m.id AND r.area_id IS NOT NULL) < :n",
            n=areas,
        ),
        "candidate without its applied status row": rows(
            engine,
            "SELECT c.id FROM candidate c WHERE NOT EXISTS (SELECT 1 FROM status_change s"
            " WHERE s.candidate_id = c.id AND s.new_status = 'applied'"
            " AND s.old_status IS NULL)",
        ),
        "candidate without its audit entry": rows(
            engine,
            "SELECT c.id FROM candidate c WHERE NOT EXISTS (SELECT 1 FROM audit_entry a"
            " WHERE a.subject_type = 'candidate' AND a.subject_id = c.id"
            " AND a.action = 'candidate.add')",
        ),
        "submitted card without all its ratings": rows(
            engine,
            "SELECT s.id, count(r.area_id) FROM scorecard s LEFT JOIN scorecard_rating r"
            " ON r.scorecard_id = s.id WHERE s.submitted_at IS NOT NULL GROUP BY s.id"
            " HAVING count(r.area_id) <> :n",
            n=areas,
        ),
        "submitted card without its audit entry": rows(
            engine,
            "SELECT s.id FROM scorecard s WHERE s.submitted_at IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM audit_entry a WHERE a.subject_type = 'scorecard'"
            " AND a.subject_id = s.id AND a.action = 'scorecard.submit')",
        ),
    }
    items = rows(
        engine,
        "SELECT w.id, w.title, (SELECT count(*) FROM work_item_skill k WHERE k.work_item_id = w.id)"
        " FROM work_item w WHERE w.title LIKE '%#skills=%'",
    )
    problems["work item without its skills"] = [
        (item_id, title, n) for item_id, title, n in items if int(title.split("=")[-1]) != n
    ]
    return {what: found for what, found in problems.items() if found}


def broken_status_chains(engine: Engine) -> list[str]:
    """Candidates whose status history does not add up.

    Read in order, each change's `old_status` must be the previous change's `new_status`, and
    the last `new_status` must be the candidate's status: otherwise two decisions raced and the
    history tells a story that never happened (or the candidate's status lost one).
    """
    history: dict[int, list[tuple[str | None, str]]] = {}
    for candidate_id, old, new in rows(
        engine,
        "SELECT candidate_id, old_status, new_status FROM status_change ORDER BY candidate_id, id",
    ):
        history.setdefault(candidate_id, []).append((old, new))
    problems = []
    for candidate_id, status in rows(engine, "SELECT id, status FROM candidate"):
        steps = history.get(candidate_id, [])
        previous: str | None = None
        for old, new in steps:
            if old != previous:
                problems.append(f"candidate {candidate_id}: {steps} (then status {status})")
                break
            previous = new
        else:
            if previous != status:
                problems.append(f"candidate {candidate_id}: {steps} but status {status}")
    return problems


def api_ok(session: requests.Session, method: str, url: str, status: int, **kwargs: Any) -> Any:
    """An arranging request that must succeed (setup, not under test)."""
    response = session.request(method, url, timeout=60, **kwargs)
    assert response.status_code == status, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


def open_role(base: str, manager: Any, panel: list[Any], candidates: int) -> list[int]:
    """An opening with this panel and candidates, made through the API; the candidate ids."""
    api = api_session(manager.token)
    opening = api_ok(
        api,
        "POST",
        f"{base}/api/v1/openings",
        201,
        json={"title": "ML engineer", "target_area": "research", "panel": [a.email for a in panel]},
    )
    ids = []
    for n in range(candidates):
        found = api_ok(
            api,
            "POST",
            f"{base}/api/v1/openings/{opening['id']}/candidates",
            201,
            json={"name": f"Candidate {n}", "email": f"candidate{n}@example.org"},
        )
        ids.append(found["id"])
    return [opening["id"], *ids]
