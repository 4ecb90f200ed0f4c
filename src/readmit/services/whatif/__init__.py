"""What-if analysis: backlog forecasts with their uncertainty, and scenarios (an amended
agreement, another standard, a wider or narrower measure, other process rates) compared with the
ledger as it is. Computed beside the ledger on a read snapshot, never written into it.

May use the domain, the store, the packs, the read side of ``assessment``, ``sanctions.pack``,
the screening engine's read helpers and ``services.context``; it records no event.
"""
