"""``readmit claims``: figures asserted outside the ledger, and partner measures, with sources."""

from __future__ import annotations

import typer

from readmit.cli.base import app, get_app, out, print_json
from readmit.packs.sources import load_articles
from readmit.services.assessment import claims as service

claims_app = typer.Typer(help="Claims: figures asserted outside the ledger, each with its source.")
app.add_typer(claims_app, name="claims")


@claims_app.command("list")
def list_claims(
    country: str = typer.Argument(..., help="Country (ISO code, e.g. KH)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the claims about a country and the measures it took in return, with sources."""
    found = service.list_claims(get_app(), country)
    if as_json:
        print_json(found)
        return
    articles = load_articles()
    out.print(f"[bold]claims about {found['country_name']} ({found['country']})[/]")
    for claim in found["claims"]:
        metric = f" [{claim['metric']}]" if claim["metric"] else ""
        when = (
            f"{claim['refers_from']} – {claim['refers_to']}"
            if claim["refers_from"]
            else (claim["refers_to"])
        )
        out.print(
            f"  {claim['figure_text']}: {claim['counts']}{metric} — {claim['asserted_by']}, "
            f"{when}; source: {articles.plain(claim['source'])}",
            markup=False,
        )
    if found["partner_measures"]:
        out.print("[bold]measures taken in return[/]")
    for measure in found["partner_measures"]:
        out.print(
            f"  {measure['occurred_on']} ({measure['date_precision']}): {measure['measure']}"
            f" — {measure['asserted_by']}; source: {articles.plain(measure['source'])}",
            markup=False,
        )
