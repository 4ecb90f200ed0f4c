"""Load the policy packs' historical sanctions into the ledger, idempotently.

Each step of a pack becomes one event keyed by a digest of its content: loading again adds
nothing; a changed step is recorded as a revision of the earlier event, a step removed from the
pack as a voided event, so the ledger keeps the whole history of what the pack said. The
registry holds the sanctions of the default pack (``settings.pack``) and of every pack in
``settings.registry_packs``; each event names its pack, so each sanction names its regime.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from readmit.domain.errors import InvalidInput, PackError, ReadmitError
from readmit.domain.events import Event, NewEvent, canonical_json
from readmit.domain.sanctions_lifecycle import (
    SUBJECT,
    VOIDED,
    Step,
    check_step,
    fold,
    step_payload,
)
from readmit.packs import LoadedPack, SanctionHistory, load_pack
from readmit.services.context import App
from readmit.store.uow import UnitOfWork


@dataclass(frozen=True)
class PackLoadReport:
    pack: str
    version: str
    added: int
    revised: int
    voided: int
    # The registry's other packs, each as (name, version), loaded in the same transaction.
    others: tuple[tuple[str, str], ...] = ()


# Checking the pack's files for changes costs a millisecond (a stat per file): a server does it at
# most once a second, so an edited pack is picked up within a second of the edit.
PACK_RECHECK_SECONDS = 1.0


def current_pack(app: App) -> LoadedPack:
    """Return the configured policy pack (cached by content hash, re-checked once a second)."""
    name, now = app.settings.pack, time.monotonic()
    cached = app.memo.get("pack")
    if cached is not None and cached[0] == name and now - cached[1] < PACK_RECHECK_SECONDS:
        pack: LoadedPack = cached[2]
        return pack
    pack = load_pack(name)
    app.memo["pack"] = (name, now, pack)
    return pack


def registry_packs(app: App) -> tuple[LoadedPack, ...]:
    """The packs whose sanctions the registry holds: the default one first, then the others.

    Loading a pack registers its lifecycle, so that folding its sanctions reads its rules. Two
    packs may not give one sanction id (a ``PackError`` names both).
    """
    default = current_pack(app)
    names = tuple(dict.fromkeys(n for n in app.settings.registry_packs if n != app.settings.pack))
    cached = app.memo.get("registry_packs")
    if cached is not None and cached[0] == (default.version, names):
        packs: tuple[LoadedPack, ...] = cached[1]
        return packs
    packs = (default, *(load_pack(name) for name in names))
    _distinct(packs)
    app.memo["registry_packs"] = ((default.version, names), packs)
    return packs


def pack_of_regime(app: App, regime: str | None) -> LoadedPack:
    """The registry's pack of a regime (None: recorded live under the default pack)."""
    for pack in registry_packs(app):
        if pack.name == regime:
            return pack
    return current_pack(app)


def screening_pack(app: App, name: str | None = None) -> LoadedPack:
    """The registry's pack to screen under: the one named (a pack of the registry), else the
    default one.

    Raises:
        InvalidInput: the name is not one of the registry's packs (its measures are not in the
            ledger, so every application would read as not affected).
    """
    if not name:
        return current_pack(app)
    packs = registry_packs(app)
    for pack in packs:
        if name in (pack.name, str(pack.path)):
            return pack
    held = ", ".join(p.name for p in packs)
    raise InvalidInput(
        f"pack {name!r} is not in this registry (its packs: {held}); name one of them, or add "
        "it to the setting registry_packs (READMIT_REGISTRY_PACKS) and run `readmit db upgrade`",
        pack=name,
        packs=[p.name for p in packs],
    )


def is_default(app: App, pack: LoadedPack) -> bool:
    """Whether ``pack`` is the installation's default: a sanction recorded live counts as its."""
    return pack.name == current_pack(app).name


def _distinct(packs: tuple[LoadedPack, ...]) -> None:
    seen: dict[str, str] = {}
    names = {p.name for p in packs}
    if len(names) != len(packs):
        raise PackError("the registry's packs name one regime twice: " + ", ".join(sorted(names)))
    for pack in packs:
        for history in pack.sanctions:
            if history.id in seen:
                raise PackError(
                    f"sanction {history.id} is in pack {seen[history.id]} and in pack "
                    f"{pack.name}: give one of them another id"
                )
            seen[history.id] = pack.name


