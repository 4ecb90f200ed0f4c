"""Properties: an assessment as of D is the assessment of the ledger cut at D.

Random ledgers of legal case histories, voids, partner contests and assertions, and charters,
recorded on non-decreasing days. Assessing the whole ledger as of D must give exactly what
assessing a ledger holding only the events recorded by D gives.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coop_builder import at
from readmit.domain.cases import CASE_OPENED, allowed_events, apply_recorded, open_case
from readmit.domain.events import NewEvent
from readmit.services.assessment.assess import Window, assess, assess_with_trend
from readmit.services.context import App, bootstrap
from readmit.services.ops.maintenance import upgrade
from readmit.settings import Settings

START = date(2021, 1, 1)
LIAISON = ("kh-liaison", "partner_liaison")
OFFICER = ("officer", "case_officer")


def _payload(event: str, on: date, rng: random.Random) -> dict[str, Any]:
    if event == "interview_held":
        return {"mode": rng.choice(["in_person", "virtual"])}
    if event == "document_issued":
        return {"document_expires_on": (on + timedelta(days=rng.randint(5, 90))).isoformat()}
    if event == "manifested":
        return {"flight_id": "F1"}
    if event == "closed":
        return {"reason": "relief granted"}
    return {}


class Generator:
    """Builds a list of operations; targets refer to earlier operations by index."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ops: list[dict[str, Any]] = []
        self.cases: dict[str, dict[str, Any]] = {}
        self.day = START
        self.recorded = START

    def _add(self, op: dict[str, Any]) -> int:
        self.recorded = max(self.recorded, op["on"]) + timedelta(days=self.rng.randint(0, 6))
        op["recorded"] = self.recorded
        self.ops.append(op)
        return len(self.ops) - 1

    def step(self) -> None:
        self.day += timedelta(days=self.rng.randint(0, 9))
        choice = self.rng.random()
        if not self.cases or choice < 0.15:
            self._open()
        elif choice < 0.22:
            self._void()
        elif choice < 0.30:
            self._respond()
        elif choice < 0.35:
            self._charter()
        else:
            self._move(self.rng.choice(sorted(self.cases)))

    def _open(self) -> None:
        case_id = f"C{len(self.cases)}"
        country = self.rng.choice(["KH", "KH", "SL"])
        order = self.day - timedelta(days=self.rng.randint(0, 800))
        payload = {
            "case_id": case_id,
            "nationality": country,
            "final_order_date": order.isoformat(),
            "criminal": False,
            "custody": "detained",
        }
        index = self._add(
            {"type": CASE_OPENED, "subject": case_id, "on": order, "payload": payload}
        )
        self.cases[case_id] = {"case": open_case(payload), "kept": [index], "country": country}

    def _move(self, case_id: str) -> None:
        entry = self.cases[case_id]
        options = allowed_events(entry["case"].state)
        if not options:
            return
        event = self.rng.choice(options)
        payload = _payload(event, self.day, self.rng)
        entry["case"] = apply_recorded(entry["case"], event, payload)
        entry["kept"].append(
            self._add({"type": event, "subject": case_id, "on": self.day, "payload": payload})
        )

    def _void(self) -> None:
        case_id = self.rng.choice(sorted(self.cases))
        entry = self.cases[case_id]
        if len(entry["kept"]) < 2:
            return
        target = entry["kept"].pop()
        payload = {"voided_type": self.ops[target]["type"], "reason": "wrong entry"}
        self._add(
            {
                "type": "voided",
                "subject": case_id,
                "on": self.day,
                "payload": payload,
                "target": (target, "voids"),
            }
        )
        case = open_case(self.ops[entry["kept"][0]]["payload"])
        for index in entry["kept"][1:]:
            case = apply_recorded(case, self.ops[index]["type"], self.ops[index]["payload"])
        entry["case"] = case

    def _respond(self) -> None:
        kh = [c for c in sorted(self.cases) if self.cases[c]["country"] == "KH"]
        if not kh:
            return
        case_id = self.rng.choice(kh)
        entry = self.cases[case_id]
        if self.rng.random() < 0.5:
            stance = self.rng.choice(["acknowledged", "contested"])
            payload = {"stance": stance, "by": "partner", "reason": "r", "evidence_source": "e"}
            self._add(
                {
                    "type": f"event_{stance}",
                    "subject": case_id,
                    "on": self.day,
                    "payload": payload,
                    "target": (self.rng.choice(entry["kept"]), "target"),
                    "who": LIAISON,
                }
            )
            return
        asserted = self._add(
            {
                "type": "partner_asserted",
                "subject": case_id,
                "on": self.day,
                "who": LIAISON,
                "payload": {"asserted_type": "interview_held", "mode": "virtual", "by": "partner"},
            }
        )
        if self.rng.random() < 0.5:
            self._add(
                {
                    "type": "event_acknowledged",
                    "subject": case_id,
                    "on": self.day,
                    "payload": {"stance": "acknowledged", "by": "state"},
                    "target": (asserted, "target"),
                }
            )

    def _charter(self) -> None:
        flight = f"F{len(self.ops)}"
        self._add(
            {
                "type": "flight_scheduled",
                "subject": flight,
                "subject_type": "flight",
                "on": self.day,
                "payload": {
                    "flight_id": flight,
                    "departure_on": self.day.isoformat(),
                    "kind": "charter",
                    "destination": "KH",
                    "capacity": 50,
                },
            }
        )
        for event in ("charter_proposed", self.rng.choice(["charter_accepted", "charter_refused"])):
            self._add(
                {
                    "type": event,
                    "subject": flight,
                    "subject_type": "flight",
                    "on": self.day,
                    "payload": {},
                }
            )


