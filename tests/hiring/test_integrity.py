"""Rules the database itself holds, so that racing requests cannot break them."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from hiring.openings.models import Candidate


def test_an_email_appears_once_per_opening_even_past_the_services_check(db, make_opening):
    opening = make_opening()
    db.add(Candidate(opening_id=opening.id, name="One", email="same@example.com"))
    db.commit()
    db.add(Candidate(opening_id=opening.id, name="Two", email="same@example.com"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    other = make_opening()
    db.add(Candidate(opening_id=other.id, name="Elsewhere", email="same@example.com"))
    db.commit()  # the same person may apply to another opening
