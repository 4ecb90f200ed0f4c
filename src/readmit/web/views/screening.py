"""Consular officer: the screening desk (only the inputs needed), the decision, the letter, and
batch screening with progress and a download."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from readmit.domain.countries import country_code
from readmit.domain.errors import InvalidInput
from readmit.domain.permissions import Permission
from readmit.domain.sanctions_policy import RELATIONSHIPS
from readmit.domain.sanctions_related import RelatedFinding
from readmit.domain.screening import INPUT_COLUMNS, input_columns
from readmit.domain.screening_letter import ENGLISH
from readmit.services.assessment import figures
from readmit.services.sanctions import registry as sanctions
from readmit.services.sanctions.pack import (
    current_pack,
    pack_of_regime,
    registry_packs,
    screening_pack,
)
from readmit.services.screening import jobs, letter_pdf, letter_words, letters, replay, single
from readmit.services.screening.engine import ScreeningRequest, related_for
from readmit.web.render import environment
from readmit.web.scope_words import effect_words, scope_in_words
from readmit.web.site import View
from readmit.web.views import site
from readmit.web.windows import default_end

P = Permission
NO_FILE = "choose a .csv or .parquet file to screen"
BASICS = ("nationality", "post_country", "decision_date", "visa_class")
LABELS = {
    "application_id": "Application number",
    "nationality": "Nationality",
    "visa_class": "Visa class",
    "decision_date": "Date of the issuance decision",
    "post_country": "Country of the post",
    "employer": "Employer",
    "rank": "Rank",
    "relationship": "Relationship to the principal",
    "principal_employer": "Principal's employer",
    "principal_rank": "Principal's rank",
    "date_of_birth": "Date of birth",
    "approved_exception": "Exception approved by the visa authority",
    "application_date": "Filing date",
    "residence": "Country of residence",
    "other_nationalities": "Other nationalities",
    "exception_reference": "Reference of the approved exception",
    "passport_type": "Passport type",
    "family_of_eu_citizen": "Family member of an EU citizen",
    "member_state": "State of the consulate",
}


def field_choices(view: View, name: str, country: str) -> list[tuple[str, str]]:
    """Return (value, label) choices for a select field, or [] for a free field."""
    policy = current_pack(view.app).policy
    if name in {"employer", "principal_employer"}:
        codes = sorted(policy.organisations.codes_of(country))
        return [("", "none declared (private applicant)")] + [
            (c, policy.organisations.name(c)) for c in codes
        ]
    if name in {"rank", "principal_rank"}:
        ladder = policy.ranks.ladder(country)
        return [("", "not given")] + [(r, r.replace("_", " ").title()) for r in ladder]
    if name == "relationship":
        return [("", "none declared (applying for herself or himself)")] + [
            (r, r) for r in RELATIONSHIPS
        ]
    if name == "approved_exception":
        return [("", "none"), ("true", "yes, approved"), ("false", "no")]
    if name == "passport_type":
        return [("", "ordinary"), ("diplomatic", "diplomatic"), ("service", "service")]
    if name == "family_of_eu_citizen":
        return [("", "not declared"), ("true", "yes"), ("false", "no")]
    return []


def regime_choices(view: View) -> list[tuple[str, str]]:
    """The registry's regimes, (pack, its law), when it holds more than one: a post chooses."""
    packs = registry_packs(view.app)
    return [(p.name, p.policy.regime.citation or p.name) for p in packs] if len(packs) > 1 else []


