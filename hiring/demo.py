"""A realistic demo: a 12-person ML team, its skills, two quarters of planned work and one
user per role.

The team is built so the reports have something to say: data engineering is the clear gap
(most of the planned points, few strong people) and research rests on one expert (a bus-factor
risk). It lives in calendar time, relative to the week the demo is loaded: Amara is on
parental leave, Oliver leaves in six weeks, Diego joined three weeks ago and is still ramping
up, the team keeps the usual public holidays, and a hire for the opening would start in eight
weeks. Of the candidates, Yuki is the strongest data engineer and can start in five weeks;
Nadia is a little less strong and can start in two. Counted without ramp-up and mentoring,
Yuki would save the most; with them, Nadia's three weeks' head start on her ramp-up is worth
more: the story of the ranking (tests/hiring/test_demo_story.py keeps it true).

`load_scaled_demo` builds a synthetic organisation of any size instead (`demo --scale N`): N
members, 20N work items and 10N candidates with three submitted cards each, written with bulk
Core inserts in one transaction so that N=1000 takes seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Table, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, func, select

from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.accounts.service import CurrentUser
from hiring.openings.interviews import schedule_interviews, set_focus
from hiring.openings.models import (
    AuditEntry,
    Candidate,
    Scorecard,
    ScorecardRating,
    StatusChange,
)
from hiring.openings.schemas import CandidateCreate, OpeningCreate, Recommendation, ScorecardIn
from hiring.openings.scorecards import save_card
from hiring.openings.service import add_candidate, create_opening, set_status
from team import members, work
from team.absences import add_absence
from team.areas import create_skill, list_areas, list_skills
from team.calendar import Calendar
from team.history import record_missing
from team.models import (
    Absence,
    InputChange,
    Member,
    MemberLevel,
    MemberSkill,
    RatingChange,
    WorkItem,
    WorkItemSkill,
    utcnow,
)
from team.schemas import AbsenceCreate, MemberCreate, MemberUpdate, WorkItemCreate
from team.settings import update_settings
from team.timeline import current_calendar

SKILLS = {
    "research": [
        ("modeling", "Modeling"),
        ("experiments", "Experiment design"),
        ("signals", "Sensor signals"),
    ],
    "engineering": [
        ("backend", "Backend services"),
        ("mlops", "MLOps and deployment"),
        ("mobile", "Mobile SDKs"),
    ],
    "data": [
        ("pipelines", "Batch pipelines"),
        ("streaming", "Streaming"),
        ("labeling", "Labelled datasets"),
    ],
}

# name, title, fte, (research, engineering, data), {skill: level}
TEAM = [
    (
        "Priya Raman",
        "Research lead",
        1.0,
        (4, 2, 1),
        {"modeling": 4, "experiments": 4, "signals": 3, "backend": 1},
    ),
    ("Tomás Herrera", "ML engineer", 1.0, (2, 3, 1), {"modeling": 2, "backend": 3, "mlops": 3}),
    (
        "Mei Chen",
        "Senior ML engineer",
        1.0,
        (2, 4, 2),
        {"backend": 4, "mlops": 4, "pipelines": 2, "modeling": 2},
    ),
    ("Jonas Becker", "Backend engineer", 1.0, (1, 3, 1), {"backend": 3, "mobile": 3}),
    (
        "Amara Okafor",
        "ML researcher",
        0.8,
        (2, 2, 1),
        {"modeling": 3, "experiments": 2, "signals": 2},
    ),
    (
        "Lukas Nowak",
        "Data engineer",
        1.0,
        (1, 2, 3),
        {"pipelines": 3, "streaming": 2, "labeling": 2},
    ),
    ("Sofia Rossi", "ML engineer", 1.0, (2, 3, 1), {"mlops": 3, "backend": 2, "modeling": 2}),
    ("Kenji Watanabe", "Mobile engineer", 1.0, (0, 3, 1), {"mobile": 4, "backend": 2}),
    (
        "Hannah Schmidt",
        "Applied scientist",
        0.6,
        (2, 2, 2),
        {"experiments": 3, "labeling": 2, "modeling": 2},
    ),
    ("Diego Alvarez", "Junior ML engineer", 1.0, (1, 2, 1), {"backend": 2, "mlops": 1}),
    ("Fatima Zahra", "Analytics engineer", 0.5, (1, 1, 2), {"pipelines": 2, "labeling": 3}),
    (
        "Oliver Grant",
        "Platform engineer",
        1.0,
        (0, 3, 2),
        {"backend": 3, "mlops": 2, "streaming": 2},
    ),
]

# The next quarter's larger pieces of work: title, area, points, skills.
EPICS = [
    ("Multi-tenant feature store", "data", 21, "pipelines;streaming"),
    ("Real-time enrolment scoring pipeline", "data", 21, "streaming"),
    ("Event lake compaction and retention", "data", 13, "pipelines"),
    ("Self-serve dataset builder for researchers", "data", 21, "pipelines;labeling"),
    ("Privacy-preserving telemetry (k-anonymity)", "data", 13, "pipelines"),
    ("Cross-device identity graph", "data", 21, "streaming;pipelines"),
    ("Labelling workflow v2 with active learning", "data", 13, "labeling"),
    ("Streaming anomaly alerts for SDK events", "data", 13, "streaming"),
    ("Migrate batch jobs to the new orchestrator", "data", 13, "pipelines"),
    ("Data catalogue and lineage", "data", 13, "pipelines"),
    ("Continual-learning prototype on device", "research", 13, "modeling"),
    ("Spoofing-attack study and defences", "research", 13, "experiments;signals"),
    ("Model cards and fairness audit", "research", 8, "experiments"),
    ("On-device model distillation", "research", 13, "modeling"),
    ("Scoring service v3 (gRPC, autoscaling)", "engineering", 21, "backend;mlops"),
    ("Shadow deployments for every model", "engineering", 13, "mlops"),
    ("Android SDK: on-device inference", "engineering", 13, "mobile"),
    ("iOS SDK: on-device inference", "engineering", 13, "mobile"),
    ("Cost dashboards for training and serving", "engineering", 8, "mlops"),
    ("Zero-downtime database migrations", "engineering", 8, "backend"),
    ("Feature backfills on the new store", "data", 21, "pipelines"),
    ("Session builder rewrite for late events", "data", 21, "streaming"),
    ("Tenant data deletion end to end (GDPR)", "data", 13, "pipelines"),
    ("Training-set snapshots with lineage", "data", 13, "labeling;pipelines"),
    ("Event schema evolution without downtime", "data", 13, "streaming"),
    ("Warehouse to lakehouse migration", "data", 21, "pipelines"),
    ("Ground-truth collection from support tickets", "data", 13, "labeling"),
    ("Streaming joins for fraud signals", "data", 21, "streaming"),
    ("Replayable training pipelines", "data", 13, "pipelines"),
    ("Benchmark suite for new sensors", "research", 13, "experiments;signals"),
    ("Passive liveness detection study", "research", 13, "modeling;signals"),
    ("Uncertainty estimates for scores", "research", 8, "modeling"),
    ("Model rollback and kill switch", "engineering", 8, "mlops"),
    ("SDK telemetry sampling", "engineering", 8, "mobile;backend"),
    ("Multi-region scoring", "engineering", 13, "backend"),
]

# The calendar of the demo, in weeks from the plan start (this week's Monday when it loads).
# Who has the work in progress: the ticket plan keeps it with them (MODEL.md).
OWNERS = {
    "research": "priya.raman@example.com",
    "engineering": "kenji.watanabe@example.com",
    "data": "lukas.nowak@example.com",
}
PARENTAL_LEAVE = ("Amara Okafor", 1, 17)  # away from week 1 to week 17
LEAVING = ("Oliver Grant", 6)  # last day: the Friday before week 6
NEWCOMER = ("Diego Alvarez", -3)  # started three weeks ago
OPENING_STARTS = 8  # a hire for the opening would start in week 8
AVAILABLE_FROM = {"Nadia Petrova": 2, "Yuki Tanaka": 5}
# Days nobody works, as (month, day), taken at their next dates after the plan start.
HOLIDAYS = ((12, 24), (12, 25), (12, 26), (12, 31), (1, 1), (5, 1))

# title, area, points, status, skills
WORK = [
    ("Baseline keystroke-dynamics model for new devices", "research", 5, "planned", "modeling"),
    ("Ablation: drop the gyroscope features", "research", 3, "planned", "experiments"),
    ("Evaluate transformer encoder on gait windows", "research", 8, "planned", "modeling;signals"),
    ("Calibrate per-user decision thresholds", "research", 5, "in_progress", "experiments"),
    ("Write up the drift study for the team", "research", 2, "planned", "experiments"),
    ("Noise model for low-end Android sensors", "research", 5, "planned", "signals"),
    ("Few-shot enrolment experiment", "research", 8, "planned", "modeling;experiments"),
    ("Literature review: continual learning on device", "research", 3, "done", "modeling"),
    ("Replicate last quarter's EER numbers", "research", 3, "done", "experiments"),
    ("Model registry with signed artefacts", "engineering", 5, "planned", "mlops"),
    ("Canary rollout for scoring service", "engineering", 5, "planned", "mlops;backend"),
    ("Score API: batch endpoint", "engineering", 3, "planned", "backend"),
    ("iOS SDK: background sensor capture", "engineering", 8, "in_progress", "mobile"),
    ("Android SDK: battery budget", "engineering", 5, "planned", "mobile"),
    ("Feature store client in the scoring path", "engineering", 5, "planned", "backend"),
    ("Load test the scoring service at 5k rps", "engineering", 3, "planned", "backend"),
    ("GPU training jobs on the shared cluster", "engineering", 5, "planned", "mlops"),
    ("Model monitoring dashboards", "engineering", 3, "planned", "mlops"),
    ("Rotate service credentials automatically", "engineering", 2, "planned", "backend"),
    ("Retire the v1 scoring endpoint", "engineering", 2, "done", "backend"),
    ("SDK crash reporting", "engineering", 3, "done", "mobile"),
    ("Streaming ingestion of device events (Kafka)", "data", 8, "planned", "streaming"),
    ("Exactly-once sink to the feature store", "data", 8, "planned", "streaming;pipelines"),
    ("Backfill two years of sessions", "data", 5, "planned", "pipelines"),
    ("Data contracts for SDK event schemas", "data", 5, "planned", "pipelines"),
    ("Labelling tool for impostor sessions", "data", 5, "planned", "labeling"),
    ("Deduplicate enrolment data", "data", 3, "planned", "pipelines;labeling"),
    ("Partition the event lake by tenant", "data", 5, "planned", "pipelines"),
    ("Late-event handling in the session builder", "data", 5, "in_progress", "streaming"),
    ("PII scrubbing job for raw events", "data", 5, "planned", "pipelines"),
    ("Dataset versioning for training sets", "data", 3, "planned", "labeling;pipelines"),
    ("Nightly feature pipeline on Airflow", "data", 5, "planned", "pipelines"),
    ("Data quality checks with alerts", "data", 3, "planned", "pipelines"),
    ("Consumer lag alerts", "data", 2, "planned", "streaming"),
    ("Replay tool for incident analysis", "data", 5, "planned", "streaming"),
    ("Golden evaluation set v2", "data", 5, "planned", "labeling"),
    ("Warehouse cost review", "data", 2, "done", "pipelines"),
    ("Schema registry rollout", "data", 3, "done", "streaming"),
    ("Tenant-level usage export", "data", 3, "planned", "pipelines"),
    ("Sessionisation of web events", "data", 5, "planned", "streaming;pipelines"),
]

USERS = [
    ("admin@example.com", "Alex Admin", ["admin"]),
    ("manager@example.com", "Maria Manager", ["hiring_manager"]),
    ("interviewer@example.com", "Ivan Interviewer", ["interviewer"]),
    ("interviewer2@example.com", "Irene Interviewer", ["interviewer"]),
    ("interviewer3@example.com", "Igor Interviewer", ["interviewer"]),
    ("leader@example.com", "Lena Leader", ["leadership"]),
]

# name, status, cards as (research, engineering, data) per interviewer, None = not assessed;
# a card marked "draft" counts for nothing until it is submitted.
# An interviewer's card: research, engineering and data levels (None: not rated), or a draft.
Card = tuple[int, int, int | None] | Literal["draft"]
CANDIDATES: list[tuple[str, str, list[Card]]] = [
    ("Nadia Petrova", "interviewing", [(1, 2, 3), (1, 2, 4), (2, 2, 3)]),
    ("Ravi Shankar", "interviewing", [(4, 2, 0), (4, 3, 0), (3, 2, 1)]),
    ("Chloé Martin", "interviewing", [(1, 3, 1), (1, 4, 1), (2, 3, 1)]),
    ("Samuel Osei", "interviewing", [(2, 2, 2), (2, 2, 2), (2, 3, 2)]),
    ("Yuki Tanaka", "offer", [(1, 1, 4), (1, 2, 4), (0, 1, 4)]),
    ("Elena García", "interviewing", [(3, 2, 2), (3, 1, 2), (4, 2, 2)]),
    ("Marcus Webb", "interviewing", [(2, 3, None), (2, 3, None)]),
    ("Aisha Bello", "applied", [(1, 2, 3), (2, 2, 2), "draft"]),
]
RECOMMENDATION_BY_BEST: dict[int, Recommendation] = {
    4: "strong_yes",
    3: "yes",
    2: "no",
    1: "strong_no",
    0: "strong_no",
}


# The areas each demo interviewer covers on the panel (their scorecard opens on them).
FOCUS = {
    "interviewer@example.com": ["research"],
    "interviewer2@example.com": ["engineering"],
    "interviewer3@example.com": ["data", "engineering"],
}


def _interview_day(calendar: Calendar, index: int, *, done: bool) -> date:
    """A weekday two weeks ago for an interview whose card is written, one next week for a
    card still owed, so "cards to write" has dates to sort by."""
    week = -2 if done else 1
    return calendar.monday(week) + timedelta(days=index % 5)


def _slug(name: str) -> str:
    return name.lower().replace("á", "a").replace(" ", ".")


def load_demo(*, session: Session, password: str) -> list[tuple[str, str]] | None:
    """Fill an empty database; None (and nothing written) when it already has a team or users."""
    has_members = session.exec(select(func.count()).select_from(Member)).one()
    has_users = session.exec(select(func.count()).select_from(User)).one()
    if has_members or has_users:
        return None
    _create_skills(session)
    for name, title, fte, (research, engineering, data), ratings in TEAM:
        levels = {"research": research, "engineering": engineering, "data": data}
        member = MemberCreate(
            name=name,
            email=f"{_slug(name)}@example.com",
            title=title,
            fte=fte,
            levels=levels,
            skills=ratings,
        )
        members.add_member(member, session=session, actor="demo")
    for title, area, points, status, skill_keys in WORK:
        item = WorkItemCreate(
            title=title,
            area=area,
            points=points,
            status=status,
            skills=skill_keys.split(";"),
            assignee=OWNERS.get(area) if status == "in_progress" else None,
        )
        work.add_work_item(item, session=session)
    session.commit()
    _backdate(session, weeks=6)
    for title, area, points, skill_keys in EPICS:
        item = WorkItemCreate(title=title, area=area, points=points, skills=skill_keys.split(";"))
        work.add_work_item(item, session=session)
    session.commit()
    _backdate(session, weeks=3)
    calendar = current_calendar(session=session)
    _set_calendar(session, calendar)
    _load_hiring(session, _create_users(session, password), calendar)
    return [(email, ", ".join(roles)) for email, _, roles in USERS]


def _backdate(session: Session, weeks: int) -> None:
    """Date what was just recorded `weeks` ago, so the report's history has a story: the team
    and this quarter's tickets six weeks ago, the next quarter's three weeks ago, the leave
    and departures today (the demo's only invented past)."""
    now = utcnow()
    then = now - timedelta(weeks=weeks)
    recent = now - timedelta(hours=1)
    session.exec(update(InputChange).where(col(InputChange.at) >= recent).values(at=then))
    session.exec(
        update(RatingChange).where(col(RatingChange.changed_at) >= recent).values(changed_at=then)
    )
    session.commit()


def _set_calendar(session: Session, calendar: Calendar) -> None:
    """Leave, a departure, a newcomer and the holidays, relative to the plan start."""
    by_name = {m.name: m for m in session.exec(select(Member)).all()}
    name, first, last = PARENTAL_LEAVE
    add_absence(
        by_name[name].id or 0,
        AbsenceCreate(
            start=calendar.monday(first),
            end=calendar.monday(last) - timedelta(days=3),
            note="Parental leave",
        ),
        session=session,
    )
    name, week = LEAVING
    last_day = calendar.monday(week) - timedelta(days=3)
    members.update_member(
        by_name[name].id or 0, MemberUpdate(end_date=last_day), session=session, actor="demo"
    )
    name, week = NEWCOMER
    members.update_member(
        by_name[name].id or 0,
        MemberUpdate(start_date=calendar.monday(week)),
        session=session,
        actor="demo",
    )
    start = calendar.plan_start
    days = []
    for month, day in HOLIDAYS:
        when = date(start.year, month, day)
        days.append(when if when >= start else date(start.year + 1, month, day))
    update_settings(session=session, holidays=sorted(days))


def _create_skills(session: Session) -> None:
    for area, area_skills in SKILLS.items():
        for key, name in area_skills:
            create_skill(area, key, name, session=session)


def _create_users(session: Session, password: str) -> dict[str, CurrentUser]:
    """One user per role (the README's logins), as the services see them, by email."""
    users = [
        accounts.create_user(email, name, roles, password, session=session)
        for email, name, roles in USERS
    ]
    return {u.email: _viewer(u, session) for u in users}


def _viewer(user: User, session: Session) -> CurrentUser:
    return CurrentUser(
        id=user.id or 0,
        email=user.email,
        name=user.name,
        roles=accounts.roles_of(user.id or 0, session=session),
    )


def _load_hiring(session: Session, people: dict[str, CurrentUser], calendar: Calendar) -> None:
    """One opening for the data gap, eight candidates and cards from three interviewers."""
    manager = people["manager@example.com"]
    panel = ["interviewer@example.com", "interviewer2@example.com", "interviewer3@example.com"]
    opening = create_opening(
        OpeningCreate(
            title="Data engineer, streaming",
            description="Own the event pipeline from device to feature store. Strong in data "
            "engineering, at least basic in research and software engineering.",
            target_area="data",
            headcount=1,
            panel=panel,
            start_date=calendar.monday(OPENING_STARTS),
        ),
        viewer=manager,
        session=session,
    )
    for interviewer, areas in FOCUS.items():
        set_focus(opening.id, people[interviewer].id, areas, viewer=manager, session=session)
    for index, (name, status, cards) in enumerate(CANDIDATES):
        email = _slug(name).replace("é", "e").replace("í", "i") + "@candidates.example.org"
        weeks = AVAILABLE_FROM.get(name)
        available = None if weeks is None else calendar.monday(weeks)
        candidate = add_candidate(
            opening.id,
            CandidateCreate(name=name, email=email, available_from=available),
            viewer=manager,
            session=session,
        )
        for interviewer, card in zip(panel, cards, strict=False):
            submit = card != "draft"
            levels = (2, 2, 2) if card == "draft" else card
            ratings = dict(zip(("research", "engineering", "data"), levels, strict=True))
            best = max(level or 0 for level in levels)
            card_in = ScorecardIn(
                ratings=ratings,
                recommendation=RECOMMENDATION_BY_BEST[best] if submit else None,
                notes=f"Interview notes on {name.split()[0]}: strongest in "
                f"{max(ratings, key=lambda k: ratings[k] or 0)}.",
                submit=submit,
            )
            save_card(candidate.id or 0, card_in, viewer=people[interviewer], session=session)
        schedule_interviews(
            candidate.id or 0,
            {
                people[interviewer].id: _interview_day(
                    calendar, index, done=seat < len(cards) and cards[seat] != "draft"
                )
                for seat, interviewer in enumerate(panel)
            },
            viewer=manager,
            session=session,
        )
        if status != "applied":
            set_status(
                candidate.id or 0,
                status,
                viewer=manager,
                session=session,
                note="Moved on after the first interviews." if status == "offer" else "",
            )


# ---------------------------------------------------------------------------------------------
# The synthetic organisation of `demo --scale N`.

WORK_PER_MEMBER = 20
CANDIDATES_PER_MEMBER = 10
PANEL = ["interviewer@example.com", "interviewer2@example.com", "interviewer3@example.com"]
SCALED_OPENING = "Data engineer, streaming (synthetic organisation)"

# Which area people are strongest in, and where the planned points are: deliberately uneven, so
# that the weakest area is data engineering, as in the small demo. Areas not named weigh 1.
STRENGTH_WEIGHTS = {"research": 0.25, "engineering": 0.5, "data": 0.25}
DEMAND_WEIGHTS = {"research": 0.2, "engineering": 0.35, "data": 0.45}
APPLICANT_WEIGHTS = {"research": 0.3, "engineering": 0.35, "data": 0.35}
# (values, weights): the level of one's strongest area, of the others, and how far one
# interviewer's rating strays from the candidate's true profile.
STRONGEST_LEVEL = ((2, 3, 4), (0.15, 0.6, 0.25))
OTHER_LEVEL = ((0, 1, 2, 3), (0.07, 0.5, 0.39, 0.04))
APPLICANT_STRONGEST = ((2, 3, 4), (0.25, 0.5, 0.25))
APPLICANT_OTHER = ((0, 1, 2, 3), (0.1, 0.45, 0.4, 0.05))
CARD_SCATTER = ((-1, 0, 1), (0.2, 0.6, 0.2))
NOT_ASSESSED_SHARE = 0.02
FTE = ((1.0, 0.8, 0.5), (0.85, 0.1, 0.05))
LEFT_SHARE = 0.02
POINTS = ((1, 2, 3, 5, 8), (0.15, 0.25, 0.3, 0.2, 0.1))
WORK_STATUS = (("planned", "in_progress", "done"), (0.8, 0.12, 0.08))
CANDIDATE_STATUS = (("applied", "interviewing", "offer", "rejected"), (0.03, 0.8, 0.02, 0.15))

FIRST_NAMES = (
    "Ada Aisha Akira Alex Amara Ana Arjun Ben Bruno Chen Chloé Dana Diego Elena Emeka Eva Farah "
    "Felix Grace Hana Hugo Ines Ivan Jamal Jin Julia Kai Kenji Lara Leo Lina Luca Maya Mei Nadia "
    "Nikolai Noah Olga Omar Priya Rafael Rosa Sami Sara Tariq Tomás Uma Vera Wei Yara Zoe"
).split()
LAST_NAMES = (
    "Abe Adeyemi Alvarez Bauer Becker Chen Costa Dubois Eriksen Fischer García Gupta Haddad Ito "
    "Jensen Kim Kowalski Larsen Lopez Martin Meyer Mensah Novak Okafor Park Patel Petrov Quinn "
    "Rossi Sato Schmidt Silva Singh Tanaka Torres Ueda Varga Wagner Walsh Wong Yilmaz Zhang"
).split()
TITLES = {
    "research": ("ML researcher", "Research scientist", "Applied scientist"),
    "engineering": ("ML engineer", "Backend engineer", "Platform engineer", "Mobile engineer"),
    "data": ("Data engineer", "Analytics engineer", "Data platform engineer"),
}
TASKS = {
    "research": (
        ("Evaluate", "Ablate", "Prototype", "Calibrate", "Benchmark", "Write up"),
        ("the gait model", "few-shot enrolment", "drift detection", "the noise model", "EER"),
    ),
    "engineering": (
        ("Build", "Harden", "Load test", "Refactor", "Roll out", "Monitor"),
        ("the scoring API", "the model registry", "the iOS SDK", "canary deploys", "GPU jobs"),
    ),
    "data": (
        ("Backfill", "Partition", "Deduplicate", "Stream", "Validate", "Version"),
        ("device events", "the session builder", "the feature store", "labelled sets", "PII"),
    ),
}


@dataclass(frozen=True)
class ScaleCounts:
    """What one call of `grow_organisation` added."""

    members: int
    work_items: int
    candidates: int
    scorecards: int
    ratings: int


def load_scaled_demo(
    *, session: Session, password: str, scale: int, seed: int = 6
) -> list[tuple[str, str]] | None:
    """Fill an empty database with the demo users and a synthetic organisation of `scale`
    members; None (and nothing written) when it already has a team or users."""
    has_members = session.exec(select(func.count()).select_from(Member)).one()
    has_users = session.exec(select(func.count()).select_from(User)).one()
    if has_members or has_users:
        return None
    _create_skills(session)
    people = _create_users(session, password)
    manager = people["manager@example.com"]
    opening = create_opening(
        OpeningCreate(
            title=SCALED_OPENING,
            description="A synthetic organisation for trying the service at scale.",
            target_area="data",
            headcount=3,
            panel=PANEL,
        ),
        viewer=manager,
        session=session,
    )
    grow_organisation(
        session=session,
        scale=scale,
        opening_id=opening.id,
        manager_id=manager.id,
        interviewer_ids=[people[email].id for email in PANEL],
        seed=seed,
    )
    return [(email, ", ".join(roles)) for email, _, roles in USERS]


def grow_organisation(
    *,
    session: Session,
    scale: int,
    opening_id: int,
    manager_id: int,
    interviewer_ids: Sequence[int],
    seed: int = 6,
) -> ScaleCounts:
    """Add `scale` members, 20x as many work items and 10x as many candidates of the opening,
    each with a submitted card from every interviewer, and commit once.

    Emails continue after the rows already there, so calling it again grows the same
    organisation (the query-count tests compare two sizes this way). Rows are written with
    bulk Core inserts of plain dicts: ORM objects one by one would take minutes at N=1000.
    """
    rng = random.Random(seed * 1_000_003 + scale)
    now = utcnow()
    connection = session.connection()
    areas = [a.key for a in list_areas(session=session)]
    area_ids = {a.key: a.id or 0 for a in list_areas(session=session)}
    skills_by_area: dict[str, list[int]] = {key: [] for key in areas}
    for skill in list_skills(session=session):
        area_key = next(k for k, i in area_ids.items() if i == skill.area_id)
        skills_by_area[area_key].append(skill.id or 0)
    first_member = session.exec(select(func.count()).select_from(Member)).one() + 1
    first_candidate = (
        session.exec(
            select(func.count()).select_from(Candidate).where(Candidate.opening_id == opening_id)
        ).one()
        + 1
    )
    member_ids = _add_members(
        connection, rng, now, scale, first_member, areas, area_ids, skills_by_area
    )
    _add_calendar(connection, rng, member_ids, current_calendar(session=session))
    work_count = WORK_PER_MEMBER * scale
    owners = _owners(connection, member_ids, areas, area_ids, current_calendar(session=session))
    items = _add_work(connection, rng, now, work_count, areas, area_ids, skills_by_area, owners)
    cards, ratings = _add_candidates(
        connection,
        rng,
        now,
        CANDIDATES_PER_MEMBER * scale,
        first_candidate,
        opening_id,
        manager_id,
        list(interviewer_ids),
        areas,
        area_ids,
    )
    counts = ScaleCounts(
        members=len(member_ids),
        work_items=items,
        candidates=CANDIDATES_PER_MEMBER * scale,
        scorecards=cards,
        ratings=ratings,
    )
    _insert(
        connection,
        AuditEntry,
        [
            {
                "at": now,
                "actor_id": manager_id,
                "actor_email": "demo",
                "action": "demo.generate",
                "subject_type": "opening",
                "subject_id": opening_id,
                "details": f"synthetic organisation, scale {scale}: {counts}",
            }
        ],
    )
    session.commit()
    record_missing(session=session)  # the bulk inserts bypass the history's listener
    session.commit()
    return counts


# A tenth of the members live in calendar time: newcomers still ramping up or about to start,
# people leaving, people on leave (the benchmarks' "10% with dates or absences").
DATED_SHARE = 0.1
# Of the work in progress, the share someone has (the rest is in progress with nobody named).
ASSIGNED_SHARE = 0.8


def _add_calendar(
    connection: Connection, rng: random.Random, member_ids: Sequence[int], calendar: Calendar
) -> None:
    """Dates and absences for a tenth of the members, relative to the plan start."""
    table = _table(Member)
    absences = []
    for member_id in member_ids:
        if rng.random() >= DATED_SHARE:
            continue
        kind = rng.choice(("starts", "leaves", "away"))
        if kind == "starts":
            start = calendar.monday(rng.randrange(-10, 9)) + timedelta(days=rng.randrange(5))
            connection.execute(
                table.update().where(table.c.id == member_id).values(start_date=start)
            )
        elif kind == "leaves":
            end = calendar.monday(rng.randrange(2, 30)) + timedelta(days=rng.randrange(5))
            connection.execute(table.update().where(table.c.id == member_id).values(end_date=end))
        else:
            first = calendar.monday(rng.randrange(0, 20)) + timedelta(days=rng.randrange(5))
            last = first + timedelta(days=rng.randrange(0, 21))
            absences.append({"member_id": member_id, "start": first, "end": last, "note": "Leave"})
    _insert(connection, Absence, absences)


def _table(model: Any) -> Table:
    return model.__table__


def _insert(connection: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """One executemany of plain dicts (SQLAlchemy batches them into multi-row INSERTs)."""
    if rows:
        connection.execute(insert(_table(model)), rows)


def _insert_ids(connection: Connection, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert plain dicts and return their new ids in the order given."""
    if not rows:
        return []
    table = _table(model)
    query = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [row[0] for row in connection.execute(query, rows)]


def _pick(rng: random.Random, values_weights: tuple[tuple[Any, ...], tuple[float, ...]]) -> Any:
    values, weights = values_weights
    return rng.choices(values, weights)[0]


def _weighted_area(rng: random.Random, areas: list[str], weights: Mapping[str, float]) -> str:
    return rng.choices(areas, [weights.get(key, 1.0) for key in areas])[0]


def _profile(
    rng: random.Random,
    areas: list[str],
    weights: Mapping[str, float],
    strongest: tuple[tuple[Any, ...], tuple[float, ...]],
    other: tuple[tuple[Any, ...], tuple[float, ...]],
) -> tuple[str, dict[str, int]]:
    """One strong area, the others mostly basic or working."""
    best = _weighted_area(rng, areas, weights)
    return best, {key: _pick(rng, strongest if key == best else other) for key in areas}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _email_part(name: str) -> str:
    table = str.maketrans("áéíóú", "aeiou")
    return name.lower().translate(table).replace(" ", ".")


def _add_members(
    connection: Connection,
    rng: random.Random,
    now: datetime,
    count: int,
    first: int,
    areas: list[str],
    area_ids: Mapping[str, int],
    skills_by_area: Mapping[str, list[int]],
) -> list[int]:
    rows, profiles = [], []
    for n in range(first, first + count):
        name = _name(rng)
        best, levels = _profile(rng, areas, STRENGTH_WEIGHTS, STRONGEST_LEVEL, OTHER_LEVEL)
        title = rng.choice(TITLES.get(best, ("Engineer",)))
        left = rng.random() < LEFT_SHARE
        created = now - timedelta(days=rng.randrange(30, 1500))
        rows.append(
            {
                "name": name,
                "email": f"{_email_part(name)}.{n}@example.com",
                "title": ("Senior " if levels[best] == 4 else "") + title,
                "fte": _pick(rng, FTE),
                "left_at": now - timedelta(days=rng.randrange(1, 30)) if left else None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        profiles.append((best, levels))
    ids = _insert_ids(connection, Member, rows)
    level_rows, skill_rows, history = [], [], []
    for member_id, (best, levels), row in zip(ids, profiles, rows, strict=True):
        # Every history row names the same columns (one executemany): an area or a skill.
        stamp = {"member_id": member_id, "old_level": 0, "changed_by": "demo"}
        stamp["changed_at"] = row["created_at"]
        for key, level in levels.items():
            if level == 0:
                continue  # level 0 is stored as no row (team.members._store)
            level_rows.append({"member_id": member_id, "area_id": area_ids[key], "level": level})
            history.append({"area_id": area_ids[key], "skill_id": None, "new_level": level} | stamp)
            for skill_id in skills_by_area[key]:
                if rng.random() < (0.8 if key == best else 0.3):
                    skill = min(4, max(1, level + _pick(rng, CARD_SCATTER)))
                    skill_rows.append(
                        {"member_id": member_id, "skill_id": skill_id, "level": skill}
                    )
                    history.append(
                        {"area_id": None, "skill_id": skill_id, "new_level": skill} | stamp
                    )
    _insert(connection, MemberLevel, level_rows)
    _insert(connection, MemberSkill, skill_rows)
    _insert(connection, RatingChange, history)
    return ids


def _add_work(
    connection: Connection,
    rng: random.Random,
    now: datetime,
    count: int,
    areas: list[str],
    area_ids: Mapping[str, int],
    skills_by_area: Mapping[str, list[int]],
    owners: Mapping[str, list[int]],
) -> int:
    rows, item_areas = [], []
    for n in range(count):
        area = _weighted_area(rng, areas, DEMAND_WEIGHTS)
        verbs, objects = TASKS.get(area, (("Work on",), (area,)))
        created = now - timedelta(minutes=rng.randrange(1, 200_000))
        status = _pick(rng, WORK_STATUS)
        # work in progress is mostly someone's, one of the people strongest in its area
        busy = status == "in_progress" and owners.get(area) and rng.random() < ASSIGNED_SHARE
        rows.append(
            {
                "title": f"{rng.choice(verbs)} {rng.choice(objects)} ({n + 1})",
                "area_id": area_ids[area],
                "points": float(_pick(rng, POINTS)),
                "status": status,
                "assignee_id": rng.choice(owners[area]) if busy else None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        item_areas.append(area)
    ids = _insert_ids(connection, WorkItem, rows)
    links = []
    for item_id, area in zip(ids, item_areas, strict=True):
        pool = skills_by_area[area]
        if pool:
            for skill_id in rng.sample(pool, min(len(pool), rng.choices((1, 2), (0.7, 0.3))[0])):
                links.append({"work_item_id": item_id, "skill_id": skill_id})
    _insert(connection, WorkItemSkill, links)
    return len(ids)


def _owners(
    connection: Connection,
    member_ids: Sequence[int],
    areas: list[str],
    area_ids: Mapping[str, int],
    calendar: Calendar,
) -> dict[str, list[int]]:
    """Per area, the members just added who are strongest in it and on the team now (not
    left, started, not gone): who would have its work in progress."""
    members, levels = _table(Member), _table(MemberLevel)
    here = set(member_ids)
    present = {
        row.id
        for row in connection.execute(
            sa_select(members.c.id, members.c.left_at, members.c.start_date, members.c.end_date)
        )
        if row.id in here
        and row.left_at is None
        and (row.start_date is None or row.start_date < calendar.plan_start)
        and (row.end_date is None or row.end_date >= calendar.plan_start)
    }
    best: dict[int, tuple[int, str]] = {}
    key_of = {area_id: key for key, area_id in area_ids.items()}
    for row in connection.execute(sa_select(levels.c.member_id, levels.c.area_id, levels.c.level)):
        if row.member_id in present and row.area_id in key_of:
            known = best.get(row.member_id)
            if known is None or row.level > known[0]:
                best[row.member_id] = (row.level, key_of[row.area_id])
    result: dict[str, list[int]] = {a: [] for a in areas}
    for member_id in sorted(best):
        result[best[member_id][1]].append(member_id)
    return result


def _add_candidates(
    connection: Connection,
    rng: random.Random,
    now: datetime,
    count: int,
    first: int,
    opening_id: int,
    manager_id: int,
    interviewer_ids: list[int],
    areas: list[str],
    area_ids: Mapping[str, int],
) -> tuple[int, int]:
    """Candidates with a true profile; each interviewer rates each area within one level of it
    (now and then not at all), so their medians and verdicts vary as real panels' do."""
    rows, profiles = [], []
    for n in range(first, first + count):
        name = _name(rng)
        created = now - timedelta(minutes=rng.randrange(600, 100_000))
        rows.append(
            {
                "opening_id": opening_id,
                "name": name,
                "email": f"{_email_part(name)}.{n}@candidates.example.org",
                "status": _pick(rng, CANDIDATE_STATUS),
                "member_id": None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
        )
        profiles.append(
            _profile(rng, areas, APPLICANT_WEIGHTS, APPLICANT_STRONGEST, APPLICANT_OTHER)[1]
        )
    ids = _insert_ids(connection, Candidate, rows)
    changes, cards, card_levels = [], [], []
    for candidate_id, row, profile in zip(ids, rows, profiles, strict=True):
        created = row["created_at"]
        changes.append(
            {
                "candidate_id": candidate_id,
                "old_status": None,
                "new_status": "applied",
                "note": "",
                "changed_by_id": manager_id,
                "changed_at": created,
            }
        )
        for seat, interviewer_id in enumerate(interviewer_ids):
            levels: dict[str, int | None] = {
                key: None
                if rng.random() < NOT_ASSESSED_SHARE
                else min(4, max(0, level + _pick(rng, CARD_SCATTER)))
                for key, level in profile.items()
            }
            best = max((v for v in levels.values() if v is not None), default=0)
            strongest = max(levels, key=lambda k: levels[k] or 0)
            submitted = created + timedelta(hours=2 + 24 * seat, minutes=rng.randrange(60))
            cards.append(
                {
                    "candidate_id": candidate_id,
                    "interviewer_id": interviewer_id,
                    "revision": 1,
                    "recommendation": RECOMMENDATION_BY_BEST[best],
                    "notes": f"Interview notes on {row['name'].split()[0]}: strongest in "
                    f"{strongest}.",
                    "submitted_at": submitted,
                    "created_at": submitted - timedelta(minutes=45),
                    "updated_at": submitted,
                }
            )
            card_levels.append(levels)
        if row["status"] != "applied":
            changes.append(
                {
                    "candidate_id": candidate_id,
                    "old_status": "applied",
                    "new_status": row["status"],
                    "note": "",
                    "changed_by_id": manager_id,
                    "changed_at": created + timedelta(days=4),
                }
            )
    _insert(connection, StatusChange, changes)
    card_ids = _insert_ids(connection, Scorecard, cards)
    ratings = [
        {"scorecard_id": card_id, "area_id": area_ids[key], "level": level}
        for card_id, levels in zip(card_ids, card_levels, strict=True)
        for key, level in levels.items()
    ]
    _insert(connection, ScorecardRating, ratings)
    return len(card_ids), len(ratings)
