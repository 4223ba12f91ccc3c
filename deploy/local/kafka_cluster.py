"""Start, stop and inspect a local Kafka cluster of one or three combined nodes."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.local import kafka_probe
from deploy.local.jars import ensure_kafka_jars, require
from deploy.local.kafka_auth import missing_users, new_users, scram_format_args
from deploy.local.kafka_config import Node, java_command, new_cluster_id, write_configs
from deploy.local.kafka_provision import provision_platform
from deploy.local.procs import (
    HOST,
    pid_alive,
    port_open,
    reuse_or_pick,
    spawn_detached,
    terminate,
    wait_until,
)
from deploy.local.state import (
    InfraError,
    component_lock,
    logs_dir,
    read_section,
    state_dir,
    write_section,
)

START_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Cluster:
    """A running cluster: where it answers, its node pids and its principals' passwords."""

    bootstrap: str
    pids: dict[int, int]
    users: dict[str, str]


@dataclass(frozen=True)
class NodeStatus:
    node: Node
    pid: int | None
    running: bool


# What a node's saved record holds; the proxied listener exists on the three-node cluster only.
PORTS = ("port", "controller_port", "proxied_port", "proxy_port")
PROXIED_PORTS = ("proxied_port", "proxy_port")


def section(brokers: int) -> str:
    if brokers not in (1, 3):
        raise InfraError(f"--brokers must be 1 or 3, not {brokers}")
    return "kafka" if brokers == 1 else "kafka3"


def _nodes(brokers: int, saved: dict[str, Any], pick_ports: bool) -> list[Node]:
    name, taken, nodes = section(brokers), set[int](), []
    for node_id in range(1, brokers + 1):
        old = saved.get("nodes", {}).get(str(node_id), {})
        kinds = [kind for kind in PORTS if brokers > 1 or kind not in PROXIED_PORTS]
        ports = {kind: int(old.get(kind, 0)) for kind in kinds}
        if pick_ports:
            for kind in kinds:
                ports[kind] = reuse_or_pick(ports[kind], taken)
                taken.add(ports[kind])
        home = state_dir() / name / f"node-{node_id}"
        nodes.append(Node(node_id, home=home, logs=logs_dir(), label=f"{name}-{node_id}", **ports))
    return nodes


def _without_proxied_listener(brokers: int, nodes: list[Node]) -> bool:
    """A three-node cluster started before nodes had their proxied listener."""
    return brokers > 1 and any(not (n.proxied_port and n.proxy_port) for n in nodes)


@dataclass(frozen=True)
class ProxyRoute:
    """Where a fault proxy in front of one node listens (the port the node advertises on its
    proxied listener) and where it forwards to (that listener)."""

    name: str
    listen: int
    upstream: int


def proxy_routes(brokers: int = 3) -> list[ProxyRoute]:
    """The three-node cluster's routes through a fault proxy (docs/operations.md)."""
    saved = read_section(section(brokers))
    if not saved or brokers == 1:
        return []
    nodes = _nodes(brokers, saved, pick_ports=False)
    return [ProxyRoute(n.label, n.proxy_port, n.proxied_port) for n in nodes if n.proxy_port]


def bootstrap(nodes: list[Node]) -> str:
    return ",".join(f"{HOST}:{node.port}" for node in nodes)


def _pids(saved: dict[str, Any]) -> dict[int, int | None]:
    return {int(key): value.get("pid") for key, value in saved.get("nodes", {}).items()}


def node_status(brokers: int) -> list[NodeStatus]:
    saved = read_section(section(brokers))
    pids = _pids(saved)
    if not saved:
        return []
    return [
        NodeStatus(
            node,
            pids.get(node.node_id),
            pid_alive(pids.get(node.node_id), str(node.properties)) and port_open(node.port),
        )
        for node in _nodes(brokers, saved, pick_ports=False)
    ]


def _save(
    brokers: int,
    cluster_id: str,
    nodes: list[Node],
    pids: dict[int, int | None],
    users: dict[str, str],
    provisioned: str = "",
) -> None:
    records = {
        str(n.node_id): {kind: getattr(n, kind) for kind in PORTS} | {"pid": pids.get(n.node_id)}
        for n in nodes
    }
    write_section(
        section(brokers),
        {"cluster_id": cluster_id, "nodes": records, "users": users, "provisioned": provisioned},
    )


def _format(
    java: str, libs: Path, cluster_id: str, nodes: list[Node], users: dict[str, str]
) -> None:
    """Formatting is once per data dir; a static voter list must not get `--standalone`."""
    quorum = ["--standalone"] if len(nodes) == 1 else []
    for node in nodes:
        if (node.data / "meta.properties").exists():
            continue
        tool = ["kafka.tools.StorageTool", "format", "--ignore-formatted", *quorum]
        tool += scram_format_args(users)
        args = [*tool, "-t", cluster_id, "-c", str(node.properties)]
        command = java_command(java, libs, node, args)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise InfraError(f"formatting {node.label} failed: {result.stderr.strip()[-300:]}")


def _spawn(java: str, libs: Path, node: Node) -> int:
    command = java_command(java, libs, node, ["kafka.Kafka", str(node.properties)])
    return spawn_detached(command, node.stdout_log)


