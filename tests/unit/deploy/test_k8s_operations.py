"""On Kubernetes each role scales its own way, is scraped and fenced in; backups run nightly."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.unit.deploy.service_settings import ROOT

pytestmark = pytest.mark.unit

K8S = ROOT / "deploy" / "k8s"
ALL = [
    d
    for name in yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    for d in yaml.safe_load_all((K8S / name).read_text())
    if d
]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [d for d in ALL if d["kind"] == kind]


def named(kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in of_kind(kind) if d["metadata"]["name"] == name]
    return found


def pod_labels(deployment: dict[str, Any]) -> dict[str, str]:
    labels: dict[str, str] = deployment["spec"]["template"]["metadata"]["labels"]
    return labels


def selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """Kubernetes' label selector: every matchLabels pair and every In expression holds."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


def role(deployment: dict[str, Any]) -> str:
    return pod_labels(deployment)["app.kubernetes.io/component"]


def test_consumers_scale_on_the_lag_of_every_group_and_topic_they_read() -> None:
    expected = {
        "scoring-consume": {("scoring-projects", "greenlink.projects")},
        "matching-consume": {
            ("matching-deals", "greenlink.projects"),
            ("matching-deals", "greenlink.scores"),
            ("matching-deals", "greenlink.mandates"),
            ("matching-lender-feeds", "greenlink.deals"),
            ("matching-ranker", "greenlink.ranker"),
        },
        "audit-consume": {
            ("audit-ledger", f"greenlink.{t}")
            for t in ("enterprises", "projects", "scores", "mandates", "deals", "ranker")
        },
    }
    scalers = {
        s["spec"]["scaleTargetRef"]["name"]: s
        for s in of_kind("ScaledObject")
        if s["spec"]["scaleTargetRef"]["name"].endswith("-consume")
    }
    assert set(scalers) == set(expected)
    for target, scaler in scalers.items():
        triggers = scaler["spec"]["triggers"]
        read = {(t["metadata"]["consumerGroup"], t["metadata"]["topic"]) for t in triggers}
        assert read == expected[target]
        assert scaler["spec"]["maxReplicaCount"] == 12  # the widest topic's partitions
        assert named("Deployment", target)["spec"].get("replicas") is None  # KEDA owns it


def test_lag_is_read_as_the_services_own_kafka_user_over_tls() -> None:
    for scaler in of_kind("ScaledObject"):
        service = scaler["metadata"]["labels"]["app.kubernetes.io/name"]
        for trigger in [t for t in scaler["spec"]["triggers"] if t["type"] == "kafka"]:
            assert trigger["metadata"]["sasl"] == "scram_sha512"
            assert trigger["metadata"]["tls"] == "enable"
            auth = named("TriggerAuthentication", trigger["authenticationRef"]["name"])["spec"]
            secrets = {s["parameter"]: s["name"] for s in auth["secretTargetRef"]}
            assert secrets == {"password": service, "ca": "greenlink-cluster-ca-cert"}
            assert auth["env"] == [
                {"parameter": "username", "name": "KAFKA_USERNAME", "containerName": service}
            ]


def test_relays_run_as_replicas_scaled_on_the_outbox_backlog_they_report() -> None:
    relays = [d for d in of_kind("Deployment") if role(d) == "relay"]
    assert {d["metadata"]["name"] for d in relays} == {
        f"{s}-relay" for s in ("registry", "scoring", "matching", "audit")
    }
    for relay in relays:
        service = pod_labels(relay)["app.kubernetes.io/name"]
        (scaler,) = [
            s["spec"]
            for s in of_kind("ScaledObject")
            if s["spec"]["scaleTargetRef"]["name"] == relay["metadata"]["name"]
        ]
        assert scaler["minReplicaCount"] >= 2
        assert relay["spec"].get("replicas") is None  # KEDA owns it
        (trigger,) = scaler["triggers"]
        assert trigger["type"] == "prometheus"
        assert "greenlink_outbox_unpublished{" in trigger["metadata"]["query"]
        assert f'service="{service}"' in trigger["metadata"]["query"]


