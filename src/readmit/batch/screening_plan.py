"""Plan a screening program for Polars: a sub-expression a stage repeats is computed once.

The compiled programs repeat their conditions (a measure's reason tests again who it covers and
when, as its status does), and the translation to Polars repeats a list's parts (each is tested
for presence and joined). Polars evaluates every copy, and on the few thousand rows of a post
the copies cost more than the rows: every ``In`` builds its set of values again. So, before
translation, each sub-expression that a stage would evaluate more than once becomes a column
of its own, computed in a stage before it, and its copies read that column. Every expression
reads its own row only, so the answers are the same; only the work is shared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import fields, replace
from itertools import count
from typing import Any

from readmit.domain.screening_rules import Col, DateCol, Expr, JoinPresent, Lit, Program, Stage

SHARED = "shared"  # the prefix of a shared sub-expression's column: shared0, shared1, ...


def plan(program: Program) -> tuple[Stage, ...]:
    """The program's stages, each preceded by the stages computing its shared sub-expressions."""
    planned: list[Stage] = []
    names = (f"{SHARED}{n}" for n in count())
    for stage in program.stages:
        planned.extend(_share(stage, names))
    return tuple(planned)


def _share(stage: Stage, names: Iterator[str]) -> list[Stage]:
    shapes = _Shapes()
    counts: Counter[int] = Counter()
    for _name, expr in stage.columns:
        _count(expr, shapes, counts)
    shared = {k for k, n in counts.items() if n > 1 and shapes.worth_sharing(k)}
    if not shared:
        return [stage]
    levels: list[list[tuple[str, Expr]]] = []
    done: dict[int, tuple[Col, int]] = {}

    def rewrite(expr: Expr) -> tuple[Expr, int]:
        """The expression reading the shared columns, and how many stages it must follow."""
        shape = shapes.of(expr)
        if shape in done:
            return done[shape]
        if isinstance(expr, Col | DateCol | Lit):
            return expr, 0
        rebuilt, level = _rebuild(expr, rewrite)
        if shape not in shared:
            return rebuilt, level
        column = Col(next(names))
        while len(levels) <= level:
            levels.append([])
        levels[level].append((column.name, rebuilt))
        done[shape] = (column, level + 1)
        return done[shape]

    columns = tuple((name, rewrite(expr)[0]) for name, expr in stage.columns)
    return [*(Stage(tuple(level)) for level in levels), Stage(columns)]


def _count(expr: Expr, shapes: _Shapes, counts: Counter[int]) -> None:
    """Count each sub-expression as often as the translation evaluates it.

    The parts of a sub-expression already seen are not counted again: once it is shared, they
    are evaluated once, within it. A ``JoinPresent``'s parts are evaluated twice.
    """
    shape = shapes.of(expr)
    counts[shape] += 1
    if counts[shape] > 1:
        return
    for child in _children(expr):
        _count(child, shapes, counts)
        if isinstance(expr, JoinPresent):
            counts[shapes.of(child)] += 1


class _Shapes:
    """Numbers expressions by their structure: equal numbers for equal expressions, with each
    literal's type (``Lit(True)`` equals ``Lit(1)`` as a dataclass, but translates otherwise)."""

    def __init__(self) -> None:
        self._by_id: dict[int, int] = {}
        self._numbers: dict[tuple[Any, ...], int] = {}
        self._reads: set[int] = set()  # the shapes that read a column
        self._kinds: dict[int, type] = {}

    def of(self, expr: Expr) -> int:
        known = self._by_id.get(id(expr))
        if known is not None:
            return known
        parts = tuple(self._part(getattr(expr, name)) for name in _names(expr))
        number = self._numbers.setdefault((type(expr), parts), len(self._numbers))
        self._kinds[number] = type(expr)
        if isinstance(expr, Col | DateCol) or any(self._read(p) for p in parts):
            self._reads.add(number)
        self._by_id[id(expr)] = number
        return number

    def worth_sharing(self, shape: int) -> bool:
        """Not a column or a literal, nor a constant (which Polars computes once anyway)."""
        return self._kinds[shape] not in (Col, DateCol, Lit) and shape in self._reads

    def _part(self, value: Any) -> Any:
        if isinstance(value, Expr):
            return ("expr", self.of(value))
        if isinstance(value, tuple):
            return ("tuple", tuple(self._part(v) for v in value))
        return (type(value), value)

    def _read(self, part: Any) -> bool:
        if part[0] == "expr":
            return part[1] in self._reads
        if part[0] == "tuple":
            return any(self._read(p) for p in part[1])
        return False


_FIELDS: dict[type, tuple[str, ...]] = {}


def _names(expr: Expr) -> tuple[str, ...]:
    """The names of an expression's fields (looked up once per class)."""
    kind = type(expr)
    if kind not in _FIELDS:
        _FIELDS[kind] = tuple(f.name for f in fields(expr))  # type: ignore[arg-type]
    return _FIELDS[kind]


def _children(expr: Expr) -> list[Expr]:
    found: list[Expr] = []

    def collect(value: Any) -> None:
        if isinstance(value, Expr):
            found.append(value)
        elif isinstance(value, tuple):
            for v in value:
                collect(v)

    for name in _names(expr):
        collect(getattr(expr, name))
    return found


def _rebuild(expr: Expr, rewrite: Any) -> tuple[Expr, int]:
    """The expression with its parts rewritten, and the latest stage any of them needs."""
    level = 0

    def part(value: Any) -> Any:
        nonlocal level
        if isinstance(value, Expr):
            rewritten, needs = rewrite(value)
            level = max(level, needs)
            return rewritten
        if isinstance(value, tuple):
            return tuple(part(v) for v in value)
        return value

    changes = {name: part(getattr(expr, name)) for name in _names(expr)}
    return replace(expr, **changes), level  # type: ignore[type-var]
