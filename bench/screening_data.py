"""Synthetic applications for the screening benchmark: a realistic mix, cached as Parquet.

Each pack with a generator has its own file's shape. The US pack's (below): about 3 per cent of
applications come from the countries with a 243(d) sanction on record; among those, one in five
declares a government employer, some with family relationships. The EU pack's:
``screening_data_eu``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import screening_data_eu

US_PACK = "us_ina_243d"

CACHE = Path(__file__).parent / ".cache"
SANCTIONED = ["KH", "ER", "LA", "SL", "MM", "GH", "PK", "BI", "GN", "GM", "GY"]
OTHERS = [
    "MX",
    "IN",
    "CN",
    "BR",
    "PH",
    "NG",
    "VN",
    "CO",
    "FR",
    "GB",
    "DE",
    "JP",
    "KR",
    "EG",
    "TH",
    "TR",
]
CLASSES = (
    ["B1/B2"] * 50
    + ["B1"] * 5
    + ["B2"] * 10
    + ["F1"] * 10
    + ["J1"] * 5
    + ["H1B"] * 5
    + [
        "IR1",
        "CR1",
        "IR5",
        "F21",
        "DV1",
        "A1",
        "A3",
        "G4",
        "G5",
        "L1",
        "O1",
        "K1",
        "E2",
        "C1/D",
    ]
    + ["M1", "F2", "J2", "H2B", "R1"]
)
GOV = {
    "KH": ["KH-MFA", "KH-MOI", "KH-MFA-CONS", "KH-GOV"],
    "SL": ["SL-MFA", "SL-IMM", "SL-GOV"],
    "MM": ["MM-MOHA", "MM-MOLIP", "MM-GOV"],
    "LA": ["LA-MPS", "LA-MFA"],
    "GH": ["GH-EXEC", "GH-MFA", "GH-LEG", "GH-GOV"],
}
RANKS = ["minister", "deputy_minister", "director_general", "director", "staff", "staff", ""]
CHUNK = 1_000_000


def path_for(rows: int, pack: str = US_PACK) -> Path:
    if pack == US_PACK:
        return CACHE / f"applications_{rows}.parquet"
    return CACHE / f"applications-{pack}-{rows}.parquet"


def _pick(values: list[str], n: int, seed: int) -> pl.Series:
    return pl.Series(values).sample(n, with_replacement=True, seed=seed)


def _chunk(n: int, start: int, seed: int) -> pl.DataFrame:
    nationality = pl.concat(
        [_pick(OTHERS, n - n * 3 // 100, seed), _pick(SANCTIONED, n * 3 // 100, seed + 1)]
    ).shuffle(seed=seed + 2)
    days = pl.Series(range((date(2025, 12, 31) - date(2016, 1, 1)).days)).sample(
        n, with_replacement=True, seed=seed + 3
    )
    frame = pl.DataFrame(
        {
            "application_id": [f"APP{start + i:09d}" for i in range(n)],
            "nationality": nationality,
            "visa_class": _pick(CLASSES, n, seed + 4),
            "days": days,
            "abroad": _pick(["home"] * 9 + ["abroad"], n, seed + 5),
            "gov": _pick(["yes"] + ["no"] * 4, n, seed + 6),
            "relationship": _pick(
                ["self"] * 6 + ["spouse", "child", "employee", "other"], n, seed + 7
            ),
            "rank": _pick(RANKS, n, seed + 8),
            "born": _pick(
                ["1970-04-02", "1999-08-31", "2005-01-01", "2012-06-15", ""], n, seed + 9
            ),
            "post_other": _pick(OTHERS, n, seed + 10),
            "org": _pick(sorted({o for orgs in GOV.values() for o in orgs}), n, seed + 11),
        }
    )
    gov = (pl.col("gov") == "yes") & pl.col("nationality").is_in(list(GOV))
    own = gov & (pl.col("relationship") == "self")
    family = gov & (pl.col("relationship") != "self")
    org_country = pl.col("org").str.slice(0, 2)
    return frame.with_columns(
        (pl.lit(date(2016, 1, 1)) + pl.duration(days=pl.col("days")))
        .cast(pl.String)
        .alias("decision_date"),
        pl.when(pl.col("abroad") == "home")
        .then(pl.col("nationality"))
        .otherwise(pl.col("post_other"))
        .alias("post_country"),
        pl.when(own)
        .then(
            pl.when(org_country == pl.col("nationality"))
            .then(pl.col("org"))
            .otherwise(pl.col("nationality") + "-GOV")
        )
        .otherwise(pl.lit(""))
        .alias("employer"),
        pl.when(own).then(pl.col("rank")).otherwise(pl.lit("")).alias("rank"),
        pl.when(family).then(pl.col("relationship")).otherwise(pl.lit("")).alias("relationship"),
        pl.when(family)
        .then(
            pl.when(org_country == pl.col("nationality"))
            .then(pl.col("org"))
            .otherwise(pl.col("nationality") + "-GOV")
        )
        .otherwise(pl.lit(""))
        .alias("principal_employer"),
        pl.when(family).then(pl.col("rank")).otherwise(pl.lit("")).alias("principal_rank"),
        pl.when(family).then(pl.col("born")).otherwise(pl.lit("")).alias("date_of_birth"),
        pl.lit("").alias("approved_exception"),
    ).select(
        "application_id",
        "nationality",
        "visa_class",
        "decision_date",
        "post_country",
        "employer",
        "rank",
        "relationship",
        "principal_employer",
        "principal_rank",
        "date_of_birth",
        "approved_exception",
    )


def _generator(pack: str) -> Callable[[int, int, int], pl.DataFrame]:
    """The chunk generator of a pack's input shape."""
    generators = {US_PACK: _chunk, screening_data_eu.PACK: screening_data_eu.chunk}
    if pack not in generators:
        raise SystemExit(
            f"no input generator for pack {pack!r}; bench/screening_data.py has one for "
            + ", ".join(sorted(generators))
        )
    return generators[pack]


