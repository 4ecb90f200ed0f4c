"""Benchmark the dashboard: server-side render time of a country page with 2M cases stored.

The store is filled in bulk: 2M cases (the ``cases`` projection) and their cooperation facts
(``coop_facts``, ~3.5 per case over 2012-2022, 12 countries), written straight into the
projection tables that the country page reads, with the ledger head moved past them and the
aggregates at the head derived from them (``backlog_days.recount``: the backlog's daily counts,
the window's monthly counts, lags and unused documents, as the projector would keep them),
so that the pages read at the head as they would on a store filled through the ledger. (Recording
10M events through the ledger would take far longer than the page is worth measuring; the page
reads only projections and the head.) The baseline is the same page on a store of 2,000 cases,
measured in the same run. Each page is rendered through the real application in process (the
HTTP request in, the HTML out), ``--repeat`` times with the dashboard's caches dropped first
(uncached: the figures computed and the charts drawn) and once more at the same ledger position
(cached). A country page shows its charts as SVG images the server draws from the page's own
figures; drawing them (each fetched in turn after the uncached page) is timed on its own. The
target is 300 ms for every uncached country page and the all-countries page: Cambodia's, with
4% of the cases (~80,000), the largest country's (30%), over whole quarters as the page's
defaults give and over days that are not whole months (the days outside a window's whole
months are read from the facts), and all countries.

    uv run python bench/web.py                  # 2M cases, SQLite (the generated stores
                                                # are cached in bench/.cache for the next run)
    uv run python bench/web.py --cases 200000   # a quicker run
"""

from __future__ import annotations

import argparse
import html
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update

from readmit.api import create_app
from readmit.domain.cooperation import EPOCH, Kind
from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings
from readmit.store import backlog_days
from readmit.store.metrics_schema import coop_facts
from readmit.store.migrate import MIGRATIONS
from readmit.store.schema import cases, ledger_head
from readmit.web import charts
from readmit.web.views import countries

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note that its test client moves to httpx2
    from fastapi.testclient import TestClient

TARGET_MS = 300.0
CACHE = Path(__file__).parent / ".cache"
COUNTRIES = ["MX", "GT", "HN", "SV", "KH", "CN", "IN", "LA", "SL", "GN", "VN", "CU"]
WEIGHTS = [30, 18, 15, 10, 4, 5, 5, 3, 2, 3, 3, 2]
FIRST_DAY = (date(2012, 1, 1) - EPOCH).days
LAST_DAY = (date(2022, 6, 30) - EPOCH).days
PAGES = {
    "country page (KH)": "/countries/KH?from=2019-07-01&to=2022-06-30",
    # The largest country (30% of the cases): the page whose windows hold the most facts.
    "largest country (MX)": "/countries/MX?from=2019-07-01&to=2022-06-30",
    # Its windows start and end inside a month: the facts of those days are read.
    "MX, part months": "/countries/MX?from=2019-07-16&to=2022-06-15&charts_from=2019-07-16",
    "all countries": "/countries?to=2022-06-30",
    "public registry": "/sanctions",
}
TARGETED = {"country page (KH)", "largest country (MX)", "MX, part months", "all countries"}


def _settings(url: str, folder: Path) -> Settings:
    """A store's settings with its keys and files (its signed heads) in ``folder``, never in
    the user's own folders."""
    return Settings(database_url=url, key_dir=folder, data_dir=folder / "data", access_log=False)


def facts_of(rng: random.Random, case: int, country: str, seq: int) -> Iterator[dict[str, Any]]:
    """Yield the cooperation facts of one generated case history."""
    order = rng.randint(FIRST_DAY, LAST_DAY)

    def fact(kind: Kind, day: int, lag: int | None = None, **extra: Any) -> dict[str, Any]:
        return {
            "seq": seq,
            "subject_id": f"B{case:08d}",
            "country": country,
            "kind": int(kind),
            "party": 0,
            "day": day,
            "rday": day,
            "order_day": order,
            "virtual": extra.get("virtual", 0),
            "lag": lag,
            "ref_day": extra.get("ref_day"),
            "void_seq": None,
            "void_rday": None,
        }

    yield fact(Kind.OPENED, order)
    if rng.random() < 0.1:
        yield fact(Kind.RELEASED, order + rng.randint(1, 90))
    if rng.random() > 0.9:
        return
    presented = order + rng.randint(5, 120)
    yield fact(Kind.PRESENTED, presented)
    day = presented
    if rng.random() < 0.5:
        day += rng.randint(10, 90)
        yield fact(Kind.INTERVIEW_HELD, day, day - presented, virtual=int(rng.random() < 0.3))
    if rng.random() < 0.35:
        return
    day += rng.randint(5, 60)
    yield fact(Kind.NATIONALITY_CONFIRMED, day)
    if rng.random() < 0.2:
        return
    day += rng.randint(5, 60)
    yield fact(Kind.DOCUMENT_ISSUED, day, day - presented, ref_day=day + 60)
    if rng.random() < 0.3:
        return
    day += rng.randint(5, 50)
    yield fact(Kind.REMOVED, day, day - order)


