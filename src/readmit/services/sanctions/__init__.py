"""Sanctions under the policy pack: the six steps (determination, notification, order,
amendment, compliance, lift) and verifications, the registry as of any date, the pack itself.

May use the domain, the store, the packs and ``services.context``.
"""
