"""The demo run: upgrade the store, record the scenario once, and gather what to show."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from readmit.demo import events as scenario_events
from readmit.demo.accounts import DemoLogin, ensure_demo_users
from readmit.demo.applications import application_rows, write_applications
from readmit.demo.profiles import END
from readmit.domain.errors import Conflict
from readmit.domain.events import NewEvent, utc_now
from readmit.services.context import Actor, App
from readmit.services.imports import backfill
from readmit.services.ops import maintenance
from readmit.services.screening.batch import screen_file
from readmit.services.transparency import sign_tree_head
from readmit.store.db import fold_in_the_log

# The demo's registry holds every shipped regime beside the default pack's (INA 243(d)).
REGISTRY_PACKS = ("eu_visa_code_25a", "uk_naba_2022_s72")
BUILT = "demo_built"
SCREENED = "demo_screened"
CONSULAR = Actor("demo:consular-officer", "consular_officer")


class Progress(Protocol):
    """Where the run reports its stages (the CLI shows them as Rich progress bars)."""

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage; ``total`` units of work when known."""

    def advance(self, amount: int) -> None:
        """Report ``amount`` units of the current stage done."""


class Silent:
    """Reports nothing (for tests and library use)."""

    def stage(self, name: str, total: int | None = None) -> None:
        return None

    def advance(self, amount: int) -> None:
        return None


@dataclass
class BuildReport:
    """What the run did to the database."""

    seed: int
    reused: bool
    events_added: int = 0
    cases: int = 0
    seconds: float = 0.0
    screening: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)


def marker_key(seed: int) -> str:
    """The dedupe key of the event that marks a finished build of this seed."""
    text = f"readmit-demo/{scenario_events.SCENARIO_VERSION}/{seed}/built"
    return hashlib.sha256(text.encode()).hexdigest()


def build_demo(app: App, seed: int, files: Path, progress: Progress | None = None) -> BuildReport:
    """Upgrade the store, record the scenario for ``seed`` unless it is already there, screen
    the synthetic visa applications once (``files`` is the prefix of the files it writes:
    ``<files>-applications.csv`` and ``<files>-decisions.csv``), and create the demo users."""
    progress = progress or Silent()
    started = time.perf_counter()
    progress.stage("Upgrading the database and loading the policy pack")
    maintenance.upgrade(app)
    report = BuildReport(seed, reused=_already_built(app, seed))
    if not report.reused:
        progress.stage("Planning the synthetic scenario")
        scenario = scenario_events.build(seed)
        recorded = [*scenario.events, _marker(seed, scenario)]
        progress.stage("Recording the scenario in the ledger", total=len(recorded))
        report.events_added = backfill.record_backfill(
            app, recorded, scenario.persons, progress=progress.advance
        )
        report.cases = len(scenario.persons)
    report.screening = _screen_once(app, seed, files, progress)
    progress.stage("Creating a demo user for each role")
    report.logins = ensure_demo_users(app)
    sign_tree_head(app, reason="demo build")
    fold_in_the_log(app.engine)  # readmit-demo.db alone holds the demo: it can be copied as is
    report.seconds = time.perf_counter() - started
    return report


def _screen_once(app: App, seed: int, files: Path, progress: Progress) -> dict[str, Any]:
    done = [e for e in backfill.events_of_type(app, SCREENED) if e.payload.get("seed") == seed]
    if done:
        return dict(done[-1].payload)
    rows = application_rows(seed)
    source = write_applications(files.with_name(f"{files.name}-applications.csv"), rows)
    progress.stage("Screening synthetic visa applications", total=len(rows))
    seen = [0]

    def advance(done_rows: int, _fraction: float) -> None:
        progress.advance(done_rows - seen[0])
        seen[0] = done_rows

    target = files.with_name(f"{files.name}-decisions.csv")
    summary = screen_file(app, CONSULAR, source=source, target=target, progress=advance)
    payload: dict[str, Any] = {
        "seed": seed,
        "batch_id": summary.batch_id,
        "rows": summary.rows,
        "by_decision": summary.by_decision,
        "input": str(source),
        "output": str(summary.target),
        "synthetic": True,
    }
    key = hashlib.sha256(f"readmit-demo/{seed}/screened".encode()).hexdigest()
    marker = NewEvent(
        SCREENED,
        "demo",
        f"scenario-seed-{seed}",
        END,
        CONSULAR.name,
        CONSULAR.role,
        payload,
        scenario_events.demo_source(seed),
        key,
        utc_now(),
    )
    backfill.record_backfill(app, [marker])
    return payload


def _already_built(app: App, seed: int) -> bool:
    markers = backfill.events_of_type(app, BUILT)
    version = scenario_events.SCENARIO_VERSION
    if any(m.payload.get("seed") == seed for m in markers):
        if all(m.payload.get("scenario_version") != version for m in markers):
            raise Conflict(
                f"this database holds the demo (seed {seed}) built by an earlier version of "
                "the scenario; use another --db",
                seed=seed,
            )
        return True
    if markers:
        other = markers[-1].payload
        raise Conflict(
            f"this database already holds the demo built with seed {other.get('seed')}; "
            "use that seed, or another --db for a new seed",
            seed=other.get("seed"),
        )
    if backfill.subjects_with_prefix(app, "case", "SYN-"):
        first = scenario_events.first_key(seed)
        if not backfill.recorded_keys(app, [first]):
            raise Conflict(
                "this database holds an unfinished demo built with another seed; use another --db",
            )
    return False


def _marker(seed: int, scenario: scenario_events.Scenario) -> NewEvent:
    payload: dict[str, Any] = {
        "seed": seed,
        "scenario_version": scenario.version,
        "cases": len(scenario.persons),
        "events": len(scenario.events),
        "synthetic": True,
    }
    return NewEvent(
        BUILT,
        "demo",
        f"scenario-seed-{seed}",
        END,
        "demo:builder",
        "admin",
        payload,
        scenario_events.demo_source(seed),
        marker_key(seed),
        utc_now(),
    )
