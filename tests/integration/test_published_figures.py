"""Published figures: loaded with the pack by ``readmit db upgrade`` (idempotently), into their
own table, and exported as their own dataset with a source on every row."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlalchemy import func, select, update
from typer.testing import CliRunner

from readmit.cli import app as cli
from readmit.packs.sources import load_published_figures
from readmit.services.assessment.published import (
    load_pack_published,
    published_for_country,
    published_rows,
)
from readmit.services.context import App
from readmit.services.exports.public import export_public
from readmit.services.ops.maintenance import upgrade
from readmit.store.published_schema import published_figures


def _count(app: App) -> int:
    with app.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(published_figures)).scalar_one())


def test_upgrade_loads_every_published_figure_once(sqlite_app: App) -> None:
    expected = len(load_published_figures().figures)
    assert _count(sqlite_app) == expected
    upgrade(sqlite_app)
    assert _count(sqlite_app) == expected
    assert load_pack_published(sqlite_app) == 0


def test_a_changed_or_stray_row_is_put_back_as_the_pack_has_it(sqlite_app: App) -> None:
    t = published_figures
    with sqlite_app.engine.begin() as conn:
        conn.execute(update(t).where(t.c.country == "KH").values(value=0, content_hash="x"))
        conn.execute(
            t.insert().values(
                **{
                    **dict(conn.execute(select(t).limit(1)).mappings().one()),
                    "figure_id": "stray",
                }
            )
        )
    kh = sum(1 for f in load_published_figures().figures if f.country == "KH")
    assert load_pack_published(sqlite_app) == kh + 1
    assert load_pack_published(sqlite_app) == 0
    rows = {r["id"]: r for r in published_rows(sqlite_app, "KH")}
    assert rows["KH:removals:FY2019:ice-ero-fy2019"]["value"] == 80


def test_the_cli_upgrade_loads_them(tmp_path: Path) -> None:
    env = {"READMIT_DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}"}
    for _ in range(2):
        result = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["claims", "list", "KH"], env=env)
    assert result.exit_code == 0, result.output
    assert "530ff04bafca74bc" not in result.output
    assert "Lift 'unjust' travel ban on officials, US urged" in result.output


def test_a_country_gets_its_figures_with_their_sources(sqlite_app: App) -> None:
    found = published_for_country(sqlite_app, "KH")
    assert found["heading"] == "Published figures"
    figures = [f for t in found["tables"] for f in t["figures"]]
    assert {t["measure"] for t in found["tables"]} == {"removals", "final_orders_pending"}
    assert all(f["kind"] == "published" and f["source"]["url"] for f in figures)
    periods = [f["period"] for f in found["tables"][0]["figures"]]
    assert periods[0] == "FY2014" and periods[-1] == "FY2024"


def test_the_public_export_has_the_published_figures_apart_with_their_sources(
    sqlite_app: App, tmp_path: Path
) -> None:
    written = export_public(sqlite_app, tmp_path)
    assert tmp_path / "published_figures.csv" in written
    with (tmp_path / "published_figures.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(load_published_figures().figures)
    for row in rows:
        assert row["publisher"] and row["table_title"] and row["url"].startswith("http")
        assert row["published_value"].isdigit()
    dictionary = json.loads((tmp_path / "published_figures.dictionary.json").read_text())
    assert "not the ledger" in dictionary["source"]
    assert all(c["description"] for c in dictionary["columns"])
    ledger = (tmp_path / "cooperation_by_year.csv").read_text(encoding="utf-8")
    assert "FY20" not in ledger and "ice.gov" not in ledger
    claims = (tmp_path / "claims.csv").read_text(encoding="utf-8")
    assert "530ff04bafca74bc" not in claims
    assert "published_figures" in (tmp_path / "README.md").read_text(encoding="utf-8")
