"""The letter an applicant receives: a letterhead, the facts, the pack's words, the legal basis.

The body is the pack's template (``letters.yaml``, ``$name`` placeholders), read as paragraphs
separated by blank lines; a line break inside a paragraph is only the YAML's wrapping. The
template's opening blocks (its title and its ``Application:`` / ``Decision:`` lines) become the
letterhead and the facts, its ``Legal basis:`` line the legal basis, its last block the note on
where the wording comes from. No real INA 243(d) letter is public: the templates are
reconstructions from published wording and say so in their text.

A letter may be written in another language (``Wording``): readmit's own words (the headings,
the sentences around the record's facts, the next steps) are translated and its dates follow
the locale; the record's words (the pack's paragraphs, the regime's resumption condition, the
legal citations) are quoted as recorded, and the letter says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
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


ENGLISH = "en"
# readmit's own words of a letter, each in English (the catalogues' message ids).
HEADINGS = {
    "date": "Date",
    "reference": "Reference",
    "decision": "Decision",
    "not_dated": "(not dated)",
    "legal_basis": "Legal basis",
    "next_steps": "What you may do next",
    "synthetic": SYNTHETIC,
    "synthetic_short": "Synthetic demo data",
    "pack": "Policy pack {pack}, version {version}.",
    "page": "Decision {decision} - page {page}",
}
# Said in a letter in another language: which of its words are the record's own.
AS_RECORDED = (
    "The passages in English are quoted as recorded: the policy pack's wording, and the legal "
    "basis as recorded (English)."
)


def _same(message: str) -> str:
    return message


def _english_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class Wording:
    """The language a letter is written in: a translation of readmit's own words (an English
    message in, its translation out) and the long form of a day in that language."""

    language: str = ENGLISH
    translate: Callable[[str], str] = _same
    day: Callable[[date], str] = _english_day
    country: Callable[[str], str] = country_name  # a country's name from its ISO code

    @property
    def english(self) -> bool:
        """Whether the letter is in English (it then keeps its historical formats exactly)."""
        return self.language == ENGLISH

    def __call__(self, message: str, **values: object) -> str:
        """Translate ``message`` and fill its ``{name}`` fields with ``values``."""
        said = self.translate(message)
        return said.format(**values) if values else said


IN_ENGLISH = Wording()


@dataclass(frozen=True)
class LegalBasis:
    """One measure the decision rests on, in the record's words."""

    measure_id: str
    sanction_id: str
    summary: str
    citation: str
    starts: date | None = None
    said: str = ""  # the sentence in the letter's language (the citation as recorded)

    def sentence(self) -> str:
        """The measure as the legal basis names it."""
        if self.said:
            return self.said
        since = f", in force from {self.starts.isoformat()}" if self.starts else ""
        return f"Measure {self.measure_id} (sanction {self.sanction_id}{since}): {self.citation}"


