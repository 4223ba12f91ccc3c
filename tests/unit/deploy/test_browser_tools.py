"""The browser tests' tools come from the distribution and npm, never from a browser download."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy.local import browser
from deploy.local.state import InfraError

pytestmark = pytest.mark.unit


def test_the_chromium_named_in_the_environment_is_the_one_launched(tmp_path, monkeypatch):
    binary = tmp_path / "chromium"
    binary.write_text("")
    monkeypatch.setenv("GREENLINK_CHROMIUM", str(binary))
    assert browser.chromium_path() == binary


def test_a_missing_chromium_points_at_the_system_deps_script(tmp_path, monkeypatch):
    monkeypatch.delenv("GREENLINK_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(InfraError, match=r"system-deps\.sh"):
        browser.chromium_path()


def test_a_cached_axe_core_is_used_without_npm(tmp_path, monkeypatch):
    cached = tmp_path / f"axe-core-{browser.AXE_CORE_VERSION}" / "axe.min.js"
    cached.parent.mkdir()
    cached.write_text("window.axe = {};")
    monkeypatch.setenv("GREENLINK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert browser.axe_script() == cached


def test_without_a_cached_copy_or_npm_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENLINK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    with pytest.raises(InfraError, match="npm not found"):
        browser.axe_script()
    assert not list(Path(tmp_path).rglob("axe.min.js"))
