"""The vocabulary clients need first: areas with their skills, and the settings (read only).

`PATCH /settings` lives in hiring/api/reports.py beside the coverage report.
"""

from __future__ import annotations

from flask import jsonify

from hiring.access import ANY_ROLE, allow
from hiring.api import bp
from hiring.api.openapi import operation
from hiring.api.schemas import AreaList
from hiring.db import get_session
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
