"""Public, de-identified files: the sanctions registry and the cooperation figures, with a data
dictionary and the ledger position they were read at. Records no event.

May use the domain, the store, ``services.context``, ``services.access`` (the access log) and
the read side of ``services.assessment`` and ``services.sanctions``.
"""