def test_apis_scale_on_cpu_and_every_role_keeps_replicas_through_a_drain() -> None:
    scaled = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind("HorizontalPodAutoscaler")}
    budgets = of_kind("PodDisruptionBudget")
    for deployment in of_kind("Deployment"):
        labels = pod_labels(deployment)
        (budget,) = [b for b in budgets if selects(b["spec"]["selector"], labels)]
        if role(deployment) in ("relay", "consume"):
            assert budget["spec"] == budget["spec"] | {"maxUnavailable": 1}
            continue
        hpa = scaled[deployment["metadata"]["name"]]["spec"]
        assert hpa["minReplicas"] >= 2
        assert hpa["metrics"][0]["resource"]["name"] == "cpu"
        assert budget["spec"]["minAvailable"] == 1


def test_every_metrics_port_is_scraped() -> None:
    services = of_kind("Service")
    for deployment in of_kind("Deployment"):
        labels = pod_labels(deployment)
        if labels["app.kubernetes.io/name"] == "console":
            continue  # the console serves pages, not metrics
        (port,) = [
            p["name"] for p in deployment["spec"]["template"]["spec"]["containers"][0]["ports"]
        ]
        by_pod = [
            m
            for m in of_kind("PodMonitor")
            if selects(m["spec"]["selector"], labels)
            and port in {e["port"] for e in m["spec"]["podMetricsEndpoints"]}
        ]
        by_service = [
            m
            for m in of_kind("ServiceMonitor")
            for s in services
            if selects({"matchLabels": s["spec"]["selector"]}, labels)
            and selects(m["spec"]["selector"], s["metadata"]["labels"])
            and port in {e["port"] for e in m["spec"]["endpoints"]}
        ]
        assert len(by_pod) + len(by_service) == 1, deployment["metadata"]["name"]


def _policies(labels: dict[str, str], kind: str) -> list[dict[str, Any]]:
    return [
        p["spec"]
        for p in of_kind("NetworkPolicy")
        if kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], labels)
    ]


def test_every_greenlink_pod_starts_from_deny_all_and_services_reach_kafka_and_postgres() -> None:
    for deployment in of_kind("Deployment"):
        labels = pod_labels(deployment)
        egress = _policies(labels, "Egress")
        assert any("egress" not in p for p in egress)  # the default deny
        assert any("ingress" not in p for p in _policies(labels, "Ingress"))
        peers = [
            (peer.get("podSelector", {}).get("matchLabels", {}), port["port"])
            for p in egress
            for rule in p.get("egress", [])
            for peer in rule["to"]
            for port in rule["ports"]
        ]
        reaches_kafka = any(
            sel.get("strimzi.io/kind") == "Kafka" and port == 9093 for sel, port in peers
        )
        reaches_db = any(
            sel.get("cnpg.io/cluster") == "greenlink-db" and port == 5432 for sel, port in peers
        )
        is_console = labels["app.kubernetes.io/name"] == "console"
        assert reaches_kafka is reaches_db is not is_console, deployment["metadata"]["name"]


def test_the_database_archives_every_wal_segment_and_takes_a_nightly_base_backup() -> None:
    cluster = named("Cluster", "greenlink-db")["spec"]
    (archiver,) = [p for p in cluster["plugins"] if p.get("isWALArchiver")]
    store = named("ObjectStore", archiver["parameters"]["barmanObjectName"])["spec"]
    assert store["retentionPolicy"] and store["configuration"]["destinationPath"]
    (nightly,) = of_kind("ScheduledBackup")
    assert nightly["spec"]["cluster"]["name"] == "greenlink-db"
    assert nightly["spec"]["method"] == "plugin"
    assert nightly["spec"]["pluginConfiguration"]["name"] == archiver["name"]
