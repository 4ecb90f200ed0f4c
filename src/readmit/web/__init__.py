"""readmit.web."""
