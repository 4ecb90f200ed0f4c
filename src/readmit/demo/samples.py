"""Small synthetic import files beside the demo, so the guides' import commands run as written.

Three invented Cambodian cases after the scenario's end, one charter flight and the events that
take one of them from presentation to removal: a file of each kind ``readmit import`` reads
(docs/import-formats.md). Every id begins with ``SYN-``: nothing here is a real person.
"""

from __future__ import annotations

import csv
from pathlib import Path

CASES = (
    {"case_id": "SYN-KH-EX0001", "nationality": "KH", "final_order_date": "2022-06-01",
     "criminal": "true", "custody": "detained", "given_name": "Synthetic",
     "family_name": "Example-One"},
    {"case_id": "SYN-KH-EX0002", "nationality": "KH", "final_order_date": "2022-06-02",
     "criminal": "false", "custody": "released", "given_name": "Synthetic",
     "family_name": "Example-Two"},
    {"case_id": "SYN-KH-EX0003", "nationality": "KH", "final_order_date": "2022-06-03",
     "criminal": "true", "custody": "detained", "given_name": "Synthetic",
     "family_name": "Example-Three"},
)  # fmt: skip
FLIGHTS = (
    {"flight_id": "SYN-FLIGHT-EX1", "departure_on": "2022-09-15", "kind": "charter",
     "destination": "KH", "capacity": "10"},
)  # fmt: skip
_REMOVAL: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("presented", "2022-06-10", {}),
    ("interview_scheduled", "2022-07-01", {}),
    ("interview_held", "2022-07-15", {"mode": "in_person"}),
    ("nationality_confirmed", "2022-07-20", {}),
    ("document_issued", "2022-08-01", {"document_expires_on": "2022-12-31"}),
    ("manifested", "2022-09-01", {"flight_id": "SYN-FLIGHT-EX1"}),
    ("removed", "2022-09-15", {}),
)
EVENT_COLUMNS = ("case_id", "event", "occurred_on", "mode", "document_expires_on", "flight_id")


def _events() -> list[dict[str, str]]:
    rows = [
        {"case_id": "SYN-KH-EX0001", "event": kind, "occurred_on": day, **extra}
        for kind, day, extra in _REMOVAL
    ]
    rows.append({"case_id": "SYN-KH-EX0002", "event": "presented", "occurred_on": "2022-06-10"})
    return rows


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_samples(files: Path) -> list[Path]:
    """Write ``<files>-cases.csv``, ``-flights.csv`` and ``-events.csv``; return their paths."""
    named = files.name
    return [
        _write(files.with_name(f"{named}-cases.csv"), tuple(CASES[0]), list(CASES)),
        _write(files.with_name(f"{named}-flights.csv"), tuple(FLIGHTS[0]), list(FLIGHTS)),
        _write(files.with_name(f"{named}-events.csv"), EVENT_COLUMNS, _events()),
    ]
