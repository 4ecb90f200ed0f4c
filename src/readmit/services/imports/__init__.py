"""Bulk import of cases and events from CSV or Parquet: rows checked one by one, rejected rows
reported, chunks committed whole (pipelined over two processes for large files), back-fills.

May use the domain, the store, the batch readers, ``services.context`` and ``services.cases``
(the same events a case command records).
"""
