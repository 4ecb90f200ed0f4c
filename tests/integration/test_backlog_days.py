"""The aggregates and the documents' first uses, kept at the ledger head.

A page at the head sums the backlog from ``coop_backlog_days``, its windows' counts, lags and
lapsed documents from ``coop_fact_days``, ``coop_lag_months`` and ``coop_lapse_days``, and reads
a document's use from its fact (``coop_facts.used_seq``) instead of counting every case ever
opened, every fact in its windows and probing each document's manifests. Whatever the history
(voids, partner assertions and responses) and the windows (whole months or not, overlapping),
the figures read that way must be the full computation's, on SQLite and PostgreSQL; and every
path that writes facts (live appends, voids, imports, ``readmit db rebuild``, the migration,
``backlog_days.recount``) must leave the aggregates equal to what the facts give.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from test_assessment_properties import START, Generator, _payload, make_app, record
from test_import_service import load_all

from coop_builder import Ledger
from readmit.domain.cases import allowed_events, apply_recorded
from readmit.domain.cooperation import quarters
from readmit.services.assessment.assess import Window, assess
from readmit.services.context import App
from readmit.services.ops.maintenance import rebuild
from readmit.store import backlog_days
from readmit.store.metrics import head, make_reading, read_periods
from readmit.store.migrate import upgrade as migrate

D = date


def _windows(ends: list[int]) -> list[tuple[date, date]]:
    """Windows of 30 to 120 days ending on the given offsets from START (some overlap, most
    not whole months), the day before the first (as a regime's assessment reads it), and the
    quarters of two years (whole months, as a country page's trend reads them)."""
    found = [
        (START + timedelta(days=end - 30 * (1 + i % 4)), START + timedelta(days=end))
        for i, end in enumerate(ends)
    ]
    before = found[0][0] - timedelta(days=1)
    return [*found, (before, before), *quarters(START, START + timedelta(days=729))]


def assert_kept(app: App) -> None:
    """The aggregates hold what the facts give."""
    with app.engine.connect() as conn:
        assert backlog_days.drift(conn) == {}
        assert backlog_days.unmarked_uses(conn) == []


def assert_aggregates_answer_as_the_facts(app: App, windows: list[tuple[date, date]]) -> None:
    """At the head, every tally read from the aggregates is the full computation's."""
    with app.uow(write=False) as uow:
        reading = make_reading(uow.conn, head(uow.conn)[0], None)
        assert reading.aggregated
        full = replace(reading, aggregated=False)
        for country in ("KH", "SL", None):
            summed = read_periods(uow.conn, reading, windows, country)
            counted = read_periods(uow.conn, full, windows, country)
            assert summed == counted


def kept_state(app: App) -> tuple[object, ...]:
    with app.engine.connect() as conn:
        uses = conn.execute(text("SELECT seq, used_seq FROM coop_facts ORDER BY seq")).all()
        counts = [backlog_days.counted(conn, kept) for kept in backlog_days.AGGREGATES]
        return counts, [tuple(row) for row in uses]


# A case's way to removal, in order: what ``Focused`` takes the latest case along.
TOWARDS_REMOVAL = (
    "presented",
    "interview_scheduled",
    "interview_held",
    "nationality_confirmed",
    "document_issued",
    "manifested",
    "removed",
)


class Focused(Generator):
    """Takes the latest case towards its removal a few days a step, most steps, so that its
    documents are manifested within their life, and voids fall on those manifests: what the
    documents no manifest used, counted at the head, must follow. (Moving a random case now and
    then, as ``Generator`` does, seldom manifests a case before its document expires.)"""

    def step(self) -> None:
        latest = f"C{len(self.cases) - 1}"
        ahead = [e for e in TOWARDS_REMOVAL if self.cases and self._allows(latest, e)]
        if not ahead or self.rng.random() < 0.3:
            super().step()
            return
        self.day += timedelta(days=self.rng.randint(0, 4))
        entry = self.cases[latest]
        event = ahead[0] if self.rng.random() < 0.8 else self.rng.choice(ahead)
        payload = _payload(event, self.day, self.rng)
        entry["case"] = apply_recorded(entry["case"], event, payload)
        entry["kept"].append(
            self._add({"type": event, "subject": latest, "on": self.day, "payload": payload})
        )

    def _allows(self, case_id: str, event: str) -> bool:
        return event in allowed_events(self.cases[case_id]["case"].state)


def _history_property(
    url: Callable[[], str], tmp_path: Path, seed: int, steps: int, ends: list[int]
) -> None:
    # Half the histories take their cases towards removal, half move them at random.
    generator = (Focused if seed % 2 else Generator)(random.Random(seed))
    for _ in range(steps):
        generator.step()
    folder = tmp_path / uuid.uuid4().hex  # tmp_path is shared by every example
    app = make_app(url(), folder / "keys")
    try:
        record(app, generator.ops)
        assert_kept(app)
        assert_aggregates_answer_as_the_facts(app, _windows(ends))
        before = kept_state(app)
        rebuild(app)
        assert kept_state(app) == before
        with app.engine.begin() as conn:  # what the benchmarks derive from facts written in bulk
            backlog_days.recount(conn)
        assert kept_state(app) == before
    finally:
        app.engine.dispose()


ENDS = st.lists(st.integers(-60, 420), min_size=1, max_size=6)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32), steps=st.integers(5, 80), ends=ENDS)
def test_on_sqlite_the_aggregates_at_the_head_give_the_full_computation(
    tmp_path: Path, seed: int, steps: int, ends: list[int]
) -> None:
    folder = tmp_path / uuid.uuid4().hex
    _history_property(lambda: f"sqlite:///{folder}.db", tmp_path, seed, steps, ends)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32), steps=st.integers(5, 80), ends=ENDS)
