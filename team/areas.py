"""Areas, skills and settings: the vocabulary every rating, work item and report is written in."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, col, func, select

from team.csvio import RESERVED_COLUMNS
from team.errors import Conflict, InvalidInput, NotFound
from team.levels import DEFAULT_AREAS, DEFAULT_POINTS_PER_WEEK, DEFAULT_VELOCITIES
from team.models import Area, Holiday, Settings, Skill
from team.schemas import AreaPublic, SettingsPublic, SkillPublic
from team.text import has_control

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
# Column names of the CSV formats (name, email, ..., start_date, end_date, area, points, ...):
# an area or skill with one of these keys would clash there.
RESERVED_KEYS = RESERVED_COLUMNS


def seed_defaults(*, session: Session) -> None:
    """Create the three default areas and the default settings where none exist yet.

    Safe to run again: an admin's renamed or added areas and changed settings are left alone.
    """
    if session.exec(select(func.count()).select_from(Area)).one() == 0:
        for position, (key, name) in enumerate(DEFAULT_AREAS):
            session.add(Area(key=key, name=name, position=position))
    if session.get(Settings, 1) is None:
        velocities = dict(zip(_velocity_fields(), DEFAULT_VELOCITIES, strict=True))
        settings = Settings(id=1, points_per_week=DEFAULT_POINTS_PER_WEEK)
        for name, value in velocities.items():
            setattr(settings, name, value)
        session.add(settings)
    session.commit()


def _velocity_fields() -> list[str]:
    return [f"velocity_{level}" for level in range(5)]


def list_areas(*, session: Session) -> list[Area]:
    """Areas in display order (the order ties are broken in, MODEL.md)."""
    return list(session.exec(select(Area).order_by(col(Area.position), col(Area.id))).all())


def list_skills(*, session: Session) -> list[Skill]:
    """Skills grouped by their area's display order, then their own."""
    query = (
        select(Skill)
        .join(Area, col(Area.id) == Skill.area_id)
        .order_by(col(Area.position), col(Area.id), col(Skill.position), col(Skill.id))
    )
    return list(session.exec(query).all())


def areas_public(*, session: Session) -> list[AreaPublic]:
    """Areas with their skills, as `GET /areas` answers."""
    skills = list_skills(session=session)
    return [
        AreaPublic(
            key=area.key,
            name=area.name,
            skills=[SkillPublic(key=s.key, name=s.name) for s in skills if s.area_id == area.id],
        )
        for area in list_areas(session=session)
    ]


def get_area(key: str, *, session: Session) -> Area:
    """The area with this key, or NotFound. A text that cannot be a key (e.g. with a NUL, which
    PostgreSQL refuses in a query) is not looked up."""
    area = None
    if KEY_PATTERN.match(key):
        area = session.exec(select(Area).where(Area.key == key)).first()
    if area is None:
        raise NotFound("no such area")
    return area


def get_skill(key: str, *, session: Session) -> Skill:
    """The skill with this key, or NotFound (a text that cannot be a key is not looked up)."""
    skill = None
    if KEY_PATTERN.match(key):
        skill = session.exec(select(Skill).where(Skill.key == key)).first()
    if skill is None:
        raise NotFound("no such skill")
    return skill


def area_public(key: str, *, session: Session) -> AreaPublic:
    """One area with its skills in order, as `GET /areas/{key}` answers; NotFound if none."""
    area = get_area(key, session=session)
    skills = session.exec(
        select(Skill).where(Skill.area_id == area.id).order_by(col(Skill.position), col(Skill.id))
    ).all()
    return AreaPublic(
        key=area.key, name=area.name, skills=[SkillPublic(key=s.key, name=s.name) for s in skills]
    )


def get_settings(*, session: Session) -> Settings:
    """The one settings row; seeded by init-db, so its absence is a set-up error."""
    settings = session.get(Settings, 1)
    if settings is None:
        raise NotFound("settings are missing: run `flask --app wsgi init-db`")
    return settings


