import time
from tests.conftest import post_form

def test_exp(client, as_role, make_member, db):
    as_role("hiring_manager")
    m = make_member(name="Ada")
    print("in tx", db.in_transaction())
    t = time.time()
    r = post_form(client, f"/team/members/{m.id}/edit", {"name": "Ada B", "email": m.email, "fte": "1", "level_research": "3", "level_engineering": "2", "level_data": "2"})
    print(r.status_code, time.time() - t)
    from team.members import get_member
    print(get_member(m.id, session=db))
