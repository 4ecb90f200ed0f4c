"""Benchmark: what-if forecasts and a scenario on a synthetic ledger of 2M cases, against a plain
assessment of the same store in the same run.

The store is ``bench/assessment.py``'s (its builder, imported: the cooperation facts written
straight into ``coop_facts`` with bulk SQL, 150 countries, the ledger head set by hand), plus one
row per case in ``cases`` and ``persons`` (nationality, and the three facts an amended agreement
reads: agreed to return, a spouse or children here), so that the scenario's agreement levers
read as many pending cases as a real store would give them. Then, on the country with the most
cases pending at the window's end (every country has about as many cases; the heaviest for a
forecast and for the agreement's levers), over ``assessment.py``'s window (2023), each the best
of ``--repeat``:

- the plain assessment of that country (``assess``, as ``readmit assess`` runs it): the baseline;
- its forecast (``readmit whatif forecast``: 1,000 runs, 120 months);
- one scenario, ``docs/examples/whatif/kh-humanitarian-amendments.yaml`` aimed at that country
  (``readmit whatif run``: both sides' forecasts and ratings, the agreement's levers);
- every country's forecast, one after the other (150 forecasts),

with each time's ratio to the plain assessment. Target (#18), at 2M cases: the forecast and the
scenario <= 1 s each, all countries <= 10 s.

    uv run python bench/whatif.py                          # SQLite, 2M cases
    uv run python bench/whatif.py --cases 100000           # a small run (scripts work)
    uv run python bench/whatif.py --backend both           # and PostgreSQL (READMIT_BENCH_PG_URL)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

sys.path.insert(0, str(Path(__file__).parent))
import assessment
import stores

from readmit.domain.cooperation import ENDING_KINDS, EPOCH, Kind, day_number
from readmit.services.assessment.assess import assess
from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.services.whatif import compare
from readmit.services.whatif.forecast import WhatIfRequest, forecast
from readmit.services.whatif.scenario import load_scenario
from readmit.store.metrics import countries_with_facts

SCENARIO = Path(__file__).parents[1] / "docs" / "examples" / "whatif"
SCENARIO_FILE = SCENARIO / "kh-humanitarian-amendments.yaml"
REQUEST = WhatIfRequest(start=assessment.WINDOW.start, end=assessment.WINDOW.end)
TARGETS = {"forecast": 1.0, "scenario": 1.0, "all forecasts": 10.0}  # seconds, at 2M cases


def add_cases(engine: Engine) -> None:
    """One ``cases`` and one ``persons`` row per opened case of the facts: about 40% agreed to
    return, 30% with a spouse here, 25% with children here (independent), 2% of another
    nationality; bulk SQL, as the facts."""
    dialect = engine.dialect.name
    day = (
        "date(f.day * 86400, 'unixepoch')"
        if dialect == "sqlite"
        else f"DATE '{EPOCH.isoformat()}' + f.day"
    )
    n = "f.seq / 10"  # the case's number in assessment.py's generator
    # Shares over prime moduli: the builder puts case n in country n * 7919 % 150, so any
    # modulus sharing a factor with 150 would give a country all or none of a share.
    agreed, spouse, children = _share(n, 997, 0.4), _share(n, 991, 0.3), _share(n, 983, 0.25)
    person = (
        f"'{{\"agreed_to_return\": ' || {agreed.format('true', 'false')} || "
        f"', \"spouse_in_country\": ' || {spouse.format('true', 'false')} || "
        f"', \"children_in_country\": ' || {children.format('2', '0')} || '}}'"
    )
    data = person if dialect == "sqlite" else f"CAST({person} AS json)"
    opened = f"FROM coop_facts f WHERE f.kind = {int(Kind.OPENED)}"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO cases (case_id, nationality, destination, final_order_date, "
                "criminal, custody, state, disputed_by, version, opened_seq, last_seq) "
                f"SELECT f.subject_id, CASE WHEN {n} % 977 < 20 THEN 'XK' ELSE f.country "
                f"END, f.country, {day}, false, 'released', 'final_order', '', 1, f.seq, f.seq "
                f"{opened}"
            )
        )
        conn.execute(
            text(
                "INSERT INTO persons (case_id, salt, data) "
                f"SELECT f.subject_id, 's', {data} {opened}"
            )
        )


def _share(n: str, modulus: int, share: float) -> str:
    """SQL giving the first text for about ``share`` of the cases, the second for the others."""
    return f"CASE WHEN {n} % {modulus} < {round(modulus * share)} THEN '{{}}' ELSE '{{}}' END"


def build(url: str, cases: int) -> App:
    """The store of bench/assessment.py at ``cases`` cases, with its case and person rows."""
    app = bootstrap(assessment.settings_in(url, Path(tempfile.mkdtemp())))
    upgrade(app)
    assessment.drop_indexes(app.engine)
    assessment.generate(app.engine, 1, cases)
    add_cases(app.engine)
    assessment.create_indexes(app.engine)  # and settles the tables, as an import does
    return app


def best(repeat: int, work: Callable[[], Any]) -> tuple[float, Any]:
    """The best time of ``repeat`` runs, and the last run's result."""
    seconds, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        seconds = min(seconds, time.perf_counter() - started)
    return seconds, result