def holidays(*, session: Session) -> list[date]:
    """The days nobody works (the setting `holidays`), oldest first."""
    return [h.day for h in session.exec(select(Holiday).order_by(col(Holiday.day))).all()]


def settings_public(*, session: Session) -> SettingsPublic:
    """Settings as the API shows them: velocities keyed by level."""
    settings = get_settings(session=session)
    return SettingsPublic(
        points_per_week=settings.points_per_week,
        velocity={str(level): v for level, v in enumerate(settings.velocities)},
        plan_start=settings.plan_start,
        holidays=holidays(session=session),
        ramp_weeks=settings.ramp_weeks,
        ramp_start=settings.ramp_start,
        mentoring_fte=settings.mentoring_fte,
        mentoring_weeks=settings.mentoring_weeks,
        notice_weeks=settings.notice_weeks,
        horizon_weeks=settings.horizon_weeks,
        card_due_days=settings.card_due_days,
    )


def _check_key(key: str, field: str = "key") -> str:
    key = key.strip().lower()
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            {field: ["use lowercase letters, digits, - or _, starting with a letter (max 40)"]}
        )
    if key in RESERVED_KEYS:
        raise InvalidInput({field: [f"'{key}' is a CSV column name; choose another key"]})
    return key


def _check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 80 or has_control(name):
        raise InvalidInput({"name": ["give a name of 1 to 80 characters"]})
    return name


def _key_taken(key: str, *, session: Session) -> bool:
    """Area and skill keys share one namespace: CSV headers name both, so they must not clash."""
    area = session.exec(select(Area).where(Area.key == key)).first()
    skill = session.exec(select(Skill).where(Skill.key == key)).first()
    return area is not None or skill is not None


def create_area(key: str, name: str, *, session: Session) -> Area:
    """Add an area at the end of the display order."""
    key, name = _check_key(key), _check_name(name)
    if _key_taken(key, session=session):
        raise Conflict("That key is already used by an area or a skill.", {"key": ["is taken"]})
    last = session.exec(select(func.max(Area.position))).one()
    area = Area(key=key, name=name, position=(last or 0) + 1)
    session.add(area)
    session.commit()
    return area


def rename_area(area_id: int, name: str, *, session: Session) -> Area:
    """Rename an area; its key stays, so stored ratings, work and API clients keep working."""
    area = session.get(Area, area_id)
    if area is None:
        raise NotFound("no such area")
    area.name = _check_name(name)
    session.add(area)
    session.commit()
    return area


def move_area(area_id: int, step: int, *, session: Session) -> None:
    """Swap an area with its neighbour (step -1 up, +1 down) in the display order."""
    areas = list_areas(session=session)
    index = next((i for i, a in enumerate(areas) if a.id == area_id), None)
    if index is None:
        raise NotFound("no such area")
    other = index + step
    if 0 <= other < len(areas):
        areas[index], areas[other] = areas[other], areas[index]
        for position, area in enumerate(areas):
            area.position = position
            session.add(area)
        session.commit()


def create_skill(area_key: str, key: str, name: str, *, session: Session) -> Skill:
    """Add a skill to an area."""
    area = session.exec(select(Area).where(Area.key == area_key)).first()
    if area is None:
        raise InvalidInput({"area": ["is not a known area"]})
    assert area.id is not None, "a stored area has an id"
    key, name = _check_key(key), _check_name(name)
    if _key_taken(key, session=session):
        raise Conflict("That key is already used by an area or a skill.", {"key": ["is taken"]})
    last = session.exec(select(func.max(Skill.position)).where(Skill.area_id == area.id)).one()
    skill = Skill(key=key, name=name, area_id=area.id, position=(last or 0) + 1)
    session.add(skill)
    session.commit()
    return skill


def rename_skill(skill_id: int, name: str, *, session: Session) -> Skill:
    """Rename a skill; its key stays, so stored levels and CSV headers still match."""
    skill = session.get(Skill, skill_id)
    if skill is None:
        raise NotFound("no such skill")
    skill.name = _check_name(name)
    session.add(skill)
    session.commit()
    return skill
