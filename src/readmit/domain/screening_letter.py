"""The letter an applicant receives: a letterhead, the facts, the pack's words, the legal basis.

The body is the pack's template (``letters.yaml``, ``$name`` placeholders), read as paragraphs
separated by blank lines; a line break inside a paragraph is only the YAML's wrapping. The
template's opening blocks (its title and its ``Application:`` / ``Decision:`` lines) become the
letterhead and the facts, its ``Legal basis:`` line the legal basis, its last block the note on
where the wording comes from. No real INA 243(d) letter is public: the templates are
reconstructions from published wording and say so in their text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from string import Template
from typing import Any

from readmit.domain.countries import country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import Policy, Regime
from readmit.domain.sanctions_related import RelatedFinding
from readmit.domain.screening import Decision

SYNTHETIC = "Synthetic demo data: this letter, its application and its applicant are invented."
# The template's header facts the letterhead states itself (as "Reference" and "Decision").
_IN_LETTERHEAD = ("$application_id", "$decision_id")
_FACT = re.compile(r"^([A-Z][^:]{0,60}):\s+(.*)$")


@dataclass(frozen=True)
class LegalBasis:
    """One measure the decision rests on, in the record's words."""

    measure_id: str
    sanction_id: str
    summary: str
    citation: str
    starts: date | None = None

    def sentence(self) -> str:
        """The measure as the legal basis names it."""
        since = f", in force from {self.starts.isoformat()}" if self.starts else ""
        return f"Measure {self.measure_id} (sanction {self.sanction_id}{since}): {self.citation}"


@dataclass(frozen=True)
class Letter:
    """The letter as parts, so the page, the PDF and the text say the same thing."""

    issuer: str  # "Embassy of the United States"
    post: str  # "Cambodia": the post's country (the request names no city)
    dated: date | None  # the day of the issuance decision
    reference: str  # the application's reference
    decision_id: str
    decision: str  # discontinued | restricted
    decision_words: str
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value) from the template's header
    paragraphs: tuple[str | tuple[str, ...], ...]  # a paragraph, or a list of items
    legal_basis: tuple[LegalBasis, ...]
    citations: str
    next_steps: tuple[str, ...]
    beside_heading: str
    beside: tuple[str, ...]
    note: str  # where the wording comes from
    pack: str
    pack_version: str
    synthetic: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The parts as the page's JSON twin gives them."""
        return {
            "issuer": self.issuer,
            "post": self.post,
            "dated": self.dated.isoformat() if self.dated else None,
            "reference": self.reference,
            "decision_id": self.decision_id,
            "decision": self.decision,
            "decision_words": self.decision_words,
            "title": self.title,
            "facts": [{"label": k, "value": v} for k, v in self.facts],
            "paragraphs": [p if isinstance(p, str) else list(p) for p in self.paragraphs],
            "legal_basis": [b.__dict__ for b in self.legal_basis],
            "citations": self.citations,
            "next_steps": list(self.next_steps),
            "beside_heading": self.beside_heading,
            "beside": list(self.beside),
            "note": self.note,
            "pack": self.pack,
            "pack_version": self.pack_version,
            "synthetic": self.synthetic,
        }

    def text(self) -> str:
        """The letter as plain text: one line a paragraph, for a terminal or an e-mail."""
        head = [self.issuer, self.post] if self.post else [self.issuer]
        blocks: list[str] = ["\n".join(head)]
        if self.synthetic:
            blocks.append(SYNTHETIC.upper())
        blocks.append(
            f"Date: {self.dated.isoformat() if self.dated else '(not given)'}\n"
            f"Reference: {self.reference}\nDecision: {self.decision_id}"
        )
        blocks.append(self.title + "\n\n" + self.decision_words)
        blocks.append("\n".join(f"{k}: {v}" for k, v in self.facts))
        blocks += [p if isinstance(p, str) else _items(p) for p in self.paragraphs]
        basis = [b.sentence() for b in self.legal_basis]
        blocks.append("Legal basis\n" + _items(basis))
        blocks.append("What you may do next\n" + "\n".join(self.next_steps))
        if self.beside:
            blocks.append(self.beside_heading + "\n" + _items(self.beside))
        blocks.append(f"{self.note}\nPolicy pack {self.pack}, version {self.pack_version}.")
        return "\n\n".join(b for b in blocks if b) + "\n"


