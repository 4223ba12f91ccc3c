"""`python -m registry migrate|api|relay|consume|all`."""

from registry.app import spec
from servicekit.runtime import build_cli

build_cli(spec)()
