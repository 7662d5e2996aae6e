"""The home page: each role lands on the answer to its own question (`hiring.home`).

Everyone who logs in lands here (`hiring.accounts.views.home_for`). The page shows one section
per role the user holds, in one order, each once: a hiring manager's openings with the top of
each ranking, the cards still missing and the weakest area; an interviewer's cards to write;
leadership's coverage headline and what moved since last week; an admin's links.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from hiring.access import ANY_ROLE, allow
from hiring.db import get_session
from hiring.home import home_of, is_overdue
from hiring.numbers import sooner
from hiring.openings.models import CANDIDATE_STATUSES
from hiring.pages.hiring_forms import CANDIDATE_STATUS_NAMES
from hiring.weakest import weakest_words
from team.areas import get_settings, list_areas

bp = Blueprint("home", __name__)


@bp.route("/home")
@allow(*ANY_ROLE)
def show():
    """The viewer's home: every section their roles ask for, worked out once."""
    db = get_session()
    home = home_of(current_user, session=db)
    return render_template(
        "home/show.html",
        home=home,
        area_names={area.key: area.name for area in list_areas(session=db)},
        statuses={key: CANDIDATE_STATUS_NAMES.get(key, key) for key in CANDIDATE_STATUSES},
        is_overdue=is_overdue,
        due_days=get_settings(session=db).card_due_days,
        # The one wording of a shown difference and of the weakest area, as other pages use.
        sooner=sooner,
        weakest_words=weakest_words,
    )
