"""The screening rules at a ledger position, and what a decision logs.

The measures in force and the engine compiled from them are kept for the latest ledger
position and pack version; every path (one decision, a file, a replay) reads them here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from readmit.batch.screening import Engine, build_engine
from readmit.domain.events import utc_now, utc_text
from readmit.domain.sanctions import Measure
from readmit.domain.sanctions_lifecycle import SUBJECT, fold
from readmit.domain.sanctions_policy import Regime
from readmit.domain.sanctions_related import RelatedFinding, beside_regime, related_findings
from readmit.domain.screening import Decision, parse_day
from readmit.domain.screening_fees import fee_due
from readmit.domain.screening_rules import add_years
from readmit.packs import LoadedPack
from readmit.services.context import Actor, App
from readmit.services.sanctions.pack import current_pack, is_default
from readmit.store.sanction_projection import load_measures
from readmit.store.schema import events
from readmit.store.uow import UnitOfWork

LETTER_DECISIONS = frozenset({"discontinued", "restricted"})


@dataclass(frozen=True, kw_only=True)
class ScreeningRequest:
    """One application to screen, as an edge builds it from a form, a flag or a body.

    ``inputs`` maps input column names to values (a missing key is an empty field); ``as_of``
    decides it as of that day; ``log`` off makes a decision nobody can cite (the demo's
    summary); ``today`` stands in for the clock in tests; ``pack`` screens under another of the
    registry's packs (its regime's measures only) instead of the default one.
    """

    inputs: Mapping[str, Any]
    as_of: date | None = None
    log: bool = True
    today: date | None = None
    pack: str | None = None


@dataclass(frozen=True)
class ScreeningResult:
    """A decision under the regime, and the related measures reported beside it.

    ``related`` never changes the decision: a proclamation or a suspension outside the regime is
    said after the regime's reasons ("not affected by 243(d); a separate entry restriction …").
    """

    decision_id: str
    decision: Decision
    pack: str
    pack_version: str
    measures: list[Measure]
    related: tuple[RelatedFinding, ...] = ()
    regime: str = ""  # the regime in a sentence: "243(d)"
    legal_frame: Regime | None = None  # the regime itself: its fees, for the fee due
    synthetic: bool = False  # decided on a store holding the demo: its letter says so

    @property
    def has_letter(self) -> bool:
        return self.decision.decision in LETTER_DECISIONS

    @property
    def reasons(self) -> str:
        """The regime's reasons, with the related measures said beside them."""
        d = self.decision
        return beside_regime(self.regime, d.decision, d.reasons, self.related)

    def to_dict(self, letter: str | None = None) -> dict[str, Any]:
        """The decision as the API answers it and the command line prints it."""
        d = self.decision
        return {
            "decision_id": self.decision_id,
            **d.outputs(),
            "reasons": self.reasons,
            "related": [f.to_dict() for f in self.related],
            "measures": list(d.measures),
            "citations": d.citation_list(),
            "decision_date": d.decision_on,
            "pack": self.pack,
            "pack_version": self.pack_version,
            "appeal": False if d.holding else None,
            "fee_refunded": False if d.holding else None,
            "letter": letter,
            # Each restriction as data, valued on the day the regime's governing date names.
            "restriction_items": d.restriction_items({m.id: m for m in self.measures}),
            "governing_date": d.governing_on,
            "fee": fee_due(self.legal_frame, d, {m.id: m for m in self.measures})
            if self.legal_frame is not None
            else None,
        }


_ENGINES: dict[tuple[str, str, str, int], tuple[list[Measure], Engine]] = {}
_KEPT_ENGINES = 8  # a few packs' engines at once, so that screening by regime does not thrash


def engine_at_head(
    app: App, uow: UnitOfWork, pack: LoadedPack | None = None
) -> tuple[list[Measure], Engine, int]:
    """The measures of a pack's regime in the store (the default pack's unless one is given),
    the engine compiled from them, and the ledger position."""
    pack = pack or current_pack(app)
    seq = uow.ledger.head()[0]
    key = (str(app.engine.url), pack.name, pack.version, seq)
    if key not in _ENGINES:
        # Only this pack's regime: the registry may hold other regimes' sanctions. A sanction
        # recorded live names no regime and counts as the default pack's.
        measures = load_measures(uow.conn, regime=pack.name, unlabelled=is_default(app, pack))
        for old in [k for k in _ENGINES if k[:2] == key[:2]]:
            del _ENGINES[old]
        while len(_ENGINES) >= _KEPT_ENGINES:
            del _ENGINES[next(iter(_ENGINES))]
        _ENGINES[key] = (measures, build_engine(measures, pack.policy))
    measures, engine = _ENGINES[key]
    return measures, engine, seq


