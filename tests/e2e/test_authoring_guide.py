"""docs/authoring-a-sanction.md works as written: its YAML loads, and screening follows it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from readmit.cli import app
from readmit.packs import pack_path

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring-a-sanction.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A copy of the US pack with the guide's organisations and sanction file added."""
    pack = tmp_path / "pack"
    shutil.copytree(pack_path("us_ina_243d"), pack)
    organisations, sanction = BLOCKS[0], BLOCKS[1]
    with (pack / "organisations.yaml").open("a", encoding="utf-8") as handle:
        handle.write(organisations)
    (pack / "sanctions" / "TV-2031.yaml").write_text(sanction, encoding="utf-8")
    return {
        "READMIT_PACK": str(pack),
        "READMIT_DATABASE_URL": f"sqlite:///{tmp_path / 'guide.db'}",
        "READMIT_KEY_DIR": str(tmp_path / "keys"),
    }


def _run(env: dict[str, str], *args: str) -> str:
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def _decision(env: dict[str, str], *args: str) -> str:
    base = ["check", "--nationality", "TV", "--visa-class", "B1/B2", "--json"]
    return str(json.loads(_run(env, *base, *args))["decision"])


def test_the_guide_has_the_blocks_it_describes() -> None:
    assert len(BLOCKS) == 3
    assert BLOCKS[1].startswith("id: TV-2031")


def test_the_worked_example_loads_and_screens_as_the_guide_says(env: dict[str, str]) -> None:
    _run(env, "db", "upgrade")
    listed = _run(env, "sanctions", "list", "--country", "TV", "--as-of", "2031-06-01")
    assert "TV-2031" in listed
    official = ["--decision-date", "2031-05-01", "--employer", "TV-MFA", "--relationship", "self"]
    assert _decision(env, *official, "--post-country", "TV", "--rank", "director_general") == (
        "discontinued"
    )
    assert _decision(env, *official, "--post-country", "FJ", "--rank", "director_general") == (
        "not_affected"
    )
    assert _decision(env, *official, "--post-country", "TV", "--rank", "director") == (
        "not_affected"
    )
    assert _decision(env, *official, "--post-country", "TV") == "needs_review"


def test_the_lift_of_step_5_ends_the_measure(env: dict[str, str], tmp_path: Path) -> None:
    sanction = Path(env["READMIT_PACK"]) / "sanctions" / "TV-2031.yaml"
    sanction.write_text(sanction.read_text(encoding="utf-8") + BLOCKS[2], encoding="utf-8")
    _run(env, "db", "upgrade")
    after = [
        "--decision-date",
        "2032-02-01",
        "--post-country",
        "TV",
        "--employer",
        "TV-MFA",
        "--rank",
        "director_general",
        "--relationship",
        "self",
    ]
    assert _decision(env, *after) == "not_affected"
