"""The Kubernetes manifests run every service on its port with probes, limits and real settings."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from deploy.local.stack import SERVICES as LOCAL_SERVICES
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


def containers(service: str) -> dict[str, dict[str, Any]]:
    """The service's container in each role's Deployment, by role."""
    return {
        d["metadata"]["labels"]["app.kubernetes.io/component"]: d["spec"]["template"]["spec"][
            "containers"
        ][0]
        for d in documents(f"{service}.yaml")["Deployment"]
    }


@pytest.mark.parametrize("service", SERVICES)
def test_each_role_make_up_runs_is_a_deployment_of_its_own(service: str) -> None:
    port, roles = LOCAL_SERVICES[service]
    by_role = containers(service)
    assert sorted(by_role) == sorted(roles)
    for role, container in by_role.items():
        assert container["args"] == [service, role]
        env = {e["name"]: e for e in container["env"]}
        assert env[f"{service.upper()}_PORT"]["value"] == str(port)
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]["name"] == "greenlink-db-app"
        for bound in ("requests", "limits"):
            assert set(container["resources"][bound]) == {"cpu", "memory"}
        assert ":" in container["image"].rsplit("/", 1)[1]


@pytest.mark.parametrize("service", SERVICES)
def test_service_api_serves_its_port_with_probes(service: str) -> None:
    manifests, port = documents(f"{service}.yaml"), default_port(service)
    api = containers(service)["api"]
    assert api["ports"] == [{"name": "http", "containerPort": port}]
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    (service_doc,) = manifests["Service"]
    assert service_doc["metadata"]["name"] == service
    assert service_doc["spec"]["ports"][0]["port"] == port
    assert service_doc["spec"]["selector"]["app.kubernetes.io/component"] == "api"


@pytest.mark.parametrize("service", SERVICES)
def test_relays_and_consumers_serve_metrics_on_the_port_they_are_told(service: str) -> None:
    for role, container in containers(service).items():
        if role == "api":
            continue
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert container["ports"] == [
            {"name": "metrics", "containerPort": int(str(env["METRICS_PORT"]))}
        ]
        assert container["livenessProbe"]["httpGet"]["port"] == "metrics"


def test_service_manifests_are_generated_from_the_stack_and_the_consumer_groups() -> None:
    from deploy.k8s_services import PLATFORM, render

    assert sorted(PLATFORM) == SERVICES
    for service in PLATFORM:
        assert (K8S / f"{service}.yaml").read_text() == render(service), "run `make contracts`"


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
    assert service in users
    assert config["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    for container in containers(service).values():
        env = {e["name"]: e for e in container["env"]}
        assert env["KAFKA_USERNAME"]["value"] == service
        assert env["KAFKA_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
            "name": service,
            "key": "password",
        }
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
