"""kubeconform accepts every manifest deploy/k8s applies, and refuses what the cluster would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.k8s_check import K8S, manifests, validate

pytestmark = pytest.mark.deploy


def test_every_manifest_is_valid_against_kubernetes_and_the_operators_schemas() -> None:
    files = manifests()
    documents = sum(1 for p in files for d in yaml.safe_load_all(p.read_text()) if d)
    result = validate(files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Valid: {documents}, Invalid: 0, Errors: 0, Skipped: 0" in result.stdout


def _misspelt(file: str, kind: str, path: str, wrong: str, to: Path) -> Path:
    """`file` with the key at dotted `path` of its first `kind` renamed to `wrong`, in `to`."""
    docs = [d for d in yaml.safe_load_all((K8S / file).read_text()) if d]
    node: Any = next(d for d in docs if d["kind"] == kind)
    *parents, key = path.split(".")
    for step in parents:
        node = node[int(step)] if step.isdigit() else node[step]
    node[wrong] = node.pop(key)
    target = to / file
    target.write_text(yaml.safe_dump_all(docs, sort_keys=False))
    return target


@pytest.mark.parametrize(
    ("file", "kind", "path", "wrong"),
    [
        (
            "registry.yaml",
            "Deployment",
            "spec.template.spec.containers.0.readinessProbe",
            "readynessProbe",
        ),
        ("network-policies.yaml", "NetworkPolicy", "spec.policyTypes", "policyType"),
        ("kafka-users.yaml", "KafkaUser", "spec.authorization.acls.0.operations", "operation"),
        ("kafka.yaml", "Kafka", "spec.kafka.listeners.0.networkPolicyPeers", "networkPolicyPeer"),
        ("scoring.yaml", "ScaledObject", "spec.scaleTargetRef", "scaleTarget"),
        ("scoring.yaml", "TriggerAuthentication", "spec.secretTargetRef", "secretRef"),
        ("postgres.yaml", "ScheduledBackup", "spec.pluginConfiguration", "pluginConfig"),
        ("postgres.yaml", "ObjectStore", "spec.configuration.destinationPath", "destination"),
        ("audit.yaml", "PodMonitor", "spec.podMetricsEndpoints", "endpoints"),
        ("audit.yaml", "HorizontalPodAutoscaler", "spec.maxReplicas", "maxReplica"),
    ],
)
def test_a_misspelt_field_is_refused(
    tmp_path: Path, file: str, kind: str, path: str, wrong: str
) -> None:
    result = validate([_misspelt(file, kind, path, wrong, tmp_path)])
    assert result.returncode != 0
    assert f"{kind} " in result.stdout and f"'{wrong}' not allowed" in result.stdout


def test_a_resource_of_a_version_strimzi_no_longer_serves_is_refused(tmp_path: Path) -> None:
    topic = tmp_path / "topic.yaml"
    topic.write_text(
        "apiVersion: kafka.strimzi.io/v1beta2\nkind: KafkaTopic\n"
        "metadata: {name: greenlink.projects, labels: {strimzi.io/cluster: greenlink}}\n"
        "spec: {partitions: 12, replicas: 3}\n"
    )
    result = validate([topic])
    assert result.returncode != 0
    assert "could not find schema for KafkaTopic" in result.stdout