def test_on_postgresql_the_aggregates_at_the_head_give_the_full_computation(
    fresh_pg_url: Callable[[], str], tmp_path: Path, seed: int, steps: int, ends: list[int]
) -> None:
    _history_property(fresh_pg_url, tmp_path, seed, steps, ends)


def _removed_case(app: App) -> dict[str, str]:
    """Case R (KH, ordered 2021-01-05): a document expiring 2021-03-01, used by a manifest on
    02-15, removed on 02-20; then a later case, so that the ledger knows March has come."""
    ledger = Ledger(app).flight("FR", "KH", D(2021, 2, 15)).case("R", "KH", D(2021, 1, 5))
    for kind, on, payload in (
        ("presented", D(2021, 1, 10), {}),
        ("nationality_confirmed", D(2021, 1, 20), {}),
        ("document_issued", D(2021, 1, 25), {"document_expires_on": "2021-03-01"}),
        ("manifested", D(2021, 2, 15), {"flight_id": "FR"}),
        ("removed", D(2021, 2, 20), {}),
    ):
        ledger.add(kind, "R", on, on, **payload)
    ledger.case("S", "KH", D(2021, 4, 1))
    return {e.type: e.id for e in ledger.commit() if e.subject_id == "R"}


def _void(app: App, event_id: str, kind: str, on: date) -> None:
    Ledger(app).add(
        "voided", "R", on, on, voids=event_id, voided_type=kind, reason="wrong"
    ).commit()


WINDOW = Window(D(2021, 1, 1), D(2021, 6, 30))


def _metrics(app: App, at_seq: int | None = None) -> dict[str, object]:
    window = replace(WINDOW, at_seq=at_seq)
    return assess(app, "KH", window)["metrics"]


def test_a_voided_removal_returns_the_case_to_the_backlog_at_the_head_and_not_before(
    db_app: App,
) -> None:
    ids = _removed_case(db_app)
    assert _metrics(db_app)["backlog"] == 1  # S only: R was removed
    before = ledger_head(db_app)
    _void(db_app, ids["removed"], "removed", D(2021, 5, 1))
    assert _metrics(db_app)["backlog"] == 2
    assert _metrics(db_app, at_seq=before)["backlog"] == 1  # the ledger as it stood
    assert_kept(db_app)


def test_a_voided_manifest_leaves_its_document_unused_so_it_lapsed(db_app: App) -> None:
    ids = _removed_case(db_app)
    _void(db_app, ids["removed"], "removed", D(2021, 5, 1))
    assert _metrics(db_app)["documents_lapsed"] == 0  # used by the manifest on 02-15
    before = ledger_head(db_app)
    _void(db_app, ids["manifested"], "manifested", D(2021, 5, 2))
    assert _metrics(db_app)["documents_lapsed"] == 1  # expired 03-01, never used
    assert _metrics(db_app, at_seq=before)["documents_lapsed"] == 0
    assert_kept(db_app)
    with db_app.engine.connect() as conn:
        used = conn.execute(
            text("SELECT used_seq FROM coop_facts WHERE kind = 7 AND subject_id = 'R'")
        ).scalar_one()
    assert used is None


def ledger_head(app: App) -> int:
    with app.engine.connect() as conn:
        return head(conn)[0]


@pytest.mark.parametrize("pipeline", [False, True])
def test_an_import_keeps_the_aggregates_and_records_each_document_s_use(
    db_app: App, tmp_path: Path, pipeline: bool
) -> None:
    from test_import_service import CASES, EVENTS, FLIGHTS, run, write

    run(db_app, "cases", write(tmp_path, "cases.csv", CASES), pipeline=pipeline)
    run(db_app, "flights", write(tmp_path, "flights.csv", FLIGHTS), pipeline=pipeline)
    events = EVENTS.replace("A3,closed,2020-02-02,,,,", "A3,closed,2020-02-02,,,,relief granted")
    path = write(tmp_path, "events.csv", events)
    report = run(db_app, "events", path, chunk_rows=2, pipeline=pipeline)
    assert report.applied > 0
    assert_kept(db_app)
    with db_app.engine.connect() as conn:
        uses = conn.execute(
            text("SELECT subject_id, used_seq FROM coop_facts WHERE kind = 7 ORDER BY subject_id")
        ).all()
        counts = backlog_days.counted(conn)
    # A1's manifest used its document; A2's was refused (its document expires before F1
    # departs), so A2's was not used.
    assert [(case, used is not None) for case, used in uses] == [("A1", True), ("A2", False)]
    # Three cases opened; A3 closed the day after its presentation.
    assert sum(n for (_, kind, _, _), n in counts.items() if kind == 1) == 3
    assert sum(n for (_, kind, _, _), n in counts.items() if kind == 15) == 1
    assert_aggregates_answer_as_the_facts(db_app, [(D(2020, 1, 1), D(2020, 12, 31))])


def test_the_migration_counts_the_facts_recorded_before_it(db_app: App, tmp_path: Path) -> None:
    load_all(db_app, tmp_path)
    ids = _removed_case(db_app)
    _void(db_app, ids["removed"], "removed", D(2021, 5, 1))
    _void(db_app, ids["manifested"], "manifested", D(2021, 5, 2))
    kept = kept_state(db_app)
    _downgrade(db_app, "0014")
    migrate(db_app.engine)
    assert kept_state(db_app) == kept
    assert_kept(db_app)


def _downgrade(app: App, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    from readmit.store.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with app.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
