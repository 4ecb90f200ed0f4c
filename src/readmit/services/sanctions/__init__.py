"""Sanctions under the policy pack: the six steps (determination, notification, order,
amendment, compliance, lift) and verifications, the registry as of any date, the pack itself,
and the pack's related measures (``related``: restrictions beside the sanctions, not among them).

May use the domain, the store, the packs and ``services.context``.
"""
