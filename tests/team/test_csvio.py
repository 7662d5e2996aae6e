"""The CSV formats on their own: decoding, splitting, headers, neutralising formulas, writing."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from team import csvio
from team.schemas import MemberPublic, WorkItemPublic

AREAS = ("research", "engineering", "data")
SKILLS = ("streaming", "nlp")
KNOWN = csvio.member_columns(AREAS, SKILLS)


def read_members(text: str, **kwargs) -> csvio.CsvTable:
    """Read text as a members file with the test's areas and skills."""
    return csvio.read_table(text, required=csvio.MEMBER_REQUIRED, known=KNOWN, **kwargs)


def raw_cells(text: str) -> list[list[str]]:
    """Cells as a spreadsheet would see them: no un-neutralising."""
    return list(csv.reader(io.StringIO(text.removeprefix(csvio.BOM), newline="")))


def member(**overrides) -> MemberPublic:
    """A member to write, with overrides."""
    data = {
        "id": 1,
        "name": "Ada",
        "email": "ada@example.com",
        "title": "",
        "fte": 1.0,
        "active": True,
        "levels": {},
        "skills": {},
    }
    return MemberPublic(**(data | overrides))


# Decoding -------------------------------------------------------------------------------------


def test_decode_upload_drops_the_byte_order_mark():
    assert csvio.decode_upload("\ufeffname,email\n".encode()) == "name,email\n"
    assert csvio.decode_upload("Zoë,zoe@example.com".encode()) == "Zoë,zoe@example.com"


def test_decode_upload_refuses_other_encodings_with_a_clear_message():
    with pytest.raises(ValueError, match="not UTF-8.*CSV UTF-8"):
        csvio.decode_upload("Zoë".encode("latin-1"))
    with pytest.raises(ValueError, match="binary"):
        csvio.decode_upload(b"PK\x03\x04\x00\x00")


def test_encode_download_puts_exactly_one_bom_in_front():
    assert csvio.encode_download("a,b\r\n") == b"\xef\xbb\xbfa,b\r\n"
    assert csvio.encode_download("\ufeffa") == b"\xef\xbb\xbfa"


# Reading ----------------------------------------------------------------------------------------


def test_read_table_accepts_a_bom_and_header_spelled_loosely():
    table = read_members("\ufeff Name , EMAIL ,Research\r\nAda,ada@example.com,3\r\n")
    assert table.columns == ("name", "email", "research")
    assert table.rows[0].cells == {"name": "Ada", "email": "ada@example.com", "research": "3"}


def test_read_table_handles_quotes_commas_and_line_breaks_inside_cells():
    text = (
        'name,email,title\n"Lovelace, Ada",ada@example.com,"Says ""hi"""\n'
        '"Hopper\nGrace",grace@example.com,x\n'
        "\n"
        "Turing,alan@example.com,y\n"
    )
    table = read_members(text)
    assert [row.cells["name"] for row in table.rows] == ["Lovelace, Ada", "Hopper\nGrace", "Turing"]
    assert table.rows[0].cells["title"] == 'Says "hi"'
    # Line numbers are file lines (header = 1), counting the break inside the quoted cell and the
    # blank line, so a person can find the row in a text editor.
    assert [row.line for row in table.rows] == [2, 3, 6]


def test_read_table_skips_blank_rows_and_fills_short_rows():
    table = read_members("name,email,fte\n,,\nAda,ada@example.com\n   \n")
    assert len(table.rows) == 1
    assert table.rows[0].cells == {"name": "Ada", "email": "ada@example.com", "fte": ""}
    assert table.rows[0].line == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("\ufeff\n\n", "the file is empty"),
        ("name,email\n", "header but no rows"),
        ("name,title\nAda,x\n", "missing column 'email'"),
        ("name,email,biology\nAda,a@example.com,1\n", "unknown column 'biology'"),
        ("name,email,research,Research\nAda,a@example.com,1,2\n", "'research' appears more than"),
    ],
)
def test_read_table_refuses_bad_files_as_a_whole(text, message):
    with pytest.raises(csvio.CsvFileError) as caught:
        read_members(text)
    assert any(message in m for m in caught.value.messages), caught.value.messages


def test_read_table_names_every_header_problem_at_once():
    with pytest.raises(csvio.CsvFileError) as caught:
        read_members("title,foo,bar\n")
    messages = caught.value.messages
    assert len(messages) == 4
    assert "missing column 'name'" in messages and "missing column 'email'" in messages


