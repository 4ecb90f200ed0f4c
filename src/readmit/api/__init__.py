"""readmit.api."""
