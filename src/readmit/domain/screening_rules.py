"""A tiny expression language for screening rules, and its scalar interpreter.

Measures compile (``domain/screening.py``) to a ``Program`` of these expressions. The scalar
path evaluates a program on one application here; the vectorised path (``batch/``) translates
the same program to Polars expressions. One rule definition, two engines: the Hypothesis test
checks that both agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any


class Expr:
    """Base of every rule expression."""


# Expressions of the same shape share their fields; each class is still its own expression
# (dataclass equality compares classes, and each engine dispatches on the class).


@dataclass(frozen=True)
class _Named(Expr):
    name: str


@dataclass(frozen=True)
class _Unary(Expr):
    item: Expr


@dataclass(frozen=True)
class _Members(Expr):
    item: Expr
    values: frozenset[str]


@dataclass(frozen=True)
class _Many(Expr):
    items: tuple[Expr, ...]


class Col(_Named):
    """A normalised text column (empty text when absent), or a computed one."""


class DateCol(_Named):
    """A parsed date column: a date, or None when empty or unreadable."""


@dataclass(frozen=True)
class Lit(Expr):
    value: Any


class In(_Members):
    """The text is one of ``values``."""


class AllIn(_Members):
    """Every ``;``-separated item of a text column is in ``values`` (true when empty)."""


@dataclass(frozen=True)
class HasItem(Expr):
    """The ``;``-separated text column contains ``value`` as one of its items."""

    item: Expr
    value: str


@dataclass(frozen=True)
class Eq(Expr):
    left: Expr
    right: Expr


class IsEmpty(_Unary):
    """The text is empty."""


class IsNull(_Unary):
    """The value is None (an unreadable date, an absent computed value)."""


@dataclass(frozen=True)
class StartsWith(Expr):
    item: Expr
    prefix: str


class And(_Many):
    """Every item holds."""


class Or(_Many):
    """Some item holds."""


class Not(_Unary):
    """The item does not hold."""


@dataclass(frozen=True)
class DateIn(Expr):
    """``start <= day < end``; a missing bound is open; a missing day is false."""

    day: DateCol
    start: date | None
    end: date | None


@dataclass(frozen=True)
class UnderAge(Expr):
    """The person born on ``born`` is under ``years`` on ``day`` (false when either is missing)."""

    born: DateCol
    day: DateCol
    years: int


class Concat(_Many):
    """Text parts joined with nothing between them."""


@dataclass(frozen=True)
class JoinPresent(Expr):
    """The parts that are not None, joined by ``sep``; None when there are none."""

    items: tuple[Expr, ...]
    sep: str


@dataclass(frozen=True)
class Case(Expr):
    """The value of the first branch whose condition holds, else ``default``."""

    branches: tuple[tuple[Expr, Expr], ...]
    default: Expr


class Greatest(_Many):
    """The largest of some integer expressions."""


@dataclass(frozen=True)
class Stage:
    """Named expressions that may read columns computed by earlier stages."""

    columns: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class Program:
    stages: tuple[Stage, ...]
    governing: str = "decision_on"  # the date column whose day the measures are read on


TRUE: Expr = Lit(True)
FALSE: Expr = Lit(False)


def all_of(*items: Expr) -> Expr:
    """Conjunction, dropping literal truths."""
    kept = tuple(i for i in items if i != TRUE)
    if FALSE in kept:
        return FALSE
    return kept[0] if len(kept) == 1 else (And(kept) if kept else TRUE)


def any_of(*items: Expr) -> Expr:
    """Disjunction, dropping literal falsehoods."""
    kept = tuple(i for i in items if i != FALSE)
    if TRUE in kept:
        return TRUE
    return kept[0] if len(kept) == 1 else (Or(kept) if kept else FALSE)


def add_years(born: date, years: int) -> date:
    """The anniversary ``years`` after ``born`` (29 February falls on 28 February)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return born.replace(year=born.year + years, day=28)


def evaluate(expr: Expr, row: Mapping[str, Any]) -> Any:
    """Evaluate one expression on one row (the scalar engine)."""
    handler = _SCALAR.get(type(expr))
    if handler is None:
        raise TypeError(f"no scalar rule for {type(expr).__name__}")
    return handler(expr, row)


def run(program: Program, row: dict[str, Any]) -> dict[str, Any]:
    """Evaluate every stage of a program on one row; return the row with the computed columns."""
    for stage in program.stages:
        for name, expr in stage.columns:
            row[name] = evaluate(expr, row)
    return row


def _items(text: str) -> list[str]:
    return [part for part in text.split(";") if part]


def _under_age(e: UnderAge, row: Mapping[str, Any]) -> bool:
    born, day = row.get(e.born.name), row.get(e.day.name)
    return born is not None and day is not None and add_years(born, e.years) > day


def _date_in(e: DateIn, row: Mapping[str, Any]) -> bool:
    day = row.get(e.day.name)
    if day is None:
        return False
    return (e.start is None or day >= e.start) and (e.end is None or day < e.end)


def _case(e: Case, row: Mapping[str, Any]) -> Any:
    for condition, value in e.branches:
        if evaluate(condition, row):
            return evaluate(value, row)
    return evaluate(e.default, row)


def _join(e: JoinPresent, row: Mapping[str, Any]) -> str | None:
    parts = [v for v in (evaluate(i, row) for i in e.items) if v is not None]
    return e.sep.join(parts) if parts else None


_SCALAR: dict[type, Any] = {
    Col: lambda e, row: row.get(e.name, ""),
    DateCol: lambda e, row: row.get(e.name),
    Lit: lambda e, row: e.value,
    In: lambda e, row: evaluate(e.item, row) in e.values,
    AllIn: lambda e, row: all(i in e.values for i in _items(evaluate(e.item, row))),
    HasItem: lambda e, row: e.value in _items(evaluate(e.item, row)),
    Eq: lambda e, row: evaluate(e.left, row) == evaluate(e.right, row),
    IsEmpty: lambda e, row: evaluate(e.item, row) == "",
    IsNull: lambda e, row: evaluate(e.item, row) is None,
    StartsWith: lambda e, row: evaluate(e.item, row).startswith(e.prefix),
    And: lambda e, row: all(evaluate(i, row) for i in e.items),
    Or: lambda e, row: any(evaluate(i, row) for i in e.items),
    Not: lambda e, row: not evaluate(e.item, row),
    DateIn: _date_in,
    UnderAge: _under_age,
    Concat: lambda e, row: "".join(str(evaluate(i, row)) for i in e.items),
    JoinPresent: _join,
    Case: _case,
    Greatest: lambda e, row: max(evaluate(i, row) for i in e.items),
}