def basis_sentence(basis: LegalBasis, words: Wording) -> str:
    """The legal basis of one measure in the letter's language; the citation as recorded."""
    if words.english:
        return basis.sentence()
    if basis.starts is None:
        return words(
            "Measure {measure} (sanction {sanction}): {citation}",
            measure=basis.measure_id,
            sanction=basis.sanction_id,
            citation=basis.citation,
        )
    return words(
        "Measure {measure} (sanction {sanction}, in force from {day}): {citation}",
        measure=basis.measure_id,
        sanction=basis.sanction_id,
        day=words.day(basis.starts),
        citation=basis.citation,
    )


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
    language: str = ENGLISH
    # readmit's own words (``HEADINGS``' keys) in the letter's language.
    words: Mapping[str, str] = field(default_factory=lambda: dict(HEADINGS))
    dated_words: str = ""  # the letter's date, long, in its language
    as_recorded: str = ""  # in another language: which words are quoted as recorded

    def word(self, key: str, **values: object) -> str:
        """One of readmit's own words of the letter, in its language."""
        said = self.words.get(key, HEADINGS[key])
        return said.format(**values) if values else said

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
            "language": self.language,
            "words": dict(self.words),
            "dated_words": self.dated_words,
            "as_recorded": self.as_recorded,
        }

    def text(self) -> str:
        """The letter as plain text: one line a paragraph, for a terminal or an e-mail."""
        head = [self.issuer, self.post] if self.post else [self.issuer]
        blocks: list[str] = ["\n".join(head)]
        if self.synthetic:
            blocks.append(self.word("synthetic").upper())
        # English keeps its ISO date (the reviewed snapshot); another language its long form.
        dated = self.dated.isoformat() if self.dated else "(not given)"
        if self.language != ENGLISH:
            dated = self.dated_words or self.word("not_dated")
        blocks.append(
            f"{self.word('date')}: {dated}\n"
            f"{self.word('reference')}: {self.reference}\n"
            f"{self.word('decision')}: {self.decision_id}"
        )
        blocks.append(self.title + "\n\n" + self.decision_words)
        blocks.append("\n".join(f"{k}: {v}" for k, v in self.facts))
        blocks += [p if isinstance(p, str) else _items(p) for p in self.paragraphs]
        basis = [b.sentence() for b in self.legal_basis]
        blocks.append(self.word("legal_basis") + "\n" + _items(basis))
        blocks.append(self.word("next_steps") + "\n" + "\n".join(self.next_steps))
        if self.beside:
            blocks.append(self.beside_heading + "\n" + _items(self.beside))
        pack = self.word("pack", pack=self.pack, version=self.pack_version)
        blocks.append(f"{self.note}\n{pack}")
        if self.as_recorded:
            blocks.append(self.as_recorded)
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
    words: Wording = IN_ENGLISH,
) -> Letter:
    """Compose the letter for a discontinued or restricted decision, in ``words``' language.

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
    values = _values(policy, decision, chosen, decision_id, template.title, words)
    facts, paragraphs, note = _read_body(template.body, values)
    facts = tuple((words(label), value) for label, value in facts)
    regime = policy.regime
    steps = _next_steps(regime, decision.decision, decision.inputs, decision_id, words)
    # The template's own sentence on appeal and refund is said once, under the next steps
    # (in another language, the translated one stands for the pack's English sentence).
    english_steps = _next_steps(regime, decision.decision, decision.inputs, decision_id)
    paragraphs = tuple(p for p in paragraphs if p not in steps and p not in english_steps)
    post = decision.inputs.get("post_country", "")
    bases = tuple(
        LegalBasis(m.id, m.sanction_id, m.summary, m.citation or regime.citation, m.starts)
        for m in chosen
    )
    return Letter(
        issuer=issuer(regime, decision.inputs),
        post=country_name(post) if post else "",
        dated=decision.decision_on,
        reference=decision.inputs.get("application_id") or words("(not given)"),
        decision_id=decision_id,
        decision=decision.decision,
        decision_words=_decision_words(decision.decision, words),
        title=template.title if words.english else _title(decision.decision, regime, words),
        facts=facts,
        paragraphs=paragraphs,
        legal_basis=tuple(
            b if words.english else LegalBasis(**{**b.__dict__, "said": basis_sentence(b, words)})
            for b in bases
        ),
        citations=decision.citations,
        next_steps=steps,
        beside_heading=words(
            "Not under {regime}, and not decided by this notice:", regime=regime.called
        ),
        beside=tuple(f"{f.sentence()}: {f.reason}" for f in related),
        note=note,
        pack=policy.pack,
        pack_version=policy.version,
        synthetic=synthetic,
        language=words.language,
        words={key: words(message) for key, message in HEADINGS.items()},
        dated_words=words.day(decision.decision_on) if decision.decision_on else "",
        as_recorded="" if words.english else words(AS_RECORDED),
    )


def _title(decision: str, regime: Regime, words: Wording) -> str:
    """The notice's heading in another language (the pack's title is English)."""
    if decision == "discontinued":
        return words("Notice: visa issuance discontinued under {regime}", regime=regime.called)
    return words("Notice: visa issued with restrictions under {regime}", regime=regime.called)


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


def _decision_words(decision: str, words: Wording = IN_ENGLISH) -> str:
    if decision == "discontinued":
        return words(
            "Your visa application has been decided: a visa cannot be issued to you at this time."
        )
    return words(
        "Your visa application has been decided: any visa issued to you carries the restrictions "
        "set out below."
    )


def _next_steps(
    regime: Regime,
    decision: str,
    inputs: Mapping[str, str],
    decision_id: str,
    words: Wording = IN_ENGLISH,
) -> tuple[str, ...]:
    """What the applicant may do, in the regime's words on appeal, refund and resumption (the
    resumption condition is the regime's own sentence: quoted as recorded)."""
    appeal = words(
        "This decision can be appealed under the law of the state that decided it; the post "
        "will tell you how."
        if regime.appeal
        else "There is no appeal of this decision."
    )
    refund = words(
        "The visa application fee will be refunded."
        if regime.fee_refunded
        else "The visa application fee will not be refunded."
    )
    reference = inputs.get("application_id")
    quote = (
        words(
            "reference {reference} and decision {decision}",
            reference=reference,
            decision=decision_id,
        )
        if reference
        else decision_id
    )
    steps = [f"{appeal} {refund}", " ".join(regime.resumption_condition.split())]
    if decision == "discontinued":
        steps.append(
            words(
                "You may apply again: a new application is decided against the measures in "
                "force on the day it is made."
                if regime.governing_date == "application_date"
                else "You may apply again: a new application is decided against the measures in "
                "force on the day it is decided."
            )
        )
    steps.append(
        words("Quote {quote} in any letter to the post about this application.", quote=quote)
    )
    return tuple(steps)


def _values(
    policy: Policy,
    decision: Decision,
    chosen: list[Measure],
    decision_id: str,
    title: str,
    words: Wording = IN_ENGLISH,
) -> dict[str, str]:
    post = decision.inputs.get("post_country", "")
    regime = policy.regime

    def day(value: date | None) -> str:
        if value is None:
            return ""
        return value.isoformat() if words.english else words.day(value)

    return {
        "title": title,
        "application_id": decision.inputs.get("application_id") or words("(not given)"),
        "decision_id": decision_id,
        "pack": policy.pack,
        "pack_version": policy.version,
        "post_country": f"{words.country(post)} ({post})" if post else "",
        "decision_date": day(decision.decision_on),
        "governing_date": day(decision.governing_on),
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
