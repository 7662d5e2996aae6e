"""Schemathesis against the app's own OpenAPI document: every operation, positive and negative
data, every check, as an admin and as a hiring manager.

The document is read from `/api/v1/openapi.json` of the app under test (in-process, through
WSGI), so what is checked is what clients download. Each operation gets a bounded number of
examples, half of them aimed at records that exist (so PATCH and DELETE reach the services),
half at whatever ids schemathesis draws.

Checks that do not apply, and why:
- `positive_data_acceptance` expects schema-valid data to be accepted, but some rules need the
  database or more than JSON Schema can say: area and skill keys must exist, panel emails must
  be interviewers, emails must pass email-validator's deliverability rules (no special-use
  domains such as `.test`), velocities must rise with the level, CSV files must hold valid rows,
  and names and keys must not hold control characters after their ends are trimmed, and a card
  is submitted only with a recommendation and at least one area rated (`submit: true` makes
  the other fields required, which the generated document does not say), and the plan start
  is a Monday, and dates keep their order (a member's end date on or after the start date, an
  absence's last day on or after its first, within the member's time on the team, which no
  absence may be left outside of), and a work item's assignee is a member who may be given work
  (an email of someone on the team, not past their last working day), and focus areas and
  interview dates are set only for a panelist of the opening (a user id in the path), and an
  area or skill key must be a lowercase slug that is not a CSV column name, and a password must
  not be a common one nor hold the user's name or email, and an admin may not disable
  themselves, drop their own admin role or reset their own password here, and a what-if
  removes only members the forecast counts. And JSON
  Schema counts `2.0` as an integer, where the API, by design, takes only `2` for a level
  (tests/hiring/api/test_api_scorecards.py refuses `2.0`). So a 422
  is allowed for schema-valid data only when every problem it names is one of those
  (`only_semantic_refusals` below); any other 422 still fails.
- Unknown query parameters are ignored, as HTTP APIs conventionally do (a cache-busting `_=`
  must not break a client), so schemathesis does not generate them
  (`allow-extra-parameters = false`). Unknown body fields are refused: the hypothesis body
  tests in test_api_bodies.py send them on every write.
- The stateful checks (`use_after_free`, `ensure_resource_availability`) need linked operations;
  the document declares no links, so they find nothing to do here.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from hiring.accounts import service as accounts
from hiring.api.openapi import build_document
from team import absences
from team.areas import create_skill
from team.schemas import AbsenceCreate
from tests.fuzz.conftest import examples

# Examples per operation (positive and negative together): 27 operations x 10 = 270 requests,
# each validated by every check (some checks send a request of their own, e.g. without a token).
EXAMPLES = examples(10)

CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"allow-extra-parameters": False},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            }
        },
    }
)


# Problems a 422 may name for schema-valid data, because JSON Schema cannot say them (see above).
SEMANTIC = re.compile(
    r"is not a known (area|skill)|is not an active interviewer|not a valid email address"
    r"|must be higher than level|must be 0 or at least|must not contain control characters"
    r"|at least 1 character|may not be empty|is taken|already"
    r"|Input should be a valid integer"  # only a whole float (2.0) can be schema-valid and refused
    r"|before submitting"  # a card submitted needs a recommendation and one area rated
    r"|must be a Monday"  # the plan start (a weekday is no JSON Schema format)
    r"|must be on or (after|before)|outside their time on the team"  # dates in order (above)
    r"|no member has the email|has left the team|had their last working day"  # an assignee
    r"|is not on this opening's panel"  # a focus area or an interview date for a non-panelist
    r"|use lowercase letters, digits|is a CSV column name"  # an area's or a skill's key
    r"|password is too common|do not use your name"  # a password (hiring.accounts.passwords)
    r"|you cannot disable yourself|your own admin role|change your own password"  # lock-outs
    r"|is not a member the forecast counts"  # a what-if's removal
)


PATTERNED = {"notes", "description", "q"}


def only_semantic_refusals(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 422 for schema-valid data names only rules the document cannot express."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    error = response.json()["error"]
    if case.path.startswith("/import/") or case.path.endswith("/import"):
        return None  # the file's rows are its content, which no schema describes
    problems = [
        (name, problem)
        for name, messages in error.get("fields", {}).items()
        for problem in messages
    ]
    unexplained = [
        (name, problem)
        for name, problem in problems
        if not SEMANTIC.search(problem)
        # The document's patterns say which characters these take, exactly.
        or (name in PATTERNED and "control characters" in problem)
    ]
    assert problems and not unexplained, f"schema-valid data refused: {error}"
    return None


@pytest.fixture
def world(api_as, make_user, make_opening, make_candidate, make_member, make_work_item, db):
    """Records to aim at, and two callers: an admin who also interviews, and a hiring manager."""
    create_skill("research", "pytorch", "PyTorch", session=db)
    db.commit()
    admin = make_user("admin", "interviewer")
    manager = make_user("hiring_manager")
    opening = make_opening(manager=manager, panel=[admin])
    candidate = make_candidate(opening)
    member = make_member()
    away = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5))
    absence = absences.add_absence(member.id, away, session=db)
    item = make_work_item()
    callers = {"admin": api_as(admin), "manager": api_as(manager)}
    held = {"admin": (admin, ["admin", "interviewer"]), "manager": (manager, ["hiring_manager"])}

    def restore() -> None:
        """Undo what the user operations may do to the two callers (their roles changed, their
        account disabled, their tokens revoked by a reset or by id), so that every later
        example still acts as them."""
        for name, (user, roles) in held.items():
            accounts.update_user(
                user.id, name="Fuzz " + name, roles=roles, active=True, acting_user_id=0, session=db
            )
            token = accounts.create_token(user.id, "fuzz", session=db)
            callers[name].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        db.rollback()

    return {
        "callers": callers,
        "restore": restore,
        "ids": {
            "member_id": member.id,
            "absence_id": absence.id,
            "item_id": item.id,
            "opening_id": opening.id,
            "candidate_id": candidate.id,
            "user_id": admin.id,  # on the opening's panel: focus areas and interview dates
            "key": "research",  # an area's guide
        },
    }


def test_every_operation(app, world):
    """All operations in one app (setting one up costs more than a dozen requests); every
    operation is fuzzed even after another fails, and the failures are reported together."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)
    labels = []
    failures = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        try:
            _fuzz(operation, world)
        except Exception as error:  # noqa: BLE001  (collected, then reported below)
            failures[operation.label] = error
    # Every documented operation was fuzzed (schemathesis leaves out the document itself).
    document = build_document(app)
    documented = {f"{m.upper()} {p}" for p, item in document["paths"].items() for m in item}
    assert set(labels) == documented - {"GET /openapi.json"}
    assert not failures, "\n\n".join(f"{label}:\n{error}" for label, error in failures.items())


def _fuzz(operation: Any, world: dict[str, Any]) -> None:
    """EXAMPLES requests at one operation: positive and negative data, as either caller,
    at the records that exist or at any id."""
    path = operation.path
    known = {k: v for k, v in world["ids"].items() if "{" + k + "}" in path}
    if path.startswith("/skills/"):
        known["key"] = "pytorch"  # a skill's key, where the others name an area
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if known:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=known))
    callers = world["callers"]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies), caller=st.sampled_from(sorted(callers)))
    def run(case, caller):
        token = callers[caller].environ_base["HTTP_AUTHORIZATION"]
        try:
            case.call_and_validate(
                headers={"Authorization": token}, additional_checks=[only_semantic_refusals]
            )
        finally:
            if path.startswith("/users"):
                world["restore"]()

    run()
