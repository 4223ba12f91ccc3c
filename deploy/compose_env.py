"""Writes `.env` beside docker-compose.yml with Kafka passwords of this install (once).

docker compose reads `.env` on its own; compose refuses to start while a password is missing,
so no install runs on a password someone else also has. Existing values are kept.
"""

from __future__ import annotations

import secrets
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parents[1] / ".env"
NAMES = (
    "KAFKA_ADMIN_PASSWORD",
    "KAFKA_CONTROLLER_PASSWORD",
    "REGISTRY_KAFKA_PASSWORD",
    "SCORING_KAFKA_PASSWORD",
    "MATCHING_KAFKA_PASSWORD",
    "AUDIT_KAFKA_PASSWORD",
)


def current() -> dict[str, str]:
    if not ENV_FILE.exists():
        return {}
    pairs = (line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def main() -> None:
    values = current()
    for name in NAMES:
        values.setdefault(name, secrets.token_urlsafe(32))
    ENV_FILE.touch(mode=0o600)
    ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    print(f"wrote {ENV_FILE}")


if __name__ == "__main__":
    main()
