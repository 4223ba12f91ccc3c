"""A service process started while PostgreSQL cannot be reached waits for it and then starts,
instead of exiting: under the fault suite's PostgreSQL outage, relays and consumers that were
starting died in their migration step and stayed dead until something restarted them."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from deploy.local.infra import InfraInfo
from tests.support.processes import ServiceProcess, free_port

pytestmark = pytest.mark.integration


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = f"{parts.netloc.rsplit('@', 1)[0]}@127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextmanager
def forwarding(listen: int, to: tuple[str, int]) -> Iterator[None]:
    """PostgreSQL reachable on `listen` from now on, until the block ends."""

    class Pipe(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            with socket.create_connection(to) as upstream:
                pumps = [
                    threading.Thread(target=_pump, args=(self.request, upstream), daemon=True),
                    threading.Thread(target=_pump, args=(upstream, self.request), daemon=True),
                ]
                for pump in pumps:
                    pump.start()
                for pump in pumps:
                    pump.join()

    server = socketserver.ThreadingTCPServer(("127.0.0.1", listen), Pipe)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s in (source, sink):
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)


def test_a_process_started_while_postgres_is_unreachable_waits_and_then_serves(
    infra: InfraInfo, jwks_path: Path
) -> None:
    late = free_port()  # nothing listens here until the forwarder starts
    api_port = free_port()
    env = {
        **infra.environment(),
        "DATABASE_URL": _through(infra.app_database_url, late),
        "MIGRATION_DATABASE_URL": _through(infra.database_url, late),
        "GREENLINK_JWKS_PATH": str(jwks_path),
        "GREENLINK_ENV": "test",
        "REGISTRY_PORT": str(api_port),
        "STARTUP_WAIT_SECONDS": "120",
    }
    process = ServiceProcess("registry", "api", env)
    offset = process.log_path.stat().st_size if process.log_path.exists() else 0
    process.start()
    try:
        assert process.process is not None
        deadline = time.monotonic() + 60
        while "cannot start yet" not in process.log_path.read_text()[offset:]:
            assert process.process.poll() is None, "the process exited instead of waiting"
            assert time.monotonic() < deadline, "no word of waiting in its log"
            time.sleep(0.2)
        time.sleep(2)
        assert process.process.poll() is None
        target = urlsplit(infra.database_url)
        with forwarding(late, (target.hostname or "127.0.0.1", target.port or 5432)):
            process.port = api_port
            process.wait_ready(timeout_s=90)
    finally:
        process.stop()