def _items(items: Sequence[str]) -> str:
    return "\n".join(f"  - {item}" for item in items)


def compose_letter(
    policy: Policy,
    decision: Decision,
    measures: Mapping[str, Measure],
    decision_id: str,
    related: Sequence[RelatedFinding] = (),
    *,
    synthetic: bool = False,
) -> Letter:
    """Compose the letter for a discontinued or restricted decision.

    Related measures (a proclamation, a suspension outside the regime) are said after the
    letter, as restrictions this notice does not decide.
    """
    template = policy.letters.get(decision.decision)
    if template is None:
        raise InvalidInput(
            f"no letter for a decision of {decision.decision}: letters exist for "
            f"{', '.join(sorted(policy.letters))}"
        )
    ids = decision.holding if decision.decision == "discontinued" else decision.restricting
    chosen = [measures[i] for i in ids if i in measures]
    values = _values(policy, decision, chosen, decision_id, template.title)
    facts, paragraphs, note = _read_body(template.body, values)
    regime = policy.regime
    steps = _next_steps(regime, decision.decision, decision.inputs, decision_id)
    # The template's own sentence on appeal and refund is said once, under the next steps.
    paragraphs = tuple(p for p in paragraphs if p not in steps)
    post = decision.inputs.get("post_country", "")
    return Letter(
        issuer=issuer(regime, decision.inputs),
        post=country_name(post) if post else "",
        dated=decision.decision_on,
        reference=decision.inputs.get("application_id") or "(not given)",
        decision_id=decision_id,
        decision=decision.decision,
        decision_words=_decision_words(decision.decision),
        title=template.title,
        facts=facts,
        paragraphs=paragraphs,
        legal_basis=tuple(
            LegalBasis(m.id, m.sanction_id, m.summary, m.citation or regime.citation, m.starts)
            for m in chosen
        ),
        citations=decision.citations,
        next_steps=steps,
        beside_heading=f"Not under {regime.called}, and not decided by this notice:",
        beside=tuple(f"{f.sentence()}: {f.reason}" for f in related),
        note=note,
        pack=policy.pack,
        pack_version=policy.version,
        synthetic=synthetic,
    )


def render_letter(
    policy: Policy,
    decision: Decision,
    measures: Mapping[str, Measure],
    decision_id: str,
    related: Sequence[RelatedFinding] = (),
) -> str:
    """Render the letter for a discontinued or restricted decision as plain text."""
    return compose_letter(policy, decision, measures, decision_id, related).text()


def issuer(regime: Regime, inputs: Mapping[str, str]) -> str:
    """Name the office that writes: a Member State's consulate where the regime asks which
    State decides (its ``member_state`` input), else the embassy of the regime's state (the
    pack's name before its colon: "United States: INA section 243(d) …")."""
    if "member_state" in regime.inputs:
        deciding = inputs.get("member_state", "")
        if not deciding:
            return "Consulate of the deciding Member State"
        return f"Consulate of {_with_article(country_name(deciding))}"
    state = regime.name.split(":", 1)[0].strip()
    return f"Embassy of {_with_article(state)}"


def _with_article(name: str) -> str:
    plural = name.startswith(("United ", "Republic ", "European ")) or name.endswith("lands")
    return f"the {name}" if plural else name


def _decision_words(decision: str) -> str:
    if decision == "discontinued":
        return (
            "Your visa application has been decided: a visa cannot be issued to you at this time."
        )
    return (
        "Your visa application has been decided: any visa issued to you carries the restrictions "
        "set out below."
    )


