"""docs/cli.md is the CLI reference generated from the commands' own help, and is current."""

from __future__ import annotations

from pathlib import Path

from readmit.cli.reference import render_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_docs_cli_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == render_reference(), (
        "docs/cli.md is out of date: run `uv run readmit cli-reference --output docs/cli.md`"
    )


def test_the_reference_covers_every_visible_command() -> None:
    text = render_reference()
    for command in ("readmit demo", "readmit report", "readmit export public", "readmit serve"):
        assert f"`{command}`" in text
    assert "`readmit cli-reference`" not in text  # hidden: for maintainers
