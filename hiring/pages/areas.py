"""Admin pages: areas and skills, the vocabulary every rating, work item and report uses, and
each area's interview guide (what its levels mean, its suggested questions).

One page lists the areas in order with their skills; every change is a small form of its own that
posts to its own endpoint and comes back to the page (post/redirect/get). A refused change shows
the page again with the error on the form that caused it, status 400. An area's guide has a page
of its own, since it is ten fields long.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from hiring.access import allow
from hiring.db import get_session
from hiring.openings import guides
from hiring.openings.interview_schemas import (
    MAX_QUESTIONS,
    MEANING_LENGTH,
    QUESTION_LENGTH,
    GuideIn,
)
from hiring.pages.transaction import attempt
from team import areas as service
from team.errors import NotFound
from team.levels import LEVEL_MEANINGS, LEVEL_NAMES
from team.models import Area, Skill

bp = Blueprint("areas", __name__, url_prefix="/admin/areas")

KEY_HELP = "Lowercase letters, digits, - or _, starting with a letter. It cannot change later."


class AreaForm(FlaskForm):
    """Add an area: a permanent key and a name people read."""

    key = StringField("Key", validators=[DataRequired(), Length(max=40)], description=KEY_HELP)
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])


class SkillForm(FlaskForm):
    """Add a skill to one area."""

    key = StringField("Skill key", validators=[DataRequired(), Length(max=40)])
    name = StringField("Skill name", validators=[DataRequired(), Length(max=80)])


class RenameForm(FlaskForm):
    """Rename an area or a skill (the key stays)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=80)])


class MoveForm(FlaskForm):
    """Move an area one place up or down; the two buttons carry the direction."""

    direction = SelectField(
        choices=[SelectChoice("up", "Up"), SelectChoice("down", "Down")],
        validators=[DataRequired()],
    )


STEPS = {"up": -1, "down": 1}


def _display_forms(areas: list[Area], skills: list[Skill]) -> dict[str, FlaskForm]:
    """Every form on the page, empty or filled with current names, keyed by its prefix.

    `formdata=None` keeps them from reading a failed POST's fields meant for another form.
    """
    forms: dict[str, FlaskForm] = {"new-area": AreaForm(formdata=None, prefix="new-area")}
    for area in areas:
        forms[f"area-{area.id}"] = RenameForm(
            formdata=None, prefix=f"area-{area.id}", data={"name": area.name}
        )
        forms[f"move-{area.id}"] = MoveForm(formdata=None, prefix=f"move-{area.id}")
        forms[f"new-skill-{area.id}"] = SkillForm(formdata=None, prefix=f"new-skill-{area.id}")
    for skill in skills:
        forms[f"skill-{skill.id}"] = RenameForm(
            formdata=None, prefix=f"skill-{skill.id}", data={"name": skill.name}
        )
    return forms


def _page(failed: tuple[str, FlaskForm] | None = None, status: int = 200):
    """The areas page; a form that failed (prefix, form) replaces its twin so its errors show."""
    db = get_session()
    areas, skills = service.list_areas(session=db), service.list_skills(session=db)
    forms = _display_forms(areas, skills)
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template("areas/list.html", areas=areas, skills=skills, forms=forms), status


def _submit(prefix: str, form: FlaskForm, action: Callable[[], str]):
    """Validate the form, run the change, flash what happened and come back to the page.

    Service refusals (a bad or taken key, an empty name) land on the form's fields; nothing is
    written then, because every service checks before it adds and commits.
    """
    status = 400
    if form.validate_on_submit():
        done = attempt(form, action)
        if done.value is not None:
            flash(done.value, "success")
            return redirect(url_for("areas.list_areas"))
        status = done.status
    return _page(failed=(prefix, form), status=status)


def _area_or_404(area_id: int) -> Area:
    """The area, or a 404 page."""
    area = get_session().get(Area, area_id)
    if area is None:
        raise NotFound("no such area")
    return area


@bp.route("")
@allow("admin")
def list_areas():
    """Areas in display order with their skills, and the forms that change them."""
    return _page()


@bp.route("/new", methods=["POST"])
@allow("admin")
def add_area():
    """Add an area at the end of the order."""
    prefix = "new-area"
    form = AreaForm(prefix=prefix)

    def action() -> str:
        area = service.create_area(form.key.data or "", form.name.data or "", session=get_session())
        return f"Area “{area.name}” added."

    return _submit(prefix, form, action)


@bp.route("/<int:area_id>/rename", methods=["POST"])
@allow("admin")
def rename_area(area_id: int):
    """Give an area a new name; its key, and so every stored rating, stays."""
    area = _area_or_404(area_id)
    old = area.name
    prefix = f"area-{area_id}"
    form = RenameForm(prefix=prefix)

    def action() -> str:
        renamed = service.rename_area(area_id, form.name.data or "", session=get_session())
        return f"Area “{old}” is now called “{renamed.name}”."

    return _submit(prefix, form, action)


