"""A file saved the wrong way is named for what to change, not with a parser's error."""

from __future__ import annotations

from pathlib import Path

import pytest

from readmit.batch.screening_files import chunks
from readmit.batch.sniff import csv_problem
from readmit.batch.tables import TableSpec, read_table
from readmit.domain.errors import InvalidInput, UnreadableFile

HEADER = "application_id,nationality,visa_class,decision_date,post_country\n"
ROW = "A1,KH,B1,2022-03-01,KH\n"


def _file(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "applications.csv"
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        ((HEADER + ROW).encode("utf-16"), "is UTF-16 text"),
        ((HEADER + ROW).replace(",", ";").encode(), "separates its columns with ';'"),
        ((HEADER + "A1,KH,B1,2022-03-01,KH,caf\xe9\n").encode("latin-1"), "is not UTF-8 text"),
    ],
)
def test_each_wrong_save_is_named(tmp_path: Path, content: bytes, said: str) -> None:
    path = _file(tmp_path, content)
    assert said in (csv_problem(path) or "")
    with pytest.raises(InvalidInput, match=said):
        list(chunks(path))  # batch screening
    spec = TableSpec(required=("application_id",), optional=())
    with pytest.raises(UnreadableFile, match=said):
        read_table(path, spec)  # imports


def test_a_good_file_has_no_problem(tmp_path: Path) -> None:
    assert csv_problem(_file(tmp_path, ("\ufeff" + HEADER + ROW).encode())) is None
