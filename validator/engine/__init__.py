"""The only code that knows about speed: engines, the hot path, the id index, the pool, the run.

Checks (`validator.checks`) say what is wrong; this package decides how to
find out fast: one compiled engine call and the checks' screens per record,
the full checks only where a screen fails, chunks of large files and
datasets spread over processes, results merged in input order.
"""
