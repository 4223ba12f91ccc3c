"""`make up SCALE=n` runs n replicas of every relay and consumer, each with its own /metrics."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

from deploy.local import stack

pytestmark = pytest.mark.unit


def programs(scale: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("GREENLINK_STATE_DIR", str(tmp_path))
    conf = configparser.ConfigParser(interpolation=None)
    conf.read(stack._supervisor_config({"DATABASE_URL": "postgresql://x"}, scale))
    return {
        section.removeprefix("program:"): conf[section]["environment"]
        for section in conf.sections()
        if section.startswith("program:")
    }


def test_scale_two_starts_two_of_every_relay_and_consumer_and_one_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = programs(2, tmp_path, monkeypatch)

    for name, (_, roles) in stack.present_services().items():
        assert f"{name}-api" in started
        for role in set(roles) & {"relay", "consume"}:
            assert {f"{name}-{role}-1", f"{name}-{role}-2"} <= started.keys()
            assert f"{name}-{role}" not in started
    assert "scoring-consume-2" in started


def test_every_relay_and_consumer_replica_serves_metrics_on_a_port_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = programs(3, tmp_path, monkeypatch)
    ports = {
        name: environment.split('METRICS_PORT="')[1].split('"')[0]
        for name, environment in started.items()
        if not name.endswith("-api")
    }

    assert "0" not in ports.values()
    assert len(set(ports.values())) == len(ports)
    api_ports = {str(port) for port, _ in stack.present_services().values()}
    assert not api_ports & set(ports.values())


def test_scale_one_keeps_the_plain_program_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "matching-consume" in programs(1, tmp_path, monkeypatch)
