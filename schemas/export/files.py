"""Render every generated contract file, then write the stale ones or only name them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from schemas.catalog import EVENT_MODELS
from schemas.envelope import Envelope, EventData
from schemas.export.asyncapi import SCHEMA_MODE, asyncapi_document
from schemas.export.catalogue import catalogue_markdown

ROOT = Path(__file__).resolve().parents[2]
JSONSCHEMA_DIR = Path("schemas/jsonschema")
ASYNCAPI_PATH = Path("schemas/asyncapi.yaml")
CATALOGUE_PATH = Path("docs/events.md")
REGENERATE = "python -m schemas.export  (or: make contracts)"


class _PlainDumper(yaml.SafeDumper):
    """Safe YAML without anchors, so a reader never has to chase `*id001`."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


SCHEMA_ID_PREFIX = "urn:greenlink:schema:"


def schema_id(name: str) -> str:
    """The `$id` of a contract file: a location-free URN, stable wherever the file is served."""
    return f"{SCHEMA_ID_PREFIX}{name}"


def json_schema(model: type[EventData] | type[Envelope], name: str) -> dict[str, Any]:
    """A self-contained JSON Schema (2020-12) for one model, as its producers serialize it."""
    schema = model.model_json_schema(mode=SCHEMA_MODE)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(name),
        **schema,
    }


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def rendered() -> dict[Path, str]:
    """Every generated file by its path relative to the repository root."""
    files = {JSONSCHEMA_DIR / "envelope.json": _json(json_schema(Envelope, "envelope"))}
    for event_type in sorted(EVENT_MODELS):
        files[JSONSCHEMA_DIR / f"{event_type}.json"] = _json(
            json_schema(EVENT_MODELS[event_type], event_type)
        )
    files[ASYNCAPI_PATH] = yaml.dump(
        asyncapi_document(), Dumper=_PlainDumper, sort_keys=False, width=100
    )
    files[CATALOGUE_PATH] = catalogue_markdown()
    return files


def _stale(root: Path, files: dict[Path, str]) -> list[Path]:
    changed = [
        path
        for path, text in files.items()
        if not (root / path).is_file() or (root / path).read_text(encoding="utf-8") != text
    ]
    leftover = [
        found.relative_to(root)
        for found in (root / JSONSCHEMA_DIR).glob("*.json")
        if found.relative_to(root) not in files
    ]
    return sorted(changed + leftover)


def export(root: Path = ROOT, *, check: bool = False) -> list[Path]:
    """Bring the generated files up to date (or, with `check`, only list the stale ones).

    A schema file whose event type left the catalogue counts as stale and is removed.
    """
    files = rendered()
    stale = _stale(root, files)
    if check:
        return stale
    for path in stale:
        target = root / path
        if path not in files:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path], encoding="utf-8")
    return stale
