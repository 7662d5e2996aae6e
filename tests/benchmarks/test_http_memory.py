"""Memory: the peak RSS of a gunicorn worker serving the 10,000-candidate ranking, and of one
importing the biggest files (100,000 rows).

The server runs as in production (gunicorn, one sync worker, the app from wsgi.py) on the
organisation's SQLite file (for the imports: a fresh one); the worker's peak resident set
(VmHWM in /proc) is read after it has answered the ranking, the ranking page and the coverage
report, or each import.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from hiring.openings.models import CANDIDATE_STATUSES
from tests.benchmarks.conftest import FULL, REPORT, Http
from tests.benchmarks.test_http_imports import (
    ASSIGNEES,
    Databases,
    members_csv,
    work_items_csv,
)

LIMIT_MB = 300
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def gunicorn(url: str, directory: Path, token: str) -> Iterator[tuple[Http, int, str]]:
    """Serve the database at `url` as in production (gunicorn, one sync worker, wsgi.py): an
    API client with `token`, the worker's pid and the server's address."""
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark secret key",
    }
    log = (directory / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--workers=1",
            f"--bind=127.0.0.1:{port}",
            "--timeout=600",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        client = Http(f"http://127.0.0.1:{port}", token)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/api/v1/areas")
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    log.flush()
                    text = (directory / "gunicorn.log").read_text()[-2000:]
                    raise AssertionError(f"gunicorn did not start: {text}") from None
                time.sleep(0.2)
        (worker,) = _children(server.pid)
        yield client, worker, f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_worker_serving_the_10000_candidate_ranking_stays_under_300_mb(organisation):
    org = organisation(FULL)
    with gunicorn(org.url, org.directory, org.token) as (client, worker, base):
        idle = _kib(worker, "VmRSS")
        ranked = client.json(f"/api/v1/openings/{org.opening_id}/ranking")["candidates"]
        assert len(ranked) == 10 * FULL
        after_api = _kib(worker, "VmHWM")
        pages = Http(base)
        pages.login()
        every = "&".join(f"status={s}" for s in CANDIDATE_STATUSES)  # rejected ones too
        pages.get(f"/openings/{org.opening_id}/ranking?rows=all&{every}")  # the longest page
        pages.get("/reports/coverage")
        plan = client.json("/api/v1/plan")  # every open item planned, in the same worker
        assert plan["items"]
        peak = _kib(worker, "VmHWM")
    REPORT.add("")
    REPORT.add(f"### e. memory of one gunicorn worker ({org.sizes})")
    REPORT.add(f"idle after start: {idle / 1024:.0f} MB RSS")
    REPORT.add(
        f"peak after GET /api/v1/openings/{org.opening_id}/ranking: {after_api / 1024:.0f} MB"
    )
    REPORT.add(
        f"peak after also the ranking page (HTML), the coverage page and the ticket plan "
        f"(API): {peak / 1024:.0f} MB"
        f" (limit {LIMIT_MB} MB)"
    )
    assert after_api / 1024 < LIMIT_MB
    assert peak / 1024 < LIMIT_MB


IMPORT_ROWS = 100_000


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
@pytest.mark.parametrize(
    "kind",
    ["work items", "members"],
)
def test_a_worker_importing_100000_row_files_stays_under_300_mb(tmp_path_factory, kind):
    """The issue's biggest files, each in one request to a worker of its own (so that each
    peak is that import's): 100,000 work items in our format (most assigned to one of the
    team), and 100,000 new members."""
    databases = Databases(tmp_path_factory.mktemp("memory-imports"), people=ASSIGNEES)
    REPORT.add("")
    REPORT.add(f"### e2. memory of a gunicorn worker importing a {IMPORT_ROWS:,}-row {kind} file")
    path, body = {
        "work items": ("/api/v1/import/work-items", work_items_csv(IMPORT_ROWS)),
        "members": ("/api/v1/import/members", members_csv(IMPORT_ROWS, first=ASSIGNEES)),
    }[kind]
    blank = databases.fresh()
    with gunicorn(blank.url, blank.directory, blank.token) as (client, worker, _base):
        idle = _kib(worker, "VmRSS")
        started = time.perf_counter()
        status, answer = client.request("POST", path, body, {"Content-Type": "text/csv"})
        took = time.perf_counter() - started
        assert status == 200, answer[:500]
        assert json.loads(answer)["created"] == IMPORT_ROWS
        peak = _kib(worker, "VmHWM") / 1024
    REPORT.add(
        f"{kind} ({len(body) / 1e6:.1f} MB, answered in {took:.1f} s): idle "
        f"{idle / 1024:.0f} MB, peak {peak:.0f} MB (limit {LIMIT_MB} MB)"
    )
    assert peak < LIMIT_MB
