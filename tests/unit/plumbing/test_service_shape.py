"""Every service keeps one skeleton, imports no other service, and keeps its domain pure.

The skeleton (app, config, api, handlers, repository, `__main__`) lets a reader find a concept
in any service by the same name; domain packages free of I/O are what unit tests and
benchmarks exercise without Kafka or PostgreSQL. Both erode silently, so they are checked from
the source tree itself.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICES_DIR = Path(__file__).resolve().parents[3] / "services"
SERVICES = ("registry", "scoring", "matching", "audit")
SKELETON = ("app", "config", "api", "handlers", "repository", "__main__")
IO_MODULES = ("asyncpg", "aiokafka", "fastapi", "starlette", "httpx", "servicekit.db")
DOMAIN_PACKAGES = {
    "scoring": ("families", "estimate", "plausibility", "taxonomy", "score"),
    "matching": ("matching", "lending", "allocation", "subsidies", "ranking"),
    "audit": ("ledger", "reports", "read_model"),
}
# Operations over stored state that live beside the pure modules they drive.
DOMAIN_OPERATIONS = {
    "audit/ledger/verify_stored.py": "walks the stored chain through the repository",
    "audit/ledger/fetch_export.py": "downloads a ledger export to verify offline",
    "audit/read_model/replay.py": "rebuilds the read model from the stored ledger",
}


def _imports(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def _sources(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_same_skeleton(service: str) -> None:
    root = SERVICES_DIR / service
    missing = [
        part
        for part in SKELETON
        if not (root / f"{part}.py").is_file() and not (root / part / "__init__.py").is_file()
    ]
    assert missing == [], f"{service} lacks {missing}"


@pytest.mark.parametrize("service", (*SERVICES, "console"))
def test_no_service_imports_another(service: str) -> None:
    others = {s for s in (*SERVICES, "console") if s != service}
    crossings = [
        f"{path.relative_to(SERVICES_DIR)}: {name}"
        for path in _sources(SERVICES_DIR / service)
        for name in _imports(path)
        if name.split(".")[0] in others
    ]
    assert crossings == []


@pytest.mark.parametrize(
    "package",
    [f"{service}/{package}" for service, pkgs in DOMAIN_PACKAGES.items() for package in pkgs],
)
def test_domain_packages_do_no_io(package: str) -> None:
    service = package.split("/")[0]
    impure = [
        f"{path.relative_to(SERVICES_DIR)}: {name}"
        for path in _sources(SERVICES_DIR / package)
        if str(path.relative_to(SERVICES_DIR)) not in DOMAIN_OPERATIONS
        for name in _imports(path)
        if name.startswith(IO_MODULES) or name.startswith(f"{service}.repository")
    ]
    assert impure == []


def test_the_import_reader_sees_io_and_crossings(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("import asyncpg\nfrom matching.repository import deals\n")
    assert set(_imports(module)) == {"asyncpg", "matching.repository", "matching.repository.deals"}
