"""The letter an applicant receives, rendered from the pack's template.

No real INA 243(d) letter is public: the templates are reconstructions from published wording
and say so in their text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from string import Template

from readmit.domain.countries import country_name
from readmit.domain.errors import InvalidInput
from readmit.domain.sanctions import Measure, restriction_text
from readmit.domain.sanctions_policy import Policy
from readmit.domain.sanctions_related import RelatedFinding
from readmit.domain.screening import Decision


def render_letter(
    policy: Policy,
    decision: Decision,
    measures: Mapping[str, Measure],
    decision_id: str,
    related: Sequence[RelatedFinding] = (),
) -> str:
    """Render the letter for a discontinued or restricted decision.

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
    post = decision.inputs.get("post_country", "")
    regime = policy.regime
    values = {
        "title": template.title,
        "application_id": decision.inputs.get("application_id") or "(not given)",
        "decision_id": decision_id,
        "pack": policy.pack,
        "pack_version": policy.version,
        "post_country": f"{country_name(post)} ({post})" if post else "",
        "decision_date": decision.decision_on.isoformat() if decision.decision_on else "",
        "visa_class": decision.inputs.get("visa_class", ""),
        "determining_authority": regime.determining_authority,
        "visa_authority": regime.visa_authority,
        "country_name": country_name(post),
        "measure_summaries": "\n".join(f"  - {m.summary} ({m.id})" for m in chosen),
        "restrictions": "; ".join(restriction_text(m.restrictions) for m in chosen),
        "resumption_condition": regime.resumption_condition,
        "citations": decision.citations,
    }
    text = Template(template.body).safe_substitute(values).rstrip() + "\n"
    return text + _beside(regime.called, related)


def _beside(regime: str, related: Sequence[RelatedFinding]) -> str:
    """The related measures, said as what this notice does not decide."""
    if not related:
        return ""
    lines = [f"  - {f.sentence()}: {f.reason}" for f in related]
    head = f"Not under {regime}, and not decided by this notice:"
    return "\n" + head + "\n" + "\n".join(lines) + "\n"
