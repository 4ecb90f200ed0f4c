"""The country brief: one model of a country's record, rendered as HTML or PDF with its charts.
Records no event.

May use the domain, the store, ``services.context`` and the read side of
``services.assessment`` and ``services.sanctions``.
"""
