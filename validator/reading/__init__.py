"""Reading datasets: find them, open their files safely, decode and parse strictly.

Everything that touches the file system or decodes bytes lives here, so the
checks can be pure functions over parsed values.  Failures to read or parse
are values (`Problem`s with a position), not exceptions: a broken file is a
finding, not a crash.
"""