def fill(app: App, total: int, seed: int = 7) -> int:
    """Write ``total`` cases and their facts in bulk; return how many facts were written."""
    rng = random.Random(seed)
    with app.engine.begin() as conn:
        head = int(conn.execute(select(ledger_head.c.seq)).scalar_one())
    seq, written, chunk = head, 0, 50_000
    for start in range(0, total, chunk):
        case_rows, fact_rows = [], []
        for case in range(start, min(total, start + chunk)):
            country = rng.choices(COUNTRIES, WEIGHTS)[0]
            facts = []
            for f in facts_of(rng, case, country, 0):
                seq += 1
                f["seq"] = seq
                facts.append(f)
            fact_rows.extend(facts)
            last = facts[-1]["kind"]
            state = {
                Kind.REMOVED: "removed",
                Kind.DOCUMENT_ISSUED: "document_issued",
                Kind.NATIONALITY_CONFIRMED: "nationality_confirmed",
                Kind.INTERVIEW_HELD: "interviewed",
                Kind.PRESENTED: "presented",
            }.get(Kind(last), "ordered")
            case_rows.append(
                {
                    "case_id": facts[0]["subject_id"],
                    "nationality": country,
                    "destination": country,
                    "final_order_date": date.fromordinal(EPOCH.toordinal() + facts[0]["day"]),
                    "criminal": rng.random() < 0.6,
                    "custody": "detained",
                    "country_of_birth": None,
                    "entry_age": None,
                    "state": state,
                    "prior_state": None,
                    "document_expires_on": None,
                    "flight_id": None,
                    "disputed_by": "",
                    "version": len(facts),
                    "opened_seq": facts[0]["seq"],
                    "last_seq": facts[-1]["seq"],
                }
            )
        with app.engine.begin() as conn:
            conn.execute(insert(cases), case_rows)
            conn.execute(insert(coop_facts), fact_rows)
        written += len(fact_rows)
    with app.engine.begin() as conn:
        conn.execute(update(ledger_head).values(seq=seq))
        backlog_days.recount(conn)  # the head's aggregates, as the projector would keep them
        conn.exec_driver_sql("ANALYZE")
    return written


def forget() -> None:
    """Drop the dashboard's caches (pages built at a ledger position, drawn charts)."""
    countries._PAGES.clear()
    charts._svg_of.cache_clear()


def timed(client: TestClient, path: str, repeat: int) -> tuple[list[float], ...]:
    """Return times in milliseconds: the page uncached (caches dropped first), its charts
    drawn (the SVG images it shows, fetched one after another, none drawn before), then the
    page again at the same ledger position (cached)."""
    uncached, drawn, cached = [], [], []
    for _ in range(repeat):
        forget()
        started = time.perf_counter()
        page = fetch(client, path)
        uncached.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for src in re.findall(r'<img src="([^"]+\.svg[^"]*)"', page):
            fetch(client, html.unescape(src))
        drawn.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        fetch(client, path)
        cached.append((time.perf_counter() - started) * 1000)
    return uncached, drawn, cached


def fetch(client: TestClient, path: str) -> str:
    """GET a path; stop the benchmark if it does not answer 200."""
    response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"{path} answered {response.status_code}: {response.text[:300]}")
    return response.text


def cached_store(label: str, cases_wanted: int, folder: Path) -> App:
    """Open the store of ``cases_wanted`` generated cases: the one cached in bench/.cache for
    this schema (the stores are generated from a fixed seed), or a new one, then cached."""
    schema = sorted(MIGRATIONS.glob("versions/0*.py"))[-1].stem
    stored = CACHE / f"web-{cases_wanted}-{schema}.db"
    path = stored if stored.exists() else folder / f"{label}.db"
    app = bootstrap(_settings(f"sqlite:///{path}", folder))
    if path == stored:
        print(f"[{label}] {cases_wanted:,} cases, read from {stored}", flush=True)
        return app
    upgrade(app)
    started = time.perf_counter()
    facts = fill(app, cases_wanted)
    print(
        f"[{label}] {cases_wanted:,} cases, {facts:,} facts written in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    app.engine.dispose()
    CACHE.mkdir(exist_ok=True)
    shutil.copyfile(path, stored)
    return bootstrap(_settings(f"sqlite:///{stored}", folder))


def measure(label: str, cases_wanted: int, folder: Path, repeat: int) -> dict[str, Any]:
    """Time every page on a store of ``cases_wanted`` cases."""
    app = cached_store(label, cases_wanted, folder)
    client = TestClient(create_app(app))
    client.get("/countries/KH")  # start the chart renderer and the pack caches
    found = {}
    for name, path in PAGES.items():
        uncached, drawn, cached = timed(client, path, repeat)
        found[name] = (
            statistics.median(uncached),
            max(uncached),
            statistics.median(cached),
            statistics.median(drawn),
        )
        print(
            f"[{label}] {name}: uncached median {found[name][0]:.0f} ms (worst "
            f"{found[name][1]:.0f}), its charts {found[name][3]:.0f} ms, cached "
            f"{found[name][2]:.0f} ms",
            flush=True,
        )
    app.engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="readmit-bench-web-") as tmp:
        folder = Path(tmp)
        base = measure("baseline", args.baseline, folder, args.repeat)
        big = measure("large", args.cases, folder, args.repeat)
    print(
        f"\nserver-side render, {args.cases:,} cases vs {args.baseline:,} (target "
        f"{TARGET_MS:.0f} ms for the country pages and all countries):"
    )
    for name in PAGES:
        uncached, worst, cached, drawn = big[name]
        ratio = uncached / base[name][0] if base[name][0] else float("nan")
        verdict = ""
        if name in TARGETED:
            verdict = "meets the target" if uncached <= TARGET_MS else "MISSES the target"
        charts_drawn = f"  its charts {drawn:5.0f} ms" if drawn >= 1 else ""
        print(
            f"  {name:20s} uncached {uncached:7.0f} ms (worst {worst:.0f}, x{ratio:.1f} the "
            f"baseline)  cached {cached:6.0f} ms{charts_drawn}  {verdict}"
        )


if __name__ == "__main__":
    main()
