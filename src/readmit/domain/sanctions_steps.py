"""A regime's lifecycle as data: its steps, which step needs which before it, and who takes each.

A pack declares its steps in ``regime.yaml`` (docs/policy-packs.md, "lifecycle"); the loader
turns them into a ``Lifecycle`` and the rules below read it, never a step's name:

- ``after``: the step needs one of these steps recorded before it (``start``: it may open a
  sanction, as its first step);
- ``once``: it is made once;
- ``in_force``: it needs a measure in force;
- ``closes``: it needs one of these steps pending (recorded since the last step closing it),
  and uses it up; a step that another closes cannot be recorded again while it is pending;
- ``roles``: the roles that may take it (separation of duties);
- ``adds`` / ``ends``: whether it adds measures (``no``, ``optional``, ``required``) and ends
  them (``no``, ``listed``, ``all_by_default``: without a list it ends every measure);
- ``status``: what the sanction is called once this step is the latest one reached, before
  any measure is in force (``determined``, ``proposed``);
- ``rule``: the rule in words, quoted when a step is refused.

``CLASSIC`` is the lifecycle of a ledger event whose regime names no lifecycle (one recorded
live under the installation's default pack before lifecycles were data); packs register theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

START = "start"
ADDS = ("no", "optional", "required")
ENDS = ("no", "listed", "all_by_default")


@dataclass(frozen=True)
class StepRule:
    """One kind of step: when it may be taken, by whom, and what it does to the measures."""

    kind: str
    roles: tuple[str, ...]
    rule: str
    after: tuple[str, ...] = ()
    once: bool = False
    in_force: bool = False
    closes: tuple[str, ...] = ()
    adds: str = "no"
    ends: str = "no"
    verifies: bool = False
    starts_measures: bool = False  # its effective day is the sanction's "ordered on"
    status: str | None = None
    actor: str = ""  # the authority's name, for a step the record does not attribute
    citation: str = ""

    @property
    def opens(self) -> bool:
        return START in self.after


@dataclass(frozen=True)
class Lifecycle:
    """A regime's steps in their declared order (the order ``allowed next`` lists them in)."""

    steps: tuple[StepRule, ...]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(s.kind for s in self.steps)

    def rule(self, kind: str) -> StepRule | None:
        return next((s for s in self.steps if s.kind == kind), None)

    def closers(self, kind: str) -> tuple[str, ...]:
        """The steps that use up a pending ``kind``."""
        return tuple(s.kind for s in self.steps if kind in s.closes)

    def kinds_that(self, *, adds: bool = False, ends: bool = False) -> frozenset[str]:
        return frozenset(
            s.kind
            for s in self.steps
            if (adds and s.adds != "no") or (ends and s.ends != "no") or (not adds and not ends)
        )


_D, _V = "determining_authority", "visa_authority"
CLASSIC = Lifecycle(
    (
        StepRule(
            "determination",
            (_D,),
            "the sanction already has a determination",
            after=(START,),
            status="determined",
        ),
        StepRule(
            "notification",
            (_D,),
            "a notification needs a prior determination and is made once",
            after=("determination",),
            once=True,
            status="notified",
        ),
        StepRule(
            "order",
            (_V,),
            "an order needs a prior notification and is made once",
            after=("notification",),
            once=True,
            adds="required",
            starts_measures=True,
            status="ordered",
        ),
        StepRule(
            "amendment",
            (_V,),
            "an amendment needs a measure in force",
            after=("order",),
            in_force=True,
            adds="optional",
            ends="listed",
        ),
        StepRule(
            "compliance_notification",
            (_D,),
            "a compliance notification needs an order in force and none awaiting a lift",
            after=("order",),
            in_force=True,
        ),
        StepRule(
            "lift",
            (_V,),
            "a lift needs a prior compliance notification",
            closes=("compliance_notification",),
            ends="all_by_default",
        ),
        StepRule(
            "verification",
            (_V, _D),
            "only ordered measures can be verified",
            after=("order",),
            verifies=True,
        ),
    )
)

_REGISTERED: dict[str, Lifecycle] = {}


def register(regime: str, lifecycle: Lifecycle) -> None:
    """Remember a regime's lifecycle, so that folding its ledger events reads its rules."""
    _REGISTERED[regime] = lifecycle


def lifecycle_of(regime: str | None) -> Lifecycle:
    """The lifecycle a regime's pack declared, or ``CLASSIC`` for an unknown regime."""
    return _REGISTERED.get(regime or "", CLASSIC)
