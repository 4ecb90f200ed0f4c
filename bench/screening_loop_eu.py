"""The competent per-row loop under a regime whose measures follow the nationality (the EU's).

What a user writes around the scalar engine (``readmit.domain.screening.decide``): read each
field as readmit reads it (trimmed, codes in capitals, words in small letters, spaces out of a
list of nationalities), check the same fields; a readable row none of whose nationalities has a
measure is ``not_affected`` without calling the engine; every other row calls the engine with
the measures of its nationalities only (an unreadable one, the reading checks).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from readmit.batch.screening import build_engine
from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.sanctions_policy import RELATIONSHIPS
from readmit.domain.screening import decide, parse_day
from readmit.domain.screening_compile import PASSPORT_TYPES, compile_program
from readmit.domain.screening_rules import Program
from readmit.packs import load_pack

_SPACES = re.compile(r"\s+")
_WORDS = ("", "true", "false")


def competent_loop(source: Path, rows: int, pack_name: str) -> list[tuple[str, str]]:
    """(decision, measures) of the first ``rows`` rows of ``source``, row by row."""
    pack = load_pack(pack_name)
    policy = pack.policy
    # In the order readmit's store lists them (by id), as its program joins their ids.
    measures = sorted(
        (m for h in pack.sanctions for m in h.sanction.measures.values()), key=lambda m: m.id
    )
    countries = frozenset(m.country for m in measures)
    # One program per set of nationalities with measures (a dual national's: both countries').
    programs: dict[tuple[str, ...], Program] = {}

    def program_of(touched: tuple[str, ...]) -> Program:
        if touched not in programs:
            chosen = [m for m in measures if m.country in touched]
            programs[touched] = compile_program(chosen, policy)
        return programs[touched]

    reading_only = build_engine(measures, policy).reading_only
    classes = frozenset(policy.visa_classes.classes)
    ranks = policy.ranks.all_codes()
    today = date.today()

    def readable(get: dict[str, str]) -> bool:
        def date_ok(name: str) -> bool:
            return not get[name] or parse_day(get[name]) is not None

        others = get["other_nationalities"].split(";")
        return (
            get["nationality"] in COUNTRY_CODES
            and get["post_country"] in COUNTRY_CODES
            and get["visa_class"] in classes
            and date_ok("decision_date")
            and date_ok("application_date")
            and date_ok("date_of_birth")
            and all(not c or c in COUNTRY_CODES for c in others)
            and (not get["residence"] or get["residence"] in COUNTRY_CODES)
            and (not get["member_state"] or get["member_state"] in COUNTRY_CODES)
            and (not get["passport_type"] or get["passport_type"] in PASSPORT_TYPES)
            and get["family_of_eu_citizen"] in _WORDS
            and get["approved_exception"] in _WORDS
            and (not get["rank"] or get["rank"] in ranks)
            and (not get["principal_rank"] or get["principal_rank"] in ranks)
            and (not get["relationship"] or get["relationship"] in RELATIONSHIPS)
        )

    out: list[tuple[str, str]] = []
    frame = pl.read_parquet(source).head(rows)
    for row in frame.iter_rows(named=True):
        get = _read(row)
        nationalities = {get["nationality"], *get["other_nationalities"].split(";")}
        touched = tuple(sorted(c for c in nationalities if c in countries))
        if not touched:
            if readable(get):
                out.append(("not_affected", ""))
                continue
            program = reading_only
        else:
            program = program_of(touched)
        decided = decide(program, row, None, today)
        out.append((decided.decision, ";".join(decided.measures)))
    return out


_UPPER = ("nationality", "visa_class", "post_country", "residence", "member_state")
_LOWER = (
    "rank",
    "principal_rank",
    "relationship",
    "approved_exception",
    "passport_type",
    "family_of_eu_citizen",
)
_PLAIN = ("decision_date", "application_date", "date_of_birth")


def _read(row: dict[str, str | None]) -> dict[str, str]:
    """The fields the loop checks, read as readmit reads them (an absent field is empty)."""

    def text(name: str) -> str:
        return (row.get(name) or "").strip()

    return {
        **{n: text(n).upper() for n in _UPPER},
        **{n: text(n).lower() for n in _LOWER},
        **{n: text(n) for n in _PLAIN},
        "other_nationalities": _SPACES.sub("", text("other_nationalities").upper()),
    }
