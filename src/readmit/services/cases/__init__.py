"""Removal cases: open and advance them, flights and their seats, who may see which case, and
the caseload lists.

May use the domain, the store, ``services.context`` and ``services.access`` (the access log).
"""