def load_history(app: App) -> PackLoadReport:
    """Record in the ledger every pack step it does not hold yet (revisions for changed ones)."""
    packs = registry_packs(app)
    added = revised = voided = 0
    with app.uow() as uow:
        for pack in packs:
            for history in pack.sanctions:
                a, r, v = _load_one(uow, pack, history)
                added, revised, voided = added + a, revised + r, voided + v
        uow.commit()
    others = tuple((p.name, p.version) for p in packs[1:])
    return PackLoadReport(packs[0].name, packs[0].version, added, revised, voided, others)


def _key(pack: str, step: Step, payload: dict[str, object]) -> str:
    # The step's day is part of what the pack says: a change of date alone is a revision.
    content = {"pack": pack, "step_id": step.step_id, "type": step.kind, "on": step.on, **payload}
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def _unchanged(previous: Event, step: Step, payload: dict[str, object]) -> bool:
    """The ledger already holds this step as the pack gives it (whatever key it was filed by)."""
    held = {k: v for k, v in previous.payload.items() if k not in {"revises", "pack"}}
    return previous.occurred_on == step.on and canonical_json(held) == canonical_json(payload)


def _load_one(uow: UnitOfWork, pack: LoadedPack, history: SanctionHistory) -> tuple[int, int, int]:
    existing = uow.ledger.for_subject(SUBJECT, history.id)
    live = _live_pack_events(existing)
    if existing and existing[0].payload.get("pack", pack.name) != pack.name:
        raise PackError(
            f"sanction {history.id} of pack {pack.name} is already in the ledger under pack "
            f"{existing[0].payload.get('pack')}: give it another id"
        )
    roles = (pack.policy.regime.determining_role, pack.policy.regime.ordering_role)
    added = revised = 0
    wanted: set[str] = set()
    for index, step in enumerate(history.steps):
        assert step.step_id is not None
        wanted.add(step.step_id)
        # The header rides on the first step (the classic lifecycle's determination).
        header = history.header if index == 0 else None
        payload = step_payload(step, header)
        previous = live.get(step.step_id)
        key = _key(pack.name, step, payload)
        if (previous is not None and _unchanged(previous, step, payload)) or (
            uow.ledger.existing_keys([key])
        ):
            continue
        if previous is not None:
            payload["revises"] = previous.id
            revised += 1
        else:
            _check_against_ledger(uow, history.id, step, roles)
            added += 1
        payload["pack"] = pack.name
        event = _event(step, history.id, payload, key, pack.name)
        live[step.step_id] = uow.record([event])[0]
    voided = _void_removed(uow, history.id, live, wanted, pack)
    return added, revised, voided


def _live_pack_events(events: list[Event]) -> dict[str, Event]:
    latest: dict[str, Event] = {}
    voided = {e.payload.get("voids") for e in events if e.type == VOIDED}
    for event in events:
        step_id = event.payload.get("step_id")
        if step_id:
            latest[step_id] = event
    return {k: e for k, e in latest.items() if e.id not in voided}


def _check_against_ledger(
    uow: UnitOfWork, sanction_id: str, step: Step, roles: tuple[str, str]
) -> None:
    current = fold(uow.ledger.for_subject(SUBJECT, sanction_id))
    if current is None:
        return
    try:
        check_step(current, step, *roles)
    except ReadmitError as error:
        raise PackError(
            f"sanction {sanction_id}: the pack's step {step.step_id} does not fit the ledger's "
            f"history ({error.message})"
        ) from None


def _event(
    step: Step, sanction_id: str, payload: dict[str, object], key: str, pack: str
) -> NewEvent:
    return NewEvent(
        type=step.kind,
        subject_type=SUBJECT,
        subject_id=sanction_id,
        occurred_on=step.on,
        actor=f"pack:{pack}",
        role=step.role,
        payload=payload,
        source="; ".join(step.sources) or None,
        dedupe_key=key,
    )


def _void_removed(
    uow: UnitOfWork, sanction_id: str, live: dict[str, Event], wanted: set[str], pack: LoadedPack
) -> int:
    removed = [
        e for step_id, e in live.items() if step_id not in wanted and e.actor == f"pack:{pack.name}"
    ]
    for event in removed:
        uow.record(
            [
                NewEvent(
                    VOIDED,
                    SUBJECT,
                    sanction_id,
                    event.occurred_on,
                    f"pack:{pack.name}",
                    event.role,
                    {"voids": event.id, "reason": f"step removed from pack version {pack.version}"},
                )
            ]
        )
    return len(removed)
