"""readmit.demo."""
