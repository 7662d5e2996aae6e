"""Memory: the peak RSS of a gunicorn worker serving the 10,000-candidate ranking.

The server runs as in production (gunicorn, one sync worker, the app from wsgi.py) on the
organisation's SQLite file; the worker's peak resident set (VmHWM in /proc) is read after it
has answered the ranking, the ranking page and the coverage report.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hiring.openings.models import CANDIDATE_STATUSES
from tests.benchmarks.conftest import FULL, REPORT, Http

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


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_worker_serving_the_10000_candidate_ranking_stays_under_300_mb(organisation):
    org = organisation(FULL)
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": org.url,
        "SECRET_KEY": "benchmark secret key",
    }
    log = (org.directory / "gunicorn.log").open("w")
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
        client = Http(f"http://127.0.0.1:{port}", org.token)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get("/api/v1/areas")
                break
            except (ConnectionError, OSError):
                if time.monotonic() > deadline or server.poll() is not None:
                    log.flush()
                    text = (org.directory / "gunicorn.log").read_text()[-2000:]
                    raise AssertionError(f"gunicorn did not start: {text}") from None
                time.sleep(0.2)
        (worker,) = _children(server.pid)
        idle = _kib(worker, "VmRSS")
        ranked = client.json(f"/api/v1/openings/{org.opening_id}/ranking")["candidates"]
        assert len(ranked) == 10 * FULL
        after_api = _kib(worker, "VmHWM")
        pages = Http(f"http://127.0.0.1:{port}")
        pages.login()
        every = "&".join(f"status={s}" for s in CANDIDATE_STATUSES)  # rejected ones too
        pages.get(f"/openings/{org.opening_id}/ranking?rows=all&{every}")  # the longest page
        pages.get("/reports/coverage")
        plan = client.json("/api/v1/plan")  # every open item planned, in the same worker
        assert plan["items"]
        peak = _kib(worker, "VmHWM")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
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
