"""PostgreSQL connections killed under the service (`pg_terminate_backend`): it recovers.

A failover, a restarted database or an administrator can end the server side of the app's
pooled connections at any moment. Each round first terminates every backend of the database
while the service is idle (its pooled connections die unseen) and sends requests; then it holds
a lock so that requests to both gunicorn instances are stuck inside PostgreSQL, terminates every
backend again (the stuck ones and the idle pooled ones), and sends more requests. The stuck
requests fail, each as a plain 500 with nothing written; every request after a kill must
succeed: the pool must not hand out a dead connection (hiring/db.py: `pool_pre_ping=True`).

Counts: RELIABILITY_PG_ROUNDS, RELIABILITY_PG_IN_FLIGHT, RELIABILITY_PG_REQUESTS_AFTER.
"""

from __future__ import annotations

import itertools
import threading
import time

import psycopg
import pytest
import requests

from tests.reliability.conftest import Deployment, report
from tests.reliability.support import (
    WORKER_CLASS,
    Tally,
    api_session,
    env_int,
    request,
    rows,
    scalar,
)

ROUNDS = env_int("RELIABILITY_PG_ROUNDS", 3)
IN_FLIGHT = env_int("RELIABILITY_PG_IN_FLIGHT", 6)
REQUESTS_AFTER = env_int("RELIABILITY_PG_REQUESTS_AFTER", 40)
# What the server log may say about a request whose connection was terminated under it.
TERMINATED = ("terminating connection due to administrator command", "AdminShutdown")

pytestmark = pytest.mark.parametrize("deployment", ["postgresql"], indirect=True)


def _dsn(deployment: Deployment) -> str:
    return deployment.url.replace("postgresql+psycopg://", "postgresql://")


def _waiting_on_lock(deployment: Deployment) -> int:
    return scalar(
        deployment.engine,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND wait_event_type = 'Lock'",
    )


def _terminate(deployment: Deployment, spare: int = 0) -> int:
    """End every backend of the database but ours (and `spare`); how many were ended.

    pg_terminate_backend only signals: wait until the backends are gone, so that the next
    requests meet dead connections rather than dying ones.
    """
    others = (
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND pid <> :spare AND backend_type = 'client backend'"
    )
    ended = scalar(
        deployment.engine,
        f"SELECT count(*) FROM (SELECT pg_terminate_backend(pid) {others}) AS killed",
        spare=spare,
    )
    deadline = time.monotonic() + 30
    while scalar(deployment.engine, f"SELECT count(*) {others}", spare=spare):
        assert time.monotonic() < deadline, "terminated backends did not go away"
        time.sleep(0.05)
    return ended


