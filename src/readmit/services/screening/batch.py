"""Screen a whole file of applications (CSV or Parquet, streamed), logged once as a batch.

Each row's decision id is ``<batch id>:<row number>``; the rows a measure holds are logged one
by one, so that a lift can release them (``replay.resumed``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from readmit.batch.screening import BatchResult
from readmit.batch.screening import screen_file as run_batch
from readmit.batch.screening_files import file_digest, kind_of
from readmit.domain import ids
from readmit.domain.errors import InvalidInput, NotFound
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import screening_pack
from readmit.services.screening.engine import engine_at_head, hold_row, log_entry
from readmit.store.decision_log import add_holds, log_decision

Progress = Callable[[int, float], Any]
_NO_OUTCOME = {"decision": None, "outcome": None, "inputs": None}  # a batch's are its rows'


@dataclass(frozen=True)
class BatchSummary:
    batch_id: str
    rows: int
    malformed: int
    by_decision: dict[str, int]
    by_measure: dict[str, int]
    pack_version: str
    input_digest: str
    target: Path

    @property
    def invalid(self) -> int:
        return self.by_decision.get("invalid", 0)


def screen_file(
    app: App,
    actor: Actor,
    *,
    source: Path,
    target: Path,
    as_of: date | None = None,
    progress: Progress | None = None,
    today: date | None = None,
    pack: str | None = None,
) -> BatchSummary:
    """Screen a CSV or Parquet file into ``target`` (same rows plus decision columns); log it.

    ``progress(rows_done, fraction_done)`` is called as the file is read; ``pack`` screens under
    another of the registry's packs than the default one.
    """
    _check_files(source, target)
    loaded = screening_pack(app, pack)
    batch_id = ids.batch_id()
    with app.uow(write=False) as uow:
        _measures, engine, seq = engine_at_head(app, uow, loaded)
    # The input's digest is computed while it is screened (hashing releases the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(file_digest, source)
        result = run_batch(source, target, engine, batch_id, as_of, today or date.today(), progress)
        digest = hashing.result()
    entry = log_entry(batch_id, "batch", actor, loaded, seq=seq, as_of=as_of)
    _log(app, {**entry, **_NO_OUTCOME, "input_name": source.name, "input_digest": digest}, result)
    return BatchSummary(
        batch_id,
        result.rows,
        result.malformed,
        dict(result.by_decision),
        dict(result.by_measure),
        loaded.version,
        digest,
        target,
    )


def _check_files(source: Path, target: Path) -> None:
    kind_of(source), kind_of(target)
    if not source.exists():
        raise NotFound(f"no input file {source}")
    if source.resolve() == target.resolve():
        raise InvalidInput("the output file must differ from the input file")


def _log(app: App, entry: dict[str, Any], result: BatchResult) -> None:
    """Log the batch, its counts and the rows a measure holds, in one transaction."""
    counts = {
        "by_decision": dict(result.by_decision),
        "by_measure": dict(result.by_measure),
        "malformed": result.malformed,
    }
    batch_id = entry["decision_id"]
    holds = [
        hold_row(
            ids.batch_row_id(batch_id, h.row_number),
            batch_id,
            row=h.row_number,
            inputs=h.__dict__,
            on=h.decision_on,
            measures=h.measures,
        )
        for h in result.holds
    ]
    with app.uow() as uow:
        log_decision(uow.conn, {**entry, "row_count": result.rows, "counts": counts})
        add_holds(uow.conn, holds)
        uow.commit()
