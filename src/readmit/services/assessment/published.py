"""Published figures: load them from the pack into their own table; list them, with sources.

They are counts a government published (ICE's annual reports, the DHS Yearbook), kept beside
the ledger and never mixed with it: no metric, rating or claim reads this table, and every
figure leaves it with its publisher, table title and address (``domain/published.py``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select

from readmit.domain.countries import country_code, country_name
from readmit.domain.events import canonical_json
from readmit.domain.published import MEASURE_WORDS, PublishedFigure, PublishedFiguresFile
from readmit.packs import DEFAULT_PACK
from readmit.packs.sources import load_published_figures
from readmit.services.context import App
from readmit.store.published_schema import published_figures
from readmit.store.sync import sync_rows

ABOUT = (
    "Counts published by US agencies (or, marked secondary, a news report quoting one), not "
    "counted from this ledger: they are never added to, "
    "compared with or rated as the ledger's figures. ICE counts fiscal years (FY2019 runs from "
    "1 October 2018 to 30 September 2019) and its removals include returns; the DHS Yearbook "
    "counts removals by every part of DHS. Each figure names its publisher and table."
)


def figure_id(figure: PublishedFigure, source_id: str) -> str:
    """Return a figure's stable identifier: country, measure, period and the source read."""
    return f"{figure.country}:{figure.measure}:{figure.period}:{source_id}"


def _values(figure: PublishedFigure, pack: PublishedFiguresFile) -> dict[str, Any]:
    source = pack.source_of(figure)
    start, end = figure.bounds()
    content = {**figure.model_dump(mode="json"), "source_id": source.id}
    return {
        "figure_id": figure_id(figure, source.id),
        "country": figure.country,
        "measure": figure.measure,
        "period": figure.period,
        "period_start": start,
        "period_end": end,
        "value": figure.value,
        "publisher": figure.publisher,
        "title": figure.title,
        "url": figure.url,
        "source_id": source.id,
        "secondary": figure.secondary,
        "note": figure.note,
        "content_hash": hashlib.sha256(canonical_json(content).encode()).hexdigest(),
    }


def load_pack_published(app: App, pack: str = DEFAULT_PACK) -> int:
    """Make the published figures table match the pack's; return the rows changed.

    Idempotent: running it again changes nothing unless the pack changed.
    """
    loaded = load_published_figures(pack)
    wanted = {v["figure_id"]: v for v in (_values(f, loaded) for f in loaded.figures)}
    with app.uow() as uow:
        changed = sync_rows(uow.conn, published_figures, "figure_id", wanted)
        uow.commit()
    return changed


def figure_row(row: Any) -> dict[str, Any]:
    """Return a stored figure as a JSON-ready dict, its source beside it."""
    return {
        "id": row["figure_id"],
        "kind": "published",
        "country": row["country"],
        "measure": row["measure"],
        "period": row["period"],
        "period_start": row["period_start"].isoformat(),
        "period_end": row["period_end"].isoformat(),
        "value": int(row["value"]),
        "secondary": bool(row["secondary"]),
        "note": row["note"],
        "source": {
            "id": row["source_id"],
            "publisher": row["publisher"],
            "title": row["title"],
            "url": row["url"],
        },
    }


def published_rows(app: App, country: str | None = None) -> list[dict[str, Any]]:
    """Return the published figures (of one country, or all), by country, measure, period."""
    c = published_figures.c
    query = select(published_figures).order_by(
        c.country, c.measure.desc(), c.period_start, c.source_id
    )
    if country is not None:
        query = query.where(c.country == country_code(country))
    with app.uow(write=False) as uow:
        return [figure_row(row) for row in uow.conn.execute(query).mappings()]


def published_for_country(app: App, country: str) -> dict[str, Any]:
    """Return a country's published figures, one table per measure and publisher, with what
    they are."""
    code = country_code(country)
    found = published_rows(app, code)
    tables = []
    for measure, words in MEASURE_WORDS.items():
        rows = [f for f in found if f["measure"] == measure]
        # One table per publisher: counts by different rules are not one series.
        for publisher in dict.fromkeys(f["source"]["publisher"] for f in rows):
            tables.append(
                {
                    "measure": measure,
                    "publisher": publisher,
                    "title": f"{words}: {publisher}",
                    "figures": [f for f in rows if f["source"]["publisher"] == publisher],
                }
            )
    return {
        "country": code,
        "country_name": country_name(code),
        "heading": "Published figures",
        "about": ABOUT,
        "tables": tables,
    }
