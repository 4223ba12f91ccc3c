"""`python -m scoring migrate|api|relay|consume|all`."""

from servicekit.runtime import build_cli

from scoring.app import spec

build_cli(spec)()
