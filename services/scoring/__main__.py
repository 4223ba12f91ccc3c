"""`python -m scoring migrate|api|relay|consume|all`."""

from scoring.app import spec
from servicekit.runtime import build_cli

build_cli(spec)()
