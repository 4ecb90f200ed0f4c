"""Benchmark: assess every country over one year, on a synthetic ledger of up to 2M cases.

The synthetic ledger is written straight into the cooperation projection (``coop_facts``) with
bulk SQL — about six facts per case, 150 countries — and the ledger head is set to its last
position; the events table itself is not filled (hashing 12M events is not what is measured).
The assessment then runs through the real service, ``assess_all``, exactly as the CLI does.

Printed per backend and size: facts, the all-country assessment time (best of ``--repeat``), the
CPU time of this process in that best run (on PostgreSQL the server's is not in it), and ratios
against the smallest size (growth) and against a baseline measured in the same run (a full
``COUNT(*)`` scan of the facts table). With ``--backend both`` the two stores are built to each
size first, then timed in turn, run after run (on a shared machine, a load that comes and goes
then falls on both alike), and the PostgreSQL / SQLite ratio of each size is printed. Targets:
2M cases in <= 5 s on SQLite; PostgreSQL <= 1.2x SQLite.

    uv run python bench/assessment.py                       # SQLite, 0.5M, 1M, 2M cases
    uv run python bench/assessment.py --backend postgres    # a throw-away database on the
                                                            # server of READMIT_BENCH_PG_URL
    uv run python bench/assessment.py --imported 1000000 --backend both

``--imported EVENTS`` measures instead a store built the way production builds one: the files of
``bench/import.py`` (about EVENTS ledger events) imported through the import service, then
``--touch`` corrections recorded through the services, half of them voids of case events by the
removing state and half partner responses (acknowledgements and contests by each country's
liaison: the second party), then the same all-country assessment and scan.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from readmit.domain.cooperation import Kind, day_number
from readmit.services.assessment.assess import Window, assess_all
from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings
from readmit.store import backlog_days
from readmit.store.bulk import settle_after_load
from readmit.store.metrics_schema import coop_facts
from readmit.store.projections import projection_tables

_CODES = """
AF AL DZ AO AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI KH CM CA CV
CF TD CL CN CO KM CG CD CR CI HR CU CY CZ DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ FI FR GA
GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI KW KG LA
LV LB LS LR LY LT LU MG MW MY MV ML MT MR MU MX MD MN ME MA MZ MM NA NP NL NZ NI NE NG MK
NO OM PK PA PG PY PE PH PL PT QA RO RU RW WS SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD
"""
COUNTRIES = _CODES.split()
FIRST_ORDER = day_number(date(2010, 1, 1))
ORDER_SPAN = 5478  # orders spread over 2010-2024
WINDOW = Window(date(2023, 1, 1), date(2023, 12, 31))
# kind, condition on u (0-99), occurred day, lag, ref_day — expressions over the case row.
FACTS = [
    (Kind.OPENED, "1=1", "o", "NULL", "NULL", 0),
    (Kind.PRESENTED, "1=1", "o + h % 60", "NULL", "NULL", 1),
    (Kind.INTERVIEW_SCHEDULED, "u < 60", "o + h % 60 + 5", "NULL", "NULL", 2),
    (Kind.INTERVIEW_HELD, "u < 50", "o + h % 60 + 5 + g % 40", "5 + g % 40", "NULL", 3),
    (Kind.NATIONALITY_CONFIRMED, "u < 80", "o + h % 60 + 50", "NULL", "NULL", 4),
    (Kind.DOCUMENT_ISSUED, "u < 70", "o + h % 60 + 50 + g % 30", "50 + g % 30", "NULL", 5),
    (Kind.MANIFESTED, "u < 65", "o + h % 60 + 90 + g % 30", "NULL", "NULL", 6),
    (Kind.REMOVED, "u < 60", "o + h % 60 + 91 + g % 30", "h % 60 + 91 + g % 30", "NULL", 7),
    (Kind.RELEASED, "v < 15", "o + v * 7", "NULL", "NULL", 8),
]


def settings_in(url: str, folder: Path) -> Settings:
    """A store's settings with its keys and files (its signed heads) in ``folder``, never in
    the user's own folders."""
    return Settings(database_url=url, key_dir=folder / "keys", data_dir=folder / "data")


def numbers_sql(dialect: str) -> str:
    if dialect == "sqlite":
        return (
            "WITH RECURSIVE nums(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM nums "
            "WHERE n < :hi) SELECT n FROM nums"
        )
    return "SELECT n FROM generate_series(CAST(:lo AS bigint), CAST(:hi AS bigint)) AS s(n)"


