"""`python -m matching migrate|api|relay|consume|all`."""

from servicekit.runtime import build_cli

from matching.app import spec

build_cli(spec)()
