"""Benchmark batch screening (issue 3): readmit against the practical limit and two peers.

    uv run --group bench python bench/screening.py [--rows 10000000] [--loop-rows 100000]
        [--openfisca-rows 200000]

Generates N synthetic applications once (cached as Parquet in bench/.cache/, git-ignored),
then times in one run, over the US pack's measures:
  (a) ``readmit screen`` (a subprocess, so its peak memory is measured on its own);
  (b) the fastest hand-written DuckDB query and Polars plan for the same measures;
  (c) the same rules as an OpenFisca country package (bench extra), on a sample;
  (d) a plain per-row Python loop over the scalar engine, on a sample;
and prints rows per second and the ratios against readmit. Targets: readmit >= 0.8x the
limit's throughput, >= 10x OpenFisca, >= 100x the per-row loop, peak memory <= 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import screening_data
import screening_limit

from readmit.batch.screening import build_engine
from readmit.domain.screening import decide
from readmit.packs import load_pack


def timed(label: str, rows: int, run: object) -> float:
    start = time.perf_counter()
    run()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {rows:>12,} rows {seconds:>8.1f} s {rows / seconds:>12,.0f} rows/s")
    return rows / seconds


CLI = [sys.executable, "-c", "from readmit.cli import main; main()"]


def readmit_env(workdir: Path) -> dict[str, str]:
    """An environment whose store is a fresh SQLite file, migrated (not timed).

    As after installing with pip (which compiles bytecode) or running readmit once, the timed
    run reads cached bytecode: where PYTHONDONTWRITEBYTECODE is set, every run would otherwise
    compile each module it imports (about 2 s of CPU), which no installed readmit does.
    """
    env = {**os.environ, "READMIT_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([*CLI, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "screen", "--help"], env=env, check=True, capture_output=True)
    return env


def readmit_screen(source: Path, target: Path, env: dict[str, str]) -> None:
    """Run ``readmit screen`` as a user would (its start-up included)."""
    subprocess.run([*CLI, "screen", str(source), "--output", str(target)], env=env, check=True)


def per_row_loop(source: Path, rows: int) -> None:
    pack = load_pack()
    measures = [m for h in pack.sanctions for m in h.sanction.measures.values()]
    program = build_engine(measures, pack.policy).full
    today = date.today()
    frame = pl.read_parquet(source).head(rows)
    for row in frame.iter_rows(named=True):
        decide(program, row, None, today)


def openfisca(source: Path, rows: int) -> None:
    import openfisca_243d

    pack = load_pack()
    measures = [m for h in pack.sanctions for m in h.sanction.measures.values()]
    system = openfisca_243d.tax_benefit_system(measures, pack.policy)
    frame = pl.read_parquet(source).head(rows)
    columns = {n: frame[n].to_numpy().astype(object) for n in openfisca_243d.TEXT_INPUTS}
    for n in openfisca_243d.DATE_INPUTS:
        parsed = frame[n].str.to_date("%Y-%m-%d", strict=False).fill_null(date(1, 1, 1))
        columns[n] = parsed.to_numpy().astype("datetime64[D]")
    openfisca_243d.screen(system, columns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--loop-rows", type=int, default=100_000)
    parser.add_argument("--openfisca-rows", type=int, default=200_000)
    args = parser.parse_args()

    print(f"generating or reusing {args.rows:,} applications in {screening_data.CACHE}")
    source = screening_data.ensure(args.rows)
    pack = load_pack()
    measures = [m for h in pack.sanctions for m in h.sanction.measures.values()]
    table = screening_limit.measure_table(measures, pack.policy)
    classes = sorted(pack.policy.visa_classes.classes)
    print(f"{len(measures)} measures of pack {pack.name} {pack.version}; {os.cpu_count()} CPUs")

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rates: dict[str, float] = {}
        env = readmit_env(work)
        rates["readmit"] = timed(
            "(a) readmit screen",
            args.rows,
            lambda: readmit_screen(source, work / "a.parquet", env),
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        rates["duckdb"] = timed(
            "(b) hand-written DuckDB",
            args.rows,
            lambda: screening_limit.duckdb_limit(source, work / "b1.parquet", table, classes),
        )
        rates["polars"] = timed(
            "(b) hand-written Polars",
            args.rows,
            lambda: screening_limit.polars_limit(source, work / "b2.parquet", table, classes),
        )
        agree = _agreement(work / "a.parquet", work / "b2.parquet")
        sample = screening_data.sample(max(args.loop_rows, args.openfisca_rows), source)
        try:
            rates["openfisca"] = timed(
                "(c) OpenFisca country package",
                args.openfisca_rows,
                lambda: openfisca(sample, args.openfisca_rows),
            )
        except ImportError as error:
            print(f"  (c) OpenFisca not installed ({error}): uv sync --group bench")
        rates["loop"] = timed(
            "(d) per-row Python loop", args.loop_rows, lambda: per_row_loop(sample, args.loop_rows)
        )

    limit = max(rates["duckdb"], rates["polars"])
    print("\nratios (readmit throughput / other; targets in brackets)")
    print(f"  readmit / practical limit   {rates['readmit'] / limit:8.2f}x  [>= 0.8]")
    if "openfisca" in rates:
        print(
            f"  readmit / OpenFisca         {rates['readmit'] / rates['openfisca']:8.1f}x  [>= 10]"
        )
    print(f"  readmit / per-row loop      {rates['readmit'] / rates['loop']:8.1f}x  [>= 100]")
    print(f"  readmit peak memory         {peak:8.0f} MiB [<= 2048]")
    print(f"  outputs equal to the hand-written Polars plan: {agree:.4%} of rows (not the reasons)")


def _agreement(ours: Path, theirs: Path) -> float:
    """The share of rows on which both give the same outputs (all but the wording of reasons)."""
    same = ["decision", "measures", "citations", "restrictions"]
    a, b = pl.scan_parquet(ours), pl.scan_parquet(theirs)
    if a.collect_schema().names() != b.collect_schema().names():
        raise SystemExit(f"the limit's columns differ from readmit's: {theirs}")
    joined = a.select("application_id", *same).join(
        b.select("application_id", *same), on="application_id", suffix="_limit"
    )
    equal = pl.all_horizontal(pl.col(c) == pl.col(f"{c}_limit") for c in same)
    return float(joined.select(equal.mean()).collect().item())


if __name__ == "__main__":
    main()