def generate(engine: Engine, lo: int, hi: int) -> None:
    """Write the facts of cases lo..hi (inclusive) into coop_facts with bulk SQL."""
    dialect = engine.dialect.name
    codes = ", ".join(f"({i}, '{c}')" for i, c in enumerate(COUNTRIES))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS bench_cases"))
        conn.execute(
            text(
                "CREATE TABLE bench_cases (n BIGINT PRIMARY KEY, c VARCHAR(2), o INTEGER, "
                "u INTEGER, v INTEGER, h INTEGER, g INTEGER)"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO bench_cases SELECT n, k.code, "
                f"{FIRST_ORDER} + (n * 2654435761) % {ORDER_SPAN}, (n * 48271) % 100, "
                f"(n * 69621) % 100, (n * 40692) % 997, (n * 16807) % 991 "
                f"FROM ({numbers_sql(dialect)}) nums "
                f"JOIN (VALUES {codes}) AS k(i, code) ON k.i = (n * 7919) % {len(COUNTRIES)}"
                if dialect != "sqlite"
                else f"INSERT INTO bench_cases SELECT n, k.code, "
                f"{FIRST_ORDER} + (n * 2654435761) % {ORDER_SPAN}, (n * 48271) % 100, "
                f"(n * 69621) % 100, (n * 40692) % 997, (n * 16807) % 991 "
                f"FROM ({numbers_sql(dialect)}) nums "
                f"JOIN (SELECT column1 AS i, column2 AS code FROM (VALUES {codes})) k "
                f"ON k.i = (n * 7919) % {len(COUNTRIES)}"
            ),
            {"lo": lo, "hi": hi},
        )
        for kind, condition, day, lag, ref, offset in FACTS:
            ref_day = f"{day} + 60" if kind == Kind.DOCUMENT_ISSUED else ref
            conn.execute(
                text(
                    "INSERT INTO coop_facts (seq, subject_id, country, kind, party, day, rday, "
                    "order_day, virtual, lag, ref_day, void_seq, void_rday) "
                    f"SELECT n * 10 + {offset}, 'B' || CAST(n AS VARCHAR(12)), c, {int(kind)}, 0, "
                    f"{day}, {day} + h % 3, o, CASE WHEN g % 4 = 0 THEN 1 ELSE 0 END, {lag}, "
                    f"{ref_day}, NULL, NULL FROM bench_cases WHERE {condition}"
                )
            )
        conn.execute(text("DROP TABLE bench_cases"))
        conn.execute(text("DELETE FROM ledger_head"))
        conn.execute(
            text("INSERT INTO ledger_head (id, seq, hash) VALUES (1, :seq, :hash)"),
            {"seq": hi * 10 + 9, "hash": "b" * 64},
        )


def drop_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for index in coop_facts.indexes:
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))


def create_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for index in coop_facts.indexes:
            index.create(conn)
        backlog_days.recount(conn)  # the head's aggregates, as the projector would keep them
    # The state an import or a rebuild leaves the store in: VACUUM (ANALYZE) on PostgreSQL.
    settle_after_load(engine, projection_tables())


@dataclass
class Timing:
    """The best of a store's runs: its wall time, this process's CPU time in it, the countries."""

    seconds: float = float("inf")
    cpu: float = 0.0
    countries: int = 0

    def add(self, seconds: float, cpu: float, countries: int) -> None:
        if seconds < self.seconds:
            self.seconds, self.cpu, self.countries = seconds, cpu, countries


def timed(apps: list[App], repeat: int) -> list[Timing]:
    """Time the all-country assessment of each store, the stores in turn, ``repeat`` rounds."""
    found = [Timing() for _ in apps]
    for _ in range(repeat):
        for app, timing in zip(apps, found, strict=True):
            started, cpu = time.perf_counter(), time.process_time()
            countries = len(assess_all(app, WINDOW))
            timing.add(time.perf_counter() - started, time.process_time() - cpu, countries)
    return found


def baseline(engine: Engine) -> tuple[float, int]:
    started = time.perf_counter()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT COUNT(*), SUM(day) FROM coop_facts")).one()
        facts = int(row[0])
    return time.perf_counter() - started, facts


def load(engine: Engine, lo: int, hi: int) -> float:
    """Grow a store from cases lo..hi as a bulk load would: the seconds it took."""
    started = time.perf_counter()
    drop_indexes(engine)
    generate(engine, lo, hi)
    create_indexes(engine)
    return time.perf_counter() - started


HEADER = (
    f"{'backend':>10} {'cases':>10} {'facts':>11} {'load s':>8} {'assess s':>9} {'cpu s':>6} "
    f"{'x smallest':>10} {'cases x':>8} {'scan s':>10} {'assess/scan':>11} {'countries':>9}"
)


