"""Turn a pack's validated files into domain values, checking them against each other."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from readmit.domain.countries import COUNTRY_CODES
from readmit.domain.errors import PackError, ReadmitError
from readmit.domain.sanctions import Measure, Who
from readmit.domain.sanctions_lifecycle import Step, build
from readmit.domain.sanctions_params import Parameter
from readmit.domain.sanctions_policy import (
    CATEGORIES,
    STANDARD_RANKS,
    Actor,
    Exemption,
    Fee,
    LegalInstrument,
    LetterTemplate,
    Organisation,
    OrganisationTree,
    Policy,
    RankLadders,
    RecordedUse,
    Regime,
    VisaClass,
    VisaClassTable,
)
from readmit.domain.sanctions_steps import CLASSIC, START, Lifecycle, StepRule
from readmit.packs import SanctionHistory, read_yaml, validate
from readmit.packs.models import (
    LettersFile,
    MeasureSpec,
    OrganisationsFile,
    ParameterSpec,
    RanksFile,
    RegimeFile,
    SanctionSpec,
    StepSpec,
    VisaClassesFile,
)


def _file(root: Path, name: str) -> object:
    path = root / name
    if not path.exists():
        raise PackError(f"{name}: missing from pack {root.name}", file=name)
    return read_yaml(path, root)


def build_policy(root: Path, version: str) -> Policy:
    """Read regime, classes, organisations, ranks and letters; check them together."""
    regime = validate(_file(root, "regime.yaml"), RegimeFile, "regime.yaml")
    classes = validate(_file(root, "visa_classes.yaml"), VisaClassesFile, "visa_classes.yaml")
    orgs = validate(_file(root, "organisations.yaml"), OrganisationsFile, "organisations.yaml")
    ranks = validate(_file(root, "ranks.yaml"), RanksFile, "ranks.yaml")
    letters = validate(_file(root, "letters.yaml"), LettersFile, "letters.yaml")
    table: dict[str, VisaClass] = {}
    for i, c in enumerate(classes.classes):
        if c.code in table:
            raise PackError(f"visa_classes.yaml: classes[{i}].code: {c.code} is listed twice")
        table[c.code] = VisaClass(c.code, c.category, c.name)
    return Policy(
        pack=regime.id,
        version=version,
        regime=_regime(regime),
        visa_classes=VisaClassTable(table),
        organisations=_organisations(orgs),
        ranks=_ranks(ranks),
        letters={s.decision: LetterTemplate(s.decision, s.title, s.body) for s in letters.letters},
    )


def _regime(spec: RegimeFile) -> Regime:
    """The regime, its legal frame's other instruments checked: dated, each with a source."""
    instruments = []
    for i, item in enumerate(spec.related_instruments):
        for k, source in enumerate(item.sources):
            if not source.startswith(("https://", "http://")):
                raise PackError(
                    f"regime.yaml: related_instruments[{i}].sources[{k}]: {source!r} is not an "
                    "address (http:// or https://)",
                    file="regime.yaml",
                )
        instruments.append(
            LegalInstrument(item.title, item.on, item.says, tuple(item.sources), tuple(item.notes))
        )
    for i, use in enumerate(spec.recorded_uses):
        _addresses_at(use.sources, f"regime.yaml: recorded_uses[{i}].sources")
    fields = spec.model_dump(exclude=_BUILT)
    actors = tuple(Actor(a.id, a.name, a.role, tuple(a.sources)) for a in spec.actors)
    lifecycle = _lifecycle(spec, actors)
    return Regime(
        **{
            **fields,
            "regulations": tuple(spec.regulations),
            "sources": tuple(spec.sources),
            "related_instruments": tuple(sorted(instruments, key=lambda x: x.on)),
            "actors": actors,
            "lifecycle": lifecycle,
            "inputs": tuple(spec.inputs),
            "exemptions": tuple(
                Exemption(e.input, tuple(e.values), e.says, e.citation, tuple(e.sources))
                for e in spec.exemptions
            ),
            "fees": _fees(spec),
            "recorded_uses": tuple(
                RecordedUse(
                    u.on,
                    tuple(u.countries),
                    u.event,
                    u.formal,
                    u.uncertain,
                    tuple(u.sources),
                    tuple(u.notes),
                )
                for u in sorted(spec.recorded_uses, key=lambda u: u.on)
            ),
            "notes": tuple(spec.notes),
        }
    )


