"""`python -m validator` runs the `validate` command."""

from validator.cli import main

raise SystemExit(main())
