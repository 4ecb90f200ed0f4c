"""Synthetic applications for the screening benchmark: a realistic mix, cached as Parquet.

About 3 per cent of applications come from the countries with a 243(d) sanction on record;
among those, one in five declares a government employer, some with family relationships.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

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


def path_for(rows: int) -> Path:
    return CACHE / f"applications_{rows}.parquet"


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


def ensure(rows: int) -> Path:
    """Return the cached Parquet file of ``rows`` applications, generating it once."""
    path = path_for(rows)
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    writer = None
    for start in range(0, rows, CHUNK):
        table = _chunk(min(CHUNK, rows - start), start, seed=start // CHUNK).to_arrow()
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
