"""The AsyncAPI document is valid AsyncAPI 3.1, judged by the specification's own JSON Schema
from the `@asyncapi/specs` package that the AsyncAPI tools validate with."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import validators

from schemas.export.files import ASYNCAPI_PATH, ROOT

pytestmark = pytest.mark.integration

SPECS_PACKAGE = "@asyncapi/specs@6.11.1"
SPEC_SCHEMA = "package/schemas/3.1.0-without-$id.json"


@pytest.fixture(scope="module")
def asyncapi_3_1(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the AsyncAPI specification schema comes from npm")
    where: Path = tmp_path_factory.mktemp("asyncapi-specs")
    subprocess.run(
        [npm, "pack", SPECS_PACKAGE, "--pack-destination", str(where), "--silent"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [tarball] = where.glob("*.tgz")
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(SPEC_SCHEMA)
        assert member is not None
        schema: dict[str, Any] = json.load(member)
    return schema


def test_the_asyncapi_document_is_valid_asyncapi_3_1(asyncapi_3_1: dict[str, Any]) -> None:
    document = yaml.safe_load((ROOT / ASYNCAPI_PATH).read_text(encoding="utf-8"))
    assert document["asyncapi"] == "3.1.0"
    validator = validators.validator_for(asyncapi_3_1)(asyncapi_3_1)
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(document)
    ]
    assert problems == []


def test_every_server_requires_scram_authentication() -> None:
    document = yaml.safe_load((ROOT / ASYNCAPI_PATH).read_text(encoding="utf-8"))
    schemes = document["components"]["securitySchemes"]
    assert document["servers"]
    for server in document["servers"].values():
        [requirement] = server["security"]
        name = requirement["$ref"].rsplit("/", 1)[1]
        assert schemes[name]["type"] == "scramSha512"