@bp.route("/<int:area_id>/move", methods=["POST"])
@allow("admin")
def move_area(area_id: int):
    """Move an area one place up or down (the order of columns and of tie-breaks)."""
    area = _area_or_404(area_id)
    prefix = f"move-{area_id}"
    form = MoveForm(prefix=prefix)

    def action() -> str:
        direction = form.direction.data or ""
        service.move_area(area_id, STEPS[direction], session=get_session())
        return f"Area “{area.name}” moved {direction}."

    return _submit(prefix, form, action)


@bp.route("/<int:area_id>/skills", methods=["POST"])
@allow("admin")
def add_skill(area_id: int):
    """Add a skill at the end of an area's skills."""
    area = _area_or_404(area_id)
    prefix = f"new-skill-{area_id}"
    form = SkillForm(prefix=prefix)

    def action() -> str:
        skill = service.create_skill(
            area.key, form.key.data or "", form.name.data or "", session=get_session()
        )
        return f"Skill “{skill.name}” added to {area.name}."

    return _submit(prefix, form, action)


@bp.route("/skills/<int:skill_id>/rename", methods=["POST"])
@allow("admin")
def rename_skill(skill_id: int):
    """Give a skill a new name; its key stays."""
    skill = get_session().get(Skill, skill_id)
    if skill is None:
        raise NotFound("no such skill")
    old = skill.name
    prefix = f"skill-{skill_id}"
    form = RenameForm(prefix=prefix)

    def action() -> str:
        renamed = service.rename_skill(skill_id, form.name.data or "", session=get_session())
        return f"Skill “{old}” is now called “{renamed.name}”."

    return _submit(prefix, form, action)


class GuideForm(FlaskForm):
    """An area's guide: a meaning per level (`meaning_<level>`) and up to five questions
    (`question_<n>`), added below since their number comes from the levels and the limit."""


def guide_form(**kwargs: Any) -> GuideForm:
    """The guide form: every level's meaning (required, one line) and five question lines."""

    class Form(GuideForm):
        pass

    for level, default in enumerate(LEVEL_MEANINGS):
        setattr(
            Form,
            f"meaning_{level}",
            StringField(
                f"{LEVEL_NAMES[level]} ({level})",
                validators=[
                    DataRequired("Write what this level means in this area."),
                    Length(max=MEANING_LENGTH),
                ],
                description=f"MODEL.md: “{default}”",
            ),
        )
    for number in range(1, MAX_QUESTIONS + 1):
        setattr(
            Form,
            f"question_{number}",
            StringField(f"Question {number}", validators=[Length(max=QUESTION_LENGTH)]),
        )
    return Form(**kwargs)


def _guide_fields(asked: list[str]) -> Callable[[dict[str, list[str]]], dict[str, list[str]]]:
    """Service field names as the form's: `levels.3` is `meaning_3`; `questions.1` is the
    second question sent, whichever line it was on (`asked`: their field names)."""

    def rename(fields: dict[str, list[str]]) -> dict[str, list[str]]:
        renamed: dict[str, list[str]] = {}
        for name, messages in fields.items():
            parts = name.split(".")
            if parts[0] == "levels" and len(parts) > 1:
                name = f"meaning_{parts[1]}"
            elif parts[0] == "questions" and len(parts) > 1 and parts[1].isdigit():
                index = int(parts[1])
                name = asked[index] if index < len(asked) else "question_1"
            renamed.setdefault(name, []).extend(messages)
        return renamed

    return rename


@bp.route("/<int:area_id>/guide", methods=["GET", "POST"])
@allow("admin")
def edit_guide(area_id: int):
    """What each level means in one area, and up to five questions to ask: the scorecard form
    shows both beside the rating. A meaning left as MODEL.md words it follows MODEL.md."""
    db = get_session()
    area = _area_or_404(area_id)
    guide = guides.area_guide(area.key, session=db)
    form = guide_form()
    status = 200
    if request.method == "GET":
        for level, meaning in enumerate(guide.meanings):
            getattr(form, f"meaning_{level}").data = meaning
        for number, question in enumerate(guide.questions, start=1):
            getattr(form, f"question_{number}").data = question
    elif form.validate_on_submit():
        asked = [
            f"question_{n}"
            for n in range(1, MAX_QUESTIONS + 1)
            if (getattr(form, f"question_{n}").data or "").strip()
        ]

        def save() -> guides.AreaGuide:
            data = GuideIn.model_validate(
                {
                    "levels": {
                        str(level): getattr(form, f"meaning_{level}").data or ""
                        for level in range(len(LEVEL_MEANINGS))
                    },
                    "questions": [getattr(form, name).data or "" for name in asked],
                }
            )
            return guides.set_area_guide(area.key, data, viewer=current_user, session=db)

        done = attempt(form, save, _guide_fields(asked))
        if done.value is not None:
            flash(f"The interview guide of {area.name} is saved.", "success")
            return redirect(url_for("areas.list_areas") + f"#area-{area.key}")
        status = done.status
    else:
        status = 400
    return render_template(
        "areas/guide.html", form=form, area=area, guide=guide, max_questions=MAX_QUESTIONS
    ), status