def largest(app: App) -> tuple[str, int]:
    """The country with the most cases pending at the window's end, and how many: the heaviest
    for a forecast and for the agreement's levers (every country has about as many cases, but
    the builder's arithmetic leaves some with none pending)."""
    ending = ", ".join(str(int(k)) for k in ENDING_KINDS)
    with app.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT f.country, COUNT(*) FROM coop_facts f WHERE f.kind = :k AND f.day <= :b "
                "AND NOT EXISTS (SELECT 1 FROM coop_facts e WHERE e.subject_id = f.subject_id "
                f"AND e.kind IN ({ending}) AND e.day <= :b) GROUP BY f.country "
                "ORDER BY 2 DESC, f.country LIMIT 1"
            ),
            {"k": int(Kind.OPENED), "b": day_number(assessment.WINDOW.end)},
        ).one()
    return str(row[0]), int(row[1])


def measure(backend: str, url: str, cases: int, repeat: int) -> None:
    started = time.perf_counter()
    app = build(url, cases)
    load = time.perf_counter() - started
    code, pending = largest(app)
    scenario = load_scenario(SCENARIO_FILE).model_copy(update={"country": code})
    with app.engine.connect() as conn:
        codes = countries_with_facts(conn)
    window = f"{REQUEST.start} – {REQUEST.end}"
    print(
        f"\n{backend}: {cases:,} cases (built in {load:.1f} s); the country with the most "
        f"pending, {code} ({pending:,} pending); window {window}; best of {repeat}"
    )
    plain, _ = best(repeat, lambda: assess(app, code, assessment.WINDOW))
    timings = {"plain assessment": (plain, "")}
    seconds, found = best(repeat, lambda: forecast(app, code, REQUEST))
    timings["forecast"] = (seconds, found["answer"])
    seconds, ran = best(repeat, lambda: compare.run(app, scenario, REQUEST))
    (part,) = ran["countries"]
    timings["scenario"] = (seconds, part["scenario"]["answer"])
    seconds, every = best(repeat, lambda: [forecast(app, c, REQUEST) for c in codes])
    timings["all forecasts"] = (seconds, f"{len(every)} countries")
    print(f"{'':<18} {'seconds':>8} {'x plain':>8} {'target':>8}  what it said")
    for name, (took, said) in timings.items():
        target = f"<= {TARGETS[name]:g} s" if name in TARGETS else ""
        print(f"{name:<18} {took:>8.3f} {took / plain:>8.1f} {target:>8}  {said[:70]}")
    app.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--cases", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    for backend in ("sqlite", "postgres"):
        if args.backend in (backend, "both"):
            with stores.throwaway(backend) as url:
                measure(backend, url, args.cases, args.repeat)


if __name__ == "__main__":
    main()
