"""Synthetic applications under the EU Visa Code's Article 25a (pack ``eu_visa_code_25a``).

The shape of a Schengen consulate's file: the day the application was lodged (it governs),
the day of the decision, the post, the Member State whose consulate it is, the passport type,
whether the applicant is a family member of an EU citizen (exempt), the date of birth (a child
under 12 pays no increased fee) and any other nationality. The measure follows the nationality,
not the post: about 4 per cent of applicants are nationals of a country with a measure (The
Gambia, Ethiopia), as many of a country with a proposal only (no measure), and one in five
applies outside their own country (Gambians in Dakar). Lodging days span 2020 to 2026, so that
measures start (The Gambia from 2021-11-01, Ethiopia from 2024-06-01) and the increased fee
starts and ends (2022-12-08 to 2024-04-12). Synthetic: no row is a real person.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

PACK = "eu_visa_code_25a"
WITH_MEASURES = ["GM", "ET"]
PROPOSED_ONLY = ["BD", "IQ", "SN", "SO", "GN"]  # a proposal adds no measure
OTHERS = [
    "CN",
    "IN",
    "TR",
    "RU",
    "MA",
    "DZ",
    "TN",
    "EG",
    "SA",
    "TH",
    "PH",
    "ID",
    "NG",
    "ZA",
    "VN",
    "KZ",
    "GH",
    "CM",
    "KE",
    "PK",
]
# Where an applicant abroad applies: the posts that receive third-country nationals (Dakar for
# Gambians above all).
POSTS_ABROAD = ["SN"] * 4 + ["AE", "GB", "US", "KE", "ZA", "MA", "TR", "QA"]
MEMBER_STATES = ["DE", "FR", "IT", "ES", "NL", "BE", "SE", "AT", "PL", "CZ", "PT", "GR", ""]
# C short stay, A airport transit, D national visas (outside the Visa Code), a few not in the
# pack's table (invalid).
CLASSES = ["C"] * 88 + ["A"] * 5 + ["D"] * 5 + ["B1/B2", "E"]
PASSPORTS = ["ordinary"] * 90 + ["diplomatic"] * 3 + ["service"] * 2 + [""] * 5
FAMILY_OF_EU = ["false"] * 80 + ["true"] * 4 + [""] * 16
OTHER_NATIONALITIES = ["GM", "ET", "FR", "SN;GM", "GB", "ET; US", "US"]
FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2026, 9, 30)
COLUMNS = [
    "application_id",
    "nationality",
    "visa_class",
    "application_date",
    "decision_date",
    "post_country",
    "member_state",
    "passport_type",
    "family_of_eu_citizen",
    "date_of_birth",
    "other_nationalities",
    "approved_exception",
    "exception_reference",
]


def _pick(values: list[str], n: int, seed: int) -> pl.Series:
    return pl.Series(values).sample(n, with_replacement=True, seed=seed)


def _share(n: int, share: float, seed: int) -> pl.Series:
    return pl.Series(np.random.default_rng(seed).random(n) < share)


def chunk(n: int, start: int, seed: int) -> pl.DataFrame:
    """``n`` applications numbered from ``start``; the same ``seed`` gives the same rows."""
    seed *= 100  # each column draws from seed + k: chunks (seed 0, 1, ...) share no stream
    rng = np.random.default_rng(seed)
    sanctioned, proposed = n * 4 // 100, n * 4 // 100
    nationality = pl.concat(
        [
            _pick(OTHERS, n - sanctioned - proposed, seed),
            _pick(WITH_MEASURES, sanctioned, seed + 1),
            _pick(PROPOSED_ONLY, proposed, seed + 2),
        ]
    ).shuffle(seed=seed + 3)
    lodged = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, n)
    # Ages on the lodging day, in days: one applicant in ten is a child under 12 (some just
    # about 12, where the exemption ends).
    child = rng.random(n) < 0.10
    age = np.where(child, rng.integers(0, 12 * 366 + 3, n), rng.integers(12 * 365 - 3, 80 * 365, n))
    frame = pl.DataFrame(
        {
            "application_id": [f"EUA{start + i:09d}" for i in range(n)],
            "nationality": nationality,
            "visa_class": _pick(CLASSES, n, seed + 4),
            "lodged": lodged,
            "waited": rng.integers(2, 61, n),
            "age": age,
            "abroad": _share(n, 0.20, seed + 5),
            "post_abroad": _pick(POSTS_ABROAD, n, seed + 6),
            "member_state": _pick(MEMBER_STATES, n, seed + 7),
            "passport_type": _pick(PASSPORTS, n, seed + 8),
            "family_of_eu_citizen": _pick(FAMILY_OF_EU, n, seed + 9),
            "other": _pick(OTHER_NATIONALITIES, n, seed + 10),
            "dual": _share(n, 0.01, seed + 11),
            "pending": _share(n, 0.02, seed + 12),  # not decided yet: decided as of today
            "undated": _share(n, 0.01, seed + 13),  # no lodging day: the decision's governs
            "no_birth": _share(n, 0.02, seed + 14),
            "exception": pl.Series(rng.random(n)),
        }
    )
    day = pl.lit(FIRST_DAY) + pl.duration(days=pl.col("lodged"))
    return frame.with_columns(
        pl.when(pl.col("undated"))
        .then(pl.lit(""))
        .otherwise(day.cast(pl.String))
        .alias("application_date"),
        pl.when(pl.col("pending"))
        .then(pl.lit(""))
        .otherwise((day + pl.duration(days=pl.col("waited"))).cast(pl.String))
        .alias("decision_date"),
        pl.when(pl.col("abroad") & (pl.col("post_abroad") != pl.col("nationality")))
        .then(pl.col("post_abroad"))
        .otherwise(pl.col("nationality"))
        .alias("post_country"),
        pl.when(pl.col("no_birth"))
        .then(pl.lit(""))
        .otherwise((day - pl.duration(days=pl.col("age"))).cast(pl.String))
        .alias("date_of_birth"),
        pl.when(pl.col("dual"))
        .then(pl.col("other"))
        .otherwise(pl.lit(""))
        .alias("other_nationalities"),
        pl.when(pl.col("exception") < 0.005)
        .then(pl.lit("true"))
        .when(pl.col("exception") < 0.10)
        .then(pl.lit("false"))
        .otherwise(pl.lit(""))
        .alias("approved_exception"),
        pl.when(pl.col("exception") < 0.005)
        .then(pl.format("EXC-{}", pl.col("lodged")))
        .otherwise(pl.lit(""))
        .alias("exception_reference"),
    ).select(COLUMNS)