def related_for(pack: LoadedPack, decision: Decision) -> tuple[RelatedFinding, ...]:
    """The pack's related measures that apply, or may apply, to a decided application."""
    if decision.decision == "invalid" or not pack.related_by_country:
        return ()
    return related_findings(
        pack.related_by_country, pack.policy, decision.inputs, decision.decision_on
    )


def measures_at(
    uow: UnitOfWork, seq: int, *, regime: str | None = None, unlabelled: bool = True
) -> list[Measure]:
    """The measures as the ledger recorded them up to event ``seq``: every regime's, or one
    regime's (with ``unlabelled``, also the sanctions recorded live, which name no regime and
    count as the default pack's)."""
    ids = uow.conn.execute(
        select(events.c.subject_id)
        .where(events.c.subject_type == SUBJECT, events.c.seq <= seq)
        .distinct()
    ).scalars()
    measures: list[Measure] = []
    for sanction_id in sorted(ids):
        folded = fold(uow.ledger.for_subject(SUBJECT, sanction_id), upto=seq)
        if folded is not None and _of_regime(folded.regime, regime, unlabelled):
            measures.extend(folded.measures.values())
    return sorted(measures, key=lambda m: m.id)


def _of_regime(held: str | None, regime: str | None, unlabelled: bool) -> bool:
    return regime is None or held == regime or (held is None and unlabelled)


def log_entry(
    decision_id: str, kind: str, actor: Actor, pack: LoadedPack, *, seq: int, as_of: date | None
) -> dict[str, Any]:
    """The decision log's row for a decision (or a batch) before its outcome is known."""
    return {
        "decision_id": decision_id,
        "kind": kind,
        "created_at": utc_text(utc_now()),
        "actor": actor.name,
        "role": actor.role,
        "pack": pack.name,
        "pack_version": pack.version,
        "ledger_seq": seq,
        "as_of": as_of,
    }


def hold_row(
    decision_id: str,
    batch_id: str | None,
    *,
    row: int | None,
    inputs: Mapping[str, str],
    on: date,
    measures: tuple[str, ...] | str,
) -> dict[str, Any]:
    """The decision log's row for an application a measure holds (released by a lift)."""
    return {
        "decision_id": decision_id,
        "batch_id": batch_id,
        "row_number": row,
        "application_id": inputs.get("application_id", ""),
        "nationality": inputs.get("nationality", ""),
        "post_country": inputs.get("post_country", ""),
        "visa_class": inputs.get("visa_class", ""),
        "decision_on": on,
        "measures": measures if isinstance(measures, str) else ";".join(measures),
    }


def mask(result: Decision) -> dict[str, Any]:
    """The inputs to log: the date of birth becomes the age on the decision date."""
    inputs: dict[str, Any] = dict(result.inputs)
    born = inputs.pop("date_of_birth", "")
    if born:
        day, parsed = result.decision_on, parse_day(born)
        inputs["age_on_decision_date"] = _age(parsed, day) if parsed and day else "unreadable"
    return inputs


def _age(born: date, day: date) -> int:
    years = day.year - born.year
    while years > 0 and add_years(born, years) > day:
        years -= 1
    return years


def unmask(inputs: Mapping[str, Any], day: date) -> dict[str, Any]:
    """Rebuild screening inputs from a logged entry (a birth date consistent with the age)."""
    restored = {k: v for k, v in inputs.items() if k != "age_on_decision_date"}
    age = inputs.get("age_on_decision_date")
    if isinstance(age, int):
        restored["date_of_birth"] = add_years(day, -age).isoformat()
    return restored


def decision_day(entry: Mapping[str, Any]) -> date:
    """The day a logged single decision was decided on."""
    text = entry["inputs"].get("decision_date") or entry["created_at"][:10]
    return entry["as_of"] or date.fromisoformat(text)
