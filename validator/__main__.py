"""`python -m validator` runs the `validate` command."""

from validator.cli import console

raise SystemExit(console())
