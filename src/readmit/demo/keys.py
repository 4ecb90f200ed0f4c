"""Dedupe keys of the demo's events: from the seed and the event's place in its subject's
history, so a repeated build recognises what is already recorded."""

from __future__ import annotations

import hashlib

from readmit.services.imports.backfill import REFERENCE

SCENARIO_VERSION = "3"


def event_key(seed: int, subject_id: str, index: int | str) -> str:
    """The key of the ``index``-th event the demo records about ``subject_id``."""
    text = f"readmit-demo/{SCENARIO_VERSION}/{seed}/{subject_id}/{index}"
    return hashlib.sha256(text.encode()).hexdigest()


def reference(key: str) -> str:
    """A payload value the back-fill replaces by the id of the event with this key."""
    return f"{REFERENCE}{key}"
