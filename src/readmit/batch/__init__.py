"""readmit.batch."""
