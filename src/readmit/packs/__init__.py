"""readmit.packs."""
