"""docker-compose.yml runs every service the way its settings expect, without an engine."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.unit.deploy.service_settings import (
    ROOT,
    SERVICES,
    default_port,
    env_names,
    settings_class,
)

pytestmark = pytest.mark.unit

COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
INFRASTRUCTURE = {"kafka", "postgres"}
# Variables read by the interpreter or the image rather than by a settings class.
KNOWN_INFRA_VARS = {"PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"}


def published(service: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(host address, host port, container port) of each `ip:host:container` mapping."""
    mappings = []
    for entry in service.get("ports", []):
        address, host, container = str(entry).split(":")
        mappings.append((address, int(host), int(container)))
    return mappings


def test_every_service_with_settings_is_in_the_compose_file() -> None:
    assert SERVICES, "no service packages found"
    missing = [s for s in SERVICES if s not in COMPOSE["services"]]
    assert not missing


@pytest.mark.parametrize("service", SERVICES)
def test_service_runs_every_role_on_its_default_port(service: str) -> None:
    spec = COMPOSE["services"][service]
    port = default_port(service)
    assert spec["command"] == [service, "all"]
    assert published(spec) == [("127.0.0.1", port, port)]
    assert str(spec["environment"][f"{service.upper()}_PORT"]) == str(port)
    assert f"127.0.0.1:{port}/healthz" in " ".join(spec["healthcheck"]["test"])


@pytest.mark.parametrize("service", SERVICES)
def test_service_sets_only_variables_its_settings_read(service: str) -> None:
    environment = COMPOSE["services"][service]["environment"]
    unknown = set(environment) - env_names(settings_class(service)) - KNOWN_INFRA_VARS
    assert not unknown, f"{service} settings do not read {sorted(unknown)}"
    for required in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "GREENLINK_ENV", "HTTP_HOST"):
        assert required in environment
    assert environment["GREENLINK_ENV"] == "development"
    assert environment["HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_service_starts_only_after_kafka_and_postgres_are_healthy(service: str) -> None:
    depends = COMPOSE["services"][service]["depends_on"]
    assert {name: d["condition"] for name, d in depends.items()} == {
        "kafka": "service_healthy",
        "kafka-setup": "service_completed_successfully",
        "postgres": "service_healthy",
    }
    for name in INFRASTRUCTURE:
        assert "healthcheck" in COMPOSE["services"][name]


def test_seed_runs_once_after_every_service_is_healthy() -> None:
    seed = COMPOSE["services"]["seed"]
    assert seed["entrypoint"] == ["python", "deploy/seed.py"]
    assert (ROOT / "deploy" / "seed.py").is_file()
    assert seed["restart"] == "no"
    assert {name: d["condition"] for name, d in seed["depends_on"].items()} == dict.fromkeys(
        SERVICES, "service_healthy"
    )


def test_images_are_pinned_by_tag_and_built_from_the_one_dockerfile() -> None:
    for name, spec in COMPOSE["services"].items():
        image = spec["image"]
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {image} is not pinned"
        if name in INFRASTRUCTURE:
            assert any(c.isdigit() for c in tag), f"{name}: {image} needs a version tag"
        else:
            assert spec["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (ROOT / "deploy" / "Dockerfile").is_file()


def test_nothing_is_published_beyond_the_loopback_interface() -> None:
    for name, spec in COMPOSE["services"].items():
        for address, _, _ in published(spec):
            assert address == "127.0.0.1", name


def test_kafka_authenticates_every_listener_and_authorizes_by_acl() -> None:
    kafka = COMPOSE["services"]["kafka"]["environment"]
    protocols = dict(p.split(":") for p in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"].endswith("StandardAuthorizer")
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert "ANONYMOUS" not in kafka["KAFKA_SUPER_USERS"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_passwords_come_from_this_install_never_from_the_file(service: str) -> None:
    environment = COMPOSE["services"][service]["environment"]
    setup = COMPOSE["services"]["kafka-setup"]["environment"]
    own = f"${{{service.upper()}_KAFKA_PASSWORD:?"
    assert environment["KAFKA_PASSWORD"].startswith(own)
    assert setup[f"{service.upper()}_KAFKA_PASSWORD"].startswith(own)
    assert environment["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
