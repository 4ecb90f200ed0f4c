"""The vectorised engine: the screening program translated to Polars expressions.

The program is the one ``domain.screening_compile`` builds for the scalar path; only the
reading of fields (normalising text, parsing dates) is written here a second time, and the
Hypothesis agreement test holds the two engines to the same answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from readmit.domain.screening import DATE_PATTERN, DATES, INPUT_COLUMNS, LOWER, UPPER
from readmit.domain.screening_rules import (
    AllIn,
    And,
    Case,
    Col,
    Concat,
    DateCol,
    DateIn,
    Eq,
    Expr,
    Greatest,
    HasItem,
    In,
    IsEmpty,
    IsNull,
    JoinPresent,
    Lit,
    Not,
    Or,
    Program,
    StartsWith,
    UnderAge,
)

PREFIX = "__"


def col(name: str) -> pl.Expr:
    """The internal column holding a normalised field or a computed value."""
    return pl.col(PREFIX + name)


def _lit(value: Any) -> pl.Expr:
    if value is None:
        return pl.lit(None, dtype=pl.String)
    if isinstance(value, bool):
        return pl.lit(value, dtype=pl.Boolean)
    if isinstance(value, int):
        return pl.lit(value, dtype=pl.Int8)
    return pl.lit(value)


def _case(e: Case) -> pl.Expr:
    if not e.branches:
        return translate(e.default)
    (first_cond, first_value), *rest = e.branches
    chain: Any = pl.when(translate(first_cond)).then(translate(first_value))
    for condition, value in rest:
        chain = chain.when(translate(condition)).then(translate(value))
    return chain.otherwise(translate(e.default))  # type: ignore[no-any-return]


def _join(e: JoinPresent) -> pl.Expr:
    parts = [translate(i) for i in e.items]
    if not parts:
        return pl.lit(None, dtype=pl.String)
    joined = pl.concat_str(parts, separator=e.sep, ignore_nulls=True)
    present = pl.any_horizontal([p.is_not_null() for p in parts])
    return pl.when(present).then(joined).otherwise(pl.lit(None, dtype=pl.String))


def _date_in(e: DateIn) -> pl.Expr:
    day = translate(e.day)
    condition = day.is_not_null()
    if e.start is not None:
        condition = condition & (day >= pl.lit(e.start))
    if e.end is not None:
        condition = condition & (day < pl.lit(e.end))
    return condition.fill_null(False)


def _all_in(e: AllIn) -> pl.Expr:
    items = translate(e.item).str.split(";")
    ok = items.list.eval((pl.element() == "") | pl.element().is_in(sorted(e.values)))
    return ok.list.all()


def _in(e: In) -> pl.Expr:
    if not e.values:
        return pl.lit(False)
    return translate(e.item).is_in(sorted(e.values))


_RULES: dict[type, Callable[[Any], pl.Expr]] = {
    Col: lambda e: col(e.name),
    DateCol: lambda e: col(e.name),
    Lit: lambda e: _lit(e.value),
    In: _in,
    AllIn: _all_in,
    HasItem: lambda e: (pl.lit(";") + translate(e.item) + pl.lit(";")).str.contains(
        f";{e.value};", literal=True
    ),
    Eq: lambda e: translate(e.left) == translate(e.right),
    IsEmpty: lambda e: translate(e.item) == "",
    IsNull: lambda e: translate(e.item).is_null(),
    StartsWith: lambda e: translate(e.item).str.starts_with(e.prefix),
    And: lambda e: pl.all_horizontal([translate(i) for i in e.items]),
    Or: lambda e: pl.any_horizontal([translate(i) for i in e.items]),
    Not: lambda e: ~translate(e.item),
    DateIn: _date_in,
    UnderAge: lambda e: (
        translate(e.born).dt.offset_by(f"{e.years}y") > translate(e.day)
    ).fill_null(False),
    Concat: lambda e: pl.concat_str([translate(i) for i in e.items]),
    JoinPresent: _join,
    Case: _case,
    Greatest: lambda e: pl.max_horizontal([translate(i) for i in e.items]),
}


def translate(expr: Expr) -> pl.Expr:
    """Translate one rule expression to a Polars expression."""
    rule = _RULES.get(type(expr))
    if rule is None:
        raise TypeError(f"no Polars rule for {type(expr).__name__}")
    return rule(expr)


def prepare(frame: pl.DataFrame, as_of: date | None, today: date) -> pl.DataFrame:
    """Add the normalised fields and parsed dates the program reads (as internal columns)."""
    present = set(frame.columns)
    raw = [
        (pl.col(n).cast(pl.String).fill_null("") if n in present else pl.lit("")).alias(PREFIX + n)
        for n in INPUT_COLUMNS
    ]
    frame = frame.with_columns(raw)
    # An absent column is empty text already: only the file's own columns need normalising.
    frame = frame.with_columns(
        _normalise(n, col(n)).alias(PREFIX + n) for n in INPUT_COLUMNS if n in present
    )
    if as_of is not None:
        frame = frame.with_columns(pl.lit(as_of.isoformat()).alias(PREFIX + "decision_date"))
    frame = frame.with_columns(
        _parse_once(frame, PREFIX + raw).alias(PREFIX + parsed) for raw, parsed in DATES.items()
    )
    return frame.with_columns(
        pl.when(col("decision_date") == "")
        .then(pl.lit(today))
        .otherwise(col("decision_on"))
        .alias(PREFIX + "decision_on")
    )


def _normalise(name: str, text: pl.Expr) -> pl.Expr:
    text = text.str.strip_chars()
    if name == "other_nationalities":
        return text.str.to_uppercase().str.replace_all(r"\s+", "")
    if name in UPPER:
        return text.str.to_uppercase()
    if name in LOWER:
        return text.str.to_lowercase()
    return text


def _parse_once(frame: pl.DataFrame, name: str) -> pl.Expr:
    """Parse each distinct text of a date column once (a batch holds few distinct dates)."""
    distinct = frame.get_column(name).unique()
    if len(distinct) * 4 > frame.height:
        return _parse(pl.col(name))
    parsed = pl.DataFrame({"text": distinct}).select(_parse(pl.col("text"))).to_series()
    return pl.col(name).replace_strict(distinct, parsed, return_dtype=pl.Date)


def _parse(text: pl.Expr) -> pl.Expr:
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    well_formed = text.str.contains(DATE_PATTERN) & (parsed.dt.year() >= 1)
    return pl.when(well_formed.fill_null(False)).then(parsed).otherwise(None)


def evaluate(frame: pl.DataFrame, program: Program) -> pl.DataFrame:
    """Run every stage of the program on a prepared frame."""
    for stage in program.stages:
        frame = frame.with_columns([translate(e).alias(PREFIX + n) for n, e in stage.columns])
    return frame
