"""Many users at once on real gunicorn servers: no 5xx, no "database is locked", no lost rows.

SQLite is served by one gunicorn with 4 workers (the README's command, with gthread workers so
that threads of one process also contend); PostgreSQL by two gunicorn instances on the same
database, as when the service runs on two hosts. Two short races check that simultaneous
writes to one record serialise: decisions on one candidate, and a draft saved while the same
card is submitted. The counts are bounded and come from the environment (RELIABILITY_USERS,
RELIABILITY_REQUESTS_PER_USER, RELIABILITY_CARD_CLIENTS, RELIABILITY_CARDS,
RELIABILITY_CARD_DUPLICATES, RELIABILITY_DECIDERS, RELIABILITY_DECISION_ROUNDS,
RELIABILITY_CARD_RACES, RELIABILITY_WORKER_CLASS).
"""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from tests.reliability.conftest import Account, Deployment, report
from tests.reliability.support import (
    WORKER_CLASS,
    Gunicorn,
    Tally,
    api_session,
    bad_log_lines,
    broken_status_chains,
    browser_login,
    env_int,
    half_written,
    new_session,
    open_role,
    request,
    rows,
    scalar,
)

USERS = env_int("RELIABILITY_USERS", 50)
REQUESTS_PER_USER = env_int("RELIABILITY_REQUESTS_PER_USER", 20)
CARD_CLIENTS = env_int("RELIABILITY_CARD_CLIENTS", 20)
CARDS = env_int("RELIABILITY_CARDS", 1000)
# Pairs (interviewer, candidate) sent a second time, from another client thread: exactly one of
# the two may be stored (the other is told 409), whichever order they arrive in.
CARD_DUPLICATES = env_int("RELIABILITY_CARD_DUPLICATES", 100)
SHARED_CANDIDATES = 10
PAGE_SHARE = 0.7
RECOMMENDATIONS = ["strong_no", "no", "yes", "strong_yes"]
CANDIDATE_STATUSES = ["applied", "interviewing", "offer", "hired", "rejected"]
WORK_STATUSES = ["planned", "in_progress", "done"]


def start_servers(deployment: Deployment) -> list[Gunicorn]:
    """SQLite: one gunicorn, 4 workers. PostgreSQL: two gunicorn instances, 2 workers each."""
    if deployment.backend == "sqlite":
        servers = [deployment.server("gunicorn", workers=4, worker_class=WORKER_CLASS)]
    else:
        servers = [
            deployment.server(f"gunicorn-{n}", workers=2, worker_class=WORKER_CLASS)
            for n in range(2)
        ]
    for server in servers:
        server.start()
    return servers


@dataclass
class Shared:
    """What the simulated users have made so far (ids to edit), behind one lock."""

    opening: int
    areas: list[str]
    skills: dict[str, list[str]]
    candidates: list[int]
    members: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    serial: itertools.count[int] = field(default_factory=itertools.count)

    def pick(self, rng: random.Random, which: list[int]) -> int | None:
        with self.lock:
            return rng.choice(which) if which else None

    def add(self, which: list[int], value: int) -> None:
        with self.lock:
            which.append(value)


def on_panel(n: int) -> bool:
    """Every fifth user (1, 6, 11, ...) reads the opening off its panel, as its readers do;
    the rest sit on the panel and write cards. The independence rule gives the ranking only
    to readers and to the opening's own manager (user 0): another panelist gets 403 there."""
    return n % 5 != 1


