"""Reading a member list: headers, delimiters, encodings, quoting; writing safe CSV."""

from __future__ import annotations

import csv
import io

import pytest

from bot.domain.errors import UserError
from bot.domain.member_import import read_table, safe_cell, write_csv


def test_headers_match_in_any_order_and_case_and_extra_columns_are_reported() -> None:
    table = read_table(b"Shoe Size,TIME ZONE,e-mail,Skills\n42,UTC,Ana@X.org,python:expert\n")
    assert table.ignored == ("Shoe Size",)
    [row] = table.rows
    assert row.who.email == "ana@x.org"
    assert row.values == {"timezone": "UTC", "skills": {"python": 3}}


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_semicolons_excel_quoting_and_a_bom_are_read(bom: bytes) -> None:
    data = bom + (
        b'Email;Skills;Bio\r\nana@x.org;"python:expert; grant writing";"She said ""hi"";\nbye"\r\n'
    )
    [row] = read_table(data).rows
    assert row.values["skills"] == {"python": 3, "grant writing": 2}
    assert row.values["bio"] == 'She said "hi";\nbye'


def test_a_file_that_is_not_utf8_or_names_nobody_is_refused_whole() -> None:
    with pytest.raises(UserError, match="not UTF-8"):
        read_table("email\nana@x.org,Zoë\n".encode("latin-1") + b"\xe9")
    with pytest.raises(UserError, match="no column to find members by"):
        read_table(b"skills,bio\npython,hello\n")
    with pytest.raises(UserError, match="appears twice"):
        read_table(b"email,E-Mail\na@x.org,b@x.org\n")


def test_each_bad_cell_is_reported_with_its_row_and_column() -> None:
    table = read_table(
        b"email,skills,time zone,contact window\n"
        b"not-an-email,,,\n"
        b"b@x.org,python:guru,Nowhere/City,someday\n"
        b",,,\n"
    )
    assert [str(p) for p in table.problems] == [
        "row 2, email: \u201cnot-an-email\u201d is not an email address.",
        "row 3, skills: \u201cguru\u201d is not a skill level.",
        "row 3, time zone: \u201cNowhere/City\u201d is not a time zone I know.",
        "row 3, contact window: \u201csomeday\u201d is not a contact window I understand.",
        "row 4: empty row",
    ]
    assert table.rows == []


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text
    [[cell]] = list(csv.reader(io.StringIO(write_csv([text], []))))
    assert cell == "'" + text


def test_ordinary_cells_are_written_as_they_are() -> None:
    assert safe_cell("Ana (she/her) = great") == "Ana (she/her) = great"
    assert safe_cell(None) == ""


def test_a_row_the_csv_reader_cannot_read_refuses_the_whole_file() -> None:
    with pytest.raises(UserError, match="Row 3 of the file can't be read"):
        huge = b'"' + b"x" * 200_000 + b'"'  # past the CSV reader's field size limit
        read_table(b"email,bio\na@x.org,fine\nb@x.org," + huge + b"\nc@x.org,fine\n")
