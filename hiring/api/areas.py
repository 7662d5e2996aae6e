"""The vocabulary clients need first: areas with their skills and each area's interview guide
(what its levels mean, its suggested questions), and the settings (read only).

`PATCH /settings` lives in hiring/api/reports.py beside the coverage report.
"""

from __future__ import annotations

from flask import g, jsonify

from hiring.access import ANY_ROLE, allow
from hiring.api import bp
from hiring.api.inputs import json_body
from hiring.api.openapi import operation
from hiring.api.schemas import AreaList
from hiring.db import get_session
from hiring.openings import guides
from hiring.openings.interview_schemas import GuideIn, GuidePublic
from team.areas import areas_public, settings_public
from team.schemas import SettingsPublic


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
