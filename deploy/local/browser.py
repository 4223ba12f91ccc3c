"""What the console's browser tests drive: the distribution's Chromium and axe-core from npm.

Playwright never downloads a browser here (`playwright install` fetches builds from outside the
package registries); it launches the Chromium that `system-deps.sh` installs. axe-core is fetched
once with `npm pack` into the state cache, so no lock file or registry address is committed.
`python -m deploy.local.browser` prepares both and prints where they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from deploy.local.state import InfraError, cache_dir, file_lock

AXE_CORE_VERSION = "4.14.1"
CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium_path() -> Path:
    """GREENLINK_CHROMIUM wins; otherwise the distribution's binary on PATH."""
    named = os.environ.get("GREENLINK_CHROMIUM")
    found = named or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if not found or not Path(found).exists():
        raise InfraError("chromium not found: run deploy/local/system-deps.sh as root")
    return Path(found)


def axe_script() -> Path:
    """axe.min.js of the pinned axe-core, fetched on first use and kept in the cache."""
    target = cache_dir() / f"axe-core-{AXE_CORE_VERSION}" / "axe.min.js"
    if target.exists():
        return target
    with file_lock(cache_dir() / "axe-core.lock"):
        if not target.exists():
            _fetch_axe(target)
    return target


def _fetch_axe(target: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise InfraError("npm not found: run deploy/local/system-deps.sh as root")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        packed = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_CORE_VERSION}", "--silent", "--pack-destination", work],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if packed.returncode != 0:
            raise InfraError(f"npm pack axe-core failed: {packed.stderr.strip()}")
        tarball = Path(work) / packed.stdout.strip().splitlines()[-1]
        with tarfile.open(tarball) as archive:
            member = archive.extractfile("package/axe.min.js")
            if member is None:
                raise InfraError(f"{tarball.name} holds no axe.min.js")
            partial = Path(work) / "axe.min.js"
            partial.write_bytes(member.read())
        partial.replace(target)  # the rename keeps a half-written copy invisible


def main() -> None:
    print(f"chromium: {chromium_path()}")
    print(f"axe-core {AXE_CORE_VERSION}: {axe_script()}")


if __name__ == "__main__":
    main()
