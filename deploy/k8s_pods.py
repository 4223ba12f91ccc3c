"""The pod every GreenLink process runs in on Kubernetes: one image, one role, least privilege.

deploy/k8s_services.py places it in each role's Deployment.
"""

from __future__ import annotations

from typing import Any

IMAGE = "registry.example.org/greenlink/greenlink:0.1.0"
METRICS_PORT = 9100  # relays and consumers serve /metrics here; an API on its own HTTP port
RESOURCES = {
    "api": {
        "requests": {"cpu": "250m", "memory": "512Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    },
    "relay": {
        "requests": {"cpu": "100m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    },
    "consume": {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "2", "memory": "2Gi"},
    },
}
KAFKA_CA = "/etc/greenlink/kafka-ca"
SIGNING_KEY = "/var/run/secrets/greenlink/ledger-signing"


def _secret(variable: str, name: str, key: str) -> dict[str, Any]:
    return {"name": variable, "valueFrom": {"secretKeyRef": {"name": name, "key": key}}}


def environment(service: str, role: str, port: int) -> list[dict[str, Any]]:
    """DATABASE_URL from CloudNativePG's application Secret, KAFKA_PASSWORD from the Secret
    Strimzi writes for the service's KafkaUser; the rest comes from greenlink-config."""
    env = [
        {"name": f"{service.upper()}_PORT", "value": str(port)},
        _secret("DATABASE_URL", "greenlink-db-app", "uri"),
        {"name": "KAFKA_USERNAME", "value": service},
        _secret("KAFKA_PASSWORD", service, "password"),
    ]
    if role != "api":
        env.append({"name": "METRICS_PORT", "value": str(METRICS_PORT)})
    if service == "audit":
        # The Ed25519 key that signs ledger checkpoints (docs/audit.md: create the Secret once
        # with `openssl genpkey -algorithm ed25519`); required in production.
        path = f"{SIGNING_KEY}/ledger-signing.pem"
        env.append({"name": "AUDIT_SIGNING_KEY_PATH", "value": path})
    return env


def probes(role: str) -> dict[str, Any]:
    """An API is ready when PostgreSQL and Kafka answer; a relay or consumer has no Service to
    be ready for, and is alive while it serves its metrics."""
    if role != "api":
        check = {"httpGet": {"path": "/metrics", "port": "metrics"}}
        return {"livenessProbe": check | {"periodSeconds": 20, "failureThreshold": 3}}
    health = {"httpGet": {"path": "/healthz", "port": "http"}}
    return {
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}}
        | {"periodSeconds": 10, "failureThreshold": 3},
        "startupProbe": health | {"periodSeconds": 5, "failureThreshold": 60},
        "livenessProbe": health | {"periodSeconds": 20, "failureThreshold": 3},
    }


def volumes(service: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(pod volumes, container mounts): scratch space, the Kafka cluster CA, audit's key."""
    found: list[dict[str, Any]] = [
        {"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}},
        {
            "name": "kafka-ca",
            "secret": {
                "secretName": "greenlink-cluster-ca-cert",
                "items": [{"key": "ca.crt", "path": "ca.crt"}],
            },
        },
    ]
    mounts: list[dict[str, Any]] = [
        {"name": "tmp", "mountPath": "/tmp"},
        {"name": "kafka-ca", "mountPath": KAFKA_CA, "readOnly": True},
    ]
    if service == "audit":
        found.append(
            {
                "name": "ledger-signing",
                "secret": {"secretName": "greenlink-audit-signing-key", "defaultMode": 0o400},
            }
        )
        mounts.append({"name": "ledger-signing", "mountPath": SIGNING_KEY, "readOnly": True})
    return found, mounts


def pod_template(service: str, role: str, port: int, labels: dict[str, str]) -> dict[str, Any]:
    pod_volumes, mounts = volumes(service)
    served = ("http", port) if role == "api" else ("metrics", METRICS_PORT)
    container = {
        "name": service,
        "image": IMAGE,
        "args": [service, role],
        "ports": [{"name": served[0], "containerPort": served[1]}],
        "envFrom": [{"configMapRef": {"name": "greenlink-config"}}],
        "env": environment(service, role, port),
        **probes(role),
        "resources": RESOURCES[role],
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": mounts,
    }
    return {
        "metadata": {"labels": labels},
        "spec": {
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 10001,
                "runAsGroup": 10001,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [container],
            "volumes": pod_volumes,
        },
    }
