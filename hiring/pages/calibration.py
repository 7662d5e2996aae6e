"""The calibration page (MODEL.md, "Deciding together"): how each interviewer rates against the
rest of the panel, and how far the panel agrees in each area, over one opening or all of them.

It informs only. Ratings are never adjusted: an adjusted rating is an opinion about a person
that the panel should discuss, so the page shows the tendency and leaves the talk to people.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from hiring.access import allow
from hiring.db import get_session
from hiring.openings.calibration import READERS, CalibrationReport, calibration_report
from hiring.pages.calibration_chart import calibration_chart
from hiring.web import MAX_ID
from team.csvio import encode_download, number, write_table

bp = Blueprint("calibration", __name__)

FLAG_WORDS = {"rates_high": "rates high", "rates_low": "rates low"}


def _opening_id() -> int | None:
    """`?opening_id=` read leniently, as the other pages read their filters: empty or not a
    number is every opening (the select's "All openings"); a number past the database's ids
    names no opening (0: not found), rather than overflowing its integers."""
    raw = request.args.get("opening_id", "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if len(raw) <= 10 and int(raw) <= MAX_ID else 0


def _report() -> CalibrationReport:
    return calibration_report(viewer=current_user, session=get_session(), opening_id=_opening_id())


@bp.route("/calibration")
@allow(*READERS)
def show_calibration():
    """Per interviewer (by name) the cards they submitted, their bias overall and per area
    with n, the flag in words, and a small chart of their ratings against the panel's median;
    per area the agreement in plain words; a filter by opening."""
    report = _report()
    charts = {i.interviewer: calibration_chart(i.comparisons) for i in report.interviewers}
    return render_template(
        "calibration/show.html", report=report, charts=charts, flag_words=FLAG_WORDS
    )


@bp.route("/calibration.csv")
@allow(*READERS)
def download():
    """The interviewers' table as CSV, for a spreadsheet (cells neutralised against formulas)."""
    report = _report()
    keys = [a.key for a in report.areas]
    header = ["name", "email", "cards", "n", "bias", "flag"]
    header += [f"{key}_{part}" for key in keys for part in ("n", "bias")]

    def bias(value: float | None) -> str:
        return "" if value is None else number(value)

    rows = [
        [
            report.people[i.interviewer].name,
            report.people[i.interviewer].email,
            str(i.cards),
            str(i.n),
            bias(i.bias),
            i.flag or "",
            *(cell for key in keys for cell in (str(i.by_area[key].n), bias(i.by_area[key].bias))),
        ]
        for i in report.interviewers
    ]
    name = f"calibration-{report.opening.id}.csv" if report.opening else "calibration.csv"
    return Response(
        encode_download(write_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )
