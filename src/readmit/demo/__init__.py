"""The demo: a seeded, synthetic scenario true to the public record, and the run that shows it.

Every person in it is synthetic (names start with ``SYNTHETIC``, case ids with ``SYN-``); the
figures that the public record gives (docs/sources.md) are reproduced exactly, the rest is
plausible.
"""