_BUILT = {
    "related_instruments",
    "actors",
    "lifecycle",
    "inputs",
    "exemptions",
    "fees",
    "recorded_uses",
    "notes",
}


def _addresses_at(sources: list[str], where: str) -> None:
    for k, source in enumerate(sources):
        if not source.startswith(("https://", "http://")):
            raise PackError(
                f"{where}[{k}]: {source!r} is not an address (http:// or https://)",
                file="regime.yaml",
            )


def _fees(spec: RegimeFile) -> tuple[Fee, ...]:
    days = [f.on for f in spec.fees]
    if days != sorted(set(days)):
        raise PackError("regime.yaml: fees: the fee schedule runs in order, one entry per day")
    return tuple(
        Fee(
            f.on,
            f.adult,
            f.currency,
            f.citation,
            f.child,
            f.child_from,
            f.child_under,
            tuple(f.sources),
        )
        for f in spec.fees
    )


def _lifecycle(spec: RegimeFile, actors: tuple[Actor, ...]) -> Lifecycle:
    """The regime's lifecycle from ``regime.yaml``; without one, the classic lifecycle."""
    if not spec.lifecycle:
        roles = {
            "determining_authority": spec.determining_role,
            "visa_authority": spec.ordering_role,
        }
        return Lifecycle(
            tuple(
                dataclasses.replace(s, roles=tuple(roles.get(r, r) for r in s.roles))
                for s in CLASSIC.steps
            )
        )
    by_id = {a.id: a for a in actors}
    kinds = [s.step for s in spec.lifecycle]
    rules = []
    for i, s in enumerate(spec.lifecycle):
        where = f"regime.yaml: lifecycle[{i}]"
        if kinds.count(s.step) > 1:
            raise PackError(f"{where}.step: {s.step} is listed twice", file="regime.yaml")
        for k, actor in enumerate(s.by):
            if actor not in by_id:
                raise PackError(
                    f"{where}.by[{k}]: {actor} is not an actor of regime.yaml "
                    f"(actors: {', '.join(by_id)})",
                    file="regime.yaml",
                )
        for field_name in ("after", "closes"):
            for k, kind in enumerate(getattr(s, field_name)):
                if kind not in kinds and not (field_name == "after" and kind == START):
                    raise PackError(
                        f"{where}.{field_name}[{k}]: {kind} is not a step of the lifecycle",
                        file="regime.yaml",
                    )
        rules.append(
            StepRule(
                kind=s.step,
                roles=tuple(dict.fromkeys(by_id[a].role for a in s.by)),
                rule=s.rule,
                after=tuple(s.after),
                once=s.once,
                in_force=s.in_force,
                closes=tuple(s.closes),
                adds=s.adds,
                ends=s.ends,
                verifies=s.verifies,
                starts_measures=s.starts_measures,
                status=s.status,
                actor=by_id[s.by[0]].name,
                citation=s.citation,
            )
        )
    if not any(r.opens for r in rules):
        raise PackError("regime.yaml: lifecycle: no step may open a sanction (after: [start])")
    return Lifecycle(tuple(rules))


def _organisations(spec: OrganisationsFile) -> OrganisationTree:
    found: dict[str, Organisation] = {}
    for i, org in enumerate(spec.organisations):
        where = f"organisations.yaml: organisations[{i}]"
        if org.code[:2] not in COUNTRY_CODES:
            raise PackError(f"{where}.code: {org.code} does not start with an ISO country code")
        if org.code in found:
            raise PackError(f"{where}.code: {org.code} is listed twice")
        found[org.code] = Organisation(org.code, org.name, org.parent)
    tree = OrganisationTree(found)
    for i, org in enumerate(spec.organisations):
        where = f"organisations.yaml: organisations[{i}].parent"
        if org.parent is None:
            continue
        if not tree.known(org.parent):
            raise PackError(f"{where}: {org.parent} is not an organisation of the pack")
        if org.parent[:2] != org.code[:2]:
            raise PackError(
                f"{where}: {org.code} and its parent {org.parent} are not of one country"
            )
        if org.code in tree.subtree(org.code) - {org.code} or _cycle(tree, org.code):
            raise PackError(f"{where}: {org.code} is its own ancestor")
    return tree


