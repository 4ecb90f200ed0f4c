"""readmit: an auditable ledger of removal cooperation and visa sanctions."""

__version__ = "0.1.0"
