"""The vocabulary clients need first: areas with their skills and each area's interview guide
(what its levels mean, its suggested questions), and the settings (read only); and the admins'
changes to the vocabulary, the twins of the areas page's forms (add, rename and move an area,
add and rename a skill), calling the same `team.areas` services.

Areas and skills are named by their key here (API.md), where the page names them by id: the key
never changes, so it is what scripts hold on to. `PATCH /settings` lives in
hiring/api/reports.py beside the coverage report.
"""

from __future__ import annotations

from typing import Annotated, Literal

from flask import g, jsonify, url_for
from pydantic import AfterValidator, Field, StringConstraints

from hiring.access import ANY_ROLE, allow
from hiring.api import bp
from hiring.api.inputs import json_body
from hiring.api.openapi import operation
from hiring.api.schemas import AreaList
from hiring.db import get_session
from hiring.openings import guides
from hiring.openings.interview_schemas import GuideIn, GuidePublic
from team import areas as vocabulary
from team.areas import areas_public, settings_public
from team.schemas import (
    AreaPublic,
    Key,
    SettingsPublic,
    SkillPublic,
    _Input,
    _no_control_chars,
)


@bp.get("/areas")
@allow(*ANY_ROLE)
@operation("List the areas and their skills", response=AreaList)
def list_areas():
    """Areas with their skills in display order: the keys every level and work item uses."""
    return jsonify(AreaList(areas_public(session=get_session())).model_dump(mode="json"))


@bp.get("/settings")
@allow(*ANY_ROLE)
@operation("Read the velocity table and points per week", response=SettingsPublic)
def get_settings():
    """The numbers every forecast is computed with (MODEL.md), velocities keyed by level."""
    return jsonify(settings_public(session=get_session()).model_dump(mode="json"))


GUIDE = "/areas/<key>/guide"


@bp.get(GUIDE)
@allow(*ANY_ROLE)
@operation(
    "Read what the levels mean in an area, and its suggested questions", response=GuidePublic
)
def get_area_guide(key: str):
    """Every level's meaning in this area (an admin's words, or MODEL.md's where none were
    written: `edited` says which) and up to five suggested questions; the scorecard form shows
    them beside the rating controls."""
    guide = guides.area_guide(key, session=get_session())
    return jsonify(guide.public().model_dump(mode="json"))


@bp.put(GUIDE)
@allow("admin")
@operation(
    "Replace an area's level meanings and suggested questions", body=GuideIn, response=GuidePublic
)
def set_area_guide(key: str):
    """Replace the area's guide as a whole (admins): `levels` maps "0" to "4" to what each means
    here, a level left out (or worded exactly as MODEL.md) follows MODEL.md's meaning; at most
    five `questions`, in order. An empty body restores the defaults and removes the questions."""
    data = json_body(GuideIn)
    guide = guides.set_area_guide(key, data, viewer=g.api_user, session=get_session())
    return jsonify(guide.public().model_dump(mode="json"))


# --- changing the vocabulary (admins): the areas page's forms --------------------------------

AREA = "/areas/<key>"
# What `team.areas` takes as a name (1 to 80 characters once trimmed, no control characters).
VocabularyName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=80),
    AfterValidator(_no_control_chars),
]
KEY_HELP = (
    "Lowercase letters, digits, - or _, starting with a letter (at most 40); area and skill keys "
    "share one namespace, and a CSV column name (name, email, title, ...) is not a key. It "
    "never changes."
)


class AreaCreate(_Input):
    """A new area: its permanent key and the name people read; it goes last in the order."""

    key: Key = Field(description=KEY_HELP)
    name: VocabularyName


class SkillCreate(AreaCreate):
    """A new skill of an area: its permanent key and its name; it goes last in the area."""


class Rename(_Input):
    """A new name; the key, and so every stored rating and CSV header, stays."""

    name: VocabularyName


class AreaMove(_Input):
    """Move the area one place up or down in the display order (the order of the matrix's
    columns and of the forecast's tie-breaks); at either end it stays where it is."""

    direction: Literal["up", "down"]


STEPS = {"up": -1, "down": 1}


def _area_created(area: AreaPublic):
    """An area as JSON with 201 and its URL."""
    response = jsonify(area.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_area", key=area.key)
    return response


@bp.get(AREA)
@allow(*ANY_ROLE)
@operation("Read one area and its skills", response=AreaPublic)
def get_area(key: str):
    """One area by its key, with its skills in display order."""
    return jsonify(vocabulary.area_public(key, session=get_session()).model_dump(mode="json"))


@bp.post("/areas")
@allow("admin")
@operation("Add an area", body=AreaCreate, response=AreaPublic, status=201, conflict=True)
def create_area():
    """Add an area at the end of the display order (admins); a key taken by an area or a skill
    is a 409, a key that cannot be one a 422."""
    data = json_body(AreaCreate)
    area = vocabulary.create_area(data.key, data.name, session=get_session())
    return _area_created(AreaPublic(key=area.key, name=area.name, skills=[]))


@bp.patch(AREA)
@allow("admin")
@operation("Rename an area", body=Rename, response=AreaPublic)
def rename_area(key: str):
    """Give the area a new name (admins); its key, and so every stored rating, work item and
    client, stays."""
    data = json_body(Rename)
    db = get_session()
    area = vocabulary.get_area(key, session=db)
    vocabulary.rename_area(area.id or 0, data.name, session=db)
    return jsonify(vocabulary.area_public(key, session=db).model_dump(mode="json"))


@bp.post(f"{AREA}/move")
@allow("admin")
@operation("Move an area up or down the display order", body=AreaMove, response=AreaList)
def move_area(key: str):
    """Swap the area with its neighbour above (`up`) or below (`down`), admins; the answer is
    every area in the new order."""
    data = json_body(AreaMove)
    db = get_session()
    area = vocabulary.get_area(key, session=db)
    vocabulary.move_area(area.id or 0, STEPS[data.direction], session=db)
    return jsonify(AreaList(areas_public(session=db)).model_dump(mode="json"))


@bp.post(f"{AREA}/skills")
@allow("admin")
@operation(
    "Add a skill to an area", body=SkillCreate, response=AreaPublic, status=201, conflict=True
)
def create_skill(key: str):
    """Add a skill at the end of the area's skills (admins); the answer is the area with its
    skills, and its URL. A key taken by an area or a skill is a 409."""
    data = json_body(SkillCreate)
    db = get_session()
    area = vocabulary.get_area(key, session=db)
    vocabulary.create_skill(area.key, data.key, data.name, session=db)
    return _area_created(vocabulary.area_public(key, session=db))


@bp.patch("/skills/<key>")
@allow("admin")
@operation("Rename a skill", body=Rename, response=SkillPublic)
def rename_skill(key: str):
    """Give the skill a new name (admins); its key, and so stored levels and CSV headers, stays."""
    data = json_body(Rename)
    db = get_session()
    skill = vocabulary.get_skill(key, session=db)
    renamed = vocabulary.rename_skill(skill.id or 0, data.name, session=db)
    return jsonify(SkillPublic(key=renamed.key, name=renamed.name).model_dump(mode="json"))
