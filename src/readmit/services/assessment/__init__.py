"""Cooperation assessed against the published standard: figures from the ledger, partner claims
beside them, the cooperation pack, and assessments recorded for a determination to cite.

May use the domain, the store and ``services.context``; no other service package (it reads the
measures in force from the store).
"""