class SimulatedUser:
    """A logged-in person who mostly reads pages and sometimes changes something.

    Pages are read through the browser session; writes go through forms (with the CSRF token)
    or through the API with the user's token, about half each. Each kind of request has one
    expected status; anything else is recorded as an oddity and fails the test.
    """

    PAGES = ["/reports/coverage", "/team/members", "/work/", "/openings/", "/team/"]
    EXPECTED = {
        "page": 200,
        "api member create": 201,
        "form member create": 302,
        "api member edit": 200,
        "api work create": 201,
        "form work create": 302,
        "form work status": 302,
        "api candidate add": 201,
        "form candidate status": 302,
        "api card submit": 200,
    }
    # The one refusal a kind may meet by the others' doing: a card for a candidate whom another
    # user has just hired or rejected is refused (409, the decision is made), writing nothing.
    REFUSED = {"api card submit": (409, "their cards can no longer change")}

    def __init__(
        self, n: int, account: Account, base: str, shared: Shared, tally: Tally, seed: int
    ) -> None:
        self.n, self.account, self.base = n, account, base
        self.shared, self.tally = shared, tally
        self.rng = random.Random(seed)
        self.carded: set[int] = set()
        self.browser: requests.Session | None = None
        self.csrf = ""
        self.api = api_session(account.token)

    def run(self, count: int, start: threading.Barrier) -> None:
        try:
            self.browser, self.csrf = browser_login(
                self.base, self.account.email, self.account.password
            )
        except (AssertionError, requests.RequestException) as error:
            self.tally.oddity(f"login of {self.account.email}: {error}")
            start.abort()
            return
        start.wait()
        for _ in range(count):
            if self.rng.random() < PAGE_SHARE:
                self.view()
            else:
                self.write()

    def check(self, kind: str, response: requests.Response | None) -> requests.Response | None:
        if response is None:
            return None
        refused = self.REFUSED.get(kind)
        if refused and response.status_code == refused[0] and refused[1] in response.text:
            return None
        if response.status_code != self.EXPECTED[kind]:
            said = f"{response.status_code} {response.text[:200]}"
            self.tally.oddity(f"{kind} {response.url}: {said}")
            return None
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            self.tally.oddity(f"{kind} {response.url}: sent to the login page")
            return None
        return response

    def view(self) -> None:
        ranking = f"/openings/{self.shared.opening}/ranking"
        pages = [*self.PAGES, ranking] if self.n == 0 or not on_panel(self.n) else self.PAGES
        assert self.browser is not None
        page = self.rng.choice(pages)
        self.check("page", request(self.tally, "page", self.browser, "GET", self.base + page))

    def write(self) -> None:
        writes = [
            self.api_member_create,
            self.form_member_create,
            self.api_member_edit,
            self.api_work_create,
            self.form_work_create,
            self.form_work_status,
            self.api_candidate_add,
            self.form_candidate_status,
            self.api_card_submit,
        ]
        self.rng.choice(writes)()

    def unique(self) -> int:
        return next(self.shared.serial)

    def levels(self) -> dict[str, int]:
        return {area: self.rng.randint(1, 4) for area in self.shared.areas}

    def post(self, kind: str, url: str, **kwargs: Any) -> requests.Response | None:
        session = self.browser if kind.startswith("form") else self.api
        assert session is not None
        if kind.startswith("form"):
            kwargs["data"] = {"csrf_token": self.csrf, **kwargs["data"]}
        method = kwargs.pop("method", "POST")
        answer = request(self.tally, kind, session, method, self.base + url, **kwargs)
        return self.check(kind, answer)

    def api_member_create(self) -> None:
        n = self.unique()
        body = {"name": f"Api member {n}", "email": f"api-member-{n}@example.com"}
        body |= {"title": "ML engineer", "fte": 1.0, "levels": self.levels()}
        answer = self.post("api member create", "/api/v1/members", json=body)
        if answer is not None:
            self.shared.add(self.shared.members, answer.json()["id"])

    def form_member_create(self) -> None:
        n = self.unique()
        data = {"name": f"Form member {n}", "email": f"form-member-{n}@example.com"}
        data |= {"title": "Data engineer", "fte": "1"}
        data |= {f"level_{area}": str(level) for area, level in self.levels().items()}
        answer = self.post("form member create", "/team/members/new", data=data)
        if answer is not None:
            member_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
            self.shared.add(self.shared.members, member_id)

    def api_member_edit(self) -> None:
        member = self.shared.pick(self.rng, self.shared.members)
        if member is None:
            return self.api_member_create()
        area = self.rng.choice(self.shared.areas)
        body = {"levels": {area: self.rng.randint(1, 4)}, "title": f"Edited {self.unique()}"}
        self.post("api member edit", f"/api/v1/members/{member}", method="PATCH", json=body)

    def item_skills(self, area: str, count: int) -> list[str]:
        return self.rng.sample(self.shared.skills[area], count)

    def api_work_create(self) -> None:
        area = self.rng.choice(self.shared.areas)
        skills = self.item_skills(area, 2)
        body = {"title": f"Api ticket {self.unique()} #skills=2", "area": area, "points": 3}
        answer = self.post("api work create", "/api/v1/work-items", json=body | {"skills": skills})
        if answer is not None:
            self.shared.add(self.shared.items, answer.json()["id"])

    def form_work_create(self) -> None:
        area = self.rng.choice(self.shared.areas)
        data = {"title": f"Form ticket {self.unique()} #skills=1", "area": area, "points": "2"}
        data |= {"status": "planned", "skills": self.item_skills(area, 1)}
        self.post("form work create", "/work/new", data=data)

    def form_work_status(self) -> None:
        item = self.shared.pick(self.rng, self.shared.items)
        if item is None:
            return self.api_work_create()
        data = {"status": self.rng.choice(WORK_STATUSES)}
        self.post("form work status", f"/work/{item}/status", data=data)

    def api_candidate_add(self) -> None:
        n = self.unique()
        body = {"name": f"Applicant {n}", "email": f"applicant-{n}@example.org"}
        url = f"/api/v1/openings/{self.shared.opening}/candidates"
        self.post("api candidate add", url, json=body)

    def form_candidate_status(self) -> None:
        # Everyone moves the same few candidates, so that decisions on one candidate race.
        candidate = self.rng.choice(self.shared.candidates)
        data = {"status": self.rng.choice(CANDIDATE_STATUSES), "note": f"step {self.unique()}"}
        self.post("form candidate status", f"/candidates/{candidate}/status", data=data)

    def api_card_submit(self) -> None:
        left = [c for c in self.shared.candidates if c not in self.carded]
        if not left or not on_panel(self.n):
            return self.api_candidate_add()
        candidate = self.rng.choice(left)
        self.carded.add(candidate)
        body = {"ratings": self.levels(), "recommendation": self.rng.choice(RECOMMENDATIONS)}
        body |= {"notes": f"card {self.unique()}", "recommendation": "yes", "submit": True}
        self.post("api card submit", f"/api/v1/candidates/{candidate}/scorecards", json=body)


