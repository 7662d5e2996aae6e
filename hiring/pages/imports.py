"""CSV import and export of members and work items (placeholder until the import pages land)."""

from flask import Blueprint, abort

from hiring.access import TEAM_EDITORS, TEAM_READERS, allow

bp = Blueprint("imports", __name__)


@bp.route("/team/import", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def import_members():
    """Upload a members CSV."""
    abort(404)


@bp.route("/team/members.csv")
@allow(*TEAM_READERS)
def export_members():
    """Download the members as CSV."""
    abort(404)


@bp.route("/work/import", methods=["GET", "POST"])
@allow(*TEAM_EDITORS)
def import_work():
    """Upload a work items CSV."""
    abort(404)


@bp.route("/work/items.csv")
@allow(*TEAM_READERS)
def export_work():
    """Download the work items as CSV."""
    abort(404)
