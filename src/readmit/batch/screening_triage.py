"""Which rows of a batch need a program: those a measure may reach, and those a field fails.

Each condition reads one field, so it is decided once per distinct value of that field (a file
holds few), normalised as every other row. The answers are kept from chunk to chunk: after the
first chunk, a row whose every value is known to be quiet is set aside by one lookup per field,
and only the rows holding a value not seen before (the odd misspelling of a messy file) have
their values read and decided. The rows chosen are the same as when every chunk is decided from
its own values; only the work of finding them is shared.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from readmit.batch.screening_polars import prepare, translate
from readmit.domain.screening_rules import Expr

# A field with more distinct values than this starts again from nothing: the file is not the
# few-values kind the lookups are for, and the memory they hold stays bounded.
_MOST_VALUES = 1 << 17

Checks = tuple[tuple[str, Expr], ...]


class Triage:
    """Decides the rows of one run's chunks, remembering each field's values as it goes.

    ``checks`` are (field, condition): a row needs work when any condition holds of its field.
    """

    def __init__(self, checks: Checks, as_of: date | None, today: date) -> None:
        self._checks = checks
        self._as_of, self._today = as_of, today
        self._fields = sorted({name for name, _condition in checks})
        self._needy: dict[str, dict[str, bool]] = {name: {} for name in self._fields}

    def rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The rows of ``frame`` that need work, in order."""
        if frame.is_empty():
            return frame
        unsettled = [
            ~_text(frame, name).is_in(quiet)
            for name in self._fields
            if (quiet := self._quiet(name)) is not None
        ]
        if len(unsettled) == len(self._fields):
            frame = frame.filter(pl.any_horizontal(unsettled))
        self._learn(frame)
        needy = [
            _text(frame, name).is_in(values)
            for name in self._fields
            if (values := [v for v, needs in self._needy[name].items() if needs])
        ]
        return frame.filter(pl.any_horizontal(needy)) if needy else frame.clear()

    def _quiet(self, name: str) -> list[str] | None:
        """The field's values known to need no work (None: none known yet, every row is new)."""
        known = self._needy[name]
        if not known:
            return None
        return [value for value, needs in known.items() if not needs]

    def _learn(self, frame: pl.DataFrame) -> None:
        """Decide the values of ``frame`` not decided before."""
        seen = frame.select(_text(frame, n).unique().implode() for n in self._fields).row(0)
        new: dict[str, list[str]] = {}
        for name, values in zip(self._fields, seen, strict=True):
            known = self._needy[name]
            unknown = [v for v in values if v not in known]
            if unknown and len(known) + len(unknown) > _MOST_VALUES:
                known.clear()  # and every value of the chunk is decided again
                unknown = values
            if unknown:
                new[name] = unknown
        if not new:
            return
        needy = self._decide(new)
        for name, values in new.items():
            known = self._needy[name]
            for value in values:
                known[value] = value in needy[name]

    def _decide(self, values: dict[str, list[str]]) -> dict[str, set[str]]:
        """The values, of each field given, for which a condition on that field holds."""
        longest = max(len(v) for v in values.values())
        # One small frame holds every field's values (a shorter list repeats its first).
        table = pl.DataFrame(
            {n: v + v[:1] * (longest - len(v)) for n, v in values.items()},
            schema=dict.fromkeys(values, pl.String),
        )
        checks = [(name, condition) for name, condition in self._checks if name in values]
        found = prepare(table, self._as_of, self._today).select(
            pl.col(name).filter(translate(condition)).unique().implode().alias(str(i))
            for i, (name, condition) in enumerate(checks)
        )
        needy: dict[str, set[str]] = {name: set() for name in values}
        for (name, _condition), hits in zip(checks, found.row(0), strict=True):
            needy[name].update(hits)
        return needy


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A field as text, as ``prepare`` reads it before normalising (empty when absent)."""
    if name not in frame.columns:
        return pl.lit("", dtype=pl.String).alias(name)
    return pl.col(name).cast(pl.String).fill_null("")
