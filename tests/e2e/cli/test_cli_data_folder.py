"""One data location for the demo and every command: the folder's readmit.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from readmit.cli import app
from readmit.cli.demo import remember_database
from readmit.services.context import App


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder with no READMIT_ database setting in the environment."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("READMIT_DATABASE_URL", raising=False)
    return tmp_path


def test_a_command_run_where_the_demo_ran_reads_the_demos_database(
    folder: Path, sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    said = remember_database("sqlite:///readmit.db", folder)  # the demo's database, by name
    assert "now points at" in said and (folder / "readmit.toml").exists()
    result = CliRunner().invoke(app, ["sanctions", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert "KH-2017" in result.output
    assert "left as it is" in remember_database("sqlite:///elsewhere.db", folder)


def test_a_missing_database_is_named_with_how_to_choose_one_and_nothing_is_created(
    folder: Path,
) -> None:
    result = CliRunner().invoke(app, ["case", "show", "SYN-KH-000123"])
    assert result.exit_code == 3
    said = " ".join(result.output.split())
    assert str(folder / "readmit.db") in said
    assert "readmit demo" in said and "readmit.toml" in said and "READMIT_DATABASE_URL" in said
    assert list(folder.iterdir()) == [], "no empty database is left behind"


def test_the_demos_readmit_toml_names_its_registrys_packs_and_serve_there_reads_them(
    folder: Path, sqlite_app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READMIT_KEY_DIR", str(sqlite_app.settings.key_dir))
    monkeypatch.delenv("READMIT_REGISTRY_PACKS", raising=False)
    packs = ["eu_visa_code_25a", "uk_naba_2022_s72"]
    remember_database("sqlite:///readmit.db", folder, packs)
    assert (
        'registry_packs = ["eu_visa_code_25a", "uk_naba_2022_s72"]'
        in (folder / "readmit.toml").read_text()
    )
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    listed = CliRunner().invoke(app, ["sanctions", "list", "--pack", "eu_visa_code_25a"])
    assert listed.exit_code == 0, listed.output
    assert "ET-2023  Ethiopia (ET): in force" in listed.output


def test_an_earlier_demos_readmit_toml_gains_the_registrys_packs(folder: Path) -> None:
    (folder / "readmit.toml").write_text('database_url = "sqlite:///readmit.db"\n')
    said = remember_database("sqlite:///readmit.db", folder, ["eu_visa_code_25a"])
    assert "its registry at eu_visa_code_25a" in said
    text = (folder / "readmit.toml").read_text()
    assert text == 'database_url = "sqlite:///readmit.db"\nregistry_packs = ["eu_visa_code_25a"]\n'
    assert remember_database("sqlite:///readmit.db", folder, ["eu_visa_code_25a"]).endswith(
        "points at sqlite:///readmit.db"
    )
