"""Export the events as an outside verifier reads them: one JSON object per line, each with the
fields its chain hash covers and the hash (docs/transparency.md, scripts/verify_log.py)."""

from __future__ import annotations

import json
from pathlib import Path

from readmit.domain.errors import InvalidInput
from readmit.services.context import App


def export_events(app: App, output: Path) -> int:
    """Write every event to ``output`` (JSON lines); return how many."""
    count = 0
    try:
        with app.uow(write=False) as uow, output.open("w", encoding="utf-8") as handle:
            for event in uow.ledger.iter_all():
                line = {**event.hashed_fields(), "hash": event.hash}
                handle.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
                count += 1
    except ValueError as error:
        raise InvalidInput(
            f"event {count + 1} cannot be read ({error}); readmit audit verify says why"
        ) from None
    except OSError as error:
        raise InvalidInput(f"cannot write {output}: {error}") from None
    return count