@site.page("/screening", "screening.html", P.SCREEN, "Screening desk", nav="Screening")
def desk(view: View) -> dict[str, Any]:
    """Ask the basics first; then only the inputs that could change the outcome."""
    default_day, default_from = default_decision_day(view)
    basics = {name: view.arg(name) for name in BASICS}
    loaded = screening_pack(view.app, view.arg("pack") or None)
    pack = loaded.name
    needed: list[dict[str, Any]] = []
    ready = all(basics.values())
    if ready:
        nationality = country_code(basics["nationality"])
        day = view.date_arg("decision_date", default_day)
        found = single.needed_inputs(
            view.app,
            nationality,
            post_country=basics["post_country"],
            decision_date=day,
            pack=pack,
        )
        needed = [
            {
                "name": n.field,
                "label": LABELS.get(n.field, n.field),
                "why": n.why,
                "choices": field_choices(view, n.field, nationality),
                "date": n.field in {"date_of_birth", "application_date"},
            }
            for n in found
            if n.field not in BASICS
        ]
    return {
        "basics": basics,
        "ready": ready,
        "needed": needed,
        "labels": LABELS,
        "regimes": regime_choices(view),
        "pack": pack,
        # Which day's measures apply is the regime's rule (the issuance decision's, the
        # lodging day's), said in the pack's words.
        "governing_date_says": loaded.policy.regime.governing_date_says,
        "default_decision_date": {"day": default_day.isoformat(), "from": default_from},
    }


def default_decision_day(view: View) -> tuple[date, str]:
    """The decision date the desk offers, and where it comes from: as every dated page, the
    ledger's last recorded day (a record that ends in 2022 is screened in 2022), else today."""
    day = default_end(view)
    last = figures.last_recorded_day(view.app)
    if last is not None and day == last:
        return day, "the ledger's last recorded day"
    if last is None:
        return day, "today, as the ledger records no case event yet"
    return day, "today, as the ledger's last recorded day is later"


@site.action("/screening", P.SCREEN)
def screen(view: View, form: FormData) -> str:
    """Screen one application against the measures in force on its decision date; log it."""
    inputs = {name: str(form.get(name) or "").strip() for name in INPUT_COLUMNS}
    pack = str(form.get("pack") or "").strip() or None
    request = ScreeningRequest(inputs=inputs, pack=pack)
    result = single.screen_one(view.app, view.actor(), request)
    return f"/screening/decisions/{result.decision_id}"


def matched_measures(view: View, ids: tuple[str, ...], day: date | None) -> list[dict[str, Any]]:
    """Describe the measures a decision matched, in plain words."""
    if not ids:
        return []
    policy = current_pack(view.app).policy
    views = sanctions.measures_in_force(view.app, day or date.today())
    return [
        {
            "id": v.measure.id,
            "sanction": v.measure.sanction_id,
            "scope": scope_in_words(v.measure, policy),
            "effect": effect_words(v.measure),
            "citation": v.measure.citation,
            "validity": v.validity,
        }
        for v in views
        if v.measure.id in ids
    ]


# As its API twin (GET /decisions/{id}/replay): one's own decisions, or every officer's for
# roles with decision:read_all; a batch row is replayed from the upload its job kept.
@site.page("/screening/decisions/{decision_id}", "decision.html", P.DECISION_REPLAY, "Decision")
def decision(view: View) -> dict[str, Any]:
    """A logged decision with its reasons, the measures matched, and whether a letter is due."""
    replayed = replay.replay_as(view.app, view.actor(), view.params["decision_id"])
    d = replayed.then
    pack = pack_of_regime(view.app, replayed.pack or None)
    regime = pack.policy.regime
    related = related_for(pack, d)
    return {
        "title": f"Decision: {d.decision.replace('_', ' ')}",
        "decision_id": replayed.decision_id,
        "decision": d.decision,
        "reasons": d.reasons,
        "why": _why(regime.called, d.decision, d.reasons, related),
        "regime_called": regime.called,
        "related": [{**f.to_dict(), "sentence": f.sentence()} for f in related],
        "citations": d.citations,
        "restrictions": d.restrictions,
        "decision_on": d.decision_on,
        "inputs": {k: v for k, v in d.inputs.items() if v},
        "labels": LABELS,
        "measures": matched_measures(view, d.measures, d.decision_on),
        # A letter is printed for a single decision, by a role that screens (as its API twin).
        "has_letter": d.decision in {"discontinued", "restricted"}
        and replayed.kind == "single"
        and view.user is not None
        and view.user.may(P.SCREEN),
        "appeal": regime.appeal,
        "fee_refunded": regime.fee_refunded,
        "resumption": regime.resumption_condition,
        "pack_version": replayed.pack_version_then,
        "unchanged_today": replayed.unchanged,
        "source": f"the decision log (decision {replayed.decision_id}) and the sanctions in "
        f"the ledger on {d.decision_on}; policy pack version {replayed.pack_version_then}",
    }