def server_logs(servers: list[Gunicorn]) -> list[str]:
    return [line for server in servers for line in bad_log_lines(server.log_text())]


def test_mixed_load(deployment: Deployment) -> None:
    """50 users, 70% page views and 30% writes at once: every answer is the expected one,
    nothing is locked, every acknowledged row is stored whole, decisions do not interleave."""
    servers = start_servers(deployment)
    skills = deployment.add_skills()
    accounts = deployment.seed_users(USERS, ["admin", "hiring_manager", "interviewer"], "user")
    panel = [account for n, account in enumerate(accounts) if on_panel(n)]
    opening, *candidates = open_role(servers[0].url, accounts[0], panel, SHARED_CANDIDATES)
    shared = Shared(opening, deployment.area_keys(), skills, candidates)
    tally = Tally()
    start = threading.Barrier(USERS + 1)
    users = [
        SimulatedUser(n, account, servers[n % len(servers)].url, shared, tally, seed=n)
        for n, account in enumerate(accounts)
    ]
    threads = [
        threading.Thread(target=u.run, args=(REQUESTS_PER_USER, start), daemon=True) for u in users
    ]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=300)
    except threading.BrokenBarrierError:
        raise AssertionError(f"users could not log in: {tally.unexpected[:5]}") from None
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=900)
    seconds = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a simulated user is still waiting"

    writes = [k for k in SimulatedUser.EXPECTED if k != "page"]
    ok = {kind: tally.count([kind], ok=True) for kind in SimulatedUser.EXPECTED}
    report(
        f"mixed load on {deployment.backend}",
        {
            "servers": f"{len(servers)} gunicorn x {servers[0].workers} {WORKER_CLASS} workers",
            "users": USERS,
            "requests": tally.requests,
            "logins": USERS,
            "page views": tally.count(["page"]),
            "writes": tally.count(writes),
            "5xx": len(tally.server_errors),
            "unexpected answers": len(tally.unexpected),
            "connection failures": sum(tally.errors.values()),
            "database is locked": len(tally.locked),
            "seconds": round(seconds, 1),
            "requests/s": round(tally.requests / seconds, 1),
            "p50/p95/max s": (
                f"{tally.percentile(0.5):.2f}/{tally.percentile(0.95):.2f}/"
                f"{tally.percentile(1.0):.2f}"
            ),
            "by kind": tally.by_kind(),
        },
    )
    assert not tally.server_errors, tally.server_errors[:5]
    assert not tally.locked, tally.locked[:5]
    assert not tally.errors, tally.error_texts
    assert not tally.unexpected, tally.unexpected[:5]
    assert not server_logs(servers), server_logs(servers)[:10]

    engine = deployment.engine
    made_members = ok["api member create"] + ok["form member create"]
    assert scalar(engine, "SELECT count(*) FROM member") == made_members
    made_items = ok["api work create"] + ok["form work create"]
    assert scalar(engine, "SELECT count(*) FROM work_item") == made_items
    made_candidates = SHARED_CANDIDATES + ok["api candidate add"]
    assert scalar(engine, "SELECT count(*) FROM candidate") == made_candidates
    cards = "SELECT count(*) FROM scorecard WHERE submitted_at IS NOT NULL"
    assert scalar(engine, cards) == ok["api card submit"]
    assert half_written(engine, len(shared.areas)) == {}
    assert broken_status_chains(engine) == []


