"""The ranking page: an opening's candidates by the weeks they would save, each explained."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request, stream_template
from flask_wtf.csrf import generate_csrf

from hiring.access import allow
from hiring.db import get_session
from hiring.openings.models import CANDIDATE_STATUSES, RECOMMENDATION_NAMES
from hiring.openings.rankings import PAGE_STATUSES, READERS, OpeningRanking, opening_ranking
from hiring.openings.slates import (
    IN_THE_RUNNING,
    OpeningSlate,
    default_k,
    opening_slate,
    slate_of,
)
from hiring.pages.hiring_forms import CANDIDATE_STATUS_NAMES
from hiring.pages.range_bars import scale_of
from hiring.slate import MAX_SLATE
from team.csvio import encode_download, write_table

bp = Blueprint("ranking", __name__, url_prefix="/openings")


def page_statuses() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The statuses the page ranks, and any unknown ones asked for. The ticked ones (`?status=`,
    repeated), or every status but rejected and withdrawn. A page forgives a hand-edited URL:
    an unknown status is left out and named on the page, where the API refuses it."""
    asked = request.args.getlist("status")
    known = tuple(s for s in CANDIDATE_STATUSES if s in asked)
    unknown = tuple(dict.fromkeys(s[:40] for s in asked if s not in CANDIDATE_STATUSES))[:5]
    return known or PAGE_STATUSES, unknown


def filter_args(statuses: tuple[str, ...]) -> dict[str, list[str]]:
    """The query that keeps the reader's status filter in the page's links (none: default)."""
    return {} if statuses == PAGE_STATUSES else {"status": list(statuses)}


@bp.route("/<int:opening_id>/ranking")
@allow(*READERS)
def show(opening_id: int):
    """Candidates in MODEL.md's order: rubric first, then forecast with them; rows open into
    the forecast without and with them, where they would work, and who said what. Rejected and
    withdrawn candidates are left out unless ticked, and ranks count the rows shown."""
    from flask_login import current_user

    every_row = request.args.get("rows") == "all"
    top = current_app.config["RANKING_TOP_ROWS"]
    statuses, unknown = page_statuses()
    result = opening_ranking(
        opening_id,
        viewer=current_user,
        session=get_session(),
        explain=None if every_row else top,
        statuses=statuses,
    )
    # Streamed in blocks: rendered whole, 10,000 explained candidates are a 25 MB string built
    # from over a million pieces, which took a worker's peak memory near 300 MB. The page's CSRF
    # token is made first, because the session cookie is sent before the body.
    generate_csrf()
    slate_k, slate, slate_error = _slate(result, statuses)
    entries = result.ranking.entries
    shown = entries if every_row else entries[:top]
    scale = scale_of(shown)
    pieces = stream_template(
        "ranking/show.html",
        result=result,
        shown=shown,
        bars={e.id: scale.bar(e) for e in shown},
        recommendations=RECOMMENDATION_NAMES,
        statuses=CANDIDATE_STATUS_NAMES,
        filtered=filter_args(statuses),
        unknown=unknown,
        filtered_out=Counter(
            a.candidate.status for a in result.left_out if a.candidate.status not in statuses
        ),
        every_row=every_row,
        opening_id=opening_id,
        slate=slate,
        slate_k=slate_k,
        slate_error=slate_error,
    )
    return Response(_in_blocks(pieces), mimetype="text/html")


def _slate(
    result: OpeningRanking, statuses: tuple[str, ...]
) -> tuple[int, OpeningSlate | None, str]:
    """The "Hire together" section: the slate of `?slate=k`, or of the headcount when the
    opening has more than one seat (otherwise only when asked: it costs a search). It is
    chosen from this page's ranking when that ranks everyone still in the running, else from
    a ranking of every status, so the page's filter never changes the slate."""
    from flask_login import current_user

    headcount = default_k(result.opening.headcount)
    raw = request.args.get("slate")
    if raw is None:
        if headcount < 2:
            return headcount, None, ""
        k = headcount
    elif raw.strip().isdigit() and 1 <= int(raw.strip()) <= MAX_SLATE:
        k = int(raw.strip())
    else:
        return headcount, None, f"A slate holds 1 to {MAX_SLATE} hires; choose one of those."
    if set(IN_THE_RUNNING) <= set(statuses):
        return k, slate_of(result, k, session=get_session()), ""
    found = opening_slate(result.opening.id or 0, viewer=current_user, session=get_session(), k=k)
    return k, found, ""


def _in_blocks(pieces: Iterator[str], size: int = 256 * 1024) -> Iterator[str]:
    """Join a template's many small pieces into blocks of about `size` characters, so that the
    server writes a few large chunks rather than a million small ones."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


@bp.route("/<int:opening_id>/ranking.csv")
@allow(*READERS)
def download(opening_id: int):
    """The ranking table as CSV, for a spreadsheet (cells neutralised against formulas), with
    the page's status filter, so its ranks are the page's."""
    from flask_login import current_user

    statuses, _unknown = page_statuses()
    result = opening_ranking(
        opening_id, viewer=current_user, session=get_session(), explain=0, statuses=statuses
    )
    keys = [a.key for a in result.areas]
    header = [
        "rank",
        "name",
        "status",
        "verdict",
        "reason",
        *keys,
        "start_date",
        "forecast_weeks",
        "finish_date",
        "weeks_saved",
        "weeks_saved_low",
        "weeks_saved_high",
        "too_close_to_call",
    ]
    rows = [
        [
            str(e.rank),
            e.name,
            result.assessments[e.id].candidate.status,
            e.rubric.verdict,
            e.rubric.reason,
            *("" if e.levels.get(k) is None else f"{e.levels[k]:g}" for k in keys),
            e.start.isoformat() if e.start else "",
            f"{e.forecast_weeks:.6g}" if math.isfinite(e.forecast_weeks) else "",
            e.finish_date.isoformat() if e.finish_date else "",
            *(
                "" if v is None else f"{v:.6g}"
                for v in (e.weeks_saved, e.weeks_saved_low, e.weeks_saved_high)
            ),
            "yes" if result.too_close(e.id) else "no",
        ]
        for e in result.ranking.entries
    ]
    return Response(
        encode_download(write_table(header, rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=ranking-{opening_id}.csv"},
    )
