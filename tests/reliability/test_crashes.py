"""Processes dying mid-write: every acknowledged write survives, none is stored by halves.

Writer threads keep creating records whose write spans several rows in one transaction (a
member with a level and a history row per area, a work item with its skills, a candidate with
their first status and audit entry, a submitted scorecard with its ratings and audit entry).
Meanwhile the test SIGKILLs a gunicorn worker again and again (the master forks a new one) and
now and then the whole server, master and workers at once, and starts it again on the same port.
A write that got a 2xx must be in the database afterwards, whole; a write that got no answer
may or may not be there, but never half. On SQLite the file must pass `PRAGMA integrity_check`.

Counts come from RELIABILITY_CRASH_WRITERS, RELIABILITY_WORKER_KILLS, RELIABILITY_SERVER_KILLS
and RELIABILITY_KILL_INTERVAL (mean seconds between kills).
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field

import requests

from tests.reliability.conftest import Account, Deployment, report
from tests.reliability.support import (
    WORKER_CLASS,
    Gunicorn,
    Tally,
    api_session,
    attempt,
    bad_log_lines,
    broken_status_chains,
    env_int,
    half_written,
    open_role,
    rows,
)

WRITERS = env_int("RELIABILITY_CRASH_WRITERS", 8)
WORKER_KILLS = env_int("RELIABILITY_WORKER_KILLS", 12)
SERVER_KILLS = env_int("RELIABILITY_SERVER_KILLS", 3)
KILL_INTERVAL = float(os.environ.get("RELIABILITY_KILL_INTERVAL", "") or 1.5)


@dataclass
class Ledger:
    """Which writes were sent and which were acknowledged, by their unique key."""

    sent: dict[str, set[object]] = field(default_factory=dict)
    acked: dict[str, set[object]] = field(default_factory=dict)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(
        self, kind: str, key: object, answer: requests.Response | requests.RequestException
    ) -> None:
        """Record a write; one whose connection was refused never reached a server."""
        if isinstance(answer, requests.ConnectionError) and "refused" in str(answer):
            with self.lock:
                self.refused += 1
            return
        with self.lock:
            self.sent.setdefault(kind, set()).add(key)
            if isinstance(answer, requests.Response) and 200 <= answer.status_code < 300:
                self.acked.setdefault(kind, set()).add(key)

    def count(self, which: dict[str, set[object]]) -> int:
        return sum(len(keys) for keys in which.values())


class Writer:
    """One API client writing multi-row records in a loop until told to stop."""

    def __init__(
        self,
        account: Account,
        server: Gunicorn,
        opening: int,
        areas: list[str],
        skills: dict[str, list[str]],
        ledger: Ledger,
        tally: Tally,
    ) -> None:
        self.account, self.server, self.opening = account, server, opening
        self.areas, self.skills, self.ledger, self.tally = areas, skills, ledger, tally
        self.rng = random.Random(account.id)
        self.api = api_session(account.token)
        self.mine: list[int] = []  # candidates this writer added (acknowledged)
        self.serial = 0

    def run(self, stop: threading.Event) -> None:
        steps = [self.member, self.work_item, self.candidate, self.card]
        while not stop.is_set():
            for step in steps:
                answer = step()
                if not isinstance(answer, requests.Response) or answer.status_code >= 500:
                    time.sleep(0.05)  # the server is down or restarting: do not spin

    def post(
        self, kind: str, url: str, body: dict[str, object]
    ) -> requests.Response | requests.RequestException:
        answer = attempt(self.tally, kind, self.api, "POST", self.server.url + url, json=body)
        if isinstance(answer, requests.Response) and answer.status_code not in (200, 201):
            self.tally.oddity(f"{kind}: {answer.status_code} {answer.text[:200]}")
        return answer

    def key(self, what: str) -> str:
        self.serial += 1
        return f"{what}-{self.account.id}-{self.serial}"

    def member(self) -> requests.Response | requests.RequestException:
        email = self.key("crash-member") + "@example.com"
        levels = {area: self.rng.randint(1, 4) for area in self.areas}
        body = {"name": email, "email": email, "fte": 1.0, "levels": levels}
        answer = self.post("member", "/api/v1/members", body)
        self.ledger.note("member", email, answer)
        return answer

    def work_item(self) -> requests.Response | requests.RequestException:
        area = self.rng.choice(self.areas)
        title = self.key("crash-ticket") + " #skills=2"
        body = {"title": title, "area": area, "points": 2, "skills": self.skills[area][:2]}
        answer = self.post("work item", "/api/v1/work-items", body)
        self.ledger.note("work item", title, answer)
        return answer

    def candidate(self) -> requests.Response | requests.RequestException:
        email = self.key("crash-candidate") + "@example.org"
        body = {"name": email, "email": email}
        answer = self.post("candidate", f"/api/v1/openings/{self.opening}/candidates", body)
        self.ledger.note("candidate", email, answer)
        if isinstance(answer, requests.Response) and answer.status_code == 201:
            self.mine.append(answer.json()["id"])
        return answer

    def card(self) -> requests.Response | requests.RequestException:
        if not self.mine:
            return self.candidate()
        candidate = self.mine.pop()
        ratings = {area: self.rng.randint(0, 4) for area in self.areas}
        body = {"ratings": ratings, "recommendation": "yes", "submit": True}
        answer = self.post("card", f"/api/v1/candidates/{candidate}/scorecards", body)
        self.ledger.note("card", (candidate, self.account.id), answer)
        return answer


def stored_keys(deployment: Deployment) -> dict[str, set[object]]:
    """The unique keys of what the writers' writes left in the database."""
    engine = deployment.engine
    return {
        "member": {email for (email,) in rows(engine, "SELECT email FROM member")},
        "work item": {title for (title,) in rows(engine, "SELECT title FROM work_item")},
        "candidate": {email for (email,) in rows(engine, "SELECT email FROM candidate")},
        "card": {
            (candidate, who)
            for candidate, who in rows(
                engine,
                "SELECT candidate_id, interviewer_id FROM scorecard WHERE submitted_at IS NOT NULL",
            )
        },
    }


