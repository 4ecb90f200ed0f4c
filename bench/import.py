"""Benchmark `readmit import`: a generated history of 1M events into SQLite, then PostgreSQL.

The files (cases first, then flights, then case events) are generated with a fixed seed; the
total number of ledger events they produce is ``--events``. Each store is timed end to end,
through the same service the CLI calls, and compared with the 60 s target for 1M events on
SQLite. Bounded: ``--budget`` seconds per store, after which the run stops and says so.

The baseline of each store, measured in the same run, is its floor (``import_floor.py``): the
very rows the import wrote (events and every projection row, same keys, same indexes) written
into a fresh store of the same kind as fast as its driver allows (sqlite3 executemany; COPY).
Ratios: readmit / the floor on each store [<= 1.5 on SQLite], PostgreSQL / SQLite [<= 1.3].

    uv run python bench/import.py                 # 1M events, SQLite then PostgreSQL
    uv run python bench/import.py --events 100000 --skip-postgres
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from queue import Empty

import polars as pl
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).parent))

import import_floor

from readmit.services.context import Actor, bootstrap
from readmit.services.imports.run import import_file
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

TARGET_SECONDS = 60.0
TARGET_EVENTS = 1_000_000
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
NATIONALITIES = ["KH", "LA", "GN", "SL", "ER", "GM", "MM", "PK", "VN", "CN", "CU", "IN"]
SERVICES = ["housing", "identity_documents", "job_training", "counselling", "other"]
EPOCH = date(2012, 1, 1)


class History:
    """Generates one plausible history per case, with flights that have room."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.events: list[tuple[str, str, str, str, str, str, str, str]] = []
        self.seats: Counter[str] = Counter()
        self.departures: dict[str, tuple[date, str]] = {}

    def case(self, case_id: str, nationality: str, ordered: date) -> None:
        rng, day = self.rng, ordered
        emit = self._emitter(case_id)

        def step(event: str, gap: int = 30, **extra: str) -> None:
            nonlocal day
            day += timedelta(days=rng.randint(1, gap))
            emit(event, day, **extra)

        if rng.random() < 0.1:
            step("released")
        step("presented")
        if rng.random() < 0.12:
            step("nationality_disputed")
            if rng.random() < 0.5:
                step("closed", reason="relief granted")
                return
            step("presented")
        if rng.random() < 0.6:
            step("interview_scheduled")
            step("interview_held", mode=rng.choice(["in_person", "virtual"]))
        if rng.random() < 0.08:
            step("stayed", reason="petition for review")
            step("stay_lifted", gap=200)
        step("nationality_confirmed")
        step("document_issued", document_expires_on=(day + timedelta(days=120)).isoformat())
        if rng.random() < 0.05:
            step("document_expired", gap=5)
            step("document_issued", document_expires_on=(day + timedelta(days=120)).isoformat())
        flight = self._flight(nationality, day + timedelta(days=rng.randint(5, 40)))
        step("manifested", gap=3, flight_id=flight)
        day = max(day, self.departures[flight][0]) - timedelta(days=1)
        step("removed", gap=1)
        if rng.random() < 0.7:
            step("received", organisation="Returnee Integration Support Center")
            for _ in range(rng.randint(0, 3)):
                step("service_provided", service=rng.choice(SERVICES))

    def _emitter(self, case_id: str):  # type: ignore[no-untyped-def]
        def emit(event: str, day: date, **extra: str) -> None:
            self.events.append(
                (
                    case_id,
                    event,
                    day.isoformat(),
                    extra.get("mode", ""),
                    extra.get("document_expires_on", ""),
                    extra.get("flight_id", ""),
                    extra.get("organisation", ""),
                    extra.get("service", "") or extra.get("reason", ""),
                )
            )

        return emit

    def _flight(self, nationality: str, departs: date) -> str:
        week = (departs - EPOCH).days // 7
        flight_id = f"{nationality}-{week:04d}"
        if flight_id not in self.departures:
            self.departures[flight_id] = (EPOCH + timedelta(days=week * 7 + 3), nationality)
        self.seats[flight_id] += 1
        return flight_id


def generate(folder: Path, events: int, seed: int = 243) -> dict[str, Path]:
    """Write cases.csv, flights.csv and events.csv producing about ``events`` ledger events."""
    rng, history = random.Random(seed), History(seed)
    cases: list[tuple[str, str, str, str, str, str, str]] = []
    while len(cases) + len(history.events) + len(history.departures) < events:
        case_id = f"A{len(cases) + 1:09d}"
        nationality = rng.choice(NATIONALITIES)
        ordered = EPOCH + timedelta(days=rng.randint(0, 3000))
        cases.append(
            (
                case_id,
                nationality,
                ordered.isoformat(),
                rng.choice(["true", "false"]),
                rng.choice(["detained", "released"]),
                f"Given{len(cases)}",
                f"Family{len(cases) % 997}",
            )
        )
        history.case(case_id, nationality, ordered)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {k: folder / f"{k}.csv" for k in ("cases", "flights", "events")}
    pl.DataFrame(
        cases,
        schema=[
            "case_id",
            "nationality",
            "final_order_date",
            "criminal",
            "custody",
            "given_name",
            "family_name",
        ],
        orient="row",
    ).write_csv(paths["cases"])
    flights = [
        (fid, dep.isoformat(), "charter", nat, history.seats[fid] + 5)
        for fid, (dep, nat) in sorted(history.departures.items())
    ]
    pl.DataFrame(
        flights,
        schema=["flight_id", "departure_on", "kind", "destination", "capacity"],
        orient="row",
    ).write_csv(paths["flights"])
    frame = pl.DataFrame(
        history.events,
        schema=[
            "case_id",
            "event",
            "occurred_on",
            "mode",
            "document_expires_on",
            "flight_id",
            "organisation",
            "detail",
        ],
        orient="row",
    )
    frame.with_columns(
        pl.when(pl.col("event") == "service_provided").then(pl.col("detail")).alias("service"),
        pl.when(pl.col("event") != "service_provided").then(pl.col("detail")).alias("reason"),
    ).drop("detail").write_csv(paths["events"])
    return paths


