"""The console runs everywhere the services do: `make up`, compose and Kubernetes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from console.config import ConsoleSettings
from deploy.local.stack import SERVICES as LOCAL_SERVICES
from tests.unit.deploy.service_settings import ROOT, env_names

pytestmark = pytest.mark.unit
PORT = ConsoleSettings.model_fields["http_port"].default
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_make_up_runs_the_console_on_its_port() -> None:
    assert LOCAL_SERVICES["console"] == (PORT, ("api",))


def test_compose_runs_the_console_after_the_services_it_calls() -> None:
    console = COMPOSE["services"]["console"]
    assert console["command"] == ["console", "all"]
    assert console["ports"] == [f"127.0.0.1:{PORT}:{PORT}"]
    assert set(console["environment"]) <= env_names(ConsoleSettings)
    assert {name: d["condition"] for name, d in console["depends_on"].items()} == dict.fromkeys(
        ("registry", "scoring", "matching", "audit"), "service_healthy"
    )
    for service in ("registry", "scoring", "matching", "audit"):
        assert f"http://{service}:" in console["environment"][f"{service.upper()}_URL"]
    assert "DATABASE_URL" not in console["environment"]


def test_kubernetes_runs_the_console_in_production_with_oidc_and_no_data_access() -> None:
    docs = {
        d["kind"]: d for d in yaml.safe_load_all((ROOT / "deploy/k8s/console.yaml").read_text())
    }
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert container["args"] == ["console", "all"]
    assert container["ports"] == [{"name": "http", "containerPort": PORT}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert set(env) <= env_names(ConsoleSettings)
    assert {"CONSOLE_SESSION_SECRET", "OIDC_ISSUER", "OIDC_CLIENT_ID"} <= set(env)
    assert env["CONSOLE_PUBLIC_URL"]["value"].startswith("https://")
    assert "DATABASE_URL" not in env and "KAFKA_PASSWORD" not in env
    assert docs["Service"]["spec"]["ports"][0]["port"] == PORT
