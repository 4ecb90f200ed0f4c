"""Pure rules, no I/O: cases, flights, sanctions, screening, cooperation, events."""
