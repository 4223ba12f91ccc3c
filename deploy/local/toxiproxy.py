"""Toxiproxy, the TCP proxy the fault suite puts between the services and Kafka.

The server is built from its Go module at a pinned version (deploy/local/go_tools.py) into the
checkout's cache the first time a fault needs it, runs detached on a free loopback port like the
brokers do, and is driven over its HTTP API: one proxy per broker node, forwarding the port the
node advertises on its proxied listener to that listener (docs/operations.md), and toxics
(latency, a partition) added to and removed from all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from deploy.local import procs
from deploy.local.go_tools import installed
from deploy.local.kafka_cluster import ProxyRoute
from deploy.local.procs import HOST, pid_alive, port_open
from deploy.local.state import component_lock, logs_dir, read_section, write_section

SERVER = "github.com/Shopify/toxiproxy/v2/cmd/server"
VERSION = "v2.5.0"
SECTION = "toxiproxy"
START_TIMEOUT_S = 30.0
BOTH_WAYS = ("upstream", "downstream")  # client to broker, broker to client


@dataclass(frozen=True)
class Toxiproxy:
    """A running toxiproxy server, by its API address."""

    api: str

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        answer = httpx.request(method, f"{self.api}{path}", json=body, timeout=10)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def route(self, routes: Iterable[ProxyRoute]) -> None:
        """Create or replace one enabled proxy per route, without toxics."""
        proxies = [
            {
                "name": r.name,
                "listen": f"{HOST}:{r.listen}",
                "upstream": f"{HOST}:{r.upstream}",
                "enabled": True,
            }
            for r in routes
        ]
        self._call("POST", "/populate", proxies)
        self.heal()

    def poison(self, toxic: str, attributes: dict[str, int]) -> None:
        """Adds the toxic (a toxiproxy type: latency, timeout, ...) to every proxy both ways."""
        for proxy in self._call("GET", "/proxies"):
            for stream in BOTH_WAYS:
                body = {
                    "name": f"{toxic}-{stream}",
                    "type": toxic,
                    "stream": stream,
                    "toxicity": 1.0,
                    "attributes": attributes,
                }
                self._call("POST", f"/proxies/{proxy}/toxics", body)

    def heal(self) -> None:
        """Every proxy enabled and without toxics."""
        self._call("POST", "/reset")


def ensure() -> Toxiproxy:
    """Idempotent: a live server is reused; otherwise it is built if need be and started."""
    with component_lock(SECTION):
        saved = read_section(SECTION)
        binary = installed(SERVER, VERSION, "toxiproxy-server")
        if pid_alive(saved.get("pid"), str(binary)) and port_open(saved.get("port", 0)):
            return Toxiproxy(f"http://{HOST}:{saved['port']}")
        port = procs.reuse_or_pick(saved.get("port"), set())
        log = logs_dir() / "toxiproxy.log"
        command = [str(binary), "-host", HOST, "-port", str(port)]
        pid = procs.spawn_detached(command, log, {"LOG_LEVEL": "warn"})  # not a line per packet
        write_section(SECTION, {"pid": pid, "port": port, "binary": str(binary)})
        procs.wait_until(
            lambda: port_open(port),
            timeout_s=START_TIMEOUT_S,
            what="toxiproxy",
            log=log,
            alive=lambda: pid_alive(pid, str(binary)),
        )
        return Toxiproxy(f"http://{HOST}:{port}")


def stop() -> None:
    with component_lock(SECTION):
        saved = read_section(SECTION)
        if saved.get("pid"):
            procs.terminate([(saved["pid"], saved.get("binary", ""))], timeout_s=10)
            write_section(SECTION, saved | {"pid": None})
