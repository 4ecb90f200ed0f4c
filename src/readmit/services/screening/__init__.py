"""Screening visa applications against the measures in force: one decision (kept rules, a
group-committed log), a whole file, background jobs, replay of any logged decision, letters and
the queue of applications a lift releases.

May use the domain, the store, the batch engine, ``services.context``, ``services.sanctions``
(the pack) and ``services.access`` (idempotency and the access log).
"""