def record(app: App, ops: list[dict[str, Any]]) -> None:
    """Record operations in order, resolving targets to the ids the ledger gave them."""
    ids: dict[int, str] = {}
    for index, op in enumerate(ops):
        payload = dict(op["payload"])
        if "target" in op:
            target, key = op["target"]
            payload[key] = ids[target]
        who = op.get("who", OFFICER)
        event = NewEvent(
            op["type"],
            op.get("subject_type", "case"),
            op["subject"],
            op["on"],
            who[0],
            who[1],
            payload,
            recorded_at=at(op["recorded"]),
        )
        with app.uow() as uow:
            (sealed,) = uow.record([event])
            uow.commit()
        ids[index] = sealed.id


def make_app(url: str, key_dir: Path) -> App:
    application = bootstrap(Settings(database_url=url, key_dir=key_dir))
    upgrade(application)
    return application


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in {"ledger_position", "assessment_id"}}


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32), cut=st.integers(0, 250), steps=st.integers(5, 60))
def test_as_of_d_equals_the_ledger_without_events_recorded_after_d(
    tmp_path: Path, seed: int, cut: int, steps: int
) -> None:
    generator = Generator(random.Random(seed))
    for _ in range(steps):
        generator.step()
    as_of = START + timedelta(days=cut)
    folder = tmp_path / uuid.uuid4().hex  # tmp_path is shared by every example
    full = make_app(f"sqlite:///{folder}-full.db", folder / "keys")
    cut_app = make_app(f"sqlite:///{folder}-cut.db", folder / "keys")
    try:
        record(full, generator.ops)
        record(cut_app, [op for op in generator.ops if op["recorded"] <= as_of])
        window = Window(START - timedelta(days=30), as_of + timedelta(days=60), as_of, "both")
        for country in ("KH", "SL"):
            assert comparable(assess(full, country, window)) == comparable(
                assess(cut_app, country, window)
            )
    finally:
        full.engine.dispose()
        cut_app.engine.dispose()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32),
    cut=st.integers(0, 250),
    steps=st.integers(5, 60),
    as_of=st.booleans(),
)
def test_a_trend_read_in_one_pass_equals_each_window_assessed_alone(
    tmp_path: Path, seed: int, cut: int, steps: int, as_of: bool
) -> None:
    """The country page counts every quarter and the last year together; each must be what
    assessing that window on its own gives (backlog at its end, lapsed, lags, contests)."""
    generator = Generator(random.Random(seed))
    for _ in range(steps):
        generator.step()
    day = START + timedelta(days=cut) if as_of else None
    folder = tmp_path / uuid.uuid4().hex
    app = make_app(f"sqlite:///{folder}.db", folder / "keys")
    try:
        record(app, generator.ops)
        end = START + timedelta(days=200)
        trend_window = Window(START - timedelta(days=40), end, day, "ours")
        current_window = Window(end - timedelta(days=120), end, day, "both")
        for country in ("KH", "SL"):
            trend, current = assess_with_trend(
                app, country, window=trend_window, current=current_window
            )
            assert comparable(current) == comparable(assess(app, country, current_window))
            for period in trend["periods"]:
                alone = assess(
                    app,
                    country,
                    Window(
                        date.fromisoformat(period["from"]), date.fromisoformat(period["to"]), day
                    ),
                )
                assert (period["rating"], period["metrics"]) == (alone["rating"], alone["metrics"])
    finally:
        app.engine.dispose()