def test_many_interviewers_submit_cards(deployment: Deployment) -> None:
    """20 clients submit 1,000 cards (some pairs twice, racing): exactly one card is stored per
    interviewer and candidate, one 2xx answer per stored card, 409 for every second try."""
    servers = start_servers(deployment)
    manager = deployment.seed_users(1, ["hiring_manager"], "manager")[0]
    interviewers = deployment.seed_users(CARD_CLIENTS, ["interviewer"], "interviewer")
    wanted = -(-CARDS // CARD_CLIENTS)
    opening, *candidates = open_role(servers[0].url, manager, interviewers, wanted)
    pairs = list(itertools.product(range(CARD_CLIENTS), candidates))[:CARDS]
    rng = random.Random(5)
    tasks = pairs + rng.sample(pairs, min(CARD_DUPLICATES, len(pairs)))
    rng.shuffle(tasks)
    work: queue.Queue[tuple[int, int]] = queue.Queue()
    for task in tasks:
        work.put(task)
    areas = deployment.area_keys()
    tally = Tally()
    answers: dict[tuple[int, int], list[int]] = {pair: [] for pair in pairs}
    lock = threading.Lock()

    def client(n: int) -> None:
        base = servers[n % len(servers)].url
        session = new_session()
        pick = random.Random(n)
        while True:
            try:
                who, candidate = work.get_nowait()
            except queue.Empty:
                return
            body = {
                "ratings": {a: pick.randint(0, 4) for a in areas},
                "recommendation": "yes",
                "submit": True,
            }
            body |= {"recommendation": pick.choice(RECOMMENDATIONS), "notes": "independent"}
            headers = {"Authorization": f"Bearer {interviewers[who].token}"}
            url = f"{base}/api/v1/candidates/{candidate}/scorecards"
            answer = request(tally, "card", session, "POST", url, json=body, headers=headers)
            with lock:
                answers[(who, candidate)].append(answer.status_code if answer is not None else 0)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CARD_CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    seconds = time.monotonic() - began
    assert not any(t.is_alive() for t in threads), "a client is still waiting"

    engine = deployment.engine
    stored = scalar(engine, "SELECT count(*) FROM scorecard WHERE submitted_at IS NOT NULL")
    all_cards = scalar(engine, "SELECT count(*) FROM scorecard")
    two_xx = tally.count(["card"], ok=True)
    report(
        f"scorecards on {deployment.backend}",
        {
            "servers": f"{len(servers)} gunicorn x {servers[0].workers} {WORKER_CLASS} workers",
            "clients": CARD_CLIENTS,
            "cards": len(pairs),
            "requests": tally.requests,
            "duplicates sent": len(tasks) - len(pairs),
            "2xx": two_xx,
            "409": tally.statuses[("card", 409)],
            "5xx": len(tally.server_errors),
            "connection failures": sum(tally.errors.values()),
            "rows stored": stored,
            "seconds": round(seconds, 1),
            "cards/s": round(two_xx / seconds, 1),
            "p50/p95/max s": (
                f"{tally.percentile(0.5):.2f}/{tally.percentile(0.95):.2f}/"
                f"{tally.percentile(1.0):.2f}"
            ),
        },
    )
    assert not tally.server_errors, tally.server_errors[:5]
    assert not tally.errors, tally.error_texts
    assert not tally.locked, tally.locked[:5]
    assert not server_logs(servers), server_logs(servers)[:10]
    assert stored == two_xx == len(pairs)
    assert all_cards == stored, "a draft or a second revision appeared"
    wrong = {pair: got for pair, got in answers.items() if sorted(got)[0] != 200}
    wrong |= {pair: got for pair, got in answers.items() if any(s != 409 for s in sorted(got)[1:])}
    assert wrong == {}, list(wrong.items())[:10]
    assert half_written(engine, len(areas)) == {}


DECIDERS = env_int("RELIABILITY_DECIDERS", 8)
DECISION_ROUNDS = env_int("RELIABILITY_DECISION_ROUNDS", 10)


def test_simultaneous_decisions_on_one_candidate(deployment: Deployment) -> None:
    """Several managers move the same candidate at the same moment: the status history stays
    one chain (each change starts where the previous one ended, the last is the candidate's
    status) and the candidate's version counts every change."""
    servers = start_servers(deployment)
    deciders = deployment.seed_users(DECIDERS, ["admin", "hiring_manager"], "decider")
    opening, candidate = open_role(servers[0].url, deciders[0], [], 1)
    logins = [
        browser_login(servers[n % len(servers)].url, a.email, a.password)
        for n, a in enumerate(deciders)
    ]
    tally = Tally()
    rng = random.Random(3)
    began = time.monotonic()
    for _ in range(DECISION_ROUNDS):
        statuses = [rng.choice(CANDIDATE_STATUSES) for _ in deciders]
        start = threading.Barrier(len(deciders))

        def decide(n: int, status: str, start: threading.Barrier = start) -> None:
            session, csrf = logins[n]
            url = f"{servers[n % len(servers)].url}/candidates/{candidate}/status"
            data = {"csrf_token": csrf, "status": status, "note": f"decider {n}"}
            start.wait(timeout=60)
            answer = request(tally, "decision", session, "POST", url, data=data)
            if answer is not None and answer.status_code != 302:
                tally.oddity(f"decision: {answer.status_code} {answer.text[:200]}")

        threads = [
            threading.Thread(target=decide, args=(n, status)) for n, status in enumerate(statuses)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    seconds = time.monotonic() - began

    engine = deployment.engine
    changes = scalar(
        engine, "SELECT count(*) FROM status_change WHERE candidate_id = :c", c=candidate
    )
    version = scalar(engine, "SELECT version FROM candidate WHERE id = :c", c=candidate)
    chains = broken_status_chains(engine)
    report(
        f"simultaneous decisions on {deployment.backend}",
        {
            "deciders": DECIDERS,
            "rounds": DECISION_ROUNDS,
            "requests": tally.requests,
            "5xx": len(tally.server_errors),
            "status changes stored": changes,
            "candidate version": version,
            "broken histories": len(chains),
            "seconds": round(seconds, 1),
        },
    )
    assert not tally.server_errors, tally.server_errors[:5]
    assert not tally.errors, tally.error_texts
    assert not tally.unexpected, tally.unexpected[:5]
    assert chains == [], chains[0][:2000] if chains else ""
    assert version == changes, "a status change was not counted in the candidate's version"


CARD_RACES = env_int("RELIABILITY_CARD_RACES", 20)


def test_draft_saved_while_submitting(deployment: Deployment) -> None:
    """An interviewer's second tab saves the draft while the first submits it: a submitted card
    is final, so the stored submitted card is exactly what the successful submit sent."""
    servers = start_servers(deployment)
    manager = deployment.seed_users(1, ["hiring_manager"], "manager")[0]
    interviewers = deployment.seed_users(4, ["interviewer"], "tab")
    wanted = -(-CARD_RACES // len(interviewers))
    opening, *candidates = open_role(servers[0].url, manager, interviewers, wanted)
    pairs = list(itertools.product(range(len(interviewers)), candidates))[:CARD_RACES]
    areas = deployment.area_keys()
    tally = Tally()
    submitted = {
        "ratings": dict.fromkeys(areas, 4),
        "recommendation": "yes",
        "notes": "submitted",
        "submit": True,
    }
    draft = {"ratings": dict.fromkeys(areas, 1), "notes": "draft", "submit": False}
    outcomes: dict[tuple[int, int], dict[str, int]] = {}
    for who, candidate in pairs:
        api = api_session(interviewers[who].token)
        url_path = f"/api/v1/candidates/{candidate}/scorecards"
        first = request(tally, "first draft", api, "POST", servers[0].url + url_path, json=draft)
        assert first is not None and first.status_code == 200, first
        start = threading.Barrier(2)
        got: dict[str, int] = {}

        def send(
            name: str, body: dict[str, Any], base: str, token: str, url: str, start: Any, got: Any
        ) -> None:
            session = api_session(token)
            start.wait(timeout=60)
            answer = request(tally, name, session, "POST", base + url, json=body)
            got[name] = answer.status_code if answer is not None else 0

        token = interviewers[who].token
        threads = [
            threading.Thread(
                target=send,
                args=(name, body, servers[n % len(servers)].url, token, url_path, start, got),
            )
            for n, (name, body) in enumerate([("submit", submitted), ("draft", draft)])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        outcomes[(interviewers[who].id, candidate)] = got

    engine = deployment.engine
    cards = {
        (who, candidate): (card_id, notes)
        for card_id, who, candidate, notes in rows(
            engine,
            "SELECT id, interviewer_id, candidate_id, notes FROM scorecard"
            " WHERE submitted_at IS NOT NULL",
        )
    }
    levels: dict[int, set[int]] = {}
    for card_id, level in rows(engine, "SELECT scorecard_id, level FROM scorecard_rating"):
        levels.setdefault(card_id, set()).add(level)
    changed = []
    for pair, got in outcomes.items():
        if got.get("submit") != 200:
            continue
        card_id, notes = cards.get(pair, (None, None))
        if notes != "submitted" or levels.get(card_id or 0) != {4}:
            changed.append((pair, got, notes, levels.get(card_id or 0)))
    report(
        f"draft saved while submitting on {deployment.backend}",
        {
            "races": len(pairs),
            "submits answered 200": sum(1 for g in outcomes.values() if g.get("submit") == 200),
            "draft saves answered 200 / 409": (
                f"{sum(1 for g in outcomes.values() if g.get('draft') == 200)} / "
                f"{sum(1 for g in outcomes.values() if g.get('draft') == 409)}"
            ),
            "5xx": len(tally.server_errors),
            "submitted cards changed afterwards": len(changed),
        },
    )
    assert not tally.server_errors, tally.server_errors[:5]
    assert all(set(g.values()) <= {200, 409} for g in outcomes.values()), outcomes
    assert changed == [], changed[:5]