def wait_for_new_worker(server: Gunicorn, victim: int, timeout: float = 60) -> float:
    """Seconds until the master has a full set of workers again, without the killed one."""
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        workers = server.worker_pids()
        if victim not in workers and len(workers) == server.workers:
            return time.monotonic() - began
        time.sleep(0.05)
    raise AssertionError(f"gunicorn did not replace worker {victim} in {timeout} s")


def test_kill_workers_and_server_during_writes(deployment: Deployment) -> None:
    """SIGKILL workers and the whole server under write load: no acknowledged write is lost,
    none is half there, and the SQLite file stays sound."""
    server = deployment.server("gunicorn", workers=4, worker_class=WORKER_CLASS)
    server.start()
    skills = deployment.add_skills()
    accounts = deployment.seed_users(WRITERS, ["admin", "hiring_manager", "interviewer"], "writer")
    opening, *_ = open_role(server.url, accounts[0], accounts, 0)
    areas = deployment.area_keys()
    ledger, tally, stop = Ledger(), Tally(), threading.Event()
    writers = [Writer(a, server, opening, areas, skills, ledger, tally) for a in accounts]
    threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in writers]
    for thread in threads:
        thread.start()

    rng = random.Random(9)
    events = ["worker"] * WORKER_KILLS
    for n in range(SERVER_KILLS):  # spread the server kills among the worker kills
        events.insert(round((n + 1) * len(events) / (SERVER_KILLS + 1)), "server")
    respawns, restarts = [], []
    began = time.monotonic()
    for event in events:
        time.sleep(rng.uniform(0.5, 1.5) * KILL_INTERVAL)
        if event == "worker":
            victim = rng.choice(server.worker_pids())
            server.kill_worker(victim)
            respawns.append(wait_for_new_worker(server, victim))
        else:
            server.kill_all()
            down = time.monotonic()
            server.start()
            restarts.append(time.monotonic() - down)
    time.sleep(2 * KILL_INTERVAL)  # writes after the last kill must be answered again
    stop.set()
    for thread in threads:
        thread.join(timeout=180)
    seconds = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a writer is still waiting"

    after = api_session(accounts[0].token).post(
        server.url + "/api/v1/members",
        json={
            "name": "After",
            "email": "after-crashes@example.com",
            "levels": dict.fromkeys(areas, 2),
        },
        timeout=60,
    )
    stored = stored_keys(deployment)
    lost = {kind: keys - stored[kind] for kind, keys in ledger.acked.items()}
    unanswered = {kind: keys - ledger.acked.get(kind, set()) for kind, keys in ledger.sent.items()}
    unanswered_stored = {kind: keys & stored[kind] for kind, keys in unanswered.items()}
    half = half_written(deployment.engine, len(areas))
    chains = broken_status_chains(deployment.engine)
    server.stop()
    integrity = "n/a (PostgreSQL)"
    foreign_keys: list[object] = []
    if deployment.backend == "sqlite":
        path = deployment.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as connection:
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            foreign_keys = connection.execute("PRAGMA foreign_key_check").fetchall()
        connection.close()

    report(
        f"crashes on {deployment.backend}",
        {
            "server": f"1 gunicorn x {server.workers} {WORKER_CLASS} workers",
            "writers": WRITERS,
            "seconds": round(seconds, 1),
            "writes sent": ledger.count(ledger.sent),
            "writes refused while the server was down (not sent)": ledger.refused,
            "writes acknowledged (2xx)": ledger.count(ledger.acked),
            "writes unanswered": ledger.count(unanswered),
            "unanswered but stored (whole)": ledger.count(unanswered_stored),
            "5xx": len(tally.server_errors),
            "worker kills": len(respawns),
            "server kills": len(restarts),
            "worker respawn s (max)": round(max(respawns, default=0), 1),
            "server restart s (max)": round(max(restarts, default=0), 1),
            "acknowledged but lost": ledger.count(lost),
            "half-written records": sum(len(v) for v in half.values()),
            "integrity_check": integrity,
            "by kind": tally.by_kind(),
        },
    )
    assert after.status_code == 201, after.text
    assert ledger.count(ledger.acked) > 0
    assert all(not keys for keys in lost.values()), {k: sorted(v)[:5] for k, v in lost.items()}
    assert half == {}
    assert chains == []
    assert integrity in ("ok", "n/a (PostgreSQL)")
    assert foreign_keys == []
    assert not tally.server_errors, tally.server_errors[:5]
    assert not tally.unexpected, tally.unexpected[:5]
    assert not tally.locked, tally.locked[:5]
    assert not bad_log_lines(server.log_text()), bad_log_lines(server.log_text())[:10]
