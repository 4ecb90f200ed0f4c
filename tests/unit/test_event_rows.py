"""A chunk's rows sealed in one go hash exactly as ``chain_hash`` hashes each event."""

from __future__ import annotations

from typing import Any

from readmit.domain.events import GENESIS_HASH, canonical_json, chain_hash
from readmit.store.event_rows import PlainRow, seal_rows


def unsealed(seq: int, payload: Any, **fields: Any) -> PlainRow:
    row = {
        "id": f"{seq:032x}",
        "type": "presented",
        "subject_type": "case",
        "subject_id": f"A{seq:09d}",
        "occurred_on": "2020-01-02",
        "recorded_at": "2026-12-01T21:00:00.000000Z",
        "actor": "clerk",
        "role": "admin",
        "source": None,
        "key": f"20200102-{seq:055x}",
        **fields,
    }
    return (
        seq,
        row["id"],
        row["type"],
        row["subject_type"],
        row["subject_id"],
        row["occurred_on"],
        row["recorded_at"],
        row["actor"],
        row["role"],
        payload,
        row["source"],
        "",
        "",
        row["key"],
    )


def test_sealed_rows_chain_as_chain_hash_says_whatever_their_text() -> None:
    rows = [
        unsealed(1, {"country": "KH"}),
        unsealed(2, {"mode": "virtual", "n": 3, "ok": True, "none": None}),
        unsealed(3, '{"already":"json"}'),  # a payload already written as JSON stays as it is
        unsealed(4, {"nested": {"b": [1, 2]}, "a": 'é"\\\n'}, source='file "x".csv'),
        unsealed(5, {}, actor='Zoë "Q"', role="rôle\t", type="nöted", subject_type="n\\te"),
        unsealed(6, {"x": "\u2028"}, recorded_at="2026-12-01T21:00:00.000001Z", key=None),
        unsealed(7, {"country": "KH"}),  # the same fields as the first, escaped once
    ]
    sealed, hashes = seal_rows(rows, GENESIS_HASH)
    prev = GENESIS_HASH
    for row, got, digest in zip(rows, sealed, hashes, strict=True):
        payload = row[9] if isinstance(row[9], str) else canonical_json(row[9])
        fields = (*row[:9], payload, row[10])
        expected = chain_hash(fields, prev)
        assert digest == expected
        assert got == (*fields, prev, expected, row[13])
        prev = expected


def test_sealing_starts_from_the_hash_it_is_given() -> None:
    rows = [unsealed(8, {"n": 1})]
    after_genesis = seal_rows(rows, GENESIS_HASH)[1]
    after_another = seal_rows(rows, "ab" * 32)[1]
    assert after_genesis != after_another
    assert seal_rows([], GENESIS_HASH) == ([], [])