def test_read_table_limits_the_number_of_rows():
    rows = "".join(f"P{i},p{i}@example.com\n" for i in range(3))
    assert len(read_members("name,email\n" + rows, max_rows=3).rows) == 3
    with pytest.raises(csvio.CsvFileError, match="more than 2 rows"):
        read_members("name,email\n" + rows, max_rows=2)


def test_read_table_reports_rows_it_cannot_split():
    text = "name,email,\nAda,ada@example.com,\nBob,bob@example.com,oops\nCy,cy@example.com,,x\n"
    table = read_members(text)
    assert [row.line for row in table.rows] == [2]
    assert table.columns == ("name", "email")
    assert "column 3 has a value but no name" in table.errors[3][0]
    assert "has 4 cells but the header has 3 columns" in table.errors[4][0]


# Neutralising formulas --------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_cells_that_a_spreadsheet_would_run_get_an_apostrophe(cell):
    assert csvio.neutralise(cell) == "'" + cell
    assert csvio.restore(csvio.neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["Ada", "", "'quoted'", "1-2", "a=b", "'", "''"])
def test_ordinary_cells_are_left_alone(cell):
    assert csvio.neutralise(cell) == cell
    assert csvio.restore(cell) == cell


# Lookalikes a spreadsheet also runs (issue 10): full-width forms, small forms, the minus sign,
# and formula characters behind spaces or line breaks that a spreadsheet may trim first.
LOOKALIKES = [
    "\uff1d1+1",  # ＝ full-width equals
    "\uff0bcmd|' /C calc'!A0",  # ＋ full-width plus
    "\uff0d2+3",  # － full-width hyphen-minus
    "\uff20SUM(A1)",  # ＠ full-width commercial at
    "\ufe66x",  # ﹦ small equals
    "\ufe62x",  # ﹢ small plus
    "\ufe63x",  # ﹣ small hyphen-minus
    "\ufe6bx",  # ﹫ small commercial at
    "\u2212" + "1+1",  # − minus sign
    "\nx",
    " =1+1",
    "\u00a0=1+1",
    "\u3000\uff1d1+1",
    "\ufeff=bom",  # a byte-order mark in front (invisible; a spreadsheet may drop it)
    "\u200b+1",  # a zero-width space in front
]


@pytest.mark.parametrize("cell", LOOKALIKES)
def test_formula_lookalikes_are_neutralised_like_the_formula_characters(cell):
    assert csvio.neutralise(cell) == "'" + cell
    assert csvio.restore(csvio.neutralise(cell)) == cell
    assert csvio.neutralise("'" + cell) == "''" + cell


def test_exports_neutralise_lookalikes_in_every_cell():
    text = csvio.write_members(
        [member(name="\uff1dHYPERLINK(1)", title="\uff20SUM(A1)", email="a@b.co")],
        area_keys=AREAS,
        skill_keys=(),
    )
    row = raw_cells(text)[1]
    assert row[0] == "'\uff1dHYPERLINK(1)" and row[2] == "'\uff20SUM(A1)"
    assert read_members(text).rows[0].cells["name"] == "\uff1dHYPERLINK(1)"


def test_apostrophes_already_in_front_of_a_formula_survive_the_round_trip():
    assert csvio.neutralise("'=x") == "''=x"
    assert csvio.restore("''=x") == "'=x"
    # A hand-made file that guards a formula itself gets the formula text as the value.
    assert csvio.restore("'=x") == "=x"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_restore_undoes_neutralise_for_any_text(cell):
    assert csvio.restore(csvio.neutralise(cell)) == cell


@given(
    st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
            max_size=20,
        ).map(lambda s: s.strip()),
        min_size=2,
        max_size=2,
    )
)
def test_written_files_read_back_the_same(values):
    name, title = values
    text = csvio.write_table(["name", "email", "title"], [[name or "x", "a@b.co", title]])
    row = read_members(text).rows[0]
    assert (row.cells["name"], row.cells["title"]) == (name or "x", title)


def test_export_never_starts_a_cell_with_a_formula_character():
    text = csvio.write_members(
        [member(name='=HYPERLINK("http://evil")', title="+cmd|' /C calc'!A0", email="a@b.co")],
        area_keys=AREAS,
        skill_keys=(),
    )
    for row in raw_cells(text):
        for cell in row:
            assert not cell or cell[0] not in csvio.FORMULA_START, cell
    assert raw_cells(text)[1][0] == '\'=HYPERLINK("http://evil")'


