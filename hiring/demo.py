"""A realistic demo: a 12-person ML team, its skills, 40 planned tickets and one user per role.

The team is built so the reports have something to say: data engineering is the clear gap
(most of the planned points, few strong people) and research rests on one expert (a bus-factor
risk).
"""

from __future__ import annotations

from typing import Literal

from sqlmodel import Session, func, select

from hiring.accounts import service as accounts
from hiring.accounts.models import User
from hiring.accounts.service import CurrentUser
from hiring.openings.schemas import CandidateCreate, OpeningCreate, Recommendation, ScorecardIn
from hiring.openings.scorecards import save_card
from hiring.openings.service import add_candidate, create_opening, set_status
from team import members, work
from team.areas import create_skill
from team.models import Member
from team.schemas import MemberCreate, WorkItemCreate

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


def _slug(name: str) -> str:
    return name.lower().replace("á", "a").replace(" ", ".")


def load_demo(*, session: Session, password: str) -> list[tuple[str, str]] | None:
    """Fill an empty database; None (and nothing written) when it already has a team or users."""
    has_members = session.exec(select(func.count()).select_from(Member)).one()
    has_users = session.exec(select(func.count()).select_from(User)).one()
    if has_members or has_users:
        return None
    for area, area_skills in SKILLS.items():
        for key, name in area_skills:
            create_skill(area, key, name, session=session)
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
            title=title, area=area, points=points, status=status, skills=skill_keys.split(";")
        )
        work.add_work_item(item, session=session)
    session.commit()
    users = [
        accounts.create_user(email, name, roles, password, session=session)
        for email, name, roles in USERS
    ]
    _load_hiring(session, {u.email: _viewer(u, session) for u in users})
    return [(email, ", ".join(roles)) for email, _, roles in USERS]


def _viewer(user: User, session: Session) -> CurrentUser:
    return CurrentUser(
        id=user.id or 0,
        email=user.email,
        name=user.name,
        roles=accounts.roles_of(user.id or 0, session=session),
    )


def _load_hiring(session: Session, people: dict[str, CurrentUser]) -> None:
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
        ),
        viewer=manager,
        session=session,
    )
    for name, status, cards in CANDIDATES:
        email = _slug(name).replace("é", "e").replace("í", "i") + "@candidates.example.org"
        candidate = add_candidate(
            opening.id, CandidateCreate(name=name, email=email), viewer=manager, session=session
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
        if status != "applied":
            set_status(
                candidate.id or 0,
                status,
                viewer=manager,
                session=session,
                note="Moved on after the first interviews." if status == "offer" else "",
            )