def _why(regime: str, decision: str, reasons: str, related: tuple[RelatedFinding, ...]) -> str:
    """The decision's reason in one line: 'not affected by 243(d); a separate … applies'."""
    if decision == "not_affected" and related:
        return f"not affected by {regime}; " + "; ".join(f.sentence() for f in related)
    return reasons


@site.page(
    "/screening/decisions/{decision_id}/letter", "letter.html", P.SCREEN, "Letter to the applicant"
)
def letter(view: View) -> dict[str, Any]:
    """The printable letter of a discontinued or restricted decision, in the language chosen
    with ``?lang=`` (English by default; the officer's tools around it stay in English)."""
    decision_id = view.params["decision_id"]
    language = letter_words.language_of(view.arg("lang"))
    composed = letters.letter_of(view.app, view.actor(), decision_id, language)
    base = f"/screening/decisions/{decision_id}/letter"
    return {
        "decision_id": decision_id,
        "letter": composed.to_dict(),
        "text": composed.text(),
        "pdf": f"{base}.pdf" if language == ENGLISH else f"{base}.pdf?lang={language}",
        "letter_languages": [
            {
                "code": code,
                "name": name,
                "href": base if code == ENGLISH else f"{base}?lang={code}",
                "current": code == language,
            }
            for code, name in letter_words.LANGUAGES.items()
        ],
    }


@site.raw("/screening/decisions/{decision_id}/letter.pdf", P.SCREEN)
def letter_as_pdf(view: View) -> Response:
    """The letter as a PDF to print or send (as GET /api/v1/decisions/{id}/letter.pdf), in the
    language chosen with ``?lang=``."""
    decision_id = view.params["decision_id"]
    language = letter_words.language_of(view.arg("lang"))
    composed = letters.letter_of(view.app, view.actor(), decision_id, language)
    pdf = letter_pdf.render(composed)
    suffix = "" if language == ENGLISH else f"-{language}"
    disposition = f'inline; filename="letter-{decision_id}{suffix}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@site.page("/screening/batch", "batch.html", P.SCREEN, "Batch screening")
def batch_form(view: View) -> dict[str, Any]:
    """The upload form, with the columns a file must have."""
    return {"columns": list(input_columns(current_pack(view.app).policy))}


@site.action("/screening/batch", P.SCREEN)
def batch_upload(view: View, form: FormData) -> str:
    """Start screening an uploaded CSV or Parquet file in the background, as the API does."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidInput(NO_FILE)
    with upload.file:  # the site does not close a posted form; its file is done with once stored
        if not upload.filename:
            raise InvalidInput(NO_FILE)
        if not upload.size:  # said at once here; the API's caller learns it from the failed job
            raise InvalidInput("the uploaded file is empty")
        job = jobs.submit_job(view.app, view.actor(), filename=upload.filename, upload=upload.file)
    return f"/screening/batch/{job.job_id}"


def job_context(view: View) -> dict[str, Any]:
    """Return a batch job to its owner (or a role with decision:read_all); to anyone else it
    does not exist."""
    job = jobs.get_job(view.app, view.actor(), view.params["job_id"])
    return {"title": f"Batch {job.input_name}", "job": job.__dict__}


@site.page("/screening/batch/{job_id}", "batch_job.html", P.SCREEN, "Batch")
def batch_job(view: View) -> dict[str, Any]:
    """A batch's progress, then its summary and download."""
    return job_context(view)


@site.raw("/screening/batch/{job_id}/progress", P.SCREEN)
def batch_progress(view: View) -> Response:
    """The progress fragment the job page polls (htmx)."""
    html = environment().get_template("batch_progress.html").render(**job_context(view))
    return HTMLResponse(html)


@site.raw("/screening/batch/{job_id}/download", P.SCREEN)
def batch_download(view: View) -> Response:
    """The screened file: the same rows with the decision columns added."""
    job, path = jobs.result_file(view.app, view.actor(), view.params["job_id"])
    return FileResponse(path, filename=f"{Path(job.input_name).stem}-screened{path.suffix}")
