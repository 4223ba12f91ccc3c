"""Kafka comes from Maven Central as jars, so no tarball or Docker image is needed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from deploy.local.state import InfraError, cache_dir, file_lock

KAFKA_VERSION = "4.3.1"
POM = Path(__file__).resolve().parent / "kafka" / "pom.xml"
TOOLS_POM = POM.parent / "tools" / "pom.xml"
PACKAGES = {"java": "openjdk-17-jre-headless", "mvn": "maven"}


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise InfraError(
            f"`{tool}` not found on PATH; install it: apt-get install {PACKAGES[tool]}"
        )
    return path


def ensure_kafka_jars() -> Path:
    """The broker's jars (kafka_2.13 and its runtime dependencies)."""
    return _ensure_jars(f"kafka-{KAFKA_VERSION}", POM, "kafka_2.13-*.jar")


def ensure_kafka_tools_jars() -> Path:
    """Kafka's command-line tools of the broker's version (ProducerPerformance, AclCommand)."""
    return _ensure_jars(f"kafka-tools-{KAFKA_VERSION}", TOOLS_POM, "kafka-tools-*.jar")


def _ensure_jars(name: str, pom: Path, marker: str) -> Path:
    """Download once per cache; the rename makes a half-finished copy invisible to others."""
    libs = cache_dir() / name / "libs"
    if libs.is_dir():
        return libs
    with file_lock(libs.parent.parent / f"{name}.lock"):
        if libs.is_dir():
            return libs
        mvn = require("mvn")
        libs.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=libs.parent, prefix=".download-") as tmp:
            staged = Path(tmp) / "libs"
            command = [
                mvn,
                "-q",
                "-B",
                "-f",
                str(pom),
                f"-Dkafka.version={KAFKA_VERSION}",
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staged}",
            ]
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0 or not any(staged.glob(marker)):
                tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
                raise InfraError(f"maven could not fetch {name} jars: " + " | ".join(tail))
            staged.rename(libs)
    return libs
