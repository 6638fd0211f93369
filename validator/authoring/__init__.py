"""Tools for people who code datasets by hand: cite a span, start a dataset, rehash it.

Each tool is a function that returns a value or raises `UsageError` with a
message for the person at the keyboard; `validator.authoring.cli` is the
`textevents` command that wraps them.  None writes a file that already
exists unless told to, and every file is written whole or not at all.
"""
