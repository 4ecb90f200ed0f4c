"""Batch screening of a CSV or Parquet file, streaming in chunks (memory bounded by the chunk).

A row runs the program of its post's country if it has measures, the reading checks if a field
cannot be read, and nothing otherwise (it is ``not_affected``); every program is compiled from
the same measures as the scalar path's. A CSV line that cannot be parsed becomes an ``invalid``
row of its own and does not stop the rest. Reading and writing files: ``screening_files``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from readmit.batch.screening_files import OUTPUT_COLUMNS, Malformed, Writer, chunks
from readmit.batch.screening_plan import plan
from readmit.batch.screening_polars import PREFIX, col, prepare, translate
from readmit.batch.screening_triage import Triage
from readmit.domain import ids
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_policy import Policy
from readmit.domain.screening_compile import OUTPUTS, compile_program, reading_checks
from readmit.domain.screening_rules import Col, Expr, In, IsEmpty, Not, Program


@dataclass(frozen=True)
class Engine:
    """The programs of one measure set, with their Polars expressions translated once.

    ``full`` holds every measure (the scalar path runs it). Under the rule that a 243(d)
    measure applies only to issuance in its country, a row whose post is in a country with
    measures runs that country's program; an unreadable row elsewhere runs the reading checks;
    any other row can only be ``not_affected`` and gets that answer without running either.
    ``reading`` holds each field's reading check, which tells the unreadable rows apart.
    Where a measure follows the person wherever they apply, ``reach`` holds each field's
    condition under which a measure may reach the row (its nationalities, its residence): a
    row that meets none is ``not_affected`` without running the program if it is readable,
    and runs the reading checks only if it is not.
    """

    full: Program
    reading_only: Program
    reading: tuple[tuple[str, Expr], ...]
    by_country: Mapping[str, Program] | None = None
    reach: tuple[tuple[str, Expr], ...] = ()
    _expressions: dict[int, list[list[pl.Expr]]] = field(default_factory=dict, compare=False)

    def expressions(self, program: Program) -> list[list[pl.Expr]]:
        """The program's stages as Polars expressions, each repeated sub-expression computed
        once (``screening_plan``; planned and translated on first use)."""
        key = id(program)
        if key not in self._expressions:
            self._expressions[key] = [
                [translate(e).alias(PREFIX + n) for n, e in stage.columns]
                for stage in plan(program)
            ]
        return self._expressions[key]


def build_engine(measures: Sequence[Measure], policy: Policy) -> Engine:
    """Compile the programs of a measure set under a policy."""
    full, reading = compile_program(measures, policy), compile_program([], policy)
    checks = reading_checks(policy)
    if policy.regime.place_rule != "issuance_in_country":
        return Engine(full, reading, checks, reach=_reach(measures))
    countries = sorted({m.country for m in measures})
    by_country = {
        c: compile_program([m for m in measures if m.country == c], policy) for c in countries
    }
    return Engine(full, reading, checks, by_country)


def _reach(measures: Sequence[Measure]) -> tuple[tuple[str, Expr], ...]:
    """The fields through which a measure may reach a row: the persons the measures name."""
    nationals = frozenset(m.country for m in measures if "nationals" in m.persons)
    residents = frozenset(m.country for m in measures if "residents" in m.persons)
    found: list[tuple[str, Expr]] = []
    if nationals:
        found.append(("nationality", In(Col("nationality"), nationals)))
        # A dual national's other nationalities: any list, the program reads it.
        found.append(("other_nationalities", Not(IsEmpty(Col("other_nationalities")))))
    if residents:
        found.append(("residence", In(Col("residence"), residents)))
    return tuple(found)


@dataclass
class Hold:
    row_number: int
    application_id: str
    nationality: str
    post_country: str
    visa_class: str
    decision_on: date
    measures: str


@dataclass
class BatchResult:
    rows: int = 0
    by_decision: Counter[str] = field(default_factory=Counter)
    by_measure: Counter[str] = field(default_factory=Counter)
    holds: list[Hold] = field(default_factory=list)
    malformed: int = 0


Progress = Callable[[int, float], None]


def screen_frame(
    frame: pl.DataFrame, engine: Engine, as_of: date | None, today: date
) -> pl.DataFrame:
    """Screen a frame: the input columns plus the decision columns (and internal ones)."""
    work = _screen(frame, engine, triage(engine, as_of, today), as_of, today)
    return _spread(frame, work, {PREFIX + c: c for c in _QUIET})


def triage(engine: Engine, as_of: date | None, today: date) -> Triage:
    """What tells, chunk after chunk of one run, the rows that need a program from the rest:
    a measure may reach them (at a post with measures, of a nationality with measures...), or
    a field cannot be read."""
    if engine.by_country is None:
        return Triage((*engine.reach, *engine.reading), as_of, today)
    at_post = ("post_country", In(Col("post_country"), frozenset(engine.by_country)))
    return Triage((at_post, *engine.reading), as_of, today)


def _screen(
    frame: pl.DataFrame, engine: Engine, rows: Triage, as_of: date | None, today: date
) -> pl.DataFrame:
    """The rows that ran a program, in row order, with the internal columns named in _KEPT."""
    # The programs read the internal columns only: the file's own are not carried through.
    needed = prepare(rows.rows(frame.with_row_index(PREFIX + "row")), as_of, today).drop(
        frame.columns
    )
    if engine.by_country is None:
        work = _by_reach(needed, engine)
    else:
        # Rows at a post without measures (a messy file's misspelt posts among them) run the
        # same checks only: one part for all of them, not one per distinct post.
        posts = pl.col(PREFIX + "post_country")
        program = pl.when(posts.is_in(list(engine.by_country))).then(posts).otherwise(None)
        parts = [
            _run(part, engine.expressions(engine.by_country.get(str(post), engine.reading_only)))
            for (post,), part in needed.with_columns(program.alias(_PROGRAM))
            .partition_by(_PROGRAM, as_dict=True)
            .items()
        ]
        work = pl.concat([p.select(_KEPT) for p in parts]) if parts else _quiet(needed)
    # In row order: scattering at sorted indices is several times faster.
    return work.select(_KEPT).sort(PREFIX + "row")


def _by_reach(needed: pl.DataFrame, engine: Engine) -> pl.DataFrame:
    """Under measures that follow the person: the rows a measure may reach run the whole
    program; the others are here only because a field cannot be read (a messy file holds
    many), and run the reading checks, which answer them as the whole program would."""
    if not needed.height:  # no row a measure may reach, none unreadable: all stay quiet
        return _quiet(needed)
    if not engine.reach:
        return _run(needed, engine.expressions(engine.full))
    reached = pl.any_horizontal([translate(condition) for _name, condition in engine.reach])
    parts = needed.with_columns(reached.fill_null(True).alias(_PROGRAM))
    return pl.concat(
        _run(part, engine.expressions(engine.full if full else engine.reading_only)).select(_KEPT)
        for (full,), part in parts.partition_by(_PROGRAM, as_dict=True).items()
    )


def _spread(frame: pl.DataFrame, work: pl.DataFrame, names: Mapping[str, str]) -> pl.DataFrame:
    """Add decision columns to every row: the program's where it ran, the quiet answer elsewhere.

    ``names`` maps each column to add to the internal column it takes.
    """
    index = work.get_column(PREFIX + "row")
    return frame.with_columns(
        pl.repeat(_QUIET[name], frame.height, dtype=pl.String, eager=True)
        .scatter(index, work.get_column(PREFIX + name).cast(pl.String))
        .alias(alias)
        for alias, name in names.items()
    )


def _quiet(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(v, dtype=pl.String).alias(PREFIX + c) for c, v in _QUIET.items()
    )


# The post whose measures a row runs (null: none, checks only); under measures that follow
# the person, whether it runs them all (False: the checks only).
_PROGRAM = PREFIX + "program"

# What the program answers for a readable row that no measure can reach.
_QUIET: dict[str, str | None] = {
    "decision": "not_affected",
    "measures": "",
    "reasons": "",
    "citations": "",
    "restrictions": "",
    "holding": None,
    "restricting": None,
    "invalid": None,
}


# What a screened row keeps: its index, its decision columns, and the fields of a hold.
_KEPT = [
    col(name)
    for name in (
        "row",
        *_QUIET,
        "application_id",
        "nationality",
        "post_country",
        "visa_class",
        "decision_on",
    )
]


def _run(frame: pl.DataFrame, stages: list[list[pl.Expr]]) -> pl.DataFrame:
    for expressions in stages:
        frame = frame.with_columns(expressions)
    return frame


def screen_file(
    source: Path,
    target: Path,
    engine: Engine,
    batch_id: str,
    as_of: date | None,
    today: date,
    progress: Progress | None = None,
) -> BatchResult:
    """Screen ``source`` into ``target`` chunk by chunk; return counts and the held rows."""
    result, rows = BatchResult(), triage(engine, as_of, today)
    writer = Writer(target)
    try:
        for frame, malformed, done in chunks(source):
            screened = _screen_chunk(frame, malformed, engine, rows, batch_id, as_of, today, result)
            writer.write(screened)
            if progress:
                progress(result.rows + result.malformed, done)
    finally:
        writer.close()
    return result


def _screen_chunk(
    frame: pl.DataFrame,
    malformed: Malformed,
    engine: Engine,
    rows: Triage,
    batch_id: str,
    as_of: date | None,
    today: date,
    result: BatchResult,
) -> pl.DataFrame:
    """Screen one chunk into its output rows; add its counts and held rows to ``result``."""
    work = _screen(frame, engine, rows, as_of, today)
    offset = result.rows
    out = _spread(frame, work, {c: c for c in OUTPUTS}).with_columns(
        _decision_ids(batch_id, offset)
    )
    if malformed:
        out = pl.concat(
            [out, _malformed(malformed, frame.columns, batch_id)], how="diagonal_relaxed"
        )
    _count(result, work, frame.height, len(malformed))
    result.holds.extend(_holds(work, offset))
    result.rows += frame.height
    result.malformed += len(malformed)
    return out.select([*frame.columns, *OUTPUT_COLUMNS])


def _decision_ids(batch_id: str, offset: int) -> pl.Expr:
    number = pl.int_range(offset + 1, offset + 1 + pl.len(), dtype=pl.Int64).cast(pl.String)
    return pl.concat_str([pl.lit(ids.batch_row_id(batch_id, "")), number]).alias("decision_id")


def _malformed(lines: Malformed, columns: list[str], batch_id: str) -> pl.DataFrame:
    """The output rows of malformed lines: their cells kept where they are, marked invalid."""
    rows = []
    for raw in lines:
        where = f"line {raw.line}" if raw.line is not None else "a line"
        cells = dict(zip(columns, raw.cells, strict=False))
        rows.append(
            {
                **{c: cells.get(c) for c in columns},
                "decision": "invalid",
                "measures": "",
                "reasons": f"invalid: {where} of the file cannot be read as a row: {raw.problem}",
                "citations": "",
                "restrictions": "",
                "decision_id": ids.batch_row_id(
                    batch_id, f"line{raw.line if raw.line is not None else '?'}"
                ),
            }
        )
    return pl.DataFrame(rows, schema=dict.fromkeys([*columns, *OUTPUT_COLUMNS], pl.String))


def _count(result: BatchResult, work: pl.DataFrame, rows: int, malformed: int) -> None:
    """Count decisions and measures: from the rows that ran a program; the rest are quiet."""
    if rows > work.height:
        result.by_decision[str(_QUIET["decision"])] += rows - work.height
    if malformed:
        result.by_decision["invalid"] += malformed
    for decision, count in work.group_by(PREFIX + "decision").len().iter_rows():
        result.by_decision[decision] += count
    listed = work.filter(col("measures") != "").select(col("measures").str.split(";"))
    by_measure = listed.explode(PREFIX + "measures").group_by(PREFIX + "measures").len()
    for measure, count in by_measure.iter_rows():
        result.by_measure[measure] += count


def _holds(work: pl.DataFrame, offset: int) -> list[Hold]:
    held = work.filter(col("holding").is_not_null() & col("invalid").is_null())
    if held.is_empty():
        return []
    return [
        Hold(int(r[0]) + offset + 1, r[1], r[2], r[3], r[4], r[5], r[6])
        for r in held.select(
            col("row"),
            col("application_id"),
            col("nationality"),
            col("post_country"),
            col("visa_class"),
            col("decision_on"),
            col("holding"),
        ).iter_rows()
    ]
