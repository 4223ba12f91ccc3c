"""`python -m matching migrate|api|relay|consume|all`."""

from matching.app import spec
from servicekit.runtime import build_cli

build_cli(spec)()
