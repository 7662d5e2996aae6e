"""Benchmarks over real HTTP against a synthetic organisation (`demo --scale N`).

Each size's database is built once per run with the real command (`flask demo --scale N`, which
migrates an empty SQLite file and bulk-inserts the organisation), then served by a real server
on a loopback port: werkzeug's server in a thread for the timings, gunicorn in a subprocess for
the memory figure. Every benchmark measures a RATIO of two requests in the same run, alternated
and taken as the median of several runs, so that the noise of a shared two-core machine cancels.

The figures are printed at the end of the run and written to test-artifacts/benchmarks.md.

Run: `.venv/bin/pytest tests/benchmarks -p no:cacheprovider -o addopts=""` (pyproject's addopts
ignore this directory so that the unit suite never waits for it).
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from werkzeug.serving import make_server

from hiring import create_app, freeze_startup_objects
from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.openings.models import Candidate, Opening
from tests.conftest import TestConfig

PASSWORD = "benchmark passphrase"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# The sizes: 1,000 members, 20,000 work items, 10,000 candidates; and 1/16, 1/4 of it.
FULL = 1000
GROWTH_SIZES = (62, 250, 1000)
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# A side that is still slower than this after one run is not repeated (its median is its runs).
SLOW_SECONDS = float(os.environ.get("BENCH_SLOW_SECONDS", "60"))


@dataclass
class Organisation:
    """One built size: its database, the ids the benchmarks ask for and a live server."""

    scale: int
    url: str
    directory: Path
    opening_id: int
    candidate_id: int
    token: str
    server: Any = None
    thread: threading.Thread | None = None
    base: str = ""

    @property
    def sizes(self) -> str:
        return (
            f"{self.scale:,} members, {20 * self.scale:,} work items, "
            f"{10 * self.scale:,} candidates"
        )


def build(scale: int, directory: Path) -> Organisation:
    """A SQLite database filled by the real `demo --scale` command, and an admin's API token."""
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{directory / 'bench.db'}"
    app = create_app(TestConfig(url, directory))
    try:
        started = time.perf_counter()
        result = app.test_cli_runner().invoke(
            args=["demo", "--scale", str(scale), "--password", PASSWORD]
        )
        assert result.exit_code == 0, result.output
        took = time.perf_counter() - started
        with Session(app.extensions["engine"]) as session:
            admin = session.exec(select(User).where(User.email == "admin@example.com")).one()
            token = accounts.create_token(admin.id or 0, "benchmarks", session=session)
            opening_id = session.exec(select(Opening.id)).one()
            candidate_id = session.exec(select(Candidate.id).order_by(Candidate.id)).first()
    finally:
        app.extensions["engine"].dispose()
    REPORT.add(f"built scale {scale} ({scale:,} members) with `demo --scale` in {took:.1f} s")
    return Organisation(scale, url, directory, opening_id or 0, candidate_id or 0, token)


def serve(org: Organisation) -> None:
    """Serve the organisation's database on a free loopback port, one request at a time."""
    app = create_app(TestConfig(org.url, org.directory))
    freeze_startup_objects()  # as wsgi.py does before a server takes the app
    server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    org.server, org.thread = server, thread
    org.base = f"http://127.0.0.1:{server.server_port}"


class Http:
    """A tiny HTTP client (stdlib only): bearer token for the API, cookies for the pages."""

    def __init__(self, base: str, token: str = "") -> None:
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.token = token
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=600)
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                self.cookies.update({k: m.value for k, m in cookie.items()})
            return response.status, data
        finally:
            connection.close()

    def get(self, path: str) -> bytes:
        status, data = self.request("GET", path)
        assert status == 200, f"GET {path}: {status} {data[:300]!r}"
        return data

    def json(self, path: str) -> Any:
        return json.loads(self.get(path))

    def login(self, email: str = "admin@example.com") -> None:
        """Log in through the real form, with its CSRF token, as a browser does."""
        page = self.get("/login").decode()
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match, "no CSRF token on /login"
        form = urllib.parse.urlencode(
            {"csrf_token": match.group(1), "email": email, "password": PASSWORD}
        ).encode()
        status, data = self.request(
            "POST",
            "/login",
            body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 302, f"login failed: {status} {data[:300]!r}"


def api_pages(client: Http, path: str, limit: int = 500) -> int:
    """GET every page of an API listing; returns how many items came back."""
    offset, seen = 0, 0
    while True:
        page = client.json(f"{path}{'&' if '?' in path else '?'}limit={limit}&offset={offset}")
        seen += len(page["items"])
        offset += limit
        if offset >= page["total"]:
            return seen


@dataclass
class Timing:
    """Seconds of each run of one side of a comparison."""

    name: str
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def compare(
    first: tuple[str, Callable[[], object]],
    second: tuple[str, Callable[[], object]],
    runs: int = RUNS,
) -> tuple[Timing, Timing]:
    """Time two sides alternately (one warm-up each), `runs` times, so that both see the same
    machine; a side slower than SLOW_SECONDS is not repeated."""
    sides = [Timing(first[0]), Timing(second[0])]
    actions = [first[1], second[1]]
    for action in actions:
        action()  # warm-up: imports, templates, SQLite's page cache
    for _ in range(runs):
        for timing, action in zip(sides, actions, strict=True):
            if timing.runs and timing.runs[-1] > SLOW_SECONDS:
                continue
            started = time.perf_counter()
            action()
            timing.runs.append(time.perf_counter() - started)
    return sides[0], sides[1]


class Report:
    """Lines of figures, printed after the run and kept in test-artifacts/benchmarks.md."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def ratio(
        self, title: str, sizes: str, first: Timing, second: Timing, target: float | None
    ) -> float:
        ratio = first.median / second.median
        verdict = "" if target is None else (" ok" if ratio <= target else " MISSED")
        self.lines += [
            "",
            f"### {title}",
            f"{sizes}; median of {len(first.runs)}/{len(second.runs)} runs",
            f"| {'side':58} | {'median s':>9} | runs (s) |",
            f"|{'-' * 60}|{'-' * 11}|----------|",
            *(
                f"| {t.name:58} | {t.median:9.3f} | {', '.join(f'{r:.3f}' for r in t.runs)} |"
                for t in (first, second)
            ),
            f"ratio {ratio:.2f}" + ("" if target is None else f" (target <= {target:g}){verdict}"),
        ]
        return ratio


REPORT = Report()
# The machine is shared: its load when the run started says how noisy the absolute times are.
MACHINE = (
    f"machine: {platform.python_implementation()} {platform.python_version()}, "
    f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} "
    "when the run started; SQLite"
)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT.lines:
        return
    REPORT.lines.insert(0, MACHINE)
    terminalreporter.section("benchmark figures")
    for line in REPORT.lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "benchmarks.md").write_text("\n".join(REPORT.lines) + "\n")


@pytest.fixture(scope="session")
def organisation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[int], Any]]:
    """organisation(scale) -> that size built (once per run) and served over HTTP."""
    built: dict[int, Organisation] = {}

    def get(scale: int) -> Organisation:
        if scale not in built:
            org = build(scale, tmp_path_factory.mktemp(f"scale{scale}"))
            serve(org)
            built[scale] = org
        return built[scale]

    yield get
    for org in built.values():
        if org.server is not None:
            org.server.shutdown()
            if org.thread is not None:
                org.thread.join(timeout=10)
