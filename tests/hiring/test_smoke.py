def test_login_and_matrix(client, as_role, make_member):
    make_member(name="Ada Lovelace", levels={"research": 4, "engineering": 1, "data": 1})
    as_role("hiring_manager")
    page = client.get("/team/")
    assert page.status_code == 200
    assert "Ada Lovelace" in page.get_data(as_text=True)
