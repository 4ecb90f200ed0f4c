"""``readmit check``, ``readmit screen`` and ``readmit decisions``: screening and its log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from readmit.cli.base import app, cli_actor, err, get_app, out, print_json, say
from readmit.domain.dates import parse_date
from readmit.domain.errors import InvalidInput
from readmit.domain.screening import NeededInput
from readmit.domain.screening_letter import ENGLISH, Letter
from readmit.services.screening import letter_words, letters, single
from readmit.services.screening import replay as replays
from readmit.services.screening.batch import screen_file
from readmit.services.screening.engine import ScreeningRequest, ScreeningResult

decisions_app = typer.Typer(help="The screening decision log.")
app.add_typer(decisions_app, name="decisions")
ROLE = "consular_officer"


def _field(help_text: str) -> Any:
    """A text field of the application, empty unless given (its flag named after it)."""
    return typer.Option("", help=help_text)


@app.command("check")
def check(
    nationality: str = _field("ISO code of the applicant's nationality."),
    visa_class: str = _field("Visa class applied for (B1/B2, F1, A3…)."),
    decision_date: str = _field("Day of the issuance decision (default today)."),
    post_country: str = _field("ISO code of the country of the post."),
    employer: str = _field("Employer's organisation code (KH-MFA…)."),
    rank: str = _field("Rank on the government's ladder (director_general…)."),
    relationship: str = _field("self, spouse, child, employee or other."),
    principal_employer: str = _field("The principal's employer."),
    principal_rank: str = _field("The principal's rank."),
    date_of_birth: str = _field("Where a measure has an age limit."),
    approved_exception: bool = typer.Option(
        False, "--approved-exception", help="The visa authority approved an exception."
    ),
    exception_reference: str = _field("Which approved exception."),
    application_id: str = _field("The application's identifier."),
    application_date: str = _field(
        "Day the application was lodged (governs where the pack says so: the EU, the UK)."
    ),
    residence: str = _field("ISO code of the country of residence."),
    other_nationalities: str = _field("Other nationalities, ;-separated."),
    passport_type: str = _field("ordinary, diplomatic or service (where the pack reads it)."),
    family_of_eu_citizen: str = _field("true or false (where the pack reads it)."),
    member_state: str = _field("ISO code of the consulate's state (where the pack reads it)."),
    pack: str = typer.Option(
        None,
        "--pack",
        help="Screen under this regime (a pack of the registry); default: the installation's pack.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
    with_letter: bool = typer.Option(
        False, "--letter", help="Print the letter to the applicant (or write it: --output)."
    ),
    output: Path = typer.Option(
        None,
        "--output",
        help="With --letter: write the letter to this file, .pdf (printable) or .txt.",
    ),
    lang: str = typer.Option(
        "en",
        "--lang",
        help="With --letter: the letter's language, en (English), fr (French) or km (Khmer); "
        "the policy pack's wording and the legal basis stay as recorded (English).",
    ),
    needed: bool = typer.Option(
        False, "--inputs-needed", help="List the fields that could change the outcome."
    ),
) -> None:
    """Screen one application against the sanctions in force on the decision date."""
    application = get_app()
    if needed:
        day = parse_date(decision_date, "--decision-date")
        needed_inputs = single.needed_inputs(
            application, nationality, post_country=post_country, decision_date=day, pack=pack
        )
        _print_needed(needed_inputs, as_json)
        return
    inputs: dict[str, Any] = {
        "application_id": application_id,
        "nationality": nationality,
        "visa_class": visa_class,
        "decision_date": decision_date,
        "post_country": post_country,
        "employer": employer,
        "rank": rank,
        "relationship": relationship,
        "principal_employer": principal_employer,
        "principal_rank": principal_rank,
        "date_of_birth": date_of_birth,
        "approved_exception": "true" if approved_exception else "",
        "exception_reference": exception_reference,
        "application_date": application_date,
        "residence": residence,
        "other_nationalities": other_nationalities,
        "passport_type": passport_type,
        "family_of_eu_citizen": family_of_eu_citizen,
        "member_state": member_state,
    }
    _check_output(output, with_letter)
    language = _check_language(lang, with_letter, output)
    actor = cli_actor(application, ROLE)
    result = single.screen_one(application, actor, ScreeningRequest(inputs=inputs, pack=pack))
    letter = (
        letters.composed_for(application, result, language)
        if with_letter and result.has_letter
        else None
    )
    if output is None:
        _render(result, letter.text() if letter else None, as_json)
    else:
        _render(result, None, as_json)
        _write_letter(letter, output, result.decision.decision)
    if result.decision.decision == "invalid":
        raise typer.Exit(2)


def _check_output(output: Path | None, with_letter: bool) -> None:
    """Refuse an --output the letter cannot be written to, before anything is decided."""
    if output is None:
        return
    if not with_letter:
        raise typer.BadParameter("--output writes the letter: add --letter", param_hint="--output")
    if output.suffix.lower() not in {".pdf", ".txt"}:
        raise typer.BadParameter(
            f"{output} is neither .pdf nor .txt: name a .pdf (printable) or a .txt file",
            param_hint="--output",
        )
    if not output.parent.is_dir():
        raise typer.BadParameter(
            f"the folder {output.parent} does not exist", param_hint="--output"
        )


def _check_language(lang: str, with_letter: bool, output: Path | None) -> str:
    """Refuse a language no letter is written in (or a Khmer PDF without a Khmer font), before
    anything is decided."""
    try:
        language = letter_words.language_of(lang)
    except InvalidInput as error:
        raise typer.BadParameter(error.message, param_hint="--lang") from None
    if language != ENGLISH and not with_letter:
        raise typer.BadParameter(
            "--lang is the letter's language: add --letter", param_hint="--lang"
        )
    pdf = output is not None and output.suffix.lower() == ".pdf"
    if language == "km" and pdf:
        # The PDF writer is imported only when a PDF is asked for: its library takes half a
        # second to load, which every ``readmit screen`` of a file would otherwise pay.
        from readmit.services.screening import letter_pdf

        if letter_pdf.khmer_font() is None:
            raise typer.BadParameter(
                "a PDF letter in Khmer needs a font with Khmer glyphs and none is installed: "
                "install one (Debian: apt-get install fonts-khmeros), or write a .txt",
                param_hint="--lang",
            )
    return language


def _write_letter(letter: Letter | None, output: Path, decision: str) -> None:
    """Write the letter as PDF or text; say so, or say why there is none."""
    if letter is None:
        err.print(f"no letter for a decision of {decision}: {output} not written")
        return
    if output.suffix.lower() == ".pdf":
        from readmit.services.screening import letter_pdf  # see _check_language

        output.write_bytes(letter_pdf.render(letter))
    else:
        output.write_text(letter.text(), encoding="utf-8")
    err.print(f"letter to the applicant written to {output}")


def _print_needed(fields: list[NeededInput], as_json: bool) -> None:
    if as_json:
        print_json([{"field": f.field, "why": f.why} for f in fields])
        return
    for f in fields:
        say(f"{f.field}: {f.why}")
    if not fields:
        say("no further field can change the outcome: nothing is in force there")


def _render(result: ScreeningResult, letter: str | None, as_json: bool) -> None:
    d = result.decision
    if as_json:
        print_json(result.to_dict(letter))
        return
    out.print(
        f"[bold]{d.decision}[/]  (decision {result.decision_id}, "
        f"pack {result.pack} {result.pack_version})"
    )
    if d.reasons:
        for reason in d.reasons.split(" | "):
            say(f"  {reason}")
    if d.restrictions:
        say(f"restrictions: {d.restrictions}")
    if d.citations:
        say(f"citations: {d.citations}")
    if d.holding:
        say("no appeal; the application fee is not refunded")
    _print_related(result)
    if letter:
        out.print("")
        out.print(letter, markup=False)
    elif result.has_letter:
        say("(add --letter to print the letter to the applicant)")


def _print_related(result: ScreeningResult) -> None:
    """The measures beside the regime, said after its decision, which they never change."""
    if not result.related:
        return
    said = "; ".join(f.sentence() for f in result.related)
    alone = result.decision.decision == "not_affected"
    say(f"not affected by {result.regime}; {said}" if alone else f"beside {result.regime}: {said}")
    for f in result.related:
        say(f"  {f.reason}")
        say(f"  source: {f.measure.all_sources[0]}")


@app.command("screen")
def screen(
    source: Path = typer.Argument(..., help="Input file, .csv or .parquet."),
    output: Path = typer.Option(..., "--output", help="Output file, .csv or .parquet."),
    as_of: str = typer.Option(None, "--as-of", help="Decide every row as of this date."),
    strict: bool = typer.Option(False, "--strict", help="Exit 1 if any row is invalid."),
    pack: str = typer.Option(
        None,
        "--pack",
        help="Screen under this regime (a pack of the registry); default: the installation's pack.",
    ),
) -> None:
    """Screen a file of applications: the same rows with decision columns added."""
    application = get_app()
    with Progress(
        TextColumn("screening"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("screen", total=1.0, rows=0)
        summary = screen_file(
            application,
            cli_actor(application, ROLE),
            source=source,
            target=output,
            as_of=parse_date(as_of, "--as-of"),
            pack=pack,
            progress=lambda rows, done: bar.update(task, completed=done, rows=rows),
        )
    err.print(
        f"batch {summary.batch_id}: {summary.rows + summary.malformed:,} rows "
        f"screened into {output}"
    )
    for decision, count in sorted(summary.by_decision.items(), key=lambda kv: -kv[1]):
        err.print(f"  {decision:<13} {count:>12,}")
    for measure, count in sorted(summary.by_measure.items()):
        err.print(f"  measure {measure:<14} {count:>10,}")
    if strict and summary.invalid:
        raise typer.Exit(1)


@decisions_app.command("replay")
def replay(
    decision_id: str,
    source: Path = typer.Option(None, "--input", help="The batch's input file (for a batch row)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-evaluate a logged decision and say whether the outcome is unchanged."""
    result = replays.replay(get_app(), decision_id, source)
    if as_json:
        print_json(result.to_dict())
        return
    verdict = "unchanged" if result.unchanged else "CHANGED"
    say(f"{result.decision_id}: outcome {verdict}")
    say(f"  then: {result.then.decision} {';'.join(result.then.measures)}")
    say(f"  now:  {result.now.decision} {';'.join(result.now.measures)}")
    for note in result.notes:
        say(f"  note: {note}")
