"""The Kubernetes manifests run every service on its port with probes, limits and real settings."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from schemas.topics import TOPICS
from servicekit.settings import ServiceSettings
from tests.unit.deploy.service_settings import ROOT, SERVICES, default_port, env_names

pytestmark = pytest.mark.unit

K8S = ROOT / "deploy" / "k8s"


def documents(name: str) -> dict[str, list[dict[str, Any]]]:
    """The manifests of one file by kind."""
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for doc in yaml.safe_load_all((K8S / name).read_text()):
        by_kind.setdefault(doc["kind"], []).append(doc)
    return by_kind


def test_kustomization_lists_every_manifest_file() -> None:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(listed) == sorted(on_disk)
    assert {f"{s}.yaml" for s in SERVICES} <= on_disk


@pytest.mark.parametrize("service", SERVICES)
def test_service_deployment_serves_its_port_with_probes_and_limits(service: str) -> None:
    manifests, port = documents(f"{service}.yaml"), default_port(service)
    container = manifests["Deployment"][0]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == [service, "all"]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    for bound in ("requests", "limits"):
        assert set(container["resources"][bound]) == {"cpu", "memory"}
    assert ":" in container["image"].rsplit("/", 1)[1]
    env = {e["name"]: e for e in container["env"]}
    assert env[f"{service.upper()}_PORT"]["value"] == str(port)
    assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "greenlink-db-app"
    assert manifests["Service"][0]["spec"]["ports"][0]["port"] == port


def test_shared_config_sets_only_variables_every_service_reads() -> None:
    data = documents("config.yaml")["ConfigMap"][0]["data"]
    assert not set(data) - env_names(ServiceSettings)
    assert data["GREENLINK_ENV"] == "production"


def test_kafka_topics_match_the_topic_registry_with_their_dead_letter_twins() -> None:
    declared = {
        t["metadata"]["name"]: t["spec"]["partitions"]
        for t in documents("kafka-topics.yaml")["KafkaTopic"]
    }
    expected = {t.name: t.partitions for t in TOPICS} | {t.dlq: 1 for t in TOPICS}
    assert declared == expected


def test_kafka_users_are_generated_from_the_topology() -> None:
    from deploy.strimzi_users import render

    assert (K8S / "kafka-users.yaml").read_text() == render(), "run `make contracts`"


@pytest.mark.parametrize("service", SERVICES)
def test_service_authenticates_to_kafka_as_its_own_user_over_tls(service: str) -> None:
    users = {u["metadata"]["name"] for u in documents("kafka-users.yaml")["KafkaUser"]}
    config = documents("config.yaml")["ConfigMap"][0]["data"]
    container = documents(f"{service}.yaml")["Deployment"][0]["spec"]["template"]["spec"][
        "containers"
    ][0]
    env = {e["name"]: e for e in container["env"]}

    assert service in users
    assert env["KAFKA_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": service,
        "key": "password",
    }
    assert config["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert config["KAFKA_SSL_CAFILE"].rsplit("/", 1)[0] in mounts


def test_the_broker_authenticates_every_listener_and_authorizes_by_acl() -> None:
    kafka = documents("kafka.yaml")["Kafka"][0]["spec"]["kafka"]
    assert all(listener["tls"] for listener in kafka["listeners"])
    assert all(listener["authentication"]["type"] for listener in kafka["listeners"])
    assert kafka["authorization"]["type"] == "simple"
    for name in ("kafka.yaml", "kafka-topics.yaml", "kafka-users.yaml"):
        for docs in documents(name).values():
            assert {d["apiVersion"] for d in docs} == {"kafka.strimzi.io/v1"}, name
