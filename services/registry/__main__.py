"""`python -m registry migrate|api|relay|consume|all`."""

from servicekit.runtime import build_cli

from registry.app import spec

build_cli(spec)()