def ensure(rows: int, pack: str = US_PACK) -> Path:
    """Return the cached Parquet file of ``rows`` applications, generating it once."""
    path = path_for(rows, pack)
    if path.exists():
        return path
    generate = _generator(pack)
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    writer = None
    for start in range(0, rows, CHUNK):
        table = generate(min(CHUNK, rows - start), start, start // CHUNK).to_arrow()
        writer = writer or pq.ParquetWriter(partial, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    partial.rename(path)
    return path


def sample(rows: int, source: Path) -> Path:
    """Return the first ``rows`` rows of ``source`` as their own cached Parquet file."""
    path = CACHE / f"{source.stem}_head_{rows}.parquet"
    if not path.exists():
        pl.scan_parquet(source).head(rows).sink_parquet(path)
    return path


# Messy input: this share of the cells (every column but the id) is perturbed; about 1% of
# cells end up changed (a perturbed empty cell may stay empty).
MESSY_SHARE = 0.018
# What a perturbed cell becomes: what clerks and exports do to a clean value. Some are still
# readable after readmit's normalisation (case, surrounding spaces), the others are not (a
# stray character, a day that does not exist, a date in another format), and some are blanked.
PERTURBATIONS = ("case", "spaces", "stray", "empty", "bad_date")


def messy_path_for(rows: int, pack: str = US_PACK) -> Path:
    if pack == US_PACK:
        return CACHE / f"applications_{rows}_messy.parquet"
    return CACHE / f"applications-{pack}-{rows}-messy.parquet"


def _perturb(column: str, kind: pl.Expr) -> pl.Expr:
    value = pl.col(column)
    swapped = (
        pl.when(value == value.str.to_uppercase())
        .then(value.str.to_lowercase())
        .otherwise(value.str.to_uppercase())
    )
    return (
        pl.when(kind == 0)
        .then(swapped)
        .when(kind == 1)
        .then(pl.lit("  ") + value + pl.lit(" "))
        .when(kind == 2)
        .then(value + pl.lit("#"))
        .when(kind == 3)
        .then(pl.lit(""))
        .otherwise(pl.lit("2021-02-30") if "date" in column else value.str.replace("-", "/"))
    )


def _messy_chunk(frame: pl.DataFrame, seed: int) -> pl.DataFrame:
    columns = [c for c in frame.columns if c != "application_id"]
    height = frame.height
    return frame.with_columns(
        pl.when(pl.Series(np.random.default_rng(seed + i).random(height) < MESSY_SHARE))
        .then(
            _perturb(
                name,
                pl.Series(
                    np.random.default_rng(seed + 1000 + i).integers(0, len(PERTURBATIONS), height)
                ),
            )
        )
        .otherwise(pl.col(name))
        .alias(name)
        for i, name in enumerate(columns)
    )


def ensure_messy(rows: int, pack: str = US_PACK) -> Path:
    """Return the cached messy copy of the ``rows`` applications (about 1% of cells
    perturbed, the same cells every time), generating it once."""
    path = messy_path_for(rows, pack)
    if path.exists():
        return path
    clean = ensure(rows, pack)
    partial = path.with_suffix(".partial")
    writer = None
    for index, batch in enumerate(pq.ParquetFile(clean).iter_batches(batch_size=CHUNK)):
        table = _messy_chunk(pl.from_arrow(batch), seed=index * 7919).to_arrow()  # type: ignore[arg-type]
        writer = writer or pq.ParquetWriter(partial, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    partial.rename(path)
    return path
