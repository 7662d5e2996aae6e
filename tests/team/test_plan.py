"""The plan service (`team.plan`) on a real database: whose time changed since a publication,
no item is "moved" before anything was published, and loading does not query per row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from team import absences
from team.history import time_changed_since
from team.members import mark_left, update_member
from team.models import InputChange
from team.plan import current_plan, member_rows, publish_plan
from team.schemas import AbsenceCreate, MemberUpdate
from tests.hiring.test_query_counts import counting

STRONG = {"research": 3, "engineering": 3, "data": 3}


def _last_recorded(db):
    """The time of the newest record, as stored: what a publication made now is later than."""
    at = db.exec(select(InputChange.at).order_by(InputChange.id.desc())).first()  # type: ignore[union-attr]
    db.rollback()
    return at


def test_whose_time_changed_since_a_moment(db, make_member):
    """Only the fte, the dates, leaving and absences are someone's time; the state then is
    compared with the state now, so a change undone is no change."""
    names = ("Ada", "Bo", "Cy", "Dee", "Fay", "Gus", "Hal")
    ada, bo, cy, dee, fay, gus, hal = (make_member(name=n, levels=STRONG) for n in names)
    week = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5))
    dees = absences.add_absence(dee.id, week, session=db)
    moment = _last_recorded(db)

    update_member(ada.id, MemberUpdate(name="Ada L.", title="Lead"), session=db)  # not time
    update_member(bo.id, MemberUpdate(fte=0.5), session=db)
    absences.add_absence(cy.id, week, session=db)
    absences.delete_absence(dees.id, session=db)
    eve = make_member(name="Eve", levels=STRONG)  # joined since
    fays = absences.add_absence(fay.id, week, session=db)
    absences.delete_absence(fays.id, session=db)  # added and removed: as it was
    update_member(gus.id, MemberUpdate(end_date=date(2027, 6, 30)), session=db)
    update_member(gus.id, MemberUpdate(end_date=None), session=db)  # set and cleared
    mark_left(hal.id, session=db)
    db.commit()

    assert time_changed_since(moment, session=db) == {bo.id, cy.id, dee.id, eve.id, hal.id}


def test_before_anything_is_published_nothing_has_moved(db, make_member, make_work_item):
    """`moved` means "the published plan had another member": with no published plan, no
    item moved, whatever the engine marks."""
    for name in ("Ada", "Bo"):
        make_member(name=name, levels=STRONG)
    for points in (3, 5, 2):
        make_work_item(area="data", points=points)
    view = current_plan(session=db)
    assert view.published is None
    assert len(view.rows) == 3
    assert not any(r.moved for r in view.rows)
    assert view.moves == ()
    assert all(r.published_member_name is None and r.slipped_days is None for r in view.rows)


def test_lanes_share_each_members_planned_time_per_area(db, make_member, make_work_item):
    """Ada (strong everywhere) alone: 5 research points (a week), 10 data points (two)."""
    ada = make_member(name="Ada", levels=STRONG)
    make_work_item(area="research", points=5)
    make_work_item(area="data", points=10)
    view = current_plan(session=db)
    (lane,) = view.lanes
    assert lane.member_id == ada.id and lane.email == ada.email
    assert lane.shares == pytest.approx({"research": 1 / 3, "data": 2 / 3})
    assert lane.finish_weeks == pytest.approx(3.0)
    assert member_rows(view, ada.id) == lane.rows
    assert member_rows(view, ada.id + 1000) == ()


def test_publishing_records_who_and_the_finish(db, make_member, make_work_item):
    make_member(name="Ada", levels=STRONG)
    make_work_item(area="research", points=10)
    publication = publish_plan(session=db, by="manager@example.com")
    assert publication.published_by == "manager@example.com"
    assert publication.finish_weeks == pytest.approx(2.0)
    assert publication.published_at.tzinfo is not None
    view = current_plan(session=db)
    assert view.published == publication
    assert view.time_changed == ()


def _statements(app, client) -> int:
    assert client.get("/api/v1/plan").status_code == 200
    with counting(app) as statements:
        assert client.get("/api/v1/plan").status_code == 200
    return len(statements)


def test_reading_the_plan_does_not_query_per_item_or_member(
    app, api, db, make_member, make_work_item
):
    client = api("admin")
    people = [make_member(levels=STRONG) for _ in range(2)]
    for _ in range(3):
        make_work_item(area="data", points=3)
    publish_plan(session=db, by="manager@example.com")
    away = AbsenceCreate(start=date(2027, 3, 1), end=date(2027, 3, 5))
    # a change of each kind since publishing: each kind costs one look at the states before
    absences.add_absence(people[0].id, away, session=db)
    update_member(people[1].id, MemberUpdate(fte=0.8), session=db)
    db.commit()  # end the read-back's transaction, so that the request may read and write
    small = _statements(app, client)
    people += [make_member(levels=STRONG) for _ in range(8)]
    for _ in range(40):
        make_work_item(area="engineering", points=2)
    for person in people[2:7]:
        absences.add_absence(person.id, away, session=db)
    mark_left(people[0].id, session=db)
    db.commit()
    assert _statements(app, client) == small