def run(stores: list[tuple[str, str]], sizes: list[int], repeat: int) -> None:
    """Build each store (backend, url) to each size, then time them interleaved."""
    apps = [bootstrap(settings_in(url, Path(tempfile.mkdtemp()))) for _, url in stores]
    for app in apps:
        upgrade(app)
    done, first = 0, [0.0 for _ in apps]
    print(f"\nall-country assessment, window {WINDOW.start} – {WINDOW.end}")
    print(HEADER)
    for size in sizes:
        loads = [load(app.engine, done + 1, size) for app in apps]
        scans = [baseline(app.engine) for app in apps]
        timings = timed(apps, repeat)
        rows = zip(stores, loads, scans, timings, strict=True)
        for k, ((backend, _), seconds, (scan, facts), t) in enumerate(rows):
            first[k] = first[k] or t.seconds
            print(
                f"{backend:>10} {size:>10,} {facts:>11,} {seconds:>8.1f} {t.seconds:>9.2f} "
                f"{t.cpu:>6.2f} {t.seconds / first[k]:>10.2f} {size / sizes[0]:>8.1f} "
                f"{scan:>10.2f} {t.seconds / scan:>11.1f} {t.countries:>9}"
            )
        if len(timings) == 2:
            ratio = timings[1].seconds / timings[0].seconds
            print(f"{'':>10} {size:>10,} postgres / sqlite: {ratio:.2f}x")
        done = size
    for app in apps:
        app.engine.dispose()


def imported(backend: str, url: str, events: int, touch: int, repeat: int) -> None:
    """Assess a store built through the real import, with voids and partner responses."""
    import importlib
    import sys

    from readmit.domain.errors import InvalidInput, PermissionDenied
    from readmit.services.cases.commands import void_event
    from readmit.services.context import Actor
    from readmit.services.imports.run import import_file
    from readmit.services.partner.respond import respond

    sys.path.insert(0, str(Path(__file__).parent))
    bench_import = importlib.import_module("import")
    folder = Path(tempfile.mkdtemp(prefix="readmit-bench-files-"))
    app = bootstrap(settings_in(url, folder))
    upgrade(app)
    paths = bench_import.generate(folder / "files", events)
    started = time.perf_counter()
    state = Actor("bench", "admin")
    for kind in ("cases", "flights", "events"):
        import_file(app, state, kind=kind, path=paths[kind])
    load = time.perf_counter() - started
    with app.engine.connect() as conn:
        voidable = conn.execute(
            text(
                "SELECT id, occurred_on FROM events WHERE type = 'interview_held' "
                "ORDER BY seq LIMIT :n"
            ),
            {"n": touch // 2},
        ).all()
        answerable = conn.execute(
            text(
                "SELECT e.id, e.occurred_on, c.nationality FROM events e JOIN cases c "
                "ON c.case_id = e.subject_id WHERE e.type = 'presented' "
                "ORDER BY e.seq DESC LIMIT :n"
            ),
            {"n": touch - touch // 2},
        ).all()
    done = {"voids": 0, "responses": 0, "refused": 0}
    started = time.perf_counter()
    for event_id, on in voidable:
        try:
            void_event(app, state, event_id=event_id, reason="entered twice", on=_day(on))
            done["voids"] += 1
        except InvalidInput:
            done["refused"] += 1
    for i, (event_id, on, country) in enumerate(answerable):
        liaison = Actor(f"{country.lower()}-liaison", "partner_liaison", country)
        stance = "contested" if i % 3 == 0 else "acknowledged"
        try:
            respond(
                app,
                liaison,
                event_id=event_id,
                stance=stance,
                on=_day(on),
                reason="not our national" if stance == "contested" else "",
                evidence_source="registry check" if stance == "contested" else None,
            )
            done["responses"] += 1
        except (InvalidInput, PermissionDenied):
            done["refused"] += 1
    corrections = time.perf_counter() - started
    with app.engine.connect() as conn:
        cases = int(conn.execute(text("SELECT COUNT(*) FROM cases")).scalar_one())
    scan, facts = baseline(app.engine)
    (best,) = timed([app], repeat)
    seconds, countries = best.seconds, best.countries
    print(
        f"\n{backend}, built through the import: {cases:,} cases, {facts:,} facts, "
        f"import {load:.1f} s; {done['voids']:,} voids and {done['responses']:,} partner "
        f"responses in {corrections:.1f} s ({done['refused']:,} refused)"
    )
    print(
        f"  assess all {countries} countries: {seconds:.2f} s; scan of the facts {scan:.2f} s; "
        f"assess / scan {seconds / scan:.1f}x"
    )
    app.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--sizes", default="500000,1000000,2000000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--imported", type=int, help="events: a store built through the import")
    parser.add_argument("--touch", type=int, default=2000, help="voids and responses (--imported)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    stores: list[tuple[str, str]] = []
    folder = Path(tempfile.mkdtemp(prefix="readmit-bench-"))
    if args.backend in ("sqlite", "both"):
        stores.append(("sqlite", f"sqlite:///{folder / 'bench.db'}"))
    server, name = None, f"readmit_bench_{uuid.uuid4().hex[:8]}"
    if args.backend in ("postgres", "both"):
        admin = os.environ.get(
            "READMIT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
        server = create_engine(admin, isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
        stores.append(("postgres", url))
    try:
        if args.imported:
            for backend, url in stores:
                imported(backend, url, args.imported, args.touch, args.repeat)
        else:
            run(stores, sizes, args.repeat)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            with server.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            server.dispose()


if __name__ == "__main__":
    main()
