"""Write a dataset as CSV, Parquet and JSON, each with its data dictionary."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.string(),
}


@dataclass(frozen=True)
class Column:
    """One column: its name, type (string, integer, number, boolean, date) and meaning."""

    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Dataset:
    """A table to publish: its name, what it holds, where it comes from, and its rows."""

    name: str
    title: str
    source: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]

    def dictionary(self, provenance: dict[str, Any]) -> dict[str, Any]:
        """The data dictionary: every column's type and meaning, and the provenance."""
        return {
            "dataset": self.name,
            "title": self.title,
            "source": self.source,
            "rows": len(self.rows),
            "files": {fmt: f"{self.name}.{fmt}" for fmt in ("csv", "parquet", "json")},
            "columns": [
                {"name": c.name, "type": c.type, "description": c.description} for c in self.columns
            ],
            "provenance": provenance,
        }


def write_dataset(folder: Path, dataset: Dataset, provenance: dict[str, Any]) -> list[Path]:
    """Write the dataset in three formats plus ``<name>.dictionary.json``; return the paths."""
    names = [c.name for c in dataset.columns]
    rows = [{name: row.get(name) for name in names} for row in dataset.rows]
    paths = [
        _csv(folder / f"{dataset.name}.csv", names, rows),
        _parquet(folder / f"{dataset.name}.parquet", dataset.columns, rows),
        _json(folder / f"{dataset.name}.json", rows),
    ]
    dictionary = folder / f"{dataset.name}.dictionary.json"
    dictionary.write_text(
        json.dumps(dataset.dictionary(provenance), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return [*paths, dictionary]


def write_one(path: Path, dataset: Dataset, provenance: dict[str, Any]) -> list[Path]:
    """Write the dataset in the one format ``path`` names (.csv, .parquet, .json) and its
    dictionary beside it; return both paths."""
    names = [c.name for c in dataset.columns]
    rows = [{name: row.get(name) for name in names} for row in dataset.rows]
    kind = path.suffix.lower()
    if kind == ".csv":
        _csv(path, names, rows)
    elif kind == ".parquet":
        _parquet(path, dataset.columns, rows)
    else:
        _json(path, rows)
    dictionary = path.with_name(f"{path.stem}.dictionary.json")
    dictionary.write_text(
        json.dumps(dataset.dictionary(provenance), indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return [path, dictionary]


def _csv(path: Path, names: Sequence[str], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(names))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _parquet(path: Path, columns: Sequence[Column], rows: list[dict[str, Any]]) -> Path:
    schema = pa.schema([(c.name, _ARROW[c.type]) for c in columns])
    data = {c.name: [_cell(row[c.name], c.type) for row in rows] for c in columns}
    pq.write_table(pa.table(data, schema=schema), path)
    return path


def _cell(value: Any, kind: str) -> Any:
    if value is None or value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return str(value)


def _json(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(rows, indent=1, ensure_ascii=False, default=str) + "\n", "utf-8")
    return path


# The licence of the public data readmit publishes (the registry, its steps, the claims and the
# de-identified counts), in the form a data package names one.
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def write_index(folder: Path, datasets: Sequence[Dataset], provenance: dict[str, Any]) -> Path:
    """Write README.md: what each dataset holds, its files and dictionary, and the provenance."""
    lines = [
        "# readmit public export",
        "",
        "De-identified: no names, identifiers, dates of birth or family details; only the",
        "registry of sanctions, the public claims, and counts derived from the ledger.",
        "`published_figures` is apart: counts US agencies published (ICE, DHS), not the",
        "ledger's, each row with its publisher, table and address.",
        "",
        f"- ledger position: {provenance['ledger_position']['seq']} "
        f"(hash {provenance['ledger_position']['hash']})",
        f"- exported on: {provenance['exported_on']}",
        f"- policy pack: {provenance['pack']}",
        f"- licence: {LICENCE['title']} ({LICENCE['name']}, {LICENCE['path']}); compiled from",
        "  public government records, each linked from its row; attribute: readmit public export",
    ]
    if provenance.get("synthetic"):
        lines.append("- SYNTHETIC DEMO DATA: the cases behind the counts are invented.")
    lines += ["", "| dataset | what | rows | files |", "|---|---|---|---|"]
    for d in datasets:
        files = ", ".join(f"`{d.name}.{f}`" for f in ("csv", "parquet", "json"))
        lines.append(
            f"| {d.name} | {d.title} | {len(d.rows)} | {files}, `{d.name}.dictionary.json` |"
        )
    path = folder / "README.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
