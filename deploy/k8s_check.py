"""Validates deploy/k8s offline: kubeconform, strict, against the schemas in deploy/k8s/schemas.

`make k8s-check` runs it; tests/deploy runs it in every `make test`. kubeconform is built once
with `go install` into .greenlink/cache (deploy/local/go_tools.py) and never looks anything up
on the network: every kind must have its schema in deploy/k8s/schemas (deploy/k8s_schemas.py
writes them), so a resource of an unknown kind fails instead of being skipped, and a field a
schema does not declare fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from deploy.local.go_tools import installed

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
SCHEMAS = K8S / "schemas"
KUBECONFORM = "github.com/yannh/kubeconform/cmd/kubeconform"
KUBECONFORM_VERSION = "v0.8.0"
# kubeconform's KindSuffix: `-<first part of the group>-<version>`, e.g. kafka-kafka-v1.json.
SCHEMA_LOCATION = str(SCHEMAS / "{{ .ResourceKind }}{{ .KindSuffix }}.json")


def kubeconform() -> Path:
    """The pinned kubeconform, built from its Go module the first time it is needed."""
    return installed(KUBECONFORM, KUBECONFORM_VERSION, "kubeconform")


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
