"""The partner country's side: a liaison acknowledges or contests recorded events, asserts its
own, answers charter requests; the inbox of what awaits an answer.

May use the domain, the store, ``services.context`` and ``services.cases``.
"""