def _next_steps(
    regime: Regime, decision: str, inputs: Mapping[str, str], decision_id: str
) -> tuple[str, ...]:
    """What the applicant may do, in the regime's words on appeal, refund and resumption."""
    appeal = (
        "This decision can be appealed under the law of the state that decided it; the post "
        "will tell you how."
        if regime.appeal
        else "There is no appeal of this decision."
    )
    refund = (
        "The visa application fee will be refunded."
        if regime.fee_refunded
        else "The visa application fee will not be refunded."
    )
    reference = inputs.get("application_id")
    quote = f"reference {reference} and decision {decision_id}" if reference else decision_id
    steps = [f"{appeal} {refund}", " ".join(regime.resumption_condition.split())]
    if decision == "discontinued":
        day = "it is made" if regime.governing_date == "application_date" else "it is decided"
        steps.append(
            "You may apply again: a new application is decided against the measures in force "
            f"on the day {day}."
        )
    steps.append(f"Quote {quote} in any letter to the post about this application.")
    return tuple(steps)


def _values(
    policy: Policy, decision: Decision, chosen: list[Measure], decision_id: str, title: str
) -> dict[str, str]:
    post = decision.inputs.get("post_country", "")
    regime = policy.regime
    return {
        "title": title,
        "application_id": decision.inputs.get("application_id") or "(not given)",
        "decision_id": decision_id,
        "pack": policy.pack,
        "pack_version": policy.version,
        "post_country": f"{country_name(post)} ({post})" if post else "",
        "decision_date": decision.decision_on.isoformat() if decision.decision_on else "",
        "governing_date": decision.governing_on.isoformat() if decision.governing_on else "",
        "visa_class": decision.inputs.get("visa_class", ""),
        "determining_authority": regime.determining_authority,
        "visa_authority": regime.visa_authority,
        "country_name": country_name(post),
        "measure_summaries": "\n".join(f"- {m.summary} ({m.id})" for m in chosen),
        "restrictions": "; ".join(
            restriction_text(m.restrictions, m.parameters, decision.governing_on) for m in chosen
        ),
        "resumption_condition": "",  # said under "What you may do next"
        "citations": decision.citations,
    }


def _read_body(
    body: str, values: Mapping[str, str]
) -> tuple[tuple[tuple[str, str], ...], tuple[str | tuple[str, ...], ...], str]:
    """Split the template into its header facts, its paragraphs and its closing note."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", body.strip()) if b.strip()]
    note = " ".join(blocks.pop().split()) if len(blocks) > 1 else ""
    facts: list[tuple[str, str]] = []
    paragraphs: list[str | tuple[str, ...]] = []
    for block in blocks:
        if block == "$title" or block.startswith("Legal basis:"):
            continue  # the letter's heading, and its legal basis section
        if "$application_id" in block:
            facts += _facts(block, values)
            continue
        paragraphs += _paragraphs(Template(block).safe_substitute(values))
    return tuple(facts), tuple(paragraphs), note


def _facts(block: str, values: Mapping[str, str]) -> list[tuple[str, str]]:
    """The header's "Label: value" pairs (two may share a line), less those the letterhead says."""
    found = []
    for line in block.splitlines():
        for part in re.split(r"\s{3,}", line.strip()):
            if any(p in part for p in _IN_LETTERHEAD):
                continue
            match = _FACT.match(Template(part).safe_substitute(values))
            if match and match.group(2).strip():
                found.append((match.group(1), match.group(2).strip()))
    return found


def _paragraphs(text: str) -> list[str | tuple[str, ...]]:
    """A block as prose, with its "- item" lines (the measures) as a list of their own."""
    out: list[str | tuple[str, ...]] = []
    prose: list[str] = []
    items: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- "):
            if prose:
                out.append(" ".join(prose))
                prose = []
            items.append(line[2:])
            continue
        if items:
            out.append(tuple(items))
            items = []
        prose.append(line)
    if prose:
        out.append(" ".join(prose))
    if items:
        out.append(tuple(items))
    return out
