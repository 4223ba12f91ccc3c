"""A blocking Metadata request: readiness checks must work even inside a running event loop."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from deploy.local.procs import HOST

METADATA_API_KEY = 3
METADATA_VERSION = 4  # oldest version Kafka 4.x still serves; not flexible, so easy to parse
CLIENT_ID = b"greenlink-infra"


@dataclass(frozen=True)
class ClusterView:
    broker_ids: tuple[int, ...]
    controller_id: int


def _request() -> bytes:
    header = struct.pack(">hhih", METADATA_API_KEY, METADATA_VERSION, 1, len(CLIENT_ID))
    body = struct.pack(">ib", 0, 0)  # no topics, no auto-creation
    payload = header + CLIENT_ID + body
    return struct.pack(">i", len(payload)) + payload


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise ConnectionError("broker closed the connection")
        data += chunk
    return data


def _parse(frame: bytes) -> ClusterView:
    _correlation, _throttle, count = struct.unpack_from(">iii", frame, 0)
    offset, ids = 12, []
    for _ in range(count):
        (node_id,) = struct.unpack_from(">i", frame, offset)
        (host_len,) = struct.unpack_from(">h", frame, offset + 4)
        offset += 6 + host_len + 4
        (rack_len,) = struct.unpack_from(">h", frame, offset)
        offset += 2 + max(rack_len, 0)
        ids.append(node_id)
    (cluster_len,) = struct.unpack_from(">h", frame, offset)
    offset += 2 + max(cluster_len, 0)
    (controller_id,) = struct.unpack_from(">i", frame, offset)
    return ClusterView(tuple(sorted(ids)), controller_id)


def describe(port: int, timeout_s: float = 2.0) -> ClusterView | None:
    """None while the broker is not serving yet: refused, closed, or an unparseable answer."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout_s) as sock:
            sock.sendall(_request())
            (size,) = struct.unpack(">i", _recv_exact(sock, 4))
            return _parse(_recv_exact(sock, size))
    except (OSError, struct.error):
        return None


def serving(port: int, brokers: int) -> bool:
    view = describe(port)
    return view is not None and len(view.broker_ids) >= brokers and view.controller_id >= 0