# The two formats --------------------------------------------------------------------------------


def test_write_members_has_every_area_and_skill_as_a_column():
    text = csvio.write_members(
        [member(fte=1 / 3, levels={"research": 4}, skills={"nlp": 2}, title="Lead, NLP")],
        area_keys=AREAS,
        skill_keys=SKILLS,
    )
    assert text.endswith("\r\n") and not text.startswith(csvio.BOM)
    header, row = raw_cells(text)
    assert header == ["name", "email", "title", "fte", *AREAS, *SKILLS, "start_date", "end_date"]
    assert row == [
        "Ada",
        "ada@example.com",
        "Lead, NLP",
        repr(1 / 3),
        *("4", "0", "0", "0", "2"),
        *("", ""),
    ]
    assert float(row[3]) == 1 / 3


def test_member_fields_reads_levels_as_numbers_or_names_and_only_given_columns():
    table = read_members("name,email,title,research,nlp\nAda,ADA@example.com,,Strong,\n")
    data, errors = csvio.member_fields(table.rows[0], area_keys=AREAS, skill_keys=SKILLS)
    assert errors == {}
    assert data == {
        "name": "Ada",
        "email": "ADA@example.com",
        "title": "",
        "levels": {"research": 3},
        "skills": {"nlp": 0},
    }
    table = read_members("name,email,fte\nAda,a@b.co,0.5\n")
    data, _ = csvio.member_fields(table.rows[0], area_keys=AREAS, skill_keys=SKILLS)
    assert data == {"name": "Ada", "email": "a@b.co", "fte": "0.5"}


def test_member_fields_names_each_bad_level_cell():
    table = read_members("name,email,research,data,nlp\nAda,a@b.co,2.5,great,5\n")
    data, errors = csvio.member_fields(table.rows[0], area_keys=AREAS, skill_keys=SKILLS)
    assert set(errors) == {"research", "data", "nlp"}
    assert errors["research"][0].startswith("must be a whole number from 0 to 4")
    assert data["levels"] == {} and data["skills"] == {}


def test_member_fields_reads_dates_as_given_and_an_empty_cell_as_none():
    table = read_members(
        "name,email,start_date,end_date\nAda,a@b.co,2027-01-04,\nBo,b@b.co, 2027-02-01 ,x\n"
    )
    rows = [csvio.member_fields(row, area_keys=AREAS, skill_keys=SKILLS) for row in table.rows]
    assert rows[0] == (
        {"name": "Ada", "email": "a@b.co", "start_date": "2027-01-04", "end_date": None},
        {},
    )
    # Cells are trimmed; whether a cell is a date is the schema's to say (team.imports).
    assert rows[1][0]["start_date"] == "2027-02-01" and rows[1][0]["end_date"] == "x"
    # Columns not in the file are not in the row: an update keeps the stored dates.
    table = read_members("name,email\nAda,a@b.co\n")
    data, _ = csvio.member_fields(table.rows[0], area_keys=AREAS, skill_keys=SKILLS)
    assert "start_date" not in data and "end_date" not in data


def test_members_with_dates_round_trip_and_the_dates_come_last():
    people = [
        member(start_date=date(2027, 1, 4), end_date=date(2027, 6, 30), levels={"data": 2}),
        member(email="bo@example.com", end_date=date(2027, 12, 31)),
    ]
    text = csvio.write_members(people, area_keys=AREAS, skill_keys=SKILLS)
    header, *rows = raw_cells(text)
    assert header[-2:] == ["start_date", "end_date"] and header[-3] == SKILLS[-1]
    assert [row[-2:] for row in rows] == [["2027-01-04", "2027-06-30"], ["", "2027-12-31"]]
    table = read_members(text)
    dates = [
        {
            k: v
            for k, v in csvio.member_fields(r, area_keys=AREAS, skill_keys=SKILLS)[0].items()
            if k.endswith("_date")
        }
        for r in table.rows
    ]
    assert dates == [
        {"start_date": "2027-01-04", "end_date": "2027-06-30"},
        {"start_date": None, "end_date": "2027-12-31"},
    ]