def run_store(url: str, folder: Path, paths: dict[str, Path]) -> dict[str, float | int]:
    """Import the three files into a fresh store at ``url``; return timings and counts."""
    app = bootstrap(Settings(database_url=url, key_dir=folder / "keys", data_dir=folder / "data"))
    upgrade(app)
    actor = Actor("bench", "admin")
    figures: dict[str, float | int] = {"events": 0, "rejected": 0}
    started = time.perf_counter()
    for kind in ("cases", "flights", "events"):
        t0 = time.perf_counter()
        report = import_file(app, actor, kind=kind, path=paths[kind])
        figures[f"{kind}_seconds"] = time.perf_counter() - t0
        figures["events"] += report.applied
        figures["rejected"] += len(report.rejected)
    figures["seconds"] = time.perf_counter() - started
    app.engine.dispose()
    return figures


def _worker(url: str, folder: str, paths: dict[str, Path], queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    queue.put(run_store(url, Path(folder), paths))


def bounded(
    url: str, folder: Path, paths: dict[str, Path], budget: float
) -> dict[str, float | int] | None:
    """Run one store in a child process; give up after ``budget`` seconds."""
    # Spawn, never fork: a forked child of a process whose Polars thread pool is running can
    # deadlock in its first Polars call.
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    child = context.Process(target=_worker, args=(url, str(folder), paths, queue))
    child.start()
    try:
        # Read before joining: a child does not exit until what it queued has been read.
        figures: dict[str, float | int] = queue.get(timeout=budget)
    except Empty:
        child.kill()
        child.join()
        return None
    child.join()
    return figures


def report(name: str, figures: dict[str, float | int] | None, scale: float, budget: float) -> None:
    if figures is None:
        print(f"{name:<10} did not finish within {budget:.0f} s (bounded run stopped)")
        return
    seconds, events = float(figures["seconds"]), int(figures["events"])
    projected = seconds * scale
    print(
        f"{name:<10} {events:>9,} events in {seconds:7.1f} s = {events / seconds:9,.0f} events/s"
        f"  (cases {figures['cases_seconds']:.1f} s, flights {figures['flights_seconds']:.1f} s,"
        f" events {figures['events_seconds']:.1f} s; rejected {figures['rejected']})"
    )
    print(
        f"{'':<10} target: 1M events in {TARGET_SECONDS:.0f} s; this run scaled to 1M: "
        f"{projected:.1f} s = {projected / TARGET_SECONDS:.2f} x the target"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=TARGET_EVENTS)
    parser.add_argument("--budget", type=float, default=600.0, help="seconds per store")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--pg-admin", default=PG_ADMIN)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="readmit-bench-"))
    try:
        t0 = time.perf_counter()
        paths = generate(folder / "files", args.events)
        print(
            f"generated {args.events:,} events' worth of rows in {time.perf_counter() - t0:.1f} s"
        )
        scale = TARGET_EVENTS / args.events
        sqlite_url = f"sqlite:///{folder / 'bench.db'}"
        sqlite = bounded(sqlite_url, folder, paths, args.budget)
        report("SQLite", sqlite, scale, args.budget)
        floors: dict[str, float] = {}
        if sqlite:
            floors["SQLite"] = _floor(
                "SQLite", sqlite_url, f"sqlite:///{folder / 'floor.db'}", folder
            )
        postgres = None
        if not args.skip_postgres:
            postgres = _postgres(args.pg_admin, folder, paths, args.budget, floors)
            report("PostgreSQL", postgres, scale, args.budget)
        print("\nratios (readmit / baseline, the same run; targets in brackets)")
        for name, figures, target in (("SQLite", sqlite, "<= 1.5"), ("PostgreSQL", postgres, "")):
            if figures and name in floors:
                ratio = float(figures["seconds"]) / floors[name]
                print(f"  {name:<10} import / its floor      {ratio:6.2f}x  [{target or '-'}]")
        if sqlite and postgres:
            ratio = float(postgres["seconds"]) / float(sqlite["seconds"])
            print(f"  PostgreSQL import / SQLite import  {ratio:6.2f}x  [<= 1.3]")
        if sqlite:
            seconds = float(sqlite["seconds"])
            print(f"  SQLite scaled to 1M / the 60 s target {seconds * scale / 60:6.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _floor(name: str, source: str, target: str, folder: Path) -> float:
    seconds, rows = import_floor.floor(source, target, folder)
    print(
        f"{'floor':<10} the same {rows:,} rows into a fresh {name} store, bare driver inserts"
        f" ({'COPY' if name == 'PostgreSQL' else 'executemany'}): {seconds:.1f} s"
    )
    return seconds


def _postgres(
    admin: str, folder: Path, paths: dict[str, Path], budget: float, floors: dict[str, float]
) -> dict[str, float | int] | None:
    names = [f"readmit_bench_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        print(f"PostgreSQL skipped: cannot create a database ({type(error).__name__})")
        return None
    try:
        url, floor_url = (
            make_url(admin).set(database=name).render_as_string(hide_password=False)
            for name in names
        )
        figures = bounded(url, folder, paths, budget)
        if figures:
            floors["PostgreSQL"] = _floor("PostgreSQL", url, floor_url, folder)
        return figures
    finally:
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
