"""docs/api.md's error table is generated from the API's status mapping, and is current."""

from __future__ import annotations

from pathlib import Path

from readmit.api.docs import render_error_table, with_error_table
from readmit.api.errors import error_codes
from readmit.domain import errors

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def test_docs_api_md_error_table_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text == with_error_table(text), (
        "docs/api.md's error table is out of date: run `uv run python scripts/api_error_table.py`"
    )


def test_the_table_lists_every_code_of_the_error_hierarchy() -> None:
    hierarchy = {
        kind.code
        for kind in vars(errors).values()
        if isinstance(kind, type) and issubclass(kind, errors.ReadmitError)
    }
    table = render_error_table()
    for code in hierarchy | {"validation_error", "database_unavailable", "internal_error"}:
        assert f"| `{code}` |" in table
    for code in ("wrong_destination", "unreadable_file", "pack_error", "ledger_corrupt"):
        assert f"| `{code}` |" in table  # the ones the hand-written table had left out


def test_each_code_has_one_status() -> None:
    codes = [row.code for row in error_codes()]
    assert len(codes) == len(set(codes))
