"""Garbage-collector settings for a serving process: fewer, cheaper full collections.

Measured on the load test's data (benchmarks/README.md): with CPython's defaults, a full collection ran
every 12 or so API list requests and took 110-200 ms. It walks every object the process holds, about
170,000 after Django, DRF, NumPy, DuckDB and the app have loaded. That one pause was most of the p95 of
/api/action-lines/ (p50 45 ms, p95 230 ms). Freezing what exists once the application is loaded moves
those objects out of the collector's sight for good. Modules, classes and settings are never garbage.
A larger first threshold stops requests that build many objects from pushing their own short-lived
objects into the old generations. Reference counting still frees almost everything at once; the
collector only finds cycles, and these settings run it less often, not never.
"""

import gc

# Objects allocated (net) before a young collection; CPython's default is 700.
YOUNG_THRESHOLD = 20_000


def tune_for_serving() -> None:
    """Call once the application is loaded (the end of the WSGI module), in each worker process."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, 10, 10)
