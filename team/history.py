"""How the forecast moved: every change to its inputs recorded, and any past day rebuilt.

Recording happens in one place, whatever path wrote the change (a page, the API, a CSV import):
a listener on every ORM flush notes the new state of each work item, member, absence, holiday
and the settings it touched (`InputChange`; None: removed). Levels have kept their own history
all along (`RatingChange`). Bulk Core inserts bypass the listener, so whoever writes that way
(the demo) calls `record_missing` after.

`forecast_history` replays the records day by day (UTC) and, for each day on which an input
changed, forecasts the planned work as it stood at the end of that day with that day's plan
start (the setting then, else the Monday of that day's week), so that a past point shows what
the report said that day; each point also says, in words, what changed that day.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy import select as sa_select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col, select

from team.bulk import insert_rows
from team.calendar import Calendar, Person, finish_date, monday_of
from team.calendar_forecast import team_weeks
from team.models import (
    Absence,
    Area,
    Holiday,
    InputChange,
    Member,
    MemberLevel,
    RatingChange,
    Settings,
    WorkItem,
    as_utc,
)

__all__ = [
    "DEFAULT_DAYS",
    "HistoryPoint",
    "change_days",
    "forecast_history",
    "record_missing",
    "record_states",
    "state_rows",
    "time_changed_since",
]

# What each recorded kind keeps: the fields the forecast reads (and a name to say what changed),
# and a work item's assignee, which the ticket plan reads (MODEL.md, "The ticket plan").
_FIELDS: dict[type, tuple[str, tuple[str, ...]]] = {
    WorkItem: ("work_item", ("title", "area_id", "points", "status", "assignee_id")),
    Member: ("member", ("name", "fte", "start_date", "end_date", "left_at")),
    Absence: ("absence", ("member_id", "start", "end", "note")),
    Holiday: ("holiday", ("day",)),
    Settings: (
        "settings",
        (
            "points_per_week",
            "velocity_0",
            "velocity_1",
            "velocity_2",
            "velocity_3",
            "velocity_4",
            "plan_start",
            "ramp_weeks",
            "ramp_start",
            "mentoring_fte",
            "mentoring_weeks",
            "notice_weeks",
            "horizon_weeks",
        ),
    ),
}


def _iso(value: object) -> Any:
    """Dates as ISO text, so states are plain JSON."""
    return value.isoformat()[:10] if isinstance(value, date | datetime) else value


def _state(obj: object) -> tuple[str, int | None, dict[str, Any]]:
    """The record of one object: its kind, its id (a holiday: its day's ordinal), its state."""
    kind, fields = _FIELDS[type(obj)]
    values = {name: getattr(obj, name) for name in fields}
    if kind == "member":
        values["left"] = values.pop("left_at") is not None
    if kind == "settings":
        values["velocities"] = [values.pop(f"velocity_{level}") for level in range(5)]
    subject = obj.day.toordinal() if isinstance(obj, Holiday) else obj.id  # type: ignore[attr-defined]
    return kind, subject, {name: _iso(value) for name, value in values.items()}


def _changed(obj: object) -> bool:
    """Whether a flush changes a field the forecast reads (not only updated_at or version)."""
    attributes = inspect(obj).attrs
    return any(attributes[name].history.has_changes() for name in _FIELDS[type(obj)][1])


@event.listens_for(OrmSession, "after_flush")
def _record(session: OrmSession, _context: object) -> None:
    """Note the new state of every tracked object this flush added, changed or removed."""
    now = datetime.now(UTC)
    rows = []
    for obj in session.new:
        if type(obj) in _FIELDS:
            kind, subject, state = _state(obj)
            rows.append({"at": now, "kind": kind, "subject_id": subject, "state": state})
    for obj in session.dirty:
        if type(obj) in _FIELDS and _changed(obj):
            kind, subject, state = _state(obj)
            rows.append({"at": now, "kind": kind, "subject_id": subject, "state": state})
    for obj in session.deleted:
        if type(obj) in _FIELDS:
            kind, subject, _ = _state(obj)
            rows.append({"at": now, "kind": kind, "subject_id": subject, "state": None})
    if rows:
        session.connection().execute(insert(InputChange), rows)


def change_days(*, session: Session) -> int:
    """How many days of history there are: days on which an input changed, from the first
    recorded one."""
    records = session.exec(select(col(InputChange.at))).all()
    if not records:
        return 0
    first = min(as_utc(at) for at in records).date()
    ratings = session.exec(
        select(col(RatingChange.changed_at)).where(col(RatingChange.area_id).is_not(None))
    ).all()
    return len({as_utc(at).date() for at in [*records, *ratings] if as_utc(at).date() >= first})


def record_missing(*, session: Session) -> int:
    """Record the state of every tracked row that has no record yet (rows written by bulk
    Core inserts), dated now: history begins when recording does; returns how many."""
    seen = {
        (kind, subject)
        for kind, subject in session.exec(select(InputChange.kind, InputChange.subject_id)).all()
    }
    rows = []
    now = datetime.now(UTC)
    for model in (WorkItem, Member, Absence, Holiday, Settings):
        for obj in session.exec(select(model)).all():
            kind, subject, state = _state(obj)
            if (kind, subject) not in seen:
                rows.append({"at": now, "kind": kind, "subject_id": subject, "state": state})
    if rows:
        session.connection().execute(insert(InputChange), rows)
    return len(rows)


def record_states(
    kind: str, states: Iterable[tuple[int, Mapping[str, Any] | None]], *, session: Session
) -> int:
    """Record rows written by bulk Core statements, which the flush listener does not see:
    `(id, {field: value})` for each row as it now stands (None: removed), with exactly the
    fields `_state` stores for `kind` (a mismatch is a programming error, caught at once).
    Returns how many were recorded; they are dated now, like the listener's."""
    rows = state_rows(kind, states)
    insert_rows(InputChange.__table__, rows, session=session)  # type: ignore[attr-defined]
    return len(rows)


def state_rows(
    kind: str, states: Iterable[tuple[int, Mapping[str, Any] | None]]
) -> list[dict[str, Any]]:
    """The `InputChange` rows `record_states` inserts, for a caller that inserts them itself
    (`team.bulk.Batch`)."""
    fields = set(next(fields for k, fields in _FIELDS.values() if k == kind))
    if kind == "member":  # as `_state` stores them
        fields = (fields - {"left_at"}) | {"left"}
    if kind == "settings":
        fields = {f for f in fields if not f.startswith("velocity_")} | {"velocities"}
    now = datetime.now(UTC)
    rows = []
    for subject, state in states:
        if state is not None and set(state) != fields:
            raise ValueError(f"a {kind} state has {sorted(state)}, not {sorted(fields)}")
        values = None if state is None else {k: _iso(v) for k, v in state.items()}
        rows.append({"at": now, "kind": kind, "subject_id": subject, "state": values})
    return rows


# What a member's time on the team rests on (besides their absences): a change to their name
# or title is no change to their time.
_TIME_FIELDS = ("fte", "start_date", "end_date", "left")
_TIME_KINDS = ("member", "absence")
# Subjects looked up per query (well under any database's limit on bound parameters).
_CHUNK = 1000


def time_changed_since(at: datetime, *, session: Session) -> set[int]:
    """The ids of the members whose time on the team changed after `at` (as stored, e.g. a
    published plan's `published_at`): their fte, start or end date, being marked as left, or
    one of their absences added, moved or removed, or a level of theirs (which sizes their
    tickets); a member added since counts too.

    The state at `at` is compared with the state now, so a change undone since is no change.
    Two queries, plus one per thousand records changed since (their states before `at`).
    """
    connection = session.connection()
    after = connection.execute(
        sa_select(col(InputChange.kind), col(InputChange.subject_id), col(InputChange.state))
        .where(col(InputChange.kind).in_(_TIME_KINDS), col(InputChange.at) > at)
        .order_by(col(InputChange.at), col(InputChange.id))
    ).all()
    now: dict[tuple[str, int | None], dict[str, Any] | None] = {}
    for kind, subject, state in after:
        now[(kind, subject)] = state
    then: dict[tuple[str, int | None], dict[str, Any] | None] = {}
    for kind in _TIME_KINDS:
        subjects = sorted(s for k, s in now if k == kind and s is not None)
        for start in range(0, len(subjects), _CHUNK):
            for subject, state in connection.execute(
                sa_select(col(InputChange.subject_id), col(InputChange.state))
                .where(
                    col(InputChange.kind) == kind,
                    col(InputChange.at) <= at,
                    col(InputChange.subject_id).in_(subjects[start : start + _CHUNK]),
                )
                .order_by(col(InputChange.at), col(InputChange.id))
            ):
                then[(kind, subject)] = state
    # a member's levels (their speed) count too: the plan sizes their tickets by them
    changed: set[int] = {
        member_id
        for (member_id,) in connection.execute(
            sa_select(col(RatingChange.member_id)).where(
                col(RatingChange.changed_at) > at,
                col(RatingChange.area_id).is_not(None),
            )
        )
    }
    for (kind, subject), state in now.items():
        before = then.get((kind, subject))
        if kind == "member":
            if _time_of(before, _TIME_FIELDS) != _time_of(state, _TIME_FIELDS):
                changed.add(subject or 0)
            continue
        fields = ("member_id", "start", "end")
        if _time_of(before, fields) != _time_of(state, fields):
            changed |= {s["member_id"] for s in (before, state) if s is not None}
    return changed


def _time_of(state: Mapping[str, Any] | None, fields: Sequence[str]) -> tuple[Any, ...] | None:
    return None if state is None else tuple(state.get(name) for name in fields)


@dataclass(frozen=True)
class HistoryPoint:
    """The forecast as it stood at the end of `day` (None weeks: it could not be finished),
    and what changed that day, in words."""

    day: date
    plan_start: date
    forecast_weeks: float | None
    finish_date: date | None
    changes: tuple[str, ...]


@dataclass
class _Inputs:
    """Everything the forecast read, as it stood at some moment."""

    states: dict[str, dict[int | None, dict[str, Any]]]
    levels: dict[tuple[int, int], int]

    def of(self, kind: str) -> dict[int | None, dict[str, Any]]:
        """The records of one kind, by subject (not a copy: read only)."""
        return self.states.get(kind, {})

    def copy(self) -> _Inputs:
        """A snapshot: states are replaced, never changed in place, so shallow copies do."""
        return _Inputs({k: dict(v) for k, v in self.states.items()}, dict(self.levels))


# Each point is a forecast of its own: a page asks for the most recent days only.
DEFAULT_DAYS = 50


def forecast_history(*, session: Session, days: int | None = None) -> list[HistoryPoint]:
    """One point per day (UTC) on which an input changed, oldest first, from the first
    recorded day (history begins with migration 0010); with `days`, the last that many
    (every record is still replayed, so those days' inputs are whole)."""
    # More columns than SQLModel's typed `select` takes, so Core selects.
    connection = session.connection()
    records = connection.execute(
        sa_select(
            col(InputChange.at),
            col(InputChange.kind),
            col(InputChange.subject_id),
            col(InputChange.state),
            col(InputChange.id),
        ).order_by(col(InputChange.at), col(InputChange.id))
    ).all()
    if not records:
        return []
    ratings = connection.execute(
        sa_select(
            col(RatingChange.changed_at),
            col(RatingChange.member_id),
            col(RatingChange.area_id),
            col(RatingChange.old_level),
            col(RatingChange.new_level),
            col(RatingChange.id),
        )
        .where(col(RatingChange.area_id).is_not(None))
        .order_by(col(RatingChange.changed_at), col(RatingChange.id))
    ).all()
    areas = tuple(
        session.exec(select(Area.id, Area.key).order_by(col(Area.position), col(Area.id))).all()
    )
    inputs = _Inputs({}, _levels_before(ratings, session))
    where = str(connection.engine.url)
    events: list[tuple[datetime, int, tuple]] = [(r[0], 0, r) for r in records]
    events += [(r[0], 1, r) for r in ratings]
    events.sort(key=lambda e: (as_utc(e[0]), e[1]))
    first = as_utc(records[0][0]).date()
    changed = sorted({as_utc(e[0]).date() for e in events if as_utc(e[0]).date() >= first})
    shown = set(changed if days is None else changed[-days:] if days > 0 else [])
    points = []
    k = 0
    while k < len(events):
        day = as_utc(events[k][0]).date()
        before = inputs.copy() if day in shown else None
        while k < len(events) and as_utc(events[k][0]).date() == day:
            _apply(inputs, events[k][1], events[k][2])
            k += 1
        if before is not None:
            # A day's point depends only on the records up to its end: the same records (by
            # count, the last one's source, id and time) give the same point, so it is kept.
            source, last = events[k - 1][1], events[k - 1][2]
            key = (where, day, k, source, last[-1], as_utc(last[0]), areas)
            point = _POINTS.get(key)
            if point is None:
                if len(_POINTS) >= _POINTS_KEPT:
                    _POINTS.clear()
                point = _POINTS[key] = _point(day, inputs, before, areas)
            points.append(point)
    return points


# Points worked out before, in this process, by what they rest on (`forecast_history`).
_POINTS: dict[tuple[object, ...], HistoryPoint] = {}
_POINTS_KEPT = 20_000


def _levels_before(ratings: Sequence[tuple], session: Session) -> dict[tuple[int, int], int]:
    """Each member's area levels before the first recorded rating change: the old level of
    that change, or the current level where none is recorded."""
    levels = {
        (m, a): level
        for m, a, level in session.exec(
            select(MemberLevel.member_id, MemberLevel.area_id, MemberLevel.level)
        ).all()
    }
    seen: set[tuple[int, int]] = set()
    for _at, member_id, area_id, old, _new, _id in ratings:
        if (member_id, area_id) not in seen:
            seen.add((member_id, area_id))
            levels[(member_id, area_id)] = old or 0
    return levels


def _apply(inputs: _Inputs, source: int, record: tuple) -> None:
    if source == 0:
        _at, kind, subject, state, _id = record
        if state is None:
            inputs.states.get(kind, {}).pop(subject, None)
        else:
            inputs.states.setdefault(kind, {})[subject] = state
    else:
        _at, member_id, area_id, _old, new, _id = record
        inputs.levels[(member_id, area_id)] = new or 0


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _point(
    day: date, inputs: _Inputs, before: _Inputs, areas: Sequence[tuple[int | None, str]]
) -> HistoryPoint:
    """The forecast at the end of `day`, with that day's settings and plan start."""
    settings = next(iter(inputs.of("settings").values()), None) or {}
    plan_start = _day(settings.get("plan_start")) or monday_of(day)
    calendar = Calendar(
        plan_start=plan_start,
        holidays=frozenset(_day(s["day"]) for s in inputs.of("holiday").values()),  # type: ignore[misc]
        ramp_weeks=settings.get("ramp_weeks", 12),
        ramp_start=settings.get("ramp_start", 0.25),
        mentoring_fte=settings.get("mentoring_fte", 0.2),
        mentoring_weeks=settings.get("mentoring_weeks", 8),
        horizon_weeks=settings.get("horizon_weeks", 520),
    )
    key_of = {area_id: key for area_id, key in areas}
    demand = {key: 0.0 for _, key in areas}
    for item in inputs.of("work_item").values():
        if item["status"] != "done" and item["area_id"] in key_of:
            demand[key_of[item["area_id"]]] += float(item["points"])
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for absence in inputs.of("absence").values():
        away[absence["member_id"]].append((_day(absence["start"]), _day(absence["end"])))  # type: ignore[arg-type]
    team = [
        Person(
            id=member_id or 0,
            fte=float(m["fte"]),
            levels={
                key: float(inputs.levels.get((member_id or 0, area_id or 0), 0))
                for area_id, key in areas
            },
            start=_day(m.get("start_date")),
            end=_day(m.get("end_date")),
            absences=tuple(sorted(away.get(member_id or 0, ()))),
        )
        for member_id, m in sorted(inputs.of("member").items(), key=lambda kv: kv[0] or 0)
        if not m.get("left") and (m.get("end_date") is None or _day(m["end_date"]) >= plan_start)  # type: ignore[operator]
    ]
    velocities = tuple(settings.get("velocities", (0.10, 0.35, 0.65, 1.00, 1.30)))
    weeks = team_weeks(team, demand, calendar, velocities, settings.get("points_per_week", 5.0))
    finite = weeks != float("inf")
    return HistoryPoint(
        day=day,
        plan_start=plan_start,
        forecast_weeks=weeks if finite else None,
        finish_date=finish_date(weeks, calendar),
        changes=tuple(_what_changed(before, inputs)),
    )


def _what_changed(before: _Inputs, after: _Inputs) -> Iterable[str]:
    """What changed between two moments, in words, most telling first."""
    old_items, new_items = before.of("work_item"), after.of("work_item")
    added = [new_items[i] for i in new_items if i not in old_items]
    removed = [old_items[i] for i in old_items if i not in new_items]
    closed = [
        new_items[i]
        for i in new_items
        if i in old_items and old_items[i]["status"] != "done" and new_items[i]["status"] == "done"
    ]
    reopened = [
        new_items[i]
        for i in new_items
        if i in old_items and old_items[i]["status"] == "done" and new_items[i]["status"] != "done"
    ]
    resized = [
        new_items[i]
        for i in new_items
        if i in old_items
        and (old_items[i]["points"], old_items[i]["area_id"])
        != (new_items[i]["points"], new_items[i]["area_id"])
    ]
    # Records from before assignees were kept have none, which reads as nobody.
    reassigned = [
        new_items[i]
        for i in new_items
        if i in old_items and old_items[i].get("assignee_id") != new_items[i].get("assignee_id")
    ]
    for items, verb in (
        (added, "added"),
        (closed, "closed"),
        (reopened, "reopened"),
        (removed, "removed"),
        (resized, "re-estimated or moved"),
    ):
        if items:
            points = sum(float(i["points"]) for i in items)
            what = f"{_count(len(items), 'item')} {verb} ({points:g} points)"
            yield f"{what}: {_names(items, 'title')}"
    if reassigned:
        yield f"{_count(len(reassigned), 'item')} reassigned: {_names(reassigned, 'title')}"
    old_people, new_people = before.of("member"), after.of("member")
    joined = [new_people[i] for i in new_people if i not in old_people]
    left = [
        new_people[i]
        for i in new_people
        if i in old_people and not old_people[i].get("left") and new_people[i].get("left")
    ]
    dated = [
        new_people[i]
        for i in new_people
        if i in old_people
        and (old_people[i].get("start_date"), old_people[i].get("end_date"), old_people[i]["fte"])
        != (new_people[i].get("start_date"), new_people[i].get("end_date"), new_people[i]["fte"])
    ]
    if joined:
        yield f"joined the team: {_names(joined, 'name')}"
    if left:
        yield f"left the team: {_names(left, 'name')}"
    if dated:
        yield f"dates or FTE changed: {_names(dated, 'name')}"
    names = {i: m["name"] for i, m in after.of("member").items()}
    old_away, new_away = before.of("absence"), after.of("absence")
    away = [new_away[i] for i in new_away if i not in old_away]
    back = [old_away[i] for i in old_away if i not in new_away]
    for absences, verb in ((away, "leave added"), (back, "leave removed")):
        if absences:
            who = sorted({names.get(a["member_id"], "someone") for a in absences})
            yield f"{verb}: {', '.join(who)}"
    levels = sum(1 for k, v in after.levels.items() if before.levels.get(k, 0) != v)
    if levels:
        yield f"{_count(levels, 'level')} changed"
    if before.of("settings") != after.of("settings") and before.of("settings"):
        yield "settings changed"
    if before.of("holiday") != after.of("holiday") and any(before.states.values()):
        yield "holidays changed"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _names(records: Sequence[Mapping[str, Any]], field: str, shown: int = 3) -> str:
    names = [str(r[field]) for r in records[:shown]]
    more = len(records) - shown
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")
