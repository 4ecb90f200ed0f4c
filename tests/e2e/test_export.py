"""``readmit export``: public datasets carry no personal value; case exports follow the role."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from demo_support import demo_app, demo_database
from sqlalchemy import select
from typer.testing import CliRunner

from readmit.cli import app
from readmit.store.schema import cases, persons

pytestmark = pytest.mark.slow

DATASETS = (
    "sanctions_registry",
    "sanction_steps",
    "cooperation_by_year",
    "cases_by_state",
    "claims",
    "published_figures",
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_database(tmp_path_factory)


@pytest.fixture(scope="module")
def env(db: Path) -> dict[str, str]:
    # The demo's folders (module-scoped: before any test's own are set).
    folders = {"READMIT_KEY_DIR": str(db.parent / "keys"), "READMIT_DATA_DIR": str(db.parent)}
    return {"READMIT_DATABASE_URL": f"sqlite:///{db}", **folders}


@pytest.fixture(scope="module")
def personal_values(db: Path, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every name, identifier and date of birth the database holds."""
    application = demo_app(db, tmp_path_factory.mktemp("keys"))
    with application.uow(write=False) as uow:
        records = uow.conn.execute(select(persons.c.data)).scalars().all()
        ids = uow.conn.execute(select(cases.c.case_id)).scalars().all()
    application.engine.dispose()
    values = set(ids)
    for record in records:
        data = record if isinstance(record, dict) else json.loads(record)
        values |= {str(data[k]) for k in ("given_name", "family_name", "date_of_birth")}
    assert len(values) > 10_000
    return values


@pytest.fixture(scope="module")
def public(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("public")
    result = CliRunner().invoke(app, ["export", "public", "--output", str(folder)], env=env)
    assert result.exit_code == 0, result.output
    return folder


def _text_of(path: Path) -> str:
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        return json.dumps(table.to_pylist(), default=str) + path.read_bytes().decode("latin-1")
    return path.read_text(encoding="utf-8")


def found_in(text: str, values: set[str]) -> set[str]:
    """Return the personal values that occur in ``text`` (by token, then as a substring)."""
    tokens = set(_TOKEN.findall(text))
    hits = set()
    for value in values:
        first = _TOKEN.findall(value)
        if first and first[0] in tokens and value in text:
            hits.add(value)
    return hits


def test_every_dataset_comes_in_three_formats_with_its_dictionary(public: Path) -> None:
    for name in DATASETS:
        dictionary = json.loads((public / f"{name}.dictionary.json").read_text())
        documented = [c["name"] for c in dictionary["columns"]]
        assert all(c["description"] for c in dictionary["columns"])
        with (public / f"{name}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert header == documented
        assert pq.read_table(public / f"{name}.parquet").column_names == documented
        rows = json.loads((public / f"{name}.json").read_text())
        assert len(rows) == dictionary["rows"] > 0
        assert dictionary["provenance"]["synthetic"] is True
    assert "SYNTHETIC DEMO DATA" in (public / "README.md").read_text()


def test_no_exported_file_holds_any_personal_value(public: Path, personal_values: set[str]) -> None:
    files = sorted(public.iterdir())
    assert len(files) == 4 * len(DATASETS) + 1
    for path in files:
        assert found_in(_text_of(path), personal_values) == set(), path.name


def test_the_public_figures_carry_cambodias_record(public: Path) -> None:
    rows = json.loads((public / "cooperation_by_year.json").read_text())
    kh = {r["year"]: r for r in rows if r["country"] == "KH"}
    # The export counts calendar years; the record's 110 (FY2018) and 81 (FY2019) are fiscal
    # years, which tests/e2e/test_demo.py checks. Calendar years hold KVAO's 768 by 2020 and
    # January 2020's 25, the last group before Covid-19.
    assert sum(kh[year]["removals"] for year in range(2002, 2021) if year in kh) == 768
    assert kh[2020]["removals"] == 25
    registry = json.loads((public / "sanctions_registry.json").read_text())
    assert any(r["sanction_id"] == "KH-2017" for r in registry)


def test_an_admin_export_of_cases_holds_personal_data_and_the_scan_finds_it(
    env: dict[str, str], tmp_path: Path, personal_values: set[str]
) -> None:
    target = tmp_path / "cases.csv"
    args = ["export", "cases", "--output", str(target), "--country", "KH"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert len(found_in(text, personal_values)) > 1000
    assert "SYN-GN-" not in text
    assert (tmp_path / "cases.dictionary.json").exists()


def test_a_bound_role_must_name_its_country(env: dict[str, str], tmp_path: Path) -> None:
    args = ["export", "cases", "-o", str(tmp_path / "x.csv"), "--role", "partner_liaison"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 2
    assert "bound to one country" in result.output


def test_a_partner_liaison_exports_only_its_nationals_without_family_details(
    env: dict[str, str], tmp_path: Path
) -> None:
    target = tmp_path / "kh.json"
    args = ["export", "cases", "-o", str(target), "--role", "partner_liaison", "--country", "KH"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    rows = json.loads(target.read_text())
    assert rows and {r["nationality"] for r in rows} == {"KH"}
    assert all(r["personal_spouse_in_country"] == "[masked]" for r in rows)
    assert all(r["personal_given_name"].startswith("SYNTHETIC ") for r in rows)


def test_a_role_without_personal_data_gets_no_cases(env: dict[str, str], tmp_path: Path) -> None:
    target = tmp_path / "cases.csv"
    args = ["export", "cases", "-o", str(target), "--role", "analyst"]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code != 0
    assert "personal data" in result.output
    assert not target.exists()