def _cycle(tree: OrganisationTree, code: str) -> bool:
    seen, current = set(), tree.organisations.get(code)
    while current is not None and current.parent:
        if current.parent in seen or current.parent == code:
            return True
        seen.add(current.parent)
        current = tree.organisations.get(current.parent)
    return False


def _ranks(spec: RanksFile) -> RankLadders:
    ladders = {ladder.id: tuple(ladder.ranks) for ladder in spec.ladders}
    for i, ladder in enumerate(spec.ladders):
        positions = [ladder.ranks.index(r) for r in STANDARD_RANKS if r in ladder.ranks]
        if len(positions) != len(STANDARD_RANKS) or positions != sorted(positions):
            raise PackError(
                f"ranks.yaml: ladders[{i}].ranks: every ladder holds the standard ranks, top "
                f"down: {', '.join(STANDARD_RANKS)} (other ranks may sit between them)"
            )
    if spec.default not in ladders:
        raise PackError(f"ranks.yaml: default: no ladder {spec.default!r}")
    for country, ladder_id in spec.countries.items():
        if ladder_id not in ladders:
            raise PackError(f"ranks.yaml: countries.{country}: no ladder {ladder_id!r}")
    return RankLadders(ladders, dict(spec.countries), spec.default)


def build_sanctions(root: Path, policy: Policy) -> tuple[SanctionHistory, ...]:
    """Read ``sanctions/*.yaml``; check each measure and each history against the rules."""
    histories: list[SanctionHistory] = []
    measure_ids: set[str] = set()
    for path in sorted((root / "sanctions").glob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        spec = validate(read_yaml(path, root), SanctionSpec, rel)
        if path.stem != spec.id:
            raise PackError(f"{rel}: id: {spec.id} must match the file name ({path.stem})")
        if spec.id in {h.id for h in histories}:
            raise PackError(f"{rel}: id: sanction {spec.id} is defined twice")
        steps = tuple(_step(spec, i, s, policy, rel, measure_ids) for i, s in enumerate(spec.steps))
        header = {
            "country": spec.country,
            "title": spec.title,
            "summary": spec.summary,
            "notes": list(spec.notes),
        }
        roles = (policy.regime.determining_role, policy.regime.ordering_role)
        try:
            sanction = build(
                spec.id, header, steps, roles, regime=policy.pack, lifecycle=policy.regime.lifecycle
            )
        except ReadmitError as error:
            index = _failing_step(spec, policy, steps, roles)
            raise PackError(f"{rel}: steps[{index}]: {error.message}", file=rel) from None
        histories.append(SanctionHistory(spec.id, header, steps, sanction, rel))
    return tuple(histories)


def _failing_step(
    spec: SanctionSpec, policy: Policy, steps: tuple[Step, ...], roles: tuple[str, str]
) -> int:
    header = {"country": spec.country, "title": spec.title}
    for count in range(1, len(steps) + 1):
        try:
            build(
                spec.id,
                header,
                steps[:count],
                roles,
                regime=policy.pack,
                lifecycle=policy.regime.lifecycle,
            )
        except ReadmitError:
            return count - 1
    return len(steps) - 1


def _step(
    spec: SanctionSpec, index: int, s: StepSpec, policy: Policy, rel: str, ids: set[str]
) -> Step:
    where = f"{rel}: steps[{index}]"
    lifecycle = policy.regime.lifecycle
    rule = lifecycle.rule(s.step)
    if rule is None:
        raise PackError(
            f"{where}.step: {s.step} is not a step of this regime's lifecycle "
            f"({', '.join(lifecycle.kinds)})",
            file=rel,
        )
    role = rule.roles[0]
    adds = []
    for j, m in enumerate(s.adds):
        adds.append(measure_from_spec(spec.id, spec.country, m, policy, f"{where}.adds[{j}]", ids))
    ends = s.ends
    if rule.ends == "all_by_default" and (ends == "all" or not ends):
        ends_ids: tuple[str, ...] | None = None
    elif ends == "all":
        ending = [r.kind for r in lifecycle.steps if r.ends == "all_by_default"]
        raise PackError(
            f"{where}.ends: only a step that ends every measure by default "
            f"({', '.join(ending) or 'none in this regime'}) may end 'all' measures; list them"
        )
    else:
        ends_ids = tuple(ends)
    occurrence = sum(1 for earlier in spec.steps[:index] if earlier.step == s.step) + 1
    return Step(
        kind=s.step,
        on=s.on,
        role=role,
        actor=s.actor or rule.actor or _default_actor(policy, role),
        summary=s.summary,
        sources=tuple(s.sources),
        not_public=s.not_public,
        date_is_upper_bound=s.date_is_upper_bound,
        effective=s.effective if s.effective not in (None, "unknown") else None,  # type: ignore[arg-type]
        effective_unknown=s.effective == "unknown",
        first_known_on=s.first_known_on,
        adds=tuple(adds),
        ends=ends_ids,
        assessments=tuple(s.assessments),
        verified=tuple(s.verified),
        step_id=f"{spec.id}/{s.step}/{occurrence}",
    )


def _default_actor(policy: Policy, role: str) -> str:
    regime = policy.regime
    return (
        regime.determining_authority if role == regime.determining_role else regime.visa_authority
    )


def _parameter(p: ParameterSpec) -> Parameter:
    values = ((None, p.value),) if p.value is not None else tuple((v.on, v.value) for v in p.values)
    return Parameter(p.effect, p.parameter, values, p.unit, p.says, p.citation)


def measure_from_spec(
    sanction_id: str, country: str, m: MeasureSpec, policy: Policy, where: str, ids: set[str]
) -> Measure:
    """Check one measure against the policy (classes, organisations, ranks) and build it."""
    if not m.id.startswith(f"{country}-"):
        raise PackError(f"{where}.id: {m.id} must start with the sanction's country ({country}-)")
    if m.id in ids:
        raise PackError(f"{where}.id: measure {m.id} is defined twice in the pack")
    ids.add(m.id)
    for field in ("classes", "uncertain_classes", "exempt_classes"):
        values = getattr(m, field)
        if values == "unknown":
            continue
        for k, code in enumerate(values):
            if code not in CATEGORIES and code not in policy.visa_classes:
                raise PackError(
                    f"{where}.{field}[{k}]: {code} is neither a visa class of visa_classes.yaml "
                    "nor a category (immigrant, nonimmigrant)"
                )
    who = None if m.who == "unknown" else m.who
    if who is not None:
        for k, code in enumerate(who.employers):
            if not policy.organisations.known(code):
                raise PackError(f"{where}.who.employers[{k}]: {code} is not in organisations.yaml")
        if who.min_rank and who.min_rank not in policy.ranks.ladder(country):
            raise PackError(f"{where}.who.min_rank: {who.min_rank} is not on {country}'s ladder")
    return Measure(
        id=m.id,
        sanction_id=sanction_id,
        country=country,
        effect=m.effect,
        summary=m.summary,
        classes=None if m.classes == "unknown" else tuple(m.classes),
        who=None
        if who is None
        else Who(
            **{
                **who.model_dump(),
                "employers": tuple(who.employers),
                "family": tuple(who.family),
                "passport_types": tuple(who.passport_types),
            }
        ),
        persons=tuple(m.persons),
        uncertain_classes=tuple(m.uncertain_classes),
        exempt_classes=tuple(m.exempt_classes),
        restrictions=dict(m.restrictions),
        parameters=tuple(_parameter(p) for p in m.parameters),
        exempt_under_age=m.exempt_under_age,
        exceptions_allowed=m.exceptions_allowed,
        citation=m.citation,
        sources=tuple(m.sources),
        last_verified_on=m.last_verified_on,
        notes=tuple(m.notes),
    )
