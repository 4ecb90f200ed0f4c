"""Who may act: users, passwords, API tokens and web sessions, the access log, idempotency keys.

May use the domain, the store and ``services.context``; no other service package.
"""