def test_connections_killed_mid_request(deployment: Deployment) -> None:
    """Requests stuck in PostgreSQL when their backend is terminated fail cleanly (a 500 with
    nothing written); the service then recovers at once: every later request succeeds."""
    servers = [
        deployment.server(f"gunicorn-{n}", workers=2, worker_class=WORKER_CLASS) for n in (0, 1)
    ]
    for server in servers:
        server.start()
    account = deployment.seed_users(1, ["admin", "hiring_manager"], "operator")[0]
    areas = deployment.area_keys()
    serial = itertools.count()
    tally = Tally()

    def call(kind: str, base: str, session: requests.Session) -> requests.Response | None:
        if kind == "write":
            email = f"pg-{next(serial)}@example.com"
            body = {"name": email, "email": email, "levels": dict.fromkeys(areas, 2)}
            return request(tally, "write", session, "POST", base + "/api/v1/members", json=body)
        path = "/api/v1/members" if kind == "read" else "/api/v1/coverage"
        return request(tally, kind, session, "GET", base + path)

    def burst(label: str, count: int) -> list[int]:
        """`count` requests spread over both servers and four threads; their statuses."""
        statuses: list[int] = []
        kinds = itertools.cycle(["read", "write", "report"])
        jobs = [(next(kinds), servers[n % 2].url) for n in range(count)]
        lock = threading.Lock()

        def worker(mine: list[tuple[str, str]]) -> None:
            session = api_session(account.token)
            for kind, base in mine:
                answer = call(kind, base, session)
                with lock:
                    statuses.append(answer.status_code if answer is not None else 0)

        threads = [threading.Thread(target=worker, args=(jobs[n::4],)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        return statuses

    warm = burst("warm-up", 24)  # every worker has pooled connections to lose
    assert set(warm) == {200, 201}, warm

    in_flight: list[tuple[str, int, str]] = []
    after: list[int] = []
    terminated = 0
    began = time.monotonic()
    for _round in range(ROUNDS):
        # Idle: no request is running, every worker's pooled connections are ended.
        terminated += _terminate(deployment)
        answers = burst("after idle kill", REQUESTS_AFTER)
        failed = [s for s in answers if s not in (200, 201)]
        assert failed == [], f"after idle pooled connections were ended: {failed}"
        after += answers
        # In flight: requests wait for a lock inside PostgreSQL when their backends are ended.
        holder = psycopg.connect(_dsn(deployment))
        holder.execute("LOCK TABLE member IN ACCESS EXCLUSIVE MODE")
        holder_pid = holder.info.backend_pid
        stuck: list[tuple[str, int, str]] = []

        def stuck_request(n: int, stuck: list[tuple[str, int, str]] = stuck) -> None:
            kind = "write" if n % 2 else "read"
            answer = call(kind, servers[n % 2].url, api_session(account.token))
            code = answer.status_code if answer is not None else 0
            stuck.append((kind, code, answer.text[:300] if answer is not None else ""))

        threads = [threading.Thread(target=stuck_request, args=(n,)) for n in range(IN_FLIGHT)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while _waiting_on_lock(deployment) < IN_FLIGHT and time.monotonic() < deadline:
            time.sleep(0.1)
        early = list(stuck)
        assert early == [], f"answered before their backends were ended: {early}"
        assert _waiting_on_lock(deployment) == IN_FLIGHT, "the requests never reached the lock"
        terminated += _terminate(deployment, spare=holder_pid)
        holder.rollback()
        holder.close()
        for thread in threads:
            thread.join(timeout=120)
        in_flight += stuck
        answers = burst("after in-flight kill", REQUESTS_AFTER)
        failed = [s for s in answers if s not in (200, 201)]
        assert failed == [], f"after connections were ended mid-request: {failed}"
        after += answers
    seconds = time.monotonic() - began

    members = {email for (email,) in rows(deployment.engine, "SELECT email FROM member")}
    written = scalar(deployment.engine, "SELECT count(*) FROM member")
    logs = "\n".join(server.log_text() for server in servers)
    errors = [line for line in logs.splitlines() if line.startswith(("psycopg.", "sqlalchemy."))]
    report(
        "PostgreSQL connections terminated",
        {
            "servers": f"2 gunicorn x 2 {WORKER_CLASS} workers",
            "rounds": ROUNDS,
            "backends terminated": terminated,
            "in-flight requests": len(in_flight),
            "in-flight answers": sorted({code for _, code, _ in in_flight}),
            "requests after the kills": len(after),
            "failures after the kills": sum(1 for s in after if s not in (200, 201)),
            "members written (2xx)": tally.count(["write"], ok=True),
            "seconds": round(seconds, 1),
        },
    )
    assert [s for s in after if s not in (200, 201)] == []
    for kind, code, body in in_flight:
        # Stuck requests fail as a plain error answer (no traceback), or succeed if retried.
        assert code in (200, 201, 500), (kind, code, body)
        assert "Traceback" not in body
    assert written == tally.count(["write"], ok=True), "a write that failed was stored anyway"
    assert len(members) == written
    assert all(any(t in line for t in TERMINATED) for line in errors), errors[:10]
