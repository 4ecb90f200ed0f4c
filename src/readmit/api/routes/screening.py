"""Screening one application, the inputs a decision needs, and the decision log (replay)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from readmit.api.deps import Caller, Ctx, IdempotencyKey
from readmit.api.errors import error_responses
from readmit.api.schemas import CountryCode, LetterOut, NeededOut, ReplayOut, ScreenIn, ScreeningOut
from readmit.api.schemas.common import Day
from readmit.api.security import PolicyRoute, policy
from readmit.domain.permissions import Permission as P
from readmit.services.screening import letter_pdf, letter_words, letters, single
from readmit.services.screening import replay as replays
from readmit.services.screening.engine import ScreeningRequest

router = APIRouter(tags=["screening"], route_class=PolicyRoute)
DecisionId = Annotated[str, Path(min_length=1, max_length=80)]
ERRORS = error_responses(401, 403, 404, 422)
# The letter's language: English by default, or one of the demo's partners' (a 422 otherwise).
Lang = Annotated[
    str | None,
    Query(
        max_length=8,
        description="The letter's language: en (default), fr or km. Its own words are "
        "translated; the policy pack's wording and the legal basis stay as recorded (English).",
    ),
]


@router.post("/screen", response_model=ScreeningOut, responses=error_responses(401, 403, 422))
@policy(P.SCREEN)
async def screen(
    body: ScreenIn,
    app: Ctx,
    actor: Caller,
    letter: Annotated[bool, Query(description="Render the letter when one is due")] = True,
    idempotency_key: IdempotencyKey = None,
) -> Any:
    """Screen one application against the measures in force on its decision date (logged)."""
    inputs = body.model_dump()
    pack = inputs.pop("pack")
    if isinstance(inputs["approved_exception"], bool):
        inputs["approved_exception"] = "true" if inputs["approved_exception"] else ""
    if isinstance(inputs["family_of_eu_citizen"], bool):
        inputs["family_of_eu_citizen"] = str(inputs["family_of_eu_citizen"]).lower()
    # Async: the decision takes a fraction of a millisecond in the loop; only the log waits.
    request = ScreeningRequest(inputs=inputs, pack=pack)
    result = await single.screen_one_async(app, actor, request)
    rendered = letters.letter_for(app, result) if letter and result.has_letter else None
    return result.to_dict(rendered)


@router.get("/screen/inputs-needed", response_model=list[NeededOut], responses=ERRORS)
@policy(P.SCREEN)
def inputs_needed(
    app: Ctx,
    nationality: Annotated[CountryCode, Query()],
    post_country: Annotated[CountryCode, Query()],
    decision_date: Annotated[Day | None, Query()] = None,
    pack: Annotated[
        str | None, Query(max_length=64, description="A pack of the registry; default: yours")
    ] = None,
) -> Any:
    """The fields that could change the outcome here, so a form asks only for those."""
    found = single.needed_inputs(
        app, nationality, post_country=post_country, decision_date=decision_date, pack=pack
    )
    return [{"field": f.field, "why": f.why} for f in found]


@router.get("/decisions/{decision_id}/letter", response_model=LetterOut, responses=ERRORS)
@policy(P.SCREEN)
def decision_letter(decision_id: DecisionId, app: Ctx, actor: Caller, lang: Lang = None) -> Any:
    """The letter of a logged single decision of yours (discontinued or restricted)."""
    language = letter_words.language_of(lang)
    return {
        "decision_id": decision_id,
        "letter": letters.letter(app, actor, decision_id, language),
    }


@router.get(
    "/decisions/{decision_id}/letter.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The letter as a printable PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        },
        **ERRORS,
    },
)
@policy(P.SCREEN)
def decision_letter_pdf(decision_id: DecisionId, app: Ctx, actor: Caller, lang: Lang = None) -> Any:
    """The letter of a logged single decision of yours, as a PDF to print or send (in Khmer,
    with a Khmer font embedded)."""
    language = letter_words.language_of(lang)
    pdf = letter_pdf.render(letters.letter_of(app, actor, decision_id, language))
    suffix = "" if language == "en" else f"-{language}"
    disposition = f'inline; filename="letter-{decision_id}{suffix}.pdf"'
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": disposition})


@router.get("/decisions/{decision_id}/replay", response_model=ReplayOut, responses=ERRORS)
@policy(P.DECISION_REPLAY)
def replay(decision_id: DecisionId, app: Ctx, actor: Caller) -> Any:
    """Re-evaluate a logged decision as the ledger stood then and now; say if it changed (your
    own decisions, or every officer's for roles with decision:read_all)."""
    return replays.replay_as(app, actor, decision_id).to_dict()