def _wait_serving(node: Node, pid: int, brokers: int, users: dict[str, str]) -> None:
    wait_until(
        lambda: kafka_probe.serving(node.port, brokers, users),
        timeout_s=START_TIMEOUT_S,
        what=f"Kafka {node.label}",
        log=node.server_log,
        alive=lambda: pid_alive(pid, str(node.properties)),
    )


def _forget_unauthenticated(brokers: int, saved: dict[str, Any]) -> dict[str, Any]:
    """A cluster formatted before SASL has no SCRAM users: stop it and start from empty."""
    if not saved or saved.get("users"):
        return saved
    nodes, pids = _nodes(brokers, saved, pick_ports=False), _pids(saved)
    terminate((pids.get(n.node_id), str(n.properties)) for n in nodes)
    shutil.rmtree(state_dir() / section(brokers), ignore_errors=True)
    return {}


def ensure_cluster(brokers: int = 1) -> Cluster:
    """Idempotent: live nodes are kept, dead ones started, principals and ACLs provisioned."""
    with component_lock(section(brokers)):
        saved = _forget_unauthenticated(brokers, read_section(section(brokers)))
        users = {**saved.get("users", {})} or new_users()
        users |= missing_users(users)
        pids = _pids(saved)
        current = _nodes(brokers, saved, pick_ports=False)
        live = {n.node_id for n in current if pid_alive(pids.get(n.node_id), str(n.properties))}
        if live and _without_proxied_listener(brokers, current):
            terminate((pids.get(n.node_id), str(n.properties)) for n in current)
            live = set()
        nodes = current if live else _nodes(brokers, saved, pick_ports=True)
        cluster_id = saved.get("cluster_id") or new_cluster_id()
        if not (live == {n.node_id for n in nodes} and all(port_open(n.port) for n in nodes)):
            java, libs = require("java"), ensure_kafka_jars()
            for node in nodes:
                write_configs(node, nodes, users)
            _format(java, libs, cluster_id, nodes, users)
            for node in nodes:
                if node.node_id not in live:
                    pids[node.node_id] = _spawn(java, libs, node)
            _save(brokers, cluster_id, nodes, pids, users)
            for node in nodes:
                _wait_serving(node, pids[node.node_id] or 0, brokers, users)
        cluster = Cluster(bootstrap(nodes), {n.node_id: pids[n.node_id] or 0 for n in nodes}, users)
        done = provision_platform(cluster.bootstrap, users, 1 if brokers == 1 else 3, saved)
        _save(brokers, cluster_id, nodes, pids, users, done)
        return cluster


def users_of(bootstrap_servers: str) -> dict[str, str]:
    """The principals of the local cluster answering at `bootstrap_servers`, if it is ours.

    A process that was handed the local cluster's address (tests export it) still gets the
    admin's password, which the exported environment never carries.
    """
    for brokers in (1, 3):
        saved = read_section(section(brokers))
        if saved and bootstrap(_nodes(brokers, saved, pick_ports=False)) == bootstrap_servers:
            return dict(saved.get("users", {}))
    return {}


def stop_cluster(brokers: int = 1) -> None:
    with component_lock(section(brokers)):
        saved = read_section(section(brokers))
        if not saved:
            return
        nodes = _nodes(brokers, saved, pick_ports=False)
        pids = _pids(saved)
        terminate((pids.get(n.node_id), str(n.properties)) for n in nodes)
        _save(brokers, saved["cluster_id"], nodes, {}, saved.get("users", {}))


def _check_node(node_id: int, brokers: int, saved: dict[str, Any]) -> None:
    if not saved:
        raise InfraError(f"the {brokers}-node cluster was never started")
    if node_id not in range(1, brokers + 1):
        raise InfraError(f"no node {node_id} in the {brokers}-node cluster")


def stop_broker(node_id: int, brokers: int = 3, kill: bool = False) -> None:
    """For fault tests: `kill` is SIGKILL at once, as a crash would be."""
    with component_lock(section(brokers)):
        saved = read_section(section(brokers))
        _check_node(node_id, brokers, saved)
        nodes, pids = _nodes(brokers, saved, pick_ports=False), _pids(saved)
        node = nodes[node_id - 1]
        terminate([(pids.get(node_id), str(node.properties))], timeout_s=0 if kill else 30)
        users, done = saved.get("users", {}), saved.get("provisioned", "")
        _save(brokers, saved["cluster_id"], nodes, {**pids, node_id: None}, users, done)


def start_broker(node_id: int, brokers: int = 3) -> None:
    """Restarts the stopped node on its recorded ports; the others keep running."""
    _check_node(node_id, brokers, read_section(section(brokers)))
    if not any(s.running for s in node_status(brokers)):
        raise InfraError(f"the {brokers}-node cluster is stopped; use `start --brokers {brokers}`")
    ensure_cluster(brokers)


def wipe(brokers: int) -> None:
    stop_cluster(brokers)
    with component_lock(section(brokers)):
        shutil.rmtree(state_dir() / section(brokers), ignore_errors=True)
        write_section(section(brokers), None)
