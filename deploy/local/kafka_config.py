"""Broker properties and logging config: one combined KRaft broker+controller per node."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

from deploy.local.kafka_auth import LISTENER, PROXIED, proxied_listener_properties, sasl_properties
from deploy.local.procs import HOST


@dataclass(frozen=True)
class Node:
    node_id: int
    port: int
    controller_port: int
    home: Path
    logs: Path
    label: str
    # Fault tests: a second client listener, advertised at the port of a TCP proxy that forwards
    # to it (docs/operations.md); 0 on a node without one.
    proxied_port: int = 0
    proxy_port: int = 0

    @property
    def properties(self) -> Path:
        return self.home / "server.properties"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def stdout_log(self) -> Path:
        return self.logs / f"{self.label}.out"

    @property
    def server_log(self) -> Path:
        return self.logs / f"{self.label}.log"


def new_cluster_id() -> str:
    """Kafka's own rule: URL-safe base64 of 16 random bytes, unpadded, not starting with '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def server_properties(node: Node, nodes: list[Node], users: dict[str, str]) -> dict[str, str]:
    """One node means a dynamic quorum (`--standalone`); three use a static voter list."""
    replicas = 1 if len(nodes) == 1 else 3
    min_isr = 1 if replicas == 1 else 2
    props = {
        "process.roles": "broker,controller",
        "node.id": str(node.node_id),
        "listeners": f"{LISTENER}://{HOST}:{node.port},CONTROLLER://{HOST}:{node.controller_port}",
        "advertised.listeners": (
            f"{LISTENER}://{HOST}:{node.port},CONTROLLER://{HOST}:{node.controller_port}"
        ),
        "controller.listener.names": "CONTROLLER",
        **sasl_properties(users),
        "log.dirs": str(node.data),
        "num.network.threads": "2",
        "num.io.threads": "2",
        "auto.create.topics.enable": "false",
        "group.initial.rebalance.delay.ms": "0",
        "default.replication.factor": str(replicas),
        "min.insync.replicas": str(min_isr),
        "offsets.topic.replication.factor": str(replicas),
        "offsets.topic.num.partitions": "10",  # fewer than 50: the first group joins faster
        "transaction.state.log.replication.factor": str(replicas),
        "transaction.state.log.min.isr": str(min_isr),
        "transaction.state.log.num.partitions": "10",
        "share.coordinator.state.topic.replication.factor": str(replicas),
        "share.coordinator.state.topic.min.isr": str(min_isr),
    }
    if node.proxied_port:
        props["listeners"] += f",{PROXIED}://{HOST}:{node.proxied_port}"
        props["advertised.listeners"] += f",{PROXIED}://{HOST}:{node.proxy_port}"
        props |= proxied_listener_properties(users)
    if len(nodes) == 1:
        props["controller.quorum.bootstrap.servers"] = f"{HOST}:{node.controller_port}"
    else:
        props["controller.quorum.voters"] = ",".join(
            f"{n.node_id}@{HOST}:{n.controller_port}" for n in nodes
        )
    return props


LOG4J2 = """\
status = warn
name = greenlink-kafka
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = FILE
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
"""


def write_configs(node: Node, nodes: list[Node], users: dict[str, str]) -> None:
    """Rewritten on every start, so changed ports take effect without a reformat.

    Readable by the owner only: the file holds the broker's own passwords.
    """
    node.home.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}={value}" for key, value in server_properties(node, nodes, users).items()]
    node.properties.touch(mode=0o600)
    node.properties.chmod(0o600)
    node.properties.write_text("\n".join(lines) + "\n")
    (node.home / "log4j2.properties").write_text(LOG4J2.format(log=node.server_log))


def java_command(java: str, libs: Path, node: Node, main: list[str]) -> list[str]:
    """The distribution's JVM flags with a smaller heap that suits a 2-core dev machine."""
    return [
        java,
        "-Xmx512m",
        "-Xms256m",
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={node.home / 'log4j2.properties'}",
        f"-Dkafka.logs.dir={node.logs}",
        "-cp",
        f"{libs}/*",
        *main,
    ]