def test_a_key_stored_before_it_was_reserved_is_read_as_the_members_field():
    """An area named `start_date` made before the name was reserved (team.areas refuses it now)
    does not turn the date column into a level, nor appear twice in the header."""
    columns = csvio.member_columns(("research", "start_date"), ("end_date", "nlp"))
    assert columns == ("name", "email", "title", "fte", "research", "nlp", "start_date", "end_date")
    table = csvio.read_table(
        "name,email,start_date\nAda,a@b.co,2027-01-04\n",
        required=csvio.MEMBER_REQUIRED,
        known=columns,
    )
    data, errors = csvio.member_fields(
        table.rows[0], area_keys=("research", "start_date"), skill_keys=("nlp",)
    )
    assert errors == {} and data["start_date"] == "2027-01-04" and "levels" not in data


def test_every_fixed_column_name_is_reserved():
    assert {"start_date", "end_date", "name", "email", "title", "fte"} <= csvio.RESERVED_COLUMNS
    assert set(csvio.WORK_COLUMNS) <= csvio.RESERVED_COLUMNS


def test_work_items_round_trip_with_skills_and_statuses():
    items = [
        WorkItemPublic(
            id=1, title="-x", area="data", points=2.5, status="in_progress", skills=["a", "b"]
        ),
        WorkItemPublic(id=2, title="Plain", area="research", points=8, status="done", skills=[]),
    ]
    text = csvio.write_work_items(items)
    assert raw_cells(text)[0] == list(csvio.WORK_COLUMNS)
    table = csvio.read_table(text, required=csvio.WORK_REQUIRED, known=csvio.WORK_COLUMNS)
    fields = [csvio.work_item_fields(row) for row in table.rows]
    assert fields == [
        {
            "title": "-x",
            "area": "data",
            "points": "2.5",
            "status": "in_progress",
            "skills": ["a", "b"],
        },
        {"title": "Plain", "area": "research", "points": "8", "status": "done", "skills": []},
    ]


def test_work_item_fields_reads_statuses_and_skills_loosely():
    text = (
        "title,area,points,status,skills\nX,Data,3,In progress, NLP ; ;streaming;nlp\nY,data,1,,\n"
    )
    rows = csvio.read_table(text, required=csvio.WORK_REQUIRED, known=csvio.WORK_COLUMNS).rows
    first, second = (csvio.work_item_fields(row) for row in rows)
    assert first["status"] == "in_progress"
    assert first["skills"] == ["nlp", "streaming"]
    assert "status" not in second and second["skills"] == []


def test_examples_use_the_columns_given():
    members = raw_cells(csvio.example_members(["ml", "ops"], ["k8s"]))
    assert members[0] == [
        "name",
        "email",
        "title",
        "fte",
        "ml",
        "ops",
        "k8s",
        "start_date",
        "end_date",
    ]
    assert len(members) == 3
    work = raw_cells(csvio.example_work_items(["ml", "ops"], ["k8s"]))
    assert work[0] == list(csvio.WORK_COLUMNS)
    assert {row[1] for row in work[1:]} == {"ml", "ops"}


def test_the_assignee_is_the_last_work_column_reserved_and_read_back():
    assert csvio.WORK_COLUMNS[-1] == "assignee" and "assignee" in csvio.RESERVED_COLUMNS
    items = [
        WorkItemPublic(
            id=1,
            title="Mine",
            area="data",
            points=1,
            status="planned",
            skills=[],
            assignee="ada@example.com",
        ),
        WorkItemPublic(
            id=2,
            title="Odd",
            area="data",
            points=1,
            status="planned",
            skills=[],
            assignee="-x@y.io",
        ),
        WorkItemPublic(id=3, title="Nobody's", area="data", points=1, status="planned", skills=[]),
    ]
    text = csvio.write_work_items(items)
    assert raw_cells(text)[1][-1] == "ada@example.com"
    assert raw_cells(text)[2][-1] == "'-x@y.io"  # a spreadsheet would read "-x..." as a formula
    table = csvio.read_table(text, required=csvio.WORK_REQUIRED, known=csvio.WORK_COLUMNS)
    assert [csvio.work_item_assignee(row) for row in table.rows] == [
        "ada@example.com",
        "-x@y.io",
        "",
    ]
    older = csvio.read_table("title,area,points\nA,data,1\n", required=(), known=csvio.WORK_COLUMNS)
    assert csvio.work_item_assignee(older.rows[0]) == ""
