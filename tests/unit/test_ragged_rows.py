"""Rows a fast CSV reader refuses, read again line by line: what is wrong, and on which line."""

from __future__ import annotations

from pathlib import Path

from readmit.batch.ragged import LineFinder, split_rows


def test_a_short_row_and_an_open_quote_are_named_and_the_lines_after_the_quote_come_back() -> None:
    rows = split_rows('A1,KH\nA2,"KH,B2\nA3,KH,B2\n', 10, 3)
    assert [(r.line, r.problem is None) for r in rows] == [(10, False), (11, False), (12, True)]
    assert rows[0].problem == "row has 2 cells, the header has 3"
    assert rows[1].cells[0] == "A2" and "quote" in str(rows[1].problem)
    assert rows[2].cells == ["A3", "KH", "B2"]


def test_a_short_row_may_be_padded_and_an_overlong_one_never_is() -> None:
    rows = split_rows("A1,KH\nA2,KH,B2,X\n", 2, 3, short_is_padded=True)
    assert rows[0].cells == ["A1", "KH", ""] and rows[0].problem is None
    assert rows[1].problem == "row has 4 cells, the header has 3"


def test_the_finder_numbers_repeated_rows_in_file_order_and_whole_lines_only(
    tmp_path: Path,
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b'a,b,c\r\nA1,KH,1\r\nA1,KH\r\n"x\ny",1\r\nA1,KH\r\n')
    finder = LineFinder(path)
    assert [finder.find("A1,KH"), finder.find('"x\ny",1'), finder.find("A1,KH")] == [3, 4, 6]
    assert finder.find("A9") is None
